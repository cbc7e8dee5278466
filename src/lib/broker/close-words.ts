/**
 * The words mosquitto logs about a client whose connection ends (src/loop.c do_disconnect), and
 * the complaint some bad packets get first; the broker's connections and its bridges use them.
 */
import { PasswordWithoutUsernameError } from '../protocol/decode.js';
import { InvalidQosError } from '../protocol/wire.js';
import type { CloseReason } from './core.js';

/** What follows "Client ID " for each way a connection ends; none for a silent end. */
export const CLOSE_TEXT: Partial<Record<CloseReason, string>> = {
  disconnect: 'disconnected.',
  lost: 'closed its connection.',
  refused: 'disconnected due to protocol error.',
  'payload-size': 'disconnected due to oversize payload.',
  malformed: 'disconnected due to malformed packet.',
  protocol: 'disconnected due to protocol error.',
  keepalive: 'has exceeded timeout, disconnecting.',
  oversize: 'disconnected due to oversize packet.',
  auth: 'disconnected, not authorised.',
  'not-supported':
    'disconnected due to using not allowed feature (QoS too high, retain not supported, or bad AUTH method).',
  // mosquitto's words, its missing "has" included.
  administrative: 'been disconnected by administrative action.',
};

/**
 * The line mosquitto logs before it closes for some bad packets (handle_publish.c names the
 * client, handle_subscribe.c and handle_connect.c mostly its address), or none.
 */
export function complaintText(error: unknown, clientId: string, address: string): string | undefined {
  if (error instanceof PasswordWithoutUsernameError) return `Protocol error from ${error.clientId}: password without username, closing connection.`;
  if (!(error instanceof InvalidQosError)) return undefined;
  switch (error.packetType) {
    case 'publish':
      return `Invalid QoS in PUBLISH from ${clientId}, disconnecting.`;
    case 'subscribe':
      return `Invalid QoS in subscription command from ${address}, disconnecting.`;
    case 'will':
      return `Invalid Will QoS in CONNECT from ${address}.`;
  }
}
