import type { ClientConnection } from '../core.js';

export function handlePingreq(conn: ClientConnection): void {
  if (conn.debug) {
    conn.broker.log('debug', `Received PINGREQ from ${conn.name}`);
    conn.broker.log('debug', `Sending PINGRESP to ${conn.name}`);
  }
  conn.sendPacket({ type: 'pingresp' });
}
