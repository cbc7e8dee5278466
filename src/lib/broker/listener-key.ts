import type { ListenerConfig } from './config/types.js';

/** What ListenerInfo.address says of a listener: its socket path, its bind address, or '' for every address. */
export function listenerAddress(config: ListenerConfig): string {
  return config.unixPath ?? config.bindAddress ?? '';
}

/**
 * Names a listener across a restart by port and address, as the config gives them: a persistent
 * session journals the key of the listener it came through, so its access checks while its client
 * is away are still that listener's.
 */
export function listenerKey(config: ListenerConfig): string {
  return `${config.port} ${listenerAddress(config)}`;
}
