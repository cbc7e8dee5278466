import type { OptionGroup } from './spec.js';

/** The output flags gen-ca and gen-psk share; only what --arduino prints differs. */
export function genOutputOptions(arduino: string, extra: OptionGroup['options'] = []): OptionGroup {
  return {
    title: 'Output and help',
    options: [
      { key: 'arduino', flags: ['--arduino'], arity: 0, describe: arduino },
      { key: 'json', flags: ['--json'], arity: 0, describe: 'print one JSON object instead of text, for scripts' },
      ...extra,
      { key: 'help', flags: ['--help'], arity: 0, describe: 'show this help' },
      { key: 'version', flags: ['--version'], arity: 0, describe: 'print the mqt version' },
    ],
  };
}
