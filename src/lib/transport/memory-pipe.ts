import { Duplex } from 'node:stream';

/** One end of an in-memory pipe: what is written to it is read from its peer. */
class PipeEnd extends Duplex {
  peer: PipeEnd | undefined;
  /** The peer's write that waits until this end's reader takes more: backpressure, as a socket's. */
  private blocked: (() => void) | undefined;

  override _read(): void {
    const resume = this.blocked;
    this.blocked = undefined;
    resume?.();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const peer = this.peer;
    if (peer === undefined || peer.push(chunk)) done();
    else peer.blocked = () => done();
  }

  override _final(done: (error?: Error | null) => void): void {
    this.peer?.push(null);
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    // Destroyed at one end, closed at the other, as a socket.
    if (this.peer !== undefined && !this.peer.destroyed) this.peer.destroy();
    done(error);
  }
}

/** Two connected duplex streams, as a socket's two ends, without a port: a bridge's way into its own broker. */
export function memoryPipe(): [Duplex, Duplex] {
  const a = new PipeEnd();
  const b = new PipeEnd();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
