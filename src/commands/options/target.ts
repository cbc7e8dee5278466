import type { TransportTarget } from '../../lib/transport/types.js';
import { isSecureScheme, type BrokerUrl } from '../../lib/transport/url.js';
import { UsageError } from '../ui/usage-error.js';
import { hasFlag, lastValue, type ParsedArgs } from './argv.js';
import { parseInteger } from './numbers.js';
import { TLS_DEFAULT_PORT, resolveTls, wantsTls } from './tls.js';
import { DEFAULT_WS_PATH, proxyFlag, wsHeaders, wsPathFlag } from './transport.js';

/**
 * Where to connect, from -L, -h, -p, --unix, --ws…, --proxy and the TLS flags; flags beside -L
 * override its parts.
 */
export function resolveTarget(args: ParsedArgs, url: BrokerUrl | undefined): TransportTarget {
  const websocket = wantsWebSocket(args, url);
  const secureUrl = url !== undefined && isSecureScheme(url.scheme);
  const proxy = proxyFlag(args);
  const unix = lastValue(args, 'unix');
  if (unix !== undefined) {
    if (websocket || proxy !== undefined) throw new UsageError(`--unix cannot be combined with ${websocket ? 'WebSocket' : '--proxy'}.`);
    return { kind: 'unix', path: unix };
  }
  const portText = lastValue(args, 'port');
  const port =
    portText === undefined
      ? (url?.port ?? defaultPort(websocket, secureUrl || wantsTls(args)))
      : parseInteger(portText, 1, 65535, (t) =>
          t.trim() === '0' ? 'Invalid port given: 0 (use --unix PATH for a unix socket)' : `Invalid port given: ${t}`,
        );
  const bindAddress = lastValue(args, 'bindAddress');
  // mosquitto's rule: port 8883 means TLS even without a TLS flag.
  const tls = resolveTls(args, secureUrl || (!websocket && port === TLS_DEFAULT_PORT));
  const endpoint = {
    host: lastValue(args, 'host') ?? url?.host ?? 'localhost',
    port,
    ...(bindAddress === undefined ? {} : { bindAddress }),
    noDelay: hasFlag(args, 'nodelay'),
    ...(tls === undefined ? {} : { tls }),
    ...(proxy === undefined ? {} : { proxy }),
  };
  if (!websocket) return { kind: 'tcp', ...endpoint };
  const headers = wsHeaders(args);
  return {
    kind: 'websocket',
    ...endpoint,
    path: wsPathFlag(args) ?? url?.wsPath ?? DEFAULT_WS_PATH,
    ...(headers === undefined ? {} : { headers }),
  };
}

function defaultPort(websocket: boolean, tls: boolean): number {
  if (websocket) return tls ? 443 : 80;
  return tls ? TLS_DEFAULT_PORT : 1883;
}

/** A ws:// or wss:// URL, or --ws; the WebSocket-only flags without either are a mistake. */
function wantsWebSocket(args: ParsedArgs, url: BrokerUrl | undefined): boolean {
  const urlWebSocket = url?.scheme === 'ws' || url?.scheme === 'wss';
  if (hasFlag(args, 'ws') && url !== undefined && !urlWebSocket) {
    throw new UsageError(`--ws cannot be used with an ${url.scheme}:// URL: write it as ${url.scheme === 'mqtts' ? 'wss' : 'ws'}://… instead.`);
  }
  const websocket = urlWebSocket || hasFlag(args, 'ws');
  if (!websocket) {
    const flag = hasFlag(args, 'wsPath') ? '--ws-path' : hasFlag(args, 'wsHeader') ? '--ws-header' : undefined;
    if (flag !== undefined) throw new UsageError(`${flag} is for WebSocket connections: add --ws, or use -L ws://host:port/path.`);
  }
  return websocket;
}
