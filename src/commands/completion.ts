import { indexFlags } from './options/argv.js';
import { completionOptionGroups } from './options/completion.js';
import { settingsFromArgv } from './ui/command-args.js';
import { completionModel } from './ui/completion-model.js';
import { SHELLS, completionScript, type Shell } from './ui/completion-scripts.js';
import { ExitCode } from './ui/exit-codes.js';
import { UsageError } from './ui/usage-error.js';
import type { ParsedArgs } from './options/argv.js';

const byFlag = indexFlags(completionOptionGroups);

/** `mqt completion bash|zsh|fish`: the script that completes mqt's commands, flags and values in that shell. */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = await settingsFromArgv('completion', argv, byFlag, resolveShell, { positionals: true });
  if ('exitCode' in parsed) return parsed.exitCode;
  process.stdout.write(completionScript(parsed.settings, await completionModel()));
  return ExitCode.Ok;
}

function resolveShell(args: ParsedArgs): Shell {
  const [shell, ...extra] = args.positionals;
  if (shell === undefined) throw new UsageError(`Name the shell: mqt completion ${SHELLS.join('|')}.`);
  if (extra.length > 0) throw new UsageError(`One shell only: mqt completion ${SHELLS.join('|')}.`);
  const known = SHELLS.find((s) => s === shell);
  if (known === undefined) throw new UsageError(`Unknown shell '${shell}': mqt completion makes scripts for ${SHELLS.join(', ')}.`);
  return known;
}
