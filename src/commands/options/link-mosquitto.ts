import { UsageError } from '../ui/usage-error.js';
import { hasFlag, type ParsedArgs } from './argv.js';
import type { OptionGroup } from './spec.js';

export const linkMosquittoOptions: OptionGroup = {
  title: 'Links',
  options: [
    { key: 'force', flags: ['--force'], arity: 0, describe: 'replace files or links of those names already in DIR (a folder is never replaced)' },
    { key: 'help', flags: ['--help'], arity: 0, endsReading: true, describe: 'show this help' },
    { key: 'version', flags: ['--version'], arity: 0, endsReading: true, describe: 'print the mqt version' },
  ],
};

/** mqt link-mosquitto's flags, in the order --help lists them. */
export const linkMosquittoOptionGroups: readonly OptionGroup[] = [linkMosquittoOptions];

export interface LinkMosquittoSettings {
  readonly dir: string;
  readonly force: boolean;
}

export function resolveLinkMosquitto(args: ParsedArgs): LinkMosquittoSettings {
  const [dir, ...extra] = args.positionals;
  if (dir === undefined || dir === '') throw new UsageError('Give the folder to put the links in, e.g. mqt link-mosquitto ~/.local/bin');
  if (extra.length > 0) throw new UsageError(`Too many arguments: '${extra.join("' '")}' (one folder only).`);
  return { dir, force: hasFlag(args, 'force') };
}
