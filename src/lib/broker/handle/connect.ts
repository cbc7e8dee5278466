/**
 * CONNECT → CONNACK (3.1.1 §3.1, 5.0 §3.1), in mosquitto's order: protocol, client id, will,
 * authentication, keepalive, then the session (takeover, resume or clean start).
 */
import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { ProtocolVersion } from '../../protocol/constants.js';
import type { UnsupportedProtocolError } from '../../protocol/decode.js';
import { encode } from '../../protocol/encode.js';
import type { ConnectPacket } from '../../protocol/packets.js';
import type { Properties } from '../../protocol/properties.js';
import { ConnackReturnCode, ReasonCode } from '../../protocol/reason-codes.js';
import { exceedsTopicDepth } from '../../topic.js';
import type { ClientConnection, CloseReason } from '../core.js';
import { mountTopic } from '../mount-point.js';
import { NEVER_EXPIRES } from '../session.js';
import { storeWill } from '../will.js';

/** mosquitto's log numbers protocols by its own enum: 3.1 is p1, 3.1.1 p2, 5.0 p5. */
const LOG_PROTOCOL: Readonly<Record<ProtocolVersion, number>> = { 3: 1, 4: 2, 5: 5 };

/** A v3 CONNACK accepting the connection never varies but for Session Present: encoded once, shared. */
const CONNACK_V3_ACCEPTED = Buffer.from([0x20, 2, 0, 0]);
const CONNACK_V3_PRESENT = Buffer.from([0x20, 2, 1, 0]);
const CONNACK_V3_BAD_PROTOCOL = Buffer.from([0x20, 2, 0, ConnackReturnCode.UnacceptableProtocolVersion]);

/**
 * A failed login (no username where one is needed, or a wrong password): mosquitto forgets the
 * client id before answering, so its lines name the address and "Client <unknown>".
 */
function refuseLogin(conn: ClientConnection): void {
  conn.clientId = '';
  refuse(conn, ConnackReturnCode.NotAuthorized, ReasonCode.NotAuthorized, 'auth');
}

/** Refuses the CONNECT: CONNACK with the v3 or v5 code, then close; `why` picks mosquitto's log line. */
function refuse(conn: ClientConnection, v3Code: number, v5Code: number, why: CloseReason): void {
  const code = conn.version === 5 ? v5Code : v3Code;
  if (conn.debug) conn.broker.log('debug', `Sending CONNACK to ${conn.name} (0, ${code})`);
  conn.sendPacket({ type: 'connack', sessionPresent: false, reasonCode: code });
  conn.close(why);
}

/**
 * v5-only refusals: v3 has no code for them, so mosquitto just closes. It has not taken the
 * client id yet (or has dropped it), so its log names the client <unknown>.
 */
function refuseV5Only(conn: ClientConnection, v5Code: number): void {
  conn.clientId = '';
  if (conn.version === 5) {
    if (conn.debug) conn.broker.log('debug', `Sending CONNACK to ${conn.name} (0, ${v5Code})`);
    conn.sendPacket({ type: 'connack', sessionPresent: false, reasonCode: v5Code });
  }
  conn.close('not-supported');
}

/**
 * A CONNECT this broker cannot read: a known protocol name at another level gets CONNACK 1 in the
 * v3 layout (which every version can read), an unknown name no answer; the caller closes.
 */
export function refuseProtocol(conn: ClientConnection, error: UnsupportedProtocolError): void {
  const broker = conn.broker;
  const address = conn.info.remoteAddress;
  if (error.protocolName !== 'MQTT' && error.protocolName !== 'MQIsdp') {
    if (broker.connectionMessages) broker.log('information', `Invalid protocol ${JSON.stringify(error.protocolName)} in CONNECT from ${address}.`);
    return;
  }
  if (broker.connectionMessages) broker.log('information', `Invalid protocol version ${error.protocolLevel} in CONNECT from ${address}.`);
  if (conn.debug) broker.log('debug', `Sending CONNACK to ${conn.name} (0, ${ConnackReturnCode.UnacceptableProtocolVersion})`);
  conn.write(CONNACK_V3_BAD_PROTOCOL);
}

export function handleConnect(conn: ClientConnection, packet: ConnectPacket): void {
  const broker = conn.broker;
  if (conn.state !== 'new') {
    broker.log('notice', `Bad client ${conn.name} sending multiple CONNECT messages.`);
    conn.disconnect(ReasonCode.ProtocolError, 'protocol');
    return;
  }
  const version = packet.protocolVersion;
  conn.version = version;
  conn.reader.version = version;
  conn.isBridge = packet.bridge === true;
  const listener = conn.info.listener;
  const limits = broker.limits;
  const allowed = listener.settings.protocolVersions;
  if (allowed !== undefined && !allowed.includes(version)) {
    broker.log('information', `Invalid protocol version ${version} in CONNECT from ${conn.info.remoteAddress}.`);
    refuse(conn, ConnackReturnCode.UnacceptableProtocolVersion, ReasonCode.UnsupportedProtocolVersion, 'refused');
    return;
  }

  let clientId = packet.clientId;
  let assigned = false;
  if (clientId === '') {
    // 3.1 has no empty ids; 3.1.1 only with a clean session (MQTT-3.1.3-8); v5 always gets one.
    if (version === 3 || (version === 4 && !packet.clean) || listener.settings.allowZeroLengthClientId === false) {
      refuse(conn, ConnackReturnCode.IdentifierRejected, ReasonCode.ClientIdentifierNotValid, 'refused');
      return;
    }
    clientId = `${listener.settings.autoIdPrefix ?? 'auto-'}${randomUUID().toUpperCase()}`;
    assigned = true;
  }
  conn.clientId = clientId;
  const prefix = listener.settings.clientIdPrefix;
  if (prefix !== undefined && prefix !== '' && !clientId.startsWith(prefix)) {
    refuse(conn, ConnackReturnCode.NotAuthorized, ReasonCode.NotAuthorized, 'auth');
    return;
  }

  const will = packet.will;
  if (will !== undefined) {
    // mosquitto refuses a too deep will topic while reading the CONNECT: no CONNACK, just the close.
    if (exceedsTopicDepth(will.topic)) {
      conn.close('protocol');
      return;
    }
    if (will.retain && !limits.retainAvailable) return refuseV5Only(conn, ReasonCode.RetainNotSupported);
    if (will.qos > conn.maximumQos) return refuseV5Only(conn, ReasonCode.QoSNotSupported);
    if (limits.messageSizeLimit > 0 && will.payload.length > limits.messageSizeLimit) {
      broker.log('debug', `Client ${clientId} connected with too large Will payload`);
      refuse(conn, ConnackReturnCode.NotAuthorized, ReasonCode.PacketTooLarge, 'payload-size');
      return;
    }
  }

  const props = packet.properties;
  if (props?.authenticationMethod !== undefined) {
    // No extended authentication methods are configured, so every method is unknown (5.0 §4.12).
    conn.authMethod = props.authenticationMethod;
    refuseV5Only(conn, ReasonCode.BadAuthenticationMethod);
    return;
  }

  let username = packet.username;
  if (listener.settings.usernameFromTls === true) {
    // As mosquitto: TLS authenticated the client, so the CONNECT's username and password are ignored.
    username = conn.info.tlsUsername;
    if (username === undefined) {
      refuse(conn, ConnackReturnCode.BadUserNameOrPassword, ReasonCode.BadUserNameOrPassword, 'auth');
      return;
    }
  } else if (username === undefined && packet.password === undefined) {
    if (!listener.settings.allowAnonymous) {
      refuseLogin(conn);
      // mosquitto's line above says only "not authorised"; a line of its own says why, leaving that one as it is.
      if (broker.connectionMessages) broker.log('notice', `Client ${clientId} sent no username, and anonymous clients need allow_anonymous true.`);
      return;
    }
  } else {
    const auth = conn.auth ?? broker.options.auth;
    const login = { clientId, username, password: packet.password, connection: conn.info, abandoned: () => conn.isClosed() };
    const verdict = auth?.authenticate === undefined ? true : auth.authenticate(login);
    if (verdict instanceof Promise) {
      // A slow password check: nothing more is read from the client until it has its answer.
      conn.holdUntil(
        verdict
          .then((ok) => {
            if (conn.isClosed()) return;
            if (ok) admit(conn, packet, clientId, username, assigned);
            else refuseLogin(conn);
          })
          .catch((error: unknown) => conn.fail(error)),
      );
      return;
    }
    if (!verdict) {
      refuseLogin(conn);
      return;
    }
  }
  admit(conn, packet, clientId, username, assigned);
}

/** The CONNECT passed authentication: keepalive, session, CONNACK. */
function admit(conn: ClientConnection, packet: ConnectPacket, clientId: string, username: string | undefined, assigned: boolean): void {
  const broker = conn.broker;
  const version = packet.protocolVersion;
  const listener = conn.info.listener;
  const limits = broker.limits;
  const will = packet.will;
  const props = packet.properties;
  if (listener.settings.useUsernameAsClientId === true) {
    if (username === undefined) {
      refuse(conn, ConnackReturnCode.NotAuthorized, ReasonCode.NotAuthorized, 'auth');
      return;
    }
    clientId = username;
    conn.clientId = clientId;
  }

  let keepalive = packet.keepalive;
  let serverKeepAlive: number | undefined;
  const maxKeepalive = limits.maxKeepalive;
  if (maxKeepalive > 0 && (keepalive > maxKeepalive || keepalive === 0)) {
    if (version !== 5) {
      refuse(conn, ConnackReturnCode.IdentifierRejected, ReasonCode.ClientIdentifierNotValid, 'refused');
      return;
    }
    keepalive = maxKeepalive;
    serverKeepAlive = maxKeepalive;
  }

  conn.username = username;
  // A bridge's local side asks for its remote's window, which mosquitto's bridge takes whatever max_inflight_messages says.
  const ownMax = conn.info.direct !== undefined && props?.receiveMaximum !== undefined ? 0xffff : limits.maxInflightMessages;
  conn.maxInflight = Math.min(props?.receiveMaximum ?? 0xffff, ownMax > 0 ? ownMax : 0xffff);
  if (props?.maximumPacketSize !== undefined) conn.maxPacketOut = props.maximumPacketSize;
  conn.aliasMax = props?.topicAliasMaximum ?? 0;

  const { session, present } = broker.attachSession(conn, packet.clean);
  session.username = username;
  session.auth = conn.auth;
  session.listener = conn.info.listener.key;
  session.expiryInterval = version === 5 ? (props?.sessionExpiryInterval ?? 0) : packet.clean ? 0 : NEVER_EXPIRES;
  if (will !== undefined) session.will = storeWill({ ...will, topic: mountTopic(listener.settings.mountPoint, will.topic) }, clientId);
  broker.sessionConnected(session);

  if (broker.connectionMessages && conn.info.internal !== true) {
    const who = username === undefined ? '' : `, u'${username}'`;
    broker.log(
      'notice',
      `New ${conn.isBridge ? 'bridge' : 'client'} connected from ${conn.info.remoteAddress}:${conn.info.remotePort} as ${clientId} (p${LOG_PROTOCOL[version]}, c${packet.clean ? 1 : 0}, k${packet.keepalive}${who}).`,
    );
  }
  if (conn.debug) {
    if (will !== undefined) {
      broker.log('debug', `Will message specified (${will.payload.length} bytes) (r${will.retain ? 1 : 0}, q${will.qos}).`);
      broker.log('debug', `\t${will.topic}`);
    } else {
      broker.log('debug', 'No will message specified.');
    }
  }

  conn.state = 'active';
  conn.startKeepalive(keepalive);
  const sessionPresent = present && version !== 3;
  if (conn.debug) broker.log('debug', `Sending CONNACK to ${clientId} (${sessionPresent ? 1 : 0}, 0)`);
  if (version === 5) {
    const connack = encode({ type: 'connack', sessionPresent, reasonCode: 0, properties: connackProperties(conn, assigned ? clientId : undefined, serverKeepAlive) }, 5);
    // A client whose Maximum Packet Size cannot take even the CONNACK is closed without one
    // (5.0 §3.1.2.11.4 forbids sending it), as mosquitto's send__connack does.
    if (connack.length > conn.maxPacketOut) {
      conn.close('oversize');
      return;
    }
    conn.write(connack);
  } else {
    conn.write(sessionPresent ? CONNACK_V3_PRESENT : CONNACK_V3_ACCEPTED);
  }
  session.resume(conn);
}

/** What mosquitto announces in a v5 CONNACK (src/send_connack.c, handle_connect.c). */
function connackProperties(conn: ClientConnection, assignedId: string | undefined, serverKeepAlive: number | undefined): Properties | undefined {
  const limits = conn.broker.limits;
  const props: Properties = {};
  if (conn.maxTopicAlias > 0) props.topicAliasMaximum = conn.maxTopicAlias;
  if (assignedId !== undefined) props.assignedClientIdentifier = assignedId;
  if (serverKeepAlive !== undefined) props.serverKeepAlive = serverKeepAlive;
  if (!limits.retainAvailable) props.retainAvailable = 0;
  if (limits.maxPacketSize > 0) props.maximumPacketSize = limits.maxPacketSize;
  if (limits.receiveMaximum > 0) props.receiveMaximum = limits.receiveMaximum;
  if (conn.maximumQos !== 2) props.maximumQoS = conn.maximumQos;
  return Object.keys(props).length === 0 ? undefined : props;
}
