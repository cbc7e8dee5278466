import type { CommandCompletion, FlagCompletion } from './completion-model.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** Words accepted where the command goes, besides the commands themselves. */
const TOP_LEVEL = ['help', '--help', '-h', '--version'];

export function completionScript(shell: Shell, commands: readonly CommandCompletion[]): string {
  switch (shell) {
    case 'bash':
      return bashScript(commands);
    case 'zsh':
      return zshScript(commands);
    case 'fish':
      return fishScript(commands);
  }
}

/** Single-quoted for a POSIX shell (bash, zsh, fish alike for text without a quote or backslash). */
function quoted(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

function flagsWith(command: CommandCompletion, kind: string): string[] {
  return command.flags.filter((f) => f.value?.kind === kind).flatMap((f) => f.flags);
}

function bashScript(commands: readonly CommandCompletion[]): string {
  const names = commands.map((c) => c.name);
  const arms = commands.map((command) => {
    const args = command.arguments === undefined ? '' : command.arguments === 'files' ? 'files' : command.arguments.join(' ');
    return [
      `    ${command.name})`,
      `      flags=${quoted(command.flags.flatMap((f) => f.flags).join(' '))}`,
      `      files=${quoted(` ${flagsWith(command, 'file').join(' ')} `)}`,
      `      dirs=${quoted(` ${flagsWith(command, 'dir').join(' ')} `)}`,
      `      takes=${quoted(` ${command.flags.filter((f) => f.value !== undefined).flatMap((f) => f.flags).join(' ')} `)}`,
      `      args=${quoted(args)}`,
      '      ;;',
    ].join('\n');
  });
  const valueArms = commands.flatMap((command) =>
    command.flags.flatMap((f) => (f.value?.kind === 'words' ? [`    ${f.flags.map((flag) => `${command.name}:${flag}`).join('|')}) words=${quoted(f.value.words.join(' '))} ;;`] : [])),
  );
  return `# bash completion for mqt (made by: mqt completion bash)
# Install: mqt completion bash > ~/.local/share/bash-completion/completions/mqt
# or add to ~/.bashrc: source <(mqt completion bash)
_mqt() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
  local cmd=\${COMP_WORDS[1]} flags='' files='' dirs='' takes='' args='' words=''
  COMPREPLY=()
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W ${quoted([...names, ...TOP_LEVEL].join(' '))} -- "$cur"))
    return 0
  fi
  case $cmd in
    help) [ "$COMP_CWORD" -eq 2 ] && COMPREPLY=($(compgen -W ${quoted(names.join(' '))} -- "$cur")); return 0 ;;
${arms.join('\n')}
    *) return 0 ;;
  esac
  case $cmd:$prev in
${valueArms.join('\n')}
  esac
  if [ -n "$words" ]; then
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  elif [[ $files == *" $prev "* ]]; then
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -- "$cur"))
  elif [[ $dirs == *" $prev "* ]]; then
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -d -- "$cur"))
  elif [[ $takes == *" $prev "* ]]; then
    return 0
  elif [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
  elif [ "$args" = files ]; then
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -- "$cur"))
  elif [ -n "$args" ]; then
    COMPREPLY=($(compgen -W "$args" -- "$cur"))
  fi
  return 0
}
complete -F _mqt mqt
`;
}

/** zsh's _arguments text inside [...] and after ':' must not hold these unescaped. */
function zshText(text: string): string {
  return text.replace(/([[\]:\\])/g, '\\$1').replaceAll("'", `'\\''`);
}

function zshAction(flag: FlagCompletion): string {
  const value = flag.value;
  if (value === undefined) return '';
  const name = zshText(flag.flags.at(-1)!.replace(/^-+/, ''));
  switch (value.kind) {
    case 'file':
      return `:${name}:_files`;
    case 'dir':
      return `:${name}:_files -/`;
    case 'words':
      return `:${name}:(${value.words.join(' ')})`;
    case 'any':
      return `:${name}: `;
  }
}

function zshScript(commands: readonly CommandCompletion[]): string {
  const described = commands.map((c) => `    ${quoted(`${c.name}:${c.summary.replaceAll(':', '\\:')}`)}`);
  const arms = commands.map((command) => {
    const specs = command.flags.map((f) => {
      const spellings = f.flags.length === 1 ? f.flags[0]! : `{${f.flags.join(',')}}`;
      return `        '*'${spellings}'[${zshText(f.describe)}]${zshAction(f)}'`;
    });
    const args =
      command.arguments === undefined ? [] : command.arguments === 'files' ? [`        '*:file:_files'`] : [`        '1:argument:(${command.arguments.join(' ')})'`];
    return [`    ${command.name})`, `      _arguments -s \\`, [...specs, ...args].join(' \\\n'), '      ;;'].join('\n');
  });
  return `#compdef mqt
# zsh completion for mqt (made by: mqt completion zsh)
# Install: mqt completion zsh > "\${fpath[1]}/_mqt", then start a new shell
# (or add to ~/.zshrc, after compinit: source <(mqt completion zsh))
_mqt() {
  local -a commands
  commands=(
${described.join('\n')}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    compadd -- help --help -h --version
    return
  fi
  local cmd=$words[2]
  shift words
  (( CURRENT-- ))
  case $cmd in
    help)
      _describe 'command' commands
      ;;
${arms.join('\n')}
  esac
}
if [ "$funcstack[1]" = "_mqt" ]; then
  _mqt "$@"
else
  compdef _mqt mqt
fi
`;
}

function fishScript(commands: readonly CommandCompletion[]): string {
  const names = commands.map((c) => c.name).join(' ');
  const lines = [
    '# fish completion for mqt (made by: mqt completion fish)',
    '# Install: mqt completion fish > ~/.config/fish/completions/mqt.fish',
    'complete -c mqt -f',
    `complete -c mqt -n __fish_use_subcommand -a help -d 'show the help of a command'`,
    `complete -c mqt -n '__fish_seen_subcommand_from help' -a ${quoted(names)}`,
    ...commands.map((c) => `complete -c mqt -n __fish_use_subcommand -a ${c.name} -d ${quoted(c.summary)}`),
  ];
  for (const command of commands) {
    const when = `-n '__fish_seen_subcommand_from ${command.name}'`;
    for (const flag of command.flags) {
      const spellings = flag.flags
        .map((f) => (f.startsWith('--') ? `-l ${f.slice(2)}` : f.length === 2 ? `-s ${f.slice(1)}` : `-o ${f.slice(1)}`))
        .join(' ');
      lines.push(`complete -c mqt ${when} ${spellings}${fishValue(flag)} -d ${quoted(flag.describe)}`);
    }
    if (command.arguments === 'files') lines.push(`complete -c mqt ${when} -F`);
    else if (command.arguments !== undefined) lines.push(`complete -c mqt ${when} -a ${quoted(command.arguments.join(' '))}`);
  }
  return `${lines.join('\n')}\n`;
}

function fishValue(flag: FlagCompletion): string {
  const value = flag.value;
  if (value === undefined) return '';
  switch (value.kind) {
    case 'file':
      return ' -r -F';
    case 'dir':
      return ` -x -a '(__fish_complete_directories)'`;
    case 'words':
      return ` -x -a ${quoted(value.words.join(' '))}`;
    case 'any':
      return ' -x';
  }
}
