import { invalid, parseAuthority } from './url.js';
import type { ProxySettings } from './types.js';

const DEFAULT_PROXY_PORT = 1080;

/**
 * Parses `socks5h://[user[:password]@]host[:port]` (the proxy resolves the broker's name) and
 * `socks5://…` (mqt resolves it). User and password are percent-decoded in full, so `%40` is an
 * '@' (mosquitto decodes it to ':'), and the host may be an IPv6 literal in brackets.
 */
export function parseProxyUrl(text: string): ProxySettings {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1];
  const kind = scheme?.toLowerCase();
  if (scheme === undefined || (kind !== 'socks5h' && kind !== 'socks5')) {
    throw invalid(`Unsupported proxy protocol: ${text} (the forms are socks5h://[user[:password]@]host[:port] and socks5://…).`);
  }
  const authority = text.slice(scheme.length + 3).replace(/\/$/, '');
  if (/[/?#]/.test(authority)) throw invalid(`a proxy URL is only [user[:password]@]host[:port]; '${text}' has more.`);
  const parsed = parseAuthority(authority, text, DEFAULT_PROXY_PORT);
  for (const [what, value] of [['username', parsed.username], ['password', parsed.password]] as const) {
    if (value !== undefined && Buffer.byteLength(value) > 255) throw invalid(`the proxy ${what} is longer than SOCKS5 allows (255 bytes).`);
  }
  return { ...parsed, ...(kind === 'socks5' ? { resolveLocally: true } : {}) };
}
