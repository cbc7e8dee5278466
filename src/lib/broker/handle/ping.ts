import type { Connection } from '../connection.js';

export function handlePingreq(conn: Connection): void {
  if (conn.debug) {
    conn.broker.log('debug', `Received PINGREQ from ${conn.name}`);
    conn.broker.log('debug', `Sending PINGRESP to ${conn.name}`);
  }
  conn.sendPacket({ type: 'pingresp' });
}
