/**
 * Answers that promise durability (PUBACK, PUBREC, SUBACK, UNSUBACK) go out only once the records
 * their packet produced are on disk, and in the order the packets came (MQTT-4.6.0-2/3): an
 * answer that produced no record waits only if an earlier one of the same connection still does.
 * The packets themselves are still handled at once and in order; only the answers wait.
 */
import type { Packet } from '../../protocol/packets.js';
import { ReasonCode } from '../../protocol/reason-codes.js';
import type { ClientConnection } from '../core.js';

interface Gate {
  /** Answers of this connection waiting for a commit. */
  waiting: number;
  /** What the last of them waits for. */
  last: Promise<void>;
}

const gates = new WeakMap<ClientConnection, Gate>();

/** Where the journal's record count stood before a packet was handled; undefined without persistence. */
export function journalMark(conn: ClientConnection): number | undefined {
  return conn.broker.durable?.appended;
}

/** Sends `packet` now, or once the records appended since `mark` (and the answers before it) are committed. */
export function answer(conn: ClientConnection, packet: Packet, mark: number | undefined): void {
  const durable = conn.broker.durable;
  if (durable === undefined) {
    conn.sendPacket(packet);
    return;
  }
  const gate = gates.get(conn);
  const wait = durable.appended !== mark ? durable.lastCommit : gate !== undefined && gate.waiting > 0 ? gate.last : undefined;
  if (wait === undefined) {
    conn.sendPacket(packet);
    return;
  }
  const held = gate ?? { waiting: 0, last: wait };
  if (gate === undefined) gates.set(conn, held);
  held.waiting++;
  held.last = wait;
  wait.then(
    () => {
      held.waiting--;
      if (!conn.isClosed()) conn.sendPacket(packet);
    },
    () => {
      held.waiting--;
      // Nothing written after a failed write is trusted: the client sends again to a broker that works.
      conn.disconnect(ReasonCode.UnspecifiedError, 'shutdown');
    },
  );
}
