import { isIP } from 'node:net';
import { ErrorCode, MqttError } from '../errors.js';

export type BrokerScheme = 'mqtt' | 'mqtts' | 'ws' | 'wss';

/** What a broker URL (-L) says: how and where to connect, as whom, and the topic. */
export interface BrokerUrl {
  scheme: BrokerScheme;
  host: string;
  port: number;
  username?: string;
  password?: string;
  /**
   * Percent-decoded; empty when the URL has none. mqtt(s): everything after the first '/' past the
   * host. ws(s): the fragment, everything after the first '#'.
   */
  topic: string;
  /** ws(s) only: the WebSocket request path with its query, when the URL has more than '/'. */
  wsPath?: string;
}

const DEFAULT_PORTS: Readonly<Record<BrokerScheme, number>> = { mqtt: 1883, mqtts: 8883, ws: 80, wss: 443 };

const URL_FORMS = 'mqtt[s]://[user[:password]@]host[:port]/topic or ws[s]://[user[:password]@]host[:port][/path][#topic]';

/** True for the schemes that wrap the connection in TLS. */
export function isSecureScheme(scheme: BrokerScheme): boolean {
  return scheme === 'mqtts' || scheme === 'wss';
}

/**
 * Parses `mqtt[s]://[user[:password]@]host[:port]/topic` and
 * `ws[s]://[user[:password]@]host[:port][/path][#topic]`. The topic of an mqtt URL is the rest of
 * the text after the host, as mosquitto's -L takes it (so `/a/#` is the filter `a/#`); a WebSocket
 * URL's path is the HTTP path of the upgrade, as in every browser and MQTT.js, and its topic goes
 * after '#'. Unlike mosquitto's -L it takes IPv6 literals (`[::1]`) and percent-decodes user,
 * password, host and topic, so `%40` is an `@` and `%2F` a `/` inside a level name can be written.
 */
export function parseBrokerUrl(text: string): BrokerUrl {
  const schemeText = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1];
  if (schemeText === undefined) throw invalid(`'${text}' is not a URL; the forms are ${URL_FORMS}.`);
  const scheme = schemeText.toLowerCase();
  if (!isBrokerScheme(scheme)) throw invalid(`unsupported URL scheme '${schemeText}://': use mqtt://, mqtts://, ws:// or wss://.`);
  const rest = text.slice(schemeText.length + 3);
  const slash = rest.search(scheme === 'mqtt' || scheme === 'mqtts' ? /\// : /[/?#]/);
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const after = slash < 0 ? '' : rest.slice(slash);
  const { host, port, username, password } = parseAuthority(authority, text, DEFAULT_PORTS[scheme]);
  const where = {
    scheme,
    host,
    port,
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
  };
  if (scheme === 'mqtt' || scheme === 'mqtts') return { ...where, topic: decode(after.replace(/^\//, '')) };
  const hash = after.indexOf('#');
  const path = hash < 0 ? after : after.slice(0, hash);
  return {
    ...where,
    topic: hash < 0 ? '' : decode(after.slice(hash + 1)),
    ...(path === '' || path === '/' ? {} : { wsPath: path.startsWith('/') ? path : `/${path}` }),
  };
}

function isBrokerScheme(scheme: string): scheme is BrokerScheme {
  return scheme in DEFAULT_PORTS;
}

interface Authority {
  host: string;
  port: number;
  username?: string;
  password?: string;
}

/** `[user[:password]@]host[:port]` with `[v6]` hosts; the user info ends at the last '@'. */
export function parseAuthority(authority: string, text: string, defaultPort: number): Authority {
  const at = authority.lastIndexOf('@');
  const userinfo = at < 0 ? undefined : authority.slice(0, at);
  const hostPort = authority.slice(at + 1);
  let host: string;
  let portText: string | undefined;
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']');
    host = close < 0 ? '' : hostPort.slice(1, close);
    if (close < 0 || isIP(host) !== 6) throw invalid(`'${text}' has a broken IPv6 address; write it as [::1].`);
    const tail = hostPort.slice(close + 1);
    if (tail !== '' && !tail.startsWith(':')) throw invalid(`'${text}' has text after the IPv6 address.`);
    portText = tail === '' ? undefined : tail.slice(1);
  } else {
    const colon = hostPort.indexOf(':');
    host = decode(colon < 0 ? hostPort : hostPort.slice(0, colon));
    portText = colon < 0 ? undefined : hostPort.slice(colon + 1);
    if (portText?.includes(':') === true) throw invalid(`'${text}': an IPv6 address goes in brackets, e.g. [::1].`);
  }
  if (host === '') throw invalid(`'${text}' has no host.`);
  let port = defaultPort;
  if (portText !== undefined) {
    port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
    if (!(port >= 1 && port <= 65535)) throw invalid(`'${portText}' in '${text}' is not a port (1-65535).`);
  }
  if (userinfo === undefined) return { host, port };
  const colon = userinfo.indexOf(':');
  const username = decode(colon < 0 ? userinfo : userinfo.slice(0, colon));
  return {
    host,
    port,
    ...(username === '' ? {} : { username }),
    ...(colon < 0 ? {} : { password: decode(userinfo.slice(colon + 1)) }),
  };
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw invalid(`'${part}' has a broken percent-escape.`);
  }
}

export function invalid(message: string): MqttError {
  return new MqttError(ErrorCode.InvalidArgument, message);
}
