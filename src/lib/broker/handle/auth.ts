import type { AuthPacket } from '../../protocol/packets.js';
import { ReasonCode } from '../../protocol/reason-codes.js';
import type { ClientConnection } from '../core.js';

/**
 * AUTH after CONNECT. No extended authentication method is ever accepted (CONNECT with one gets
 * CONNACK 0x8C), so an AUTH packet has no exchange to belong to: a protocol error, as in mosquitto.
 */
export function handleAuth(conn: ClientConnection, p: AuthPacket): void {
  if (conn.debug) conn.broker.log('debug', `Received AUTH from ${conn.name} (rc${p.reasonCode ?? 0}, ${p.properties?.authenticationMethod ?? ''})`);
  conn.disconnect(ReasonCode.ProtocolError, 'protocol');
}
