/** The MQTT packet codec: packet types, `encode`, the streaming `PacketDecoder`, properties and reason codes. */
export * from './types.js';
export { encode, encodePublishHeader } from './encode.js';
export { PacketDecoder, decodePacket, type PacketDecoderOptions } from './decoder.js';
export {
  MalformedPacketError,
  MALFORMED_PACKET,
  PROTOCOL_ERROR,
  PACKET_TOO_LARGE,
  UNSUPPORTED_PROTOCOL_VERSION,
} from './errors.js';
export {
  ReasonCode,
  ConnackReturnCode,
  reasonCodeName,
  isValidReasonCode,
  isFailureReasonCode,
  connackString,
  connackReturnCodeToReasonCode,
  type ReasonCodes,
} from './reason-codes.js';
export { PROPERTIES, propertyById, propertyByName, type PropertyInfo } from './properties.js';
