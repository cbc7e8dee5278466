import type { Directive } from './directive.js';
import type { ConfState, ListenerSection, SecuritySection } from './state.js';
import { DirectiveError, int, oneOf } from './values.js';

/** Reads a directive's value, with mosquitto's error wording for `name`. */
export type Read<T> = (name: string, args: string) => T;

/** A whole number from min to max. */
export const range =
  (min: number, max: number): Read<number> =>
  (name, args) =>
    int(name, args, min, max);

/** One of the words. */
export const choice =
  <const T extends string>(choices: readonly T[]): Read<T> =>
  (name, args) =>
    oneOf(name, args, choices);

/** mosquitto reads some values once per section ("Duplicate cafile value in configuration."). */
export function once<T>(name: string, current: T | undefined, value: T): T {
  if (current !== undefined) throw new DirectiveError(`Duplicate ${name} value in configuration.`);
  return value;
}

/** A global directive setting one field of the state. */
export function globalSetting<K extends keyof ConfState>(name: string, value: string, key: K, read: Read<ConfState[K]>): Directive {
  return {
    name,
    scope: 'global',
    value,
    apply: (ctx, args) => {
      ctx.conf[key] = read(name, args);
    },
  };
}

/** A directive setting one field of the listener being read. */
export function listenerSetting<K extends keyof ListenerSection>(name: string, value: string, key: K, read: Read<ListenerSection[K]>): Directive {
  return {
    name,
    scope: 'listener',
    value,
    apply: (ctx, args) => {
      ctx.listener[key] = read(name, args);
    },
  };
}

/** A security directive (global, or per listener with per_listener_settings) setting one field. */
export function securitySetting<K extends keyof SecuritySection>(name: string, value: string, key: K, read: Read<SecuritySection[K]>): Directive {
  return {
    name,
    scope: 'security',
    value,
    apply: (ctx, args) => {
      ctx.security[key] = read(name, args);
    },
  };
}
