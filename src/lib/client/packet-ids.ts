/**
 * Hands out packet identifiers 1..65535 that are not in use, cycling so that a just-released id is
 * not reused at once (a late duplicate ack for it would otherwise complete the wrong message).
 */
export class PacketIdAllocator {
  private last = 0;
  private readonly inUse = new Set<number>();

  /** Returns a free id, or undefined when all 65535 are taken. */
  take(): number | undefined {
    if (this.inUse.size >= 65535) return undefined;
    let id = this.last;
    do {
      id = id === 65535 ? 1 : id + 1;
    } while (this.inUse.has(id));
    this.last = id;
    this.inUse.add(id);
    return id;
  }

  /**
   * Advances the counter without reserving the id: libmosquitto numbers QoS 0 publishes from the
   * same counter, and -d output shows those numbers.
   */
  skip(): number {
    this.last = this.last === 65535 ? 1 : this.last + 1;
    return this.last;
  }

  release(id: number): void {
    this.inUse.delete(id);
  }

  /** Marks an id as taken, for messages restored from an earlier connection of the session. */
  claim(id: number): void {
    this.inUse.add(id);
  }

  get size(): number {
    return this.inUse.size;
  }
}
