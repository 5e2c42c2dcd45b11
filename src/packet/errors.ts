/**
 * The codec's error: a packet that breaks the MQTT specification's encoding or protocol rules.
 *
 * `reasonCode` is the MQTT 5 reason code a receiver sends in its DISCONNECT (or CONNACK) before it closes
 * the connection: 0x81 Malformed Packet, 0x82 Protocol Error, 0x95 Packet too large; 0x84 Unsupported
 * Protocol Version for a CONNECT with an unknown protocol name or level; 0x94 Topic Alias invalid for a PUBLISH
 * with Topic Alias 0.
 */
import { MqttError } from '../errors.js';

/** Reason codes the decoder reports (a subset of the MQTT 5 table in `reason-codes.ts`). */
export const MALFORMED_PACKET = 0x81;
export const PROTOCOL_ERROR = 0x82;
export const UNSUPPORTED_PROTOCOL_VERSION = 0x84;
export const TOPIC_ALIAS_INVALID = 0x94;
export const PACKET_TOO_LARGE = 0x95;

/** Thrown by `PacketDecoder.push` for bytes that are not a valid MQTT packet. Code `ERR_MQTT_MALFORMED_PACKET`. */
export class MalformedPacketError extends MqttError {
  /** The MQTT 5 reason code for the DISCONNECT this error calls for (0x81, 0x82, 0x84, 0x94 or 0x95). */
  readonly reasonCode: number;

  constructor(reasonCode: number, message: string, options?: { cause?: unknown }) {
    super('ERR_MQTT_MALFORMED_PACKET', message, options);
    this.reasonCode = reasonCode;
  }
}

/** Shorthand used throughout the decoder: a Malformed Packet (0x81). */
export function malformed(message: string): MalformedPacketError {
  return new MalformedPacketError(MALFORMED_PACKET, message);
}

/** Shorthand: a Protocol Error (0x82). */
export function protocolError(message: string): MalformedPacketError {
  return new MalformedPacketError(PROTOCOL_ERROR, message);
}
