/** The MQTT codec: packet types and tables, encode, decode, and the stream framer. */
export * from './constants.js';
export type * from './packets.js';
export * from './properties.js';
export * from './reason-codes.js';
export { encode } from './encode.js';
export { checkFixedHeader, decodePacket } from './decode.js';
export { MAX_PACKET_SIZE, PacketReader, type PacketHandler, type PacketReaderOptions } from './framer.js';
