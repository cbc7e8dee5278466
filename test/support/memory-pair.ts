import { Duplex } from 'node:stream';

/** One end of an in-memory pipe: what is written to it is read from its peer. */
class End extends Duplex {
  peer: End | undefined;

  override _read(): void {
    // Data is pushed by the peer's writes.
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.peer?.push(chunk);
    done();
  }

  override _final(done: (error?: Error | null) => void): void {
    this.peer?.push(null);
    done();
  }

  override _destroy(error: Error | null, done: (error?: Error | null) => void): void {
    // A socket destroyed at one end is closed at the other.
    if (this.peer !== undefined && !this.peer.destroyed) this.peer.destroy();
    done(error);
  }
}

/** Two connected duplex streams, as a socket's two ends, without a port. */
export function memoryPair(): [Duplex, Duplex] {
  const a = new End();
  const b = new End();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
