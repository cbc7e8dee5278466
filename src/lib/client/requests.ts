import type { PacketIdAllocator } from './packet-ids.js';

/** A promise's settle functions, kept until the answer arrives. */
export interface Pending<T> {
  resolve: (value: T) => void;
  reject: (err: Error) => void;
}

/** Requests answered by packet id (SUBSCRIBE → SUBACK, UNSUBSCRIBE → UNSUBACK). */
export class RequestTable<T> {
  private readonly pending = new Map<number, Pending<T>>();

  constructor(private readonly ids: PacketIdAllocator) {}

  add(packetId: number, pending: Pending<T>): void {
    this.pending.set(packetId, pending);
  }

  /** Settles the request with that id; an answer to nothing we asked is ignored. */
  answer(packetId: number, packet: T): void {
    const pending = this.pending.get(packetId);
    if (pending === undefined) return;
    this.pending.delete(packetId);
    this.ids.release(packetId);
    pending.resolve(packet);
  }

  forget(packetId: number): void {
    this.pending.delete(packetId);
    this.ids.release(packetId);
  }

  rejectAll(reason: Error): void {
    for (const [id, pending] of this.pending) {
      this.ids.release(id);
      pending.reject(reason);
    }
    this.pending.clear();
  }
}
