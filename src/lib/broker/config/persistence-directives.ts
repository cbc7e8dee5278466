import type { Directive } from './directives.js';
import type { ConfState } from './state.js';
import { bool, DirectiveError, int, text, word } from './values.js';

const INT_MAX = 2_147_483_647;

/** mosquitto's duration units (conf.c): hours, days, weeks, months of 30 days, years of 365. */
const DURATION_UNITS: Readonly<Record<string, number>> = { h: 3600, d: 86_400, w: 604_800, m: 2_592_000, y: 31_536_000 };

function duration(name: string, args: string): number {
  const value = word(name, args);
  const match = /^(\d+)([hdwmy])$/.exec(value);
  if (match === null) throw new DirectiveError(`Invalid ${name} duration (${value}): use a number and h, d, w, m or y, e.g. 2d.`);
  return Number(match[1]) * DURATION_UNITS[match[2]!]!;
}

type PersistenceKey = 'persistence' | 'persistenceLocation' | 'persistenceFile' | 'autosaveInterval' | 'autosaveOnChanges';

/** A global directive that sets one field of the state from its value. */
function setting<K extends PersistenceKey>(name: string, value: string, key: K, read: (name: string, args: string) => ConfState[K]): Directive {
  return {
    name,
    scope: 'global',
    value,
    apply: (ctx, args) => {
      ctx.conf[key] = read(name, args);
    },
  };
}

const seconds = (name: string, args: string): number => int(name, args, 0, INT_MAX);

/** persistence and its settings (mosquitto.conf(5)); serve-config.ts turns them into the journal's folder. */
export const PERSISTENCE_DIRECTIVES: readonly Directive[] = [
  setting('persistence', 'true | false', 'persistence', bool),
  setting('retained_persistence', 'true | false', 'persistence', bool),
  setting('persistence_location', 'DIR', 'persistenceLocation', text),
  setting('persistence_file', 'NAME', 'persistenceFile', text),
  setting('autosave_interval', 'SECONDS', 'autosaveInterval', seconds),
  setting('autosave_on_changes', 'true | false', 'autosaveOnChanges', bool),
  {
    name: 'persistent_client_expiration',
    scope: 'global',
    value: 'DURATION',
    apply: (ctx, args) => {
      ctx.conf.limits.persistentClientExpiration = duration('persistent_client_expiration', args);
    },
  },
];
