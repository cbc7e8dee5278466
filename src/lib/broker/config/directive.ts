import type { ConfigNote, Origin } from './basics.js';
import type { ConfState, ListenerSection, SecuritySection } from './state.js';

/** What a directive's apply() may change: the state, the current listener and security sections. */
export interface DirectiveContext {
  readonly conf: ConfState;
  /** The last `listener` of this file, or the default listener before any. */
  readonly listener: ListenerSection;
  /** The current listener's security settings with per_listener_settings, the global ones without. */
  readonly security: SecuritySection;
  readonly origin: Origin;
  startListener(section: ListenerSection): void;
  includeDir(dir: string): void;
  note(note: ConfigNote): void;
}

/**
 * One mosquitto.conf directive. `global` directives set the broker; `listener` ones the current
 * listener; `security` ones follow per_listener_settings (global unless it is true).
 */
export interface Directive {
  readonly name: string;
  readonly scope: 'global' | 'listener' | 'security';
  /** The value as the man page shows it. */
  readonly value: string;
  apply(ctx: DirectiveContext, args: string): void;
}
