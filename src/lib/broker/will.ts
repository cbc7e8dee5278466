/**
 * Wills (3.1.1 §3.1.2.5, 5.0 §3.1.3.2): published when a connection ends without a normal
 * DISCONNECT (a v5 DISCONNECT 0x04 asks for it explicitly). A v5 Will Delay Interval holds it back;
 * a reconnect within the delay cancels it, and a session that ends first sends it at once.
 */
import type { Will } from '../protocol/packets.js';
import type { BrokerCore } from './core.js';
import { LongTimer } from './long-timer.js';
import { newMessage, own, type StoredWill } from './message.js';
import type { Session } from './session.js';

export function storeWill(will: Will, clientId: string): StoredWill {
  const msg = own(newMessage(will.topic, will.payload, will.qos, will.retain, will.properties, clientId, false, 0));
  return { msg, delay: will.properties?.willDelayInterval ?? 0, expiry: will.properties?.messageExpiryInterval };
}

/** The connection ended without a clean DISCONNECT: publish now, or after the will delay. */
export function triggerWill(broker: BrokerCore, session: Session): void {
  const will = session.will;
  if (will === undefined) return;
  if (will.delay === 0 || session.expiryInterval === 0) {
    publishWill(broker, session);
    return;
  }
  const delay = Math.min(will.delay, session.expiryInterval);
  session.willTimer = new LongTimer(() => publishWill(broker, session), delay, broker.clock);
}

/** Sends the pending will now (delay over, or the session ended first). */
export function publishWill(broker: BrokerCore, session: Session): void {
  const will = session.will;
  cancelWill(session);
  if (will === undefined) return;
  const msg = will.msg;
  // The will is published on the client's behalf, so its write access applies (mosquitto checks it too).
  if (!broker.mayWrite(session, msg.topic)) return;
  msg.expiresAt = will.expiry === undefined ? 0 : broker.clock.now() + will.expiry * 1000;
  broker.publish(msg, undefined);
}

export function cancelWill(session: Session): void {
  session.willTimer?.cancel();
  session.willTimer = undefined;
  session.will = undefined;
}
