import { ErrorCode, MqttError } from '../errors.js';

/** What a broker URL (-L) says: where to connect, as whom, and the topic. */
export interface BrokerUrl {
  scheme: 'mqtt';
  host: string;
  port: number;
  username?: string;
  password?: string;
  /** The path after the authority, percent-decoded; empty when the URL has none. */
  topic: string;
}

const DEFAULT_PORT = 1883;

/**
 * Parses `mqtt://[user[:password]@]host[:port]/topic`. Unlike mosquitto's -L it takes IPv6
 * literals (`[::1]`) and percent-decodes user, password and topic, so `%40` is an `@` and `%2F` a
 * `/` inside a level name can be written. Schemes whose transport mqt lacks yet are refused by name.
 */
export function parseBrokerUrl(text: string): BrokerUrl {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined) throw invalid(`'${text}' is not a URL; the form is mqtt://[user[:password]@]host[:port]/topic.`);
  if (['mqtts', 'ws', 'wss'].includes(scheme)) {
    throw invalid(`${scheme}:// URLs need a transport (TLS or WebSocket) that this version of mqt does not have yet.`);
  }
  if (scheme !== 'mqtt') throw invalid('unsupported URL scheme.');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalid(`'${text}' is not a valid URL.`);
  }
  if (url.hostname === '') throw invalid(`'${text}' has no host.`);
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return {
    scheme: 'mqtt',
    host: decode(host),
    port: url.port === '' ? DEFAULT_PORT : Number(url.port),
    ...(url.username === '' ? {} : { username: decode(url.username) }),
    ...(url.password === '' ? {} : { password: decode(url.password) }),
    topic: decode(url.pathname.replace(/^\//, '')),
  };
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw invalid(`'${part}' has a broken percent-escape.`);
  }
}

function invalid(message: string): MqttError {
  return new MqttError(ErrorCode.InvalidArgument, message);
}
