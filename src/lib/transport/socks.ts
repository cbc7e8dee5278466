import { lookup } from 'node:dns/promises';
import { isIP, type Socket } from 'node:net';
import { connectError } from './socket-errors.js';
import { hostPort } from './host-port.js';
import { ErrorCode, MqttError } from '../errors.js';
import type { ProxySettings } from './types.js';

/** RFC 1928 (SOCKS5) and RFC 1929 (username/password) constants. */
const VERSION = 0x05;
const AUTH_NONE = 0x00;
const AUTH_PASSWORD = 0x02;
const AUTH_NO_ACCEPTABLE = 0xff;
const PASSWORD_AUTH_VERSION = 0x01;
const CMD_CONNECT = 0x01;
const ATYP_IPV4 = 0x01;
const ATYP_DOMAIN = 0x03;
const ATYP_IPV6 = 0x04;

const HANDSHAKE_TIMEOUT_MS = 30_000;

/** The proxy's reply codes: what went wrong, whether it is the network's fault, and what to try. */
const REPLIES: Readonly<Record<number, { text: string; network: boolean; hint?: (dest: string) => string }>> = {
  1: { text: 'general SOCKS server failure', network: false, hint: (d) => `the proxy could not resolve or reach ${d}` },
  2: { text: "connection not allowed by the proxy's rules", network: false, hint: (d) => `ask the proxy's administrator to allow ${d}` },
  3: { text: 'network unreachable from the proxy', network: true },
  4: { text: 'host unreachable from the proxy', network: true, hint: (d) => `check the host name and that ${d} can be reached from the proxy` },
  5: { text: 'connection refused by the destination', network: true, hint: (d) => `is a broker listening on ${d}, as the proxy sees it?` },
  6: { text: 'TTL expired', network: true },
  7: { text: 'the proxy does not support CONNECT', network: false },
  8: { text: 'address type not supported', network: false, hint: () => 'with socks5:// the name is resolved here and the proxy gets an address' },
};

/**
 * Runs the SOCKS5 handshake on a socket connected to the proxy: method negotiation, the
 * username/password sub-negotiation when the proxy asks for it, then CONNECT to host:port (by name
 * unless `proxy.resolveLocally`). Resolves when the socket is a tunnel to the destination.
 */
export async function socksConnect(socket: Socket, proxy: ProxySettings, host: string, port: number): Promise<void> {
  const proxyWhere = hostPort(proxy.host, proxy.port);
  const dest = hostPort(host, port);
  const reader = new HandshakeReader(socket, proxyWhere);
  try {
    await negotiate(socket, reader, proxy, proxyWhere);
    socket.write(await connectRequest(proxy, host, port, dest));
    const [version, reply, , addressType] = await reader.read(4);
    if (version !== VERSION) throw notSocks(proxyWhere, version!);
    if (reply !== 0) throw replyError(reply!, proxyWhere, dest);
    const addressLength = addressType === ATYP_IPV4 ? 4 : addressType === ATYP_IPV6 ? 16 : (await reader.read(1))[0]!;
    await reader.read(addressLength + 2);
  } finally {
    reader.release();
  }
}

async function negotiate(socket: Socket, reader: HandshakeReader, proxy: ProxySettings, proxyWhere: string): Promise<void> {
  const credentials = proxy.username !== undefined;
  socket.write(Buffer.from(credentials ? [VERSION, 2, AUTH_NONE, AUTH_PASSWORD] : [VERSION, 1, AUTH_NONE]));
  const [version, method] = await reader.read(2);
  if (version !== VERSION) throw notSocks(proxyWhere, version!);
  if (method === AUTH_NONE) return;
  if (method === AUTH_PASSWORD && credentials) {
    socket.write(passwordRequest(proxy.username ?? '', proxy.password ?? ''));
    const [, status] = await reader.read(2);
    if (status === 0) return;
    throw new MqttError(ErrorCode.HandshakeFailed, `The SOCKS proxy at ${proxyWhere} refused the username and password.`, {
      remedy: { kind: 'proxy-credentials', proxy: proxyWhere, refused: true },
    });
  }
  if (method === AUTH_PASSWORD || method === AUTH_NO_ACCEPTABLE) {
    throw new MqttError(
      ErrorCode.HandshakeFailed,
      `The SOCKS proxy at ${proxyWhere} wants a username and password.`,
      credentials ? { hint: 'the proxy accepts none of the ways mqt can log in' } : { remedy: { kind: 'proxy-credentials', proxy: proxyWhere, refused: false } },
    );
  }
  throw new MqttError(ErrorCode.HandshakeFailed, `The SOCKS proxy at ${proxyWhere} chose an authentication method mqt does not offer (0x${method!.toString(16)}).`);
}

/** RFC 1929: version 1, then the username and the password, each behind its length. */
function passwordRequest(username: string, password: string): Buffer {
  const user = Buffer.from(username);
  const pass = Buffer.from(password);
  return Buffer.concat([Buffer.from([PASSWORD_AUTH_VERSION, user.length]), user, Buffer.from([pass.length]), pass]);
}

async function connectRequest(proxy: ProxySettings, host: string, port: number, dest: string): Promise<Buffer> {
  const portBytes = Buffer.from([port >> 8, port & 0xff]);
  let address = host;
  if (isIP(host) === 0 && proxy.resolveLocally === true) {
    try {
      address = (await lookup(host)).address;
    } catch (err) {
      throw connectError(err, dest);
    }
  }
  const family = isIP(address);
  let addressBytes: Buffer;
  if (family === 4) {
    addressBytes = Buffer.concat([Buffer.from([ATYP_IPV4]), Buffer.from(address.split('.').map(Number))]);
  } else if (family === 6) {
    addressBytes = Buffer.concat([Buffer.from([ATYP_IPV6]), ipv6Bytes(address)]);
  } else {
    const name = Buffer.from(address);
    if (name.length > 255) throw new MqttError(ErrorCode.InvalidArgument, `The host name ${host} is too long for SOCKS5 (255 bytes at most).`);
    addressBytes = Buffer.concat([Buffer.from([ATYP_DOMAIN, name.length]), name]);
  }
  return Buffer.concat([Buffer.from([VERSION, CMD_CONNECT, 0x00]), addressBytes, portBytes]);
}

/** The 16 bytes of an IPv6 address in any of its textual forms (`::`, embedded IPv4). */
function ipv6Bytes(address: string): Buffer {
  let text = address;
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4 !== null) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head === '' ? [] : head.split(':');
  const tailGroups = tail === undefined || tail === '' ? [] : tail.split(':');
  const zeros = new Array<string>(8 - headGroups.length - tailGroups.length).fill('0');
  const groups = [...headGroups, ...(tail === undefined ? [] : zeros), ...tailGroups];
  const bytes = Buffer.alloc(16);
  groups.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2));
  return bytes;
}

function replyError(code: number, proxyWhere: string, dest: string): MqttError {
  const reply = REPLIES[code];
  const text = reply?.text ?? `unknown SOCKS reply ${code}`;
  return new MqttError(
    reply?.network === true ? ErrorCode.ConnectFailed : ErrorCode.HandshakeFailed,
    `The SOCKS proxy at ${proxyWhere} could not connect to ${dest}: ${text} (SOCKS reply ${code}).`,
    reply?.hint === undefined ? {} : { hint: reply.hint(dest) },
  );
}

function notSocks(proxyWhere: string, firstByte: number): MqttError {
  return new MqttError(ErrorCode.HandshakeFailed, `The server at ${proxyWhere} is not a SOCKS5 proxy (its answer began with 0x${firstByte.toString(16).padStart(2, '0')}).`, {
    remedy: { kind: 'proxy-address' },
  });
}

/**
 * Hands out the proxy's reply bytes in the sizes the handshake asks for. Whatever arrives past
 * the handshake belongs to the tunnel and is put back into the socket on release.
 */
class HandshakeReader {
  private buffered: Buffer = Buffer.alloc(0);
  private pending: { size: number; resolve: (bytes: Buffer) => void; reject: (err: Error) => void } | undefined;
  private failure: Error | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly socket: Socket,
    private readonly proxyWhere: string,
  ) {
    // 'readable', not 'data': a paused-by-us socket would stay paused for the next reader, while
    // one without 'readable' listeners flows again as soon as that reader listens for 'data'.
    socket.on('readable', this.onReadable);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
    this.timer = setTimeout(() => {
      this.fail(new MqttError(ErrorCode.Timeout, `No answer from the SOCKS proxy at ${proxyWhere} within ${HANDSHAKE_TIMEOUT_MS / 1000} s.`));
    }, HANDSHAKE_TIMEOUT_MS);
  }

  read(size: number): Promise<Buffer> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { size, resolve, reject };
      this.deliver();
    });
  }

  release(): void {
    clearTimeout(this.timer);
    this.socket.off('readable', this.onReadable);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onEnd);
    this.socket.off('error', this.onError);
    if (this.buffered.length > 0) this.socket.unshift(this.buffered);
  }

  private readonly onReadable = (): void => {
    let chunk: Buffer | null;
    while ((chunk = this.socket.read() as Buffer | null) !== null) {
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    }
    this.deliver();
  };

  private readonly onEnd = (): void => {
    this.fail(
      new MqttError(ErrorCode.HandshakeFailed, `The SOCKS proxy at ${this.proxyWhere} closed the connection during the handshake.`, {
        hint: `is ${this.proxyWhere} a SOCKS5 proxy?`,
      }),
    );
  };

  private readonly onError = (err: Error): void => {
    this.fail(connectError(err, this.proxyWhere, 'a SOCKS proxy'));
  };

  private deliver(): void {
    const pending = this.pending;
    if (pending === undefined || this.buffered.length < pending.size) return;
    this.pending = undefined;
    const bytes = this.buffered.subarray(0, pending.size);
    this.buffered = this.buffered.subarray(pending.size);
    pending.resolve(bytes);
  }

  private fail(err: Error): void {
    this.failure ??= err;
    this.pending?.reject(this.failure);
    this.pending = undefined;
  }
}
