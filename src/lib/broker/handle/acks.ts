/** The acknowledgements of QoS 1/2 flows (3.1.1 §4.3, 5.0 §4.3). */
import type { PubackPacket, PubcompPacket, PubrecPacket, PubrelPacket } from '../../protocol/packets.js';
import { ReasonCode } from '../../protocol/reason-codes.js';
import type { ClientConnection } from '../core.js';
import { answer, journalMark } from './answer.js';

function logReceived(conn: ClientConnection, type: string, packetId: number, reasonCode: number | undefined): void {
  if (!conn.debug) return;
  const rc = type === 'PUBACK' || type === 'PUBCOMP' ? `, RC:${reasonCode ?? 0}` : '';
  conn.broker.log('debug', `Received ${type} from ${conn.name} (Mid: ${packetId}${rc})`);
}

/** False, after disconnecting, for an acknowledgement of the wrong kind. */
function rightKind(conn: ClientConnection, packetId: number, ack: 'puback' | 'pubrec' | 'pubcomp'): boolean {
  if (conn.session!.acceptsAck(packetId, ack)) return true;
  conn.disconnect(ReasonCode.ProtocolError, 'protocol');
  return false;
}

export function handlePuback(conn: ClientConnection, p: PubackPacket): void {
  logReceived(conn, 'PUBACK', p.packetId, p.reasonCode);
  if (!rightKind(conn, p.packetId, 'puback')) return;
  conn.session!.complete(p.packetId, 1);
}

export function handlePubrec(conn: ClientConnection, p: PubrecPacket): void {
  logReceived(conn, 'PUBREC', p.packetId, p.reasonCode);
  if (!rightKind(conn, p.packetId, 'pubrec')) return;
  const failed = (p.reasonCode ?? 0) >= 0x80;
  const known = conn.session!.received(p.packetId, failed);
  if (failed) return;
  if (known) {
    conn.sendPubrel(p.packetId);
    return;
  }
  // mosquitto warns of an unknown PUBREC only (handle_pubrec.c), and answers it all the same.
  conn.broker.log('warning', `Warning: Received PUBREC from ${conn.clientId} for an unknown packet identifier ${p.packetId}.`);
  if (conn.version === 5) {
    conn.sendPacket({ type: 'pubrel', packetId: p.packetId, reasonCode: ReasonCode.PacketIdentifierNotFound });
  } else {
    conn.sendPubrel(p.packetId);
  }
}

export function handlePubrel(conn: ClientConnection, p: PubrelPacket): void {
  logReceived(conn, 'PUBREL', p.packetId, p.reasonCode);
  const session = conn.session!;
  const mark = journalMark(conn);
  const msg = session.incomingQos2.get(p.packetId);
  const known = msg !== undefined;
  if (known) {
    session.incomingQos2.delete(p.packetId);
    conn.broker.publish(msg, conn);
    if (session.persisted) conn.broker.durable!.release(conn.clientId, p.packetId);
  }
  if (conn.debug) conn.broker.log('debug', `Sending PUBCOMP to ${conn.name} (m${p.packetId})`);
  // Held until the release is on disk: a client reuses the packet id after PUBCOMP, and a restart
  // that still held it would take the new message for a resend of the old one.
  if (!known && conn.version === 5) {
    answer(conn, { type: 'pubcomp', packetId: p.packetId, reasonCode: ReasonCode.PacketIdentifierNotFound }, mark);
  } else {
    answer(conn, { type: 'pubcomp', packetId: p.packetId }, mark);
  }
}

export function handlePubcomp(conn: ClientConnection, p: PubcompPacket): void {
  logReceived(conn, 'PUBCOMP', p.packetId, p.reasonCode);
  if (!rightKind(conn, p.packetId, 'pubcomp')) return;
  conn.session!.complete(p.packetId, 2);
}
