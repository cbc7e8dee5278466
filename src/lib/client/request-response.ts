import { randomUUID } from 'node:crypto';
import { ErrorCode, MqttError } from '../errors.js';
import type { PublishPacket, QoS, Subscription } from '../protocol/packets.js';
import type { Properties } from '../protocol/properties.js';
import { ReasonCode, reasonText } from '../protocol/reason-codes.js';
import type { MqttClient } from './client.js';

/** One MQTT 5 request (§4.10): what to publish, and where the answer is expected. */
export interface Request {
  topic: string;
  payload: Buffer;
  /** QoS of the request and of the subscription to the response topic. */
  qos: QoS;
  responseTopic: string;
  /**
   * Properties of the request PUBLISH (v5), in the order given; the Response Topic is added after
   * them, as mosquitto_rr adds it.
   */
  properties?: Properties | undefined;
  /**
   * Send a fresh UUID as Correlation Data when `properties` carries none. mosquitto_rr never
   * generates one, so a request is byte for byte its request unless this is asked for.
   */
  correlate?: boolean;
  /** v5 options of the response subscription (ignored in v3). */
  subscription?: Pick<Subscription, 'retainAsPublished' | 'retainHandling'>;
  subscribeProperties?: Properties | undefined;
  /**
   * A message with the retain flag comes from the broker's store, not from a responder: brokers
   * clear the flag on live messages, unless the subscription asks to retain as published. Only
   * then may a retained message be the answer, and this says whether it may (not with -R).
   */
  acceptRetained?: boolean;
}

export interface Response {
  message: PublishPacket;
  /** From handing the request to the socket to receiving the response. */
  latencyNs: bigint;
}

export interface RequestHooks {
  /** A message on the response topic that is not the answer, and why. */
  ignored?: (message: PublishPacket, reason: string) => void;
  /** The broker acknowledged the request with "no matching subscribers": nobody will answer. */
  noSubscribers?: () => void;
}

/**
 * The correlation data a request carries: the -D publish correlation-data given; else, when asked
 * for, a UUID as text so that a responder printing it (-F %D) shows something readable; else none.
 */
export function correlationFor(properties: Properties | undefined, generate: boolean): Buffer | undefined {
  return properties?.correlationData ?? (generate ? Buffer.from(randomUUID()) : undefined);
}

/**
 * Why a message received while waiting is not the response, or undefined when it is. A response
 * without correlation data is taken: many responders (a mosquitto_sub | mosquitto_pub pipe) do
 * not echo it, and mosquitto_rr takes any message. Different correlation data answers another
 * request on the same response topic and is skipped.
 */
export function notTheResponse(message: PublishPacket, request: Request, correlation: Buffer | undefined): string | undefined {
  if (message.topic !== request.responseTopic) return `it is on '${message.topic}', not the response topic`;
  if (message.retain && request.acceptRetained !== true) return 'it is a retained message, not an answer';
  const theirs = message.properties?.correlationData;
  if (correlation !== undefined && theirs !== undefined && !theirs.equals(correlation)) {
    return `its correlation data '${printable(theirs)}' is not ours ('${printable(correlation)}')`;
  }
  return undefined;
}

function printable(bytes: Buffer): string {
  const text = bytes.toString('utf8');
  return /^[\x20-\x7e]*$/.test(text) ? text : `0x${bytes.toString('hex')}`;
}

/**
 * Runs one request/response exchange on a connected client, as mosquitto_rr does: subscribe to
 * the response topic, publish the request once the SUBACK grants it, and resolve with the first
 * message that answers it: one that arrived before the request was sent, or a retained one
 * (mosquitto_rr takes those), cannot be. Rejects when the subscription or the publish is
 * refused, or the connection closes first.
 */
export async function request(client: MqttClient, req: Request, hooks: RequestHooks = {}): Promise<Response> {
  const v5 = client.options.protocolVersion === 5;
  const correlation = v5 ? correlationFor(req.properties, req.correlate === true) : undefined;
  const subscription: Subscription = { topicFilter: req.responseTopic, qos: req.qos, ...(v5 ? req.subscription : {}) };
  const suback = await client.subscribe([subscription], req.subscribeProperties);
  const granted = suback.reasonCodes[0] ?? ReasonCode.UnspecifiedError;
  if (granted >= 0x80) {
    throw new MqttError(
      ErrorCode.SubscribeRefused,
      `The broker refused the subscription to the response topic '${req.responseTopic}': ${reasonText(granted)}.`,
      { reasonCode: granted },
    );
  }

  let sentAt: bigint | undefined;
  let onMessage: (message: PublishPacket) => void = () => undefined;
  let onClose: (err: MqttError | undefined) => void = () => undefined;
  const answered = new Promise<Response>((resolve, reject) => {
    onMessage = (message) => {
      if (sentAt === undefined) {
        hooks.ignored?.(message, 'it arrived before the request was sent');
        return;
      }
      const reason = notTheResponse(message, req, correlation);
      if (reason !== undefined) {
        hooks.ignored?.(message, reason);
        return;
      }
      resolve({ message, latencyNs: process.hrtime.bigint() - sentAt });
    };
    onClose = (err) => reject(err ?? new MqttError(ErrorCode.ClientClosed, 'The connection was closed before the response came.'));
  });
  client.on('message', onMessage);
  client.on('close', onClose);
  try {
    const properties: Properties | undefined = v5
      ? { ...req.properties, responseTopic: req.responseTopic, ...(correlation === undefined ? {} : { correlationData: correlation }) }
      : undefined;
    sentAt = process.hrtime.bigint();
    const published = client.publish({ topic: req.topic, payload: req.payload, qos: req.qos, retain: false, properties });
    published.then((outcome) => {
      if (outcome.reasonCode === ReasonCode.NoMatchingSubscribers) hooks.noSubscribers?.();
    }, () => undefined);
    // The response may come before the PUBACK; a refused publish ends the wait.
    return await Promise.race([published.then(() => answered), answered]);
  } finally {
    client.off('message', onMessage);
    client.off('close', onClose);
  }
}
