import { commonOptions } from './common.js';
import type { OptionGroup } from './spec.js';

/** mqt completion takes the shell as its argument, and only --help and --version as flags. */
export const completionOptionGroups: readonly OptionGroup[] = [
  {
    ...commonOptions,
    options: commonOptions.options
      .filter((o) => o.key === 'help' || o.key === 'version')
      .map((o) => (o.key === 'help' ? { ...o, describe: 'show this help' } : o)),
  },
];
