import type { Directive } from './directives.js';
import { bool, int, text } from './values.js';

const INT_MAX = 2_147_483_647;

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
    name: 'autosave_on_changes',
    scope: 'global',
    value: 'true | false',
    apply: (ctx, args) => {
      ctx.conf.autosaveOnChanges = bool('autosave_on_changes', args);
    },
  },
];
