/**
 * Starts mqt serve's bridges on a running broker (ServerHooks.attach): the TLS files of each are
 * read first, so a bad one stops the start with its own error, as the listeners' do.
 */
import type { BridgeSettings } from '../broker/config/bridge-types.js';
import { Bridge } from './bridge.js';
import type { BridgeHost } from './local-side.js';
import { bridgeTls } from './bridge-tls.js';

export interface RunningBridges {
  readonly bridges: readonly Bridge[];
  close(): Promise<void>;
}

export function startBridges(settings: readonly BridgeSettings[], host: BridgeHost): RunningBridges {
  const bridges = settings.map((s) => new Bridge(s, host, s.tls === undefined ? undefined : bridgeTls(s.tls)));
  for (const bridge of bridges) bridge.start();
  return {
    bridges,
    close: async () => {
      await Promise.all(bridges.map((b) => b.close()));
    },
  };
}
