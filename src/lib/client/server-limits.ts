import { ErrorCode, MqttError } from '../errors.js';
import type { QoS } from '../protocol/packets.js';
import type { Properties } from '../protocol/properties.js';
import { ReasonCode } from '../protocol/reason-codes.js';
import type { OutgoingMessage } from './outgoing-window.js';

/**
 * What a v5 server's CONNACK says it accepts (maximum QoS, retain), checked before a PUBLISH
 * goes out so the user hears it from us rather than as a DISCONNECT.
 */
export class ServerLimits {
  private maxQoS: QoS = 2;
  private retainAvailable = true;

  apply(props: Properties | undefined): void {
    this.maxQoS = props?.maximumQoS === 0 ? 0 : props?.maximumQoS === 1 ? 1 : 2;
    this.retainAvailable = props?.retainAvailable !== 0;
  }

  /** The refusal for a message the server would not accept, or undefined. */
  refusal(message: OutgoingMessage): MqttError | undefined {
    if (message.qos > this.maxQoS) {
      return new MqttError(ErrorCode.PublishRefused, 'Message QoS not supported on broker, try a lower QoS.', {
        reasonCode: ReasonCode.QoSNotSupported,
      });
    }
    if (message.retain && !this.retainAvailable) {
      return new MqttError(ErrorCode.PublishRefused, 'Retained messages are not supported by the broker.', {
        reasonCode: ReasonCode.RetainNotSupported,
      });
    }
    return undefined;
  }
}
