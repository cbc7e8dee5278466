/**
 * Timers and stream callbacks shared by every connection of a broker, instead of closures and
 * timers made per connection: a burst of short connections then allocates and arms as little as possible. A
 * stream finds its connection under OWNER.
 */
import type { Buffer } from 'node:buffer';
import type { Packet } from '../protocol/packets.js';
import type { TransportStream } from '../transport/types.js';
import type { Clock } from './clock.js';
import { DeadlineQueue } from './deadline-queue.js';

/** Milliseconds a new connection has to send CONNECT. */
const CONNECT_TIMEOUT_MS = 20_000;

/** Milliseconds a closed connection's unsent bytes may take to drain before the socket is destroyed. */
const CLOSE_GRACE_MS = 2000;

/** What these callbacks drive of a connection (connection.ts). */
export interface Wired {
  readonly state: 'new' | 'active' | 'closed';
  readonly reader: { push(chunk: Buffer, onPacket: (packet: Packet) => void): void };
  read(chunk: Buffer): void;
  handle(packet: Packet): void;
  close(why: 'lost'): void;
  drained(): void;
  resume(): void;
  endYield(): void;
  checkKeepalive(): void;
  readonly timers: ConnectionTimers;
}

const OWNER = Symbol('connection');
type OwnedStream = TransportStream & { [OWNER]: Wired };

export function onData(this: OwnedStream, chunk: Buffer): void {
  this[OWNER].read(chunk);
}

/** The socket failed or closed under us. */
function onLost(this: OwnedStream): void {
  this[OWNER].close('lost');
}

/** Listened to only while a connection's socket is full: most never are. */
export function onDrain(this: OwnedStream): void {
  this[OWNER].drained();
}

/** Listens to a connection's stream with the shared callbacks. */
export function listen(stream: TransportStream, conn: Wired): void {
  (stream as OwnedStream)[OWNER] = conn;
  stream.on('data', onData);
  stream.on('error', onLost);
  stream.on('close', onLost);
}

/** The connection whose bytes are being framed (framing is synchronous; nested reads restore it). */
let reading: Wired | undefined;

function onPacket(packet: Packet): void {
  reading!.handle(packet);
}

/** Frames one chunk of `conn`'s bytes, handing each packet to conn.handle. */
export function readChunk(conn: Wired, chunk: Buffer): void {
  const outer = reading;
  reading = conn;
  try {
    conn.reader.push(chunk, onPacket);
  } finally {
    reading = outer;
  }
}

export function resumeDue(conn: Wired): void {
  conn.resume();
}

/** libuv's read size: a chunk this long was a full read, and more may be waiting. */
export const FULL_READ = 64 * 1024;

export function resumeAfterYield(conn: Wired): void {
  conn.endYield();
}

/**
 * The deadlines every connection of one broker shares, on that broker's clock: CONNECT due,
 * first keepalive periods (one queue per keepalive length, as their deadlines come in order),
 * and sockets ended but not yet destroyed.
 */
export class ConnectionTimers {
  readonly connectDeadlines: DeadlineQueue<Wired>;
  /** The sockets still open after CLOSE_GRACE_MS are destroyed. */
  readonly closeDeadlines: DeadlineQueue<TransportStream>;
  private readonly keepaliveQueues = new Map<number, DeadlineQueue<Wired>>();

  constructor(readonly clock: Clock) {
    this.connectDeadlines = new DeadlineQueue<Wired>(CONNECT_TIMEOUT_MS, connectDue, clock);
    this.closeDeadlines = new DeadlineQueue<TransportStream>(CLOSE_GRACE_MS, destroyStream, clock, false);
  }

  /** Checks `conn`'s keepalive once `ms` have passed. */
  watchKeepalive(conn: Wired, ms: number): void {
    let queue = this.keepaliveQueues.get(ms);
    if (queue === undefined) {
      queue = new DeadlineQueue<Wired>(ms, keepaliveDue, this.clock);
      this.keepaliveQueues.set(ms, queue);
    }
    queue.add(conn);
  }

  unwatchKeepalive(conn: Wired, ms: number): void {
    this.keepaliveQueues.get(ms)?.delete(conn);
  }
}

function connectDue(conn: Wired): void {
  if (conn.state === 'new') conn.close('lost');
}

export function keepaliveDue(conn: Wired): void {
  conn.checkKeepalive();
}

export function destroyEmitter(this: OwnedStream): void {
  this[OWNER].timers.closeDeadlines.delete(this);
  this.destroy();
}

/** The peer closed a socket we had ended: destroyed once what we sent has gone out. */
export function destroyOnceFinished(this: OwnedStream): void {
  if (this.writableFinished) destroyEmitter.call(this);
  else this.once('finish', destroyEmitter);
}

function destroyStream(stream: TransportStream): void {
  stream.destroy();
}
