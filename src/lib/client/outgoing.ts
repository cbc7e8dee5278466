import type { PublishPacket } from '../protocol/packets.js';

/** What a QoS 1/2 publish settles to: its packet id and the reason code of the final ack. */
export interface PublishOutcome {
  packetId: number | undefined;
  reasonCode: number;
}

/**
 * One outgoing QoS 1/2 message between PUBLISH and its last ack. `stage` says which packet to send
 * again if the session resumes on a new connection: the PUBLISH (with DUP) or, once PUBREC came
 * back, the PUBREL.
 */
export interface OutgoingFlight {
  packet: PublishPacket;
  stage: 'publish' | 'pubrel';
  resolve: (outcome: PublishOutcome) => void;
  reject: (err: Error) => void;
}
