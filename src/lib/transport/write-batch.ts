/**
 * The packets one side writes in one event-loop turn, handed to the socket as one buffer: one
 * copy into one buffer costs far less than thousands of stream writes. Client and broker share it;
 * each decides when its turn ends.
 */
export class WriteBatch {
  private parts: Buffer[] = [];
  private bytes = 0;

  /** Packets waiting. */
  get count(): number {
    return this.parts.length;
  }

  /** Bytes waiting. */
  get size(): number {
    return this.bytes;
  }

  /** Adds one packet; true when the batch was empty, i.e. a flush is to be scheduled. */
  add(packet: Buffer): boolean {
    this.parts.push(packet);
    this.bytes += packet.length;
    return this.parts.length === 1;
  }

  /** Empties the batch: its packets as one buffer, or undefined when there were none. */
  take(): Buffer | undefined {
    const parts = this.parts;
    if (parts.length === 0) return undefined;
    const size = this.bytes;
    this.parts = [];
    this.bytes = 0;
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, size);
  }
}
