import type { Directive } from './directives.js';
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

/** persistence and its settings (mosquitto.conf(5)); serve-config.ts turns them into the journal's folder. */
export const PERSISTENCE_DIRECTIVES: readonly Directive[] = [
  {
    name: 'persistence',
    scope: 'global',
    value: 'true | false',
    apply: (ctx, args) => {
      ctx.conf.persistence = bool('persistence', args);
    },
  },
  {
    name: 'retained_persistence',
    scope: 'global',
    value: 'true | false',
    apply: (ctx, args) => {
      ctx.conf.persistence = bool('retained_persistence', args);
    },
  },
  {
    name: 'persistence_location',
    scope: 'global',
    value: 'DIR',
    apply: (ctx, args) => {
      ctx.conf.persistenceLocation = text('persistence_location', args);
    },
  },
  {
    name: 'persistence_file',
    scope: 'global',
    value: 'NAME',
    apply: (ctx, args) => {
      ctx.conf.persistenceFile = text('persistence_file', args);
    },
  },
  {
    name: 'autosave_interval',
    scope: 'global',
    value: 'SECONDS',
    apply: (ctx, args) => {
      ctx.conf.autosaveInterval = int('autosave_interval', args, 0, INT_MAX);
    },
  },
  {
    name: 'persistent_client_expiration',
    scope: 'global',
    value: 'DURATION',
    apply: (ctx, args) => {
      ctx.conf.limits.persistentClientExpiration = duration('persistent_client_expiration', args);
    },
  },
  {
    name: 'autosave_on_changes',
    scope: 'global',
    value: 'true | false',
    apply: (ctx, args) => {
      ctx.conf.autosaveOnChanges = bool('autosave_on_changes', args);
    },
  },
];
