import { isIP } from 'node:net';
import { ErrorCode, MqttError } from '../errors.js';

/** A name a server certificate answers to: a DNS name, or an IP address. */
export type HostName = { readonly kind: 'dns'; readonly text: string } | { readonly kind: 'ip'; readonly text: string };

/**
 * One label of letters, digits and hyphens, not starting or ending with a hyphen; a leading
 * `*` label for wildcards. Underscores are refused: OpenSSL and mbedTLS compare them, but
 * browsers, Go and Apple's stacks reject such certificates.
 */
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

export function isDnsName(text: string): boolean {
  if (text.length === 0 || text.length > 253) return false;
  const labels = text.replace(/\.$/, '').split('.');
  return labels.every((label, i) => LABEL.test(label) || (i === 0 && label === '*' && labels.length > 2));
}

/** An IP literal becomes an IP name, anything else must be a DNS name; the same rule for --host and --ip. */
export function parseHostName(text: string): HostName {
  if (isIP(text) !== 0) return { kind: 'ip', text: canonicalIp(text) };
  if (isDnsName(text)) return { kind: 'dns', text: text.toLowerCase().replace(/\.$/, '') };
  throw new MqttError(ErrorCode.InvalidArgument, `'${text}' is neither a host name nor an IP address.`);
}

export function parseIpAddress(text: string): HostName {
  if (isIP(text) === 0) throw new MqttError(ErrorCode.InvalidArgument, `'${text}' is not an IP address.`);
  return { kind: 'ip', text: canonicalIp(text) };
}

/**
 * What `mqt gen-ca` covers when given no name: a broker on this machine reached by any local
 * spelling, and by its host name from the network.
 */
export function defaultHostNames(machineName: string): HostName[] {
  const names: HostName[] = [
    { kind: 'dns', text: 'localhost' },
    { kind: 'ip', text: '127.0.0.1' },
    { kind: 'ip', text: '::1' },
  ];
  const own = machineName.toLowerCase();
  if (isDnsName(own) && own !== 'localhost') names.push({ kind: 'dns', text: own });
  return names;
}

/** Drops repeats (after canonical spelling), keeping the first occurrence's place. */
export function uniqueHostNames(names: readonly HostName[]): HostName[] {
  const seen = new Set<string>();
  return names.filter((name) => {
    const key = `${name.kind}:${name.text}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The address as 4 or 16 bytes, or undefined for text that is not an IP literal. */
export function ipBytes(text: string): Buffer | undefined {
  const family = isIP(text);
  if (family === 4) return Buffer.from(text.split('.').map(Number));
  if (family !== 6) return undefined;
  let groups = text;
  // An embedded IPv4 tail (::ffff:1.2.3.4) is two 16-bit groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(groups);
  if (v4 !== null) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    groups = `${groups.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = groups.split('::');
  const headParts = head === '' ? [] : head.split(':');
  const tailParts = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = tail === undefined ? [] : new Array<string>(8 - headParts.length - tailParts.length).fill('0');
  const bytes = Buffer.alloc(16);
  [...headParts, ...zeros, ...tailParts].forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2));
  return bytes;
}

/** The usual spelling of an address given as bytes: dotted IPv4, compressed lower-case IPv6. */
export function ipText(bytes: Buffer): string {
  if (bytes.length === 4) return [...bytes].join('.');
  if (bytes.length !== 16) return `<${bytes.length}-byte address>`;
  const groups = Array.from({ length: 8 }, (_, i) => bytes.readUInt16BE(i * 2).toString(16));
  // RFC 5952: the longest run of two or more zero groups becomes '::'.
  let best = { start: -1, length: 0 };
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > best.length && j - i > 1) best = { start: i, length: j - i };
    i = j === i ? i + 1 : j;
  }
  if (best.start < 0) return groups.join(':');
  return `${groups.slice(0, best.start).join(':')}::${groups.slice(best.start + best.length).join(':')}`;
}

function canonicalIp(text: string): string {
  return ipText(ipBytes(text)!);
}

const CLIENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const RESERVED_NAMES = new Set(['ca', 'server']);

/** A client's name is its CN and its file name: nothing a shell or a path would misread. */
export function checkClientName(name: string): string {
  if (!CLIENT_NAME.test(name)) {
    throw new MqttError(ErrorCode.InvalidArgument, `Invalid client name '${name}': use 1-64 letters, digits, '.', '_' or '-'.`);
  }
  if (RESERVED_NAMES.has(name.toLowerCase())) {
    throw new MqttError(ErrorCode.InvalidArgument, `Invalid client name '${name}': ${name.toLowerCase()}.crt is taken by the ${name.toLowerCase()} certificate.`);
  }
  return name;
}
