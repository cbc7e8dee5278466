import type { DisconnectPacket } from '../../protocol/packets.js';
import { ReasonCode } from '../../protocol/reason-codes.js';
import type { ClientConnection } from '../core.js';
import { cancelWill } from '../will.js';

/**
 * A client's DISCONNECT: the will is discarded, unless a v5 client asks for it with 0x04. A v5
 * client may change its Session Expiry Interval here, but not from 0 (5.0 §3.14.2.2.2).
 */
export function handleDisconnect(conn: ClientConnection, p: DisconnectPacket): void {
  if (conn.debug) conn.broker.log('debug', `Received DISCONNECT from ${conn.name}`);
  const session = conn.session!;
  const expiry = p.properties?.sessionExpiryInterval;
  if (expiry !== undefined) {
    if (session.expiryInterval === 0 && expiry !== 0) {
      conn.disconnect(ReasonCode.ProtocolError, 'protocol');
      return;
    }
    session.expiryInterval = expiry;
  }
  if (p.reasonCode !== ReasonCode.DisconnectWithWillMessage) {
    cancelWill(session);
    conn.graceful = true;
  }
  conn.close('disconnect');
}
