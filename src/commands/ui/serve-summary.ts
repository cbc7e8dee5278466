import { endpointName } from '../../lib/broker/network/listen-errors.js';
import type { Endpoint } from '../../lib/broker/network/listeners.js';

function describe(endpoint: Endpoint): string {
  if (endpoint.listener.unixPath !== undefined) return `unix socket ${endpoint.address}`;
  const where = endpointName(endpoint.address, endpoint.port);
  if (endpoint.listener.console !== undefined) return `${where} (web console)`;
  const kinds = [...(endpoint.listener.protocol === 'websockets' ? ['WebSocket'] : []), ...(endpoint.listener.tls === undefined ? [] : ['TLS'])];
  return kinds.length === 0 ? where : `${where} (${kinds.join(', ')})`;
}

/**
 * The one line `mqt serve` prints instead of mosquitto's start-up log: where it listens, who can
 * connect, and how to open it up when only this machine can.
 */
export function listeningSummary(endpoints: readonly Endpoint[], localOnly: boolean): string {
  const where = endpoints.map(describe).join(', ');
  const anonymous = endpoints.some((e) => e.listener.settings.allowAnonymous);
  if (localOnly) {
    return `mqt serve: listening on ${where}: this machine only, anonymous. For other machines: mqt serve --bind 0.0.0.0 (or -c FILE with a listener line).`;
  }
  return `mqt serve: listening on ${where}${anonymous ? ', anonymous (clients need no username)' : ''}.`;
}

/** The web console's addresses, to open in a browser (the wildcard address names this machine's loopback). */
export function consoleUrls(endpoints: readonly Endpoint[]): string[] {
  return endpoints
    .filter((e) => e.listener.console !== undefined)
    .map((e) => {
      const host = e.address === '0.0.0.0' ? '127.0.0.1' : e.address === '::' ? '[::1]' : e.address.includes(':') ? `[${e.address}]` : e.address;
      return `${e.listener.tls === undefined ? 'http' : 'https'}://${host}:${e.port}/`;
    });
}
