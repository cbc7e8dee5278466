/**
 * The packets one side writes in one event-loop turn, handed to the socket as one buffer: one
 * copy into one buffer costs far less than thousands of stream writes. Client and broker share it;
 * each decides when its turn ends.
 *
 * Most turns of most connections write one packet (a CONNACK, a PINGRESP): that one is held in a
 * field of its own, and an array is made only for a second, so an idle connection keeps no array
 * and a one-packet turn allocates nothing here.
 */
export class WriteBatch {
  private first: Buffer | undefined = undefined;
  /** Every packet of the turn, the first included, once it has more than one. */
  private all: Buffer[] | undefined = undefined;
  private bytes = 0;

  /** Packets waiting. */
  get count(): number {
    return this.first === undefined ? 0 : (this.all?.length ?? 1);
  }

  /** Bytes waiting. */
  get size(): number {
    return this.bytes;
  }

  /** Adds one packet; true when the batch was empty, i.e. a flush is to be scheduled. */
  add(packet: Buffer): boolean {
    this.bytes += packet.length;
    const first = this.first;
    if (first === undefined) {
      this.first = packet;
      return true;
    }
    if (this.all === undefined) this.all = [first, packet];
    else this.all.push(packet);
    return false;
  }

  /** Empties the batch: its packets as one buffer, or undefined when there were none. */
  take(): Buffer | undefined {
    const first = this.first;
    if (first === undefined) return undefined;
    const all = this.all;
    const size = this.bytes;
    this.first = undefined;
    this.all = undefined;
    this.bytes = 0;
    return all === undefined ? first : Buffer.concat(all, size);
  }
}
