/**
 * Exit codes, as mosquitto's clients use them so scripts keep working. A refused CONNACK exits
 * with its return code (v3: 1-5) or reason code (v5: 128-162); a refused PUBLISH or SUBSCRIBE
 * with the reason code of the ack.
 */
export const ExitCode = {
  Ok: 0,
  /** Bad arguments, unreadable files, network errors. */
  Failure: 1,
  /** mosquitto_passwd: the password and its confirmation differ. */
  PasswordMismatch: 2,
  /** mosquitto's MOSQ_ERR_PROTOCOL: the broker broke the protocol (an ack of the wrong kind...). */
  ProtocolError: 2,
  /** mqt bench: every message went out without error, but QoS 1/2 messages were lost or never acked. */
  MessagesLost: 3,
  /** mosquitto's MOSQ_ERR_KEEPALIVE: no CONNACK or PINGRESP within the keepalive. */
  Keepalive: 19,
  /** mosquitto's MOSQ_ERR_TIMEOUT: -W ran out. */
  Timeout: 27,
} as const;
