import type { Directive } from './directive.js';
import { globalSetting, range } from './rows.js';
import { bool, DirectiveError, INT_MAX, text, word } from './values.js';

/** mosquitto's duration units (conf.c): hours, days, weeks, months of 30 days, years of 365. */
const DURATION_UNITS: Readonly<Record<string, number>> = { h: 3600, d: 86_400, w: 604_800, m: 2_592_000, y: 31_536_000 };

function duration(name: string, args: string): number {
  const value = word(name, args);
  const match = /^(\d+)([hdwmy])$/.exec(value);
  if (match === null) throw new DirectiveError(`Invalid ${name} duration (${value}): use a number and h, d, w, m or y, e.g. 2d.`);
  return Number(match[1]) * DURATION_UNITS[match[2]!]!;
}

const seconds = range(0, INT_MAX);

/** persistence and its settings (mosquitto.conf(5)); serve-config.ts turns them into the journal's folder. */
export const PERSISTENCE_DIRECTIVES: readonly Directive[] = [
  globalSetting('persistence', 'true | false', 'persistence', bool),
  globalSetting('retained_persistence', 'true | false', 'persistence', bool),
  globalSetting('persistence_location', 'DIR', 'persistenceLocation', text),
  globalSetting('persistence_file', 'NAME', 'persistenceFile', text),
  globalSetting('autosave_interval', 'SECONDS', 'autosaveInterval', seconds),
  globalSetting('autosave_on_changes', 'true | false', 'autosaveOnChanges', bool),
  {
    name: 'persistent_client_expiration',
    scope: 'global',
    value: 'DURATION',
    apply: (ctx, args) => {
      ctx.conf.limits.persistentClientExpiration = duration('persistent_client_expiration', args);
    },
  },
];
