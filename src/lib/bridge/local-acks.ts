/**
 * The PUBACKs a bridge owes its local session. A local QoS 1 message is acknowledged once the
 * remote has it (or refused it, or `unsent` holds it), not when it reaches the bridge: the
 * session's in-flight window is then the remote's, and what waits beyond it waits in the session's
 * queue, under its limits and in its journal, as in mosquitto's bridge context.
 */
import type { DirectLink } from '../broker/types.js';

/** A local QoS 1 message the remote has not acknowledged yet, and the local connection it came on. */
export interface LocalMessage {
  readonly link: DirectLink;
  readonly packetId: number;
}

export class LocalAcks {
  private readonly owed = new Map<number, LocalMessage>();

  track(link: DirectLink, packetId: number): LocalMessage {
    const entry = { link, packetId };
    this.owed.set(packetId, entry);
    return entry;
  }

  /** Acknowledges `entry`, unless it was acknowledged already (its id may since name a newer message). */
  settle(entry: LocalMessage | undefined): void {
    if (entry === undefined || this.owed.get(entry.packetId) !== entry) return;
    this.owed.delete(entry.packetId);
    entry.link.acknowledge(entry.packetId);
  }

  settleAll(): void {
    const owed = [...this.owed.values()];
    this.owed.clear();
    for (const entry of owed) entry.link.acknowledge(entry.packetId);
  }
}
