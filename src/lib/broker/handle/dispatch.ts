import type { Packet } from '../../protocol/packets.js';
import { ReasonCode } from '../../protocol/reason-codes.js';
import type { ClientConnection } from '../core.js';
import { handlePuback, handlePubcomp, handlePubrec, handlePubrel } from './acks.js';
import { handleAuth } from './auth.js';
import { handleConnect } from './connect.js';
import { handleDisconnect } from './disconnect.js';
import { handlePingreq } from './ping.js';
import { handlePublish } from './publish.js';
import { handleSubscribe } from './subscribe.js';
import { handleUnsubscribe } from './unsubscribe.js';

/** Routes one packet to its handler; before CONNECT only CONNECT is acceptable (MQTT-3.1.0-1). */
export function dispatch(conn: ClientConnection, packet: Packet): void {
  if (packet.type === 'connect') {
    handleConnect(conn, packet);
    return;
  }
  if (conn.state !== 'active') {
    conn.close('protocol');
    return;
  }
  switch (packet.type) {
    case 'publish':
      return handlePublish(conn, packet);
    case 'puback':
      return handlePuback(conn, packet);
    case 'pubrec':
      return handlePubrec(conn, packet);
    case 'pubrel':
      return handlePubrel(conn, packet);
    case 'pubcomp':
      return handlePubcomp(conn, packet);
    case 'subscribe':
      return handleSubscribe(conn, packet);
    case 'unsubscribe':
      return handleUnsubscribe(conn, packet);
    case 'pingreq':
      return handlePingreq(conn);
    case 'disconnect':
      return handleDisconnect(conn, packet);
    case 'auth':
      return handleAuth(conn, packet);
    default:
      // CONNACK, SUBACK, UNSUBACK, PINGRESP only ever travel from server to client.
      conn.disconnect(ReasonCode.ProtocolError, 'protocol');
  }
}
