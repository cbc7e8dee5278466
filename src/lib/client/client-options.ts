import type { ProtocolVersion } from '../protocol/constants.js';
import type { DisconnectPacket, Packet, PublishPacket, Will } from '../protocol/packets.js';
import type { Properties } from '../protocol/properties.js';
import type { MqttError } from '../errors.js';

export interface ClientOptions {
  protocolVersion: ProtocolVersion;
  /** May be empty: v3.1.1 with a clean session and v5 let the server choose. */
  clientId: string;
  /** Clean session (v3) / clean start (v5). */
  clean: boolean;
  /** Seconds; 0 turns keepalive off. */
  keepalive: number;
  username?: string;
  password?: Buffer;
  will?: Will;
  /** v5 CONNECT properties (session expiry, receive maximum, user properties...). */
  connectProperties?: Properties;
  /** Most QoS 1/2 messages in flight at once (mosquitto's -M); the server's receive maximum caps it. */
  maxInflight?: number;
  /** Largest packet accepted from the server; a v5 CONNECT advertises it. */
  maxPacketSize?: number;
  /** Announce a bridge (protocol level | 0x80, mosquitto's try_private); 3.1 and 3.1.1 only. */
  bridge?: boolean;
  /** How long to wait for CONNACK, in ms. */
  connectTimeout?: number;
  /**
   * QoS 0 publishes use up a message id, as libmosquitto's do (-d shows it); false for a broker's
   * bridge, whose QoS 0 messages mosquitto sends as m0, so the next QoS 1 id is what it would be.
   */
  qos0TakesId?: boolean;
  /**
   * A v5 server's Receive Maximum replaces maxInflight instead of capping it, as mosquitto's
   * bridges take it (src/handle_connack.c); without one, maxInflight stays.
   */
  serverWindowReplaces?: boolean;
}

export interface ClientEvents {
  /**
   * Every packet just before it is written; -d renders these. `mid` is libmosquitto's message id,
   * which QoS 0 publishes get too although it is not on the wire.
   */
  packetsend: [packet: Packet, mid: number | undefined];
  /** Every packet as it is decoded, before the client acts on it. */
  packetreceive: [Packet];
  /** An application message, after the acks its QoS needs (QoS 2: after PUBREL). */
  message: [PublishPacket];
  /** The server closed the session with a v5 DISCONNECT. */
  disconnect: [DisconnectPacket];
  /** The connection is gone; the error says why when it was not our own DISCONNECT. */
  close: [MqttError | undefined];
}
