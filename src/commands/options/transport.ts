import { MqttError } from '../../lib/errors.js';
import { parseProxyUrl } from '../../lib/transport/proxy-url.js';
import type { ProxySettings } from '../../lib/transport/types.js';
import { UsageError } from '../ui/usage-error.js';
import { allValues, lastValue, type ParsedArgs } from './argv.js';
import type { OptionGroup } from './spec.js';

export const transportOptions: OptionGroup = {
  title: 'WebSocket and proxy',
  options: [
    { key: 'ws', flags: ['--ws'], arity: 0, describe: 'MQTT over WebSocket to -h/-p (default port 80, 443 with TLS); -L ws://… does the same' },
    {
      key: 'wsPath',
      flags: ['--ws-path'],
      arity: 1,
      noun: 'path',
      valueName: 'PATH',
      describe: 'HTTP path of the WebSocket upgrade (default /mqtt, or the path of a ws:// URL)',
    },
    {
      key: 'wsHeader',
      flags: ['--ws-header'],
      arity: 1,
      noun: 'header',
      valueName: '"NAME: VALUE"',
      repeat: true,
      describe: 'extra HTTP header for the WebSocket upgrade, e.g. "Authorization: Bearer …" (repeatable)',
    },
    {
      key: 'proxy',
      flags: ['--proxy'],
      arity: 1,
      noun: 'proxy url',
      valueName: 'URL',
      check: ([text = '']) => void parseProxy(text),
      describe: 'connect through a SOCKS5 proxy: socks5h://[user[:pass]@]host[:port] (the proxy resolves the broker name) or socks5://… (resolved here)',
    },
  ],
};

export const DEFAULT_WS_PATH = '/mqtt';

/** Handshake headers ws sets itself; a second copy from the user would break the upgrade. */
const RESERVED_HEADERS = new Set(['connection', 'upgrade', 'sec-websocket-key', 'sec-websocket-version', 'sec-websocket-protocol', 'sec-websocket-extensions']);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** --ws-path, checked: an absolute path, no fragment. */
export function wsPathFlag(args: ParsedArgs): string | undefined {
  const path = lastValue(args, 'wsPath');
  if (path === undefined) return undefined;
  if (!path.startsWith('/')) throw new UsageError(`Invalid --ws-path '${path}': it must start with '/', e.g. /mqtt.`);
  if (path.includes('#') || /\s/.test(path)) throw new UsageError(`Invalid --ws-path '${path}': no '#' or spaces (percent-encode them).`);
  return path;
}

/** The --ws-header values as one header record; a name given twice gets both values, comma-joined. */
export function wsHeaders(args: ParsedArgs): Record<string, string> | undefined {
  const given = allValues(args, 'wsHeader');
  if (given.length === 0) return undefined;
  const headers: Record<string, string> = {};
  const names = new Map<string, string>();
  for (const text of given) {
    const colon = text.indexOf(':');
    const name = colon < 0 ? '' : text.slice(0, colon).trim();
    const value = text.slice(colon + 1).trim();
    if (!TOKEN.test(name) || /[\r\n\0]/.test(value)) throw new UsageError(`Invalid --ws-header '${text}': the form is "Name: value".`);
    const lower = name.toLowerCase();
    if (RESERVED_HEADERS.has(lower)) throw new UsageError(`--ws-header cannot set ${name}: mqt sends it for the WebSocket handshake itself.`);
    const key = names.get(lower) ?? name;
    names.set(lower, key);
    headers[key] = headers[key] === undefined ? value : `${headers[key]}, ${value}`;
  }
  return headers;
}

export function proxyFlag(args: ParsedArgs): ProxySettings | undefined {
  const text = lastValue(args, 'proxy');
  return text === undefined ? undefined : parseProxy(text);
}

/** mosquitto takes socks5h:// only, and names the URL it refuses; mqt also takes socks5://. */
function parseProxy(text: string): ProxySettings {
  try {
    return parseProxyUrl(text);
  } catch (err) {
    if (!(err instanceof MqttError)) throw err;
    const scheme = /^socks5h?:\/\//.test(text);
    throw new UsageError(err.message, scheme ? { text: 'Invalid proxy.' } : { text: `Unsupported proxy protocol: ${text}` });
  }
}
