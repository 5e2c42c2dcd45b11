/**
 * `encode(packet, version)`: one MQTT control packet to bytes. The exact size is computed first and the
 * packet is written into a single allocation. Invalid input throws InvalidArgumentError and writes nothing.
 *
 * Wire hygiene: only what the packet object holds is written. MQTT 5 acks with reason code 0 and no
 * properties use the two-byte short form; DISCONNECT and AUTH with reason 0 and no properties have no
 * variable header at all. On MQTT 3.x, `properties` and ack reason codes are ignored.
 */
import { InvalidArgumentError } from '../errors.js';
import { isValidReasonCode } from './reason-codes.js';
import { topicNameLength } from './utf8.js';
import { propertiesLength, WILL_PROPERTIES, writeProperties } from './properties.js';
import type {
  AckPacket,
  AuthPacket,
  ConnackPacket,
  ConnectPacket,
  DisconnectPacket,
  Packet,
  ProtocolVersion,
  PublishPacket,
  SubackPacket,
  SubscribePacket,
  UnsubackPacket,
  UnsubscribePacket,
} from './types.js';
import { PacketType } from './types.js';
import {
  allocateBytes,
  binaryLength,
  checkInt,
  checkPacketId,
  MAX_VARIABLE_BYTE_INTEGER,
  stringLength,
  vbiSize,
  writeBinary,
  writeString,
  writeU16,
  writeVbi,
} from './writer.js';

/**
 * Encodes `packet` for a connection speaking `version` (3 = MQTT 3.1, 4 = 3.1.1, 5 = 5.0). A CONNECT is
 * encoded with its own `protocolVersion`. Throws InvalidArgumentError for a packet that cannot be sent: a
 * missing or zero packet identifier where one is required, a string over 65,535 bytes or with U+0000, a
 * property not allowed in the packet, a Remaining Length over 268,435,455, ...
 *
 * The result of a small packet (up to 4 KiB) is a view into a shared slab, like Node's `Buffer.allocUnsafe`:
 * use it through its `byteOffset`/`byteLength` (sockets and WebSockets do), never through `.buffer` alone,
 * and do not transfer its buffer to a worker.
 */
export function encode(packet: Packet, version: ProtocolVersion): Uint8Array {
  if (version !== 5 && version !== 4 && version !== 3) {
    throw new InvalidArgumentError(`protocol version must be 3, 4 or 5, got ${String(version)}`);
  }
  switch (packet.type) {
    case PacketType.PUBLISH:
      return encodePublish(packet, version);
    case PacketType.PUBACK:
    case PacketType.PUBREC:
    case PacketType.PUBREL:
    case PacketType.PUBCOMP:
      return encodeAck(packet, version);
    case PacketType.CONNECT:
      return encodeConnect(packet);
    case PacketType.CONNACK:
      return encodeConnack(packet, version);
    case PacketType.SUBSCRIBE:
      return encodeSubscribe(packet, version);
    case PacketType.SUBACK:
      return encodeSuback(packet, version);
    case PacketType.UNSUBSCRIBE:
      return encodeUnsubscribe(packet, version);
    case PacketType.UNSUBACK:
      return encodeUnsuback(packet, version);
    case PacketType.PINGREQ:
      return Uint8Array.of(0xc0, 0);
    case PacketType.PINGRESP:
      return Uint8Array.of(0xd0, 0);
    case PacketType.DISCONNECT:
      return encodeReasonOnly(packet, version, 0xe0);
    case PacketType.AUTH:
      if (version !== 5) throw new InvalidArgumentError('AUTH exists only in MQTT 5');
      return encodeReasonOnly(packet, version, 0xf0);
    default:
      throw new InvalidArgumentError(`unknown packet type ${String((packet as { type: unknown }).type)}`);
  }
}

/** Allocates the whole packet and writes its fixed header; the body starts at `1 + vbiSize(remaining)`. */
function allocate(first: number, remaining: number, omitted = 0): Uint8Array {
  if (remaining > MAX_VARIABLE_BYTE_INTEGER) {
    throw new InvalidArgumentError(
      `the packet's Remaining Length would be ${remaining} bytes; at most ${MAX_VARIABLE_BYTE_INTEGER} are allowed`,
    );
  }
  const buf = allocateBytes(1 + vbiSize(remaining) + remaining - omitted);
  buf[0] = first;
  writeVbi(buf, 1, remaining);
  return buf;
}

/** Size of a property block (length + content) on MQTT 5. */
function blockSize(contentLength: number): number {
  return vbiSize(contentLength) + contentLength;
}

function checkQos(qos: number, what: string): void {
  if (qos !== 0 && qos !== 1 && qos !== 2)
    throw new InvalidArgumentError(`${what} must be 0, 1 or 2, got ${String(qos)}`);
}

/** A Topic Name: a valid string, no wildcards [MQTT-3.3.2-2], not empty unless `allowEmpty` [MQTT-4.7.3-1]. */
function topicLength(topic: string, allowEmpty: boolean, what: string): number {
  const len = typeof topic === 'string' ? topicNameLength(topic) : -1;
  if (len === -2)
    throw new InvalidArgumentError(`${what} must not contain the wildcards + or # [MQTT-3.3.2-2]`);
  if (len < 0 || len > 0xffff) return stringLength(topic, what); // throws with the precise reason
  if (len === 0 && !allowEmpty) throw new InvalidArgumentError(`${what} must not be empty [MQTT-4.7.3-1]`);
  return len;
}

function checkReasonCode(type: PacketType, code: number, version: ProtocolVersion): void {
  checkInt(code, 0, 255, 'reasonCode');
  if (version === 5 && !isValidReasonCode(type, code)) {
    throw new InvalidArgumentError(
      `reason code 0x${code.toString(16)} is not defined for packet type ${type}`,
    );
  }
}

/**
 * A PUBLISH without its payload: the fixed header (whose Remaining Length counts the payload), the variable header
 * and the properties. Sending these bytes and then `p.payload` as it is sends the packet without copying a large
 * payload. Same checks as `encode()`.
 */
export function encodePublishHeader(p: PublishPacket, version: ProtocolVersion): Uint8Array {
  if (version !== 5 && version !== 4 && version !== 3) {
    throw new InvalidArgumentError(`protocol version must be 3, 4 or 5, got ${String(version)}`);
  }
  return encodePublish(p, version, false);
}

function encodePublish(p: PublishPacket, version: ProtocolVersion, withPayload = true): Uint8Array {
  const qos = p.qos;
  checkQos(qos, 'PUBLISH qos');
  if (p.dup && qos === 0)
    throw new InvalidArgumentError('a QoS 0 PUBLISH must not have DUP set [MQTT-3.3.1-2]');
  const props = version === 5 ? p.properties : undefined;
  // MQTT 5 allows an empty topic when a Topic Alias stands for it (§3.3.2.3.4).
  const topicLen = topicLength(p.topic, props?.topicAlias !== undefined, 'PUBLISH topic');
  const payload = p.payload;
  let remaining = 2 + topicLen + payload.length;
  if (qos !== 0) remaining += 2;
  let propsLen = 0;
  if (version === 5) {
    propsLen = propertiesLength(props, PacketType.PUBLISH);
    remaining += blockSize(propsLen);
  }
  const first = 0x30 | (p.dup ? 0x08 : 0) | (qos << 1) | (p.retain ? 0x01 : 0);
  const buf = allocate(first, remaining, withPayload ? 0 : payload.length);
  let pos = writeString(buf, 1 + vbiSize(remaining), p.topic, topicLen);
  if (qos !== 0) pos = writeU16(buf, pos, checkPacketId(p.packetId, 'a QoS 1 or 2 PUBLISH'));
  if (version === 5) pos = writeProperties(buf, pos, props, propsLen);
  if (withPayload) buf.set(payload, pos);
  return buf;
}

function encodeAck(p: AckPacket<4 | 5 | 6 | 7>, version: ProtocolVersion): Uint8Array {
  const first = p.type === PacketType.PUBREL ? 0x62 : p.type << 4; // PUBREL flags 0010 [MQTT-3.6.1-1]
  const id = checkPacketId(p.packetId, 'an acknowledgement');
  if (version !== 5) {
    const buf = allocateBytes(4);
    buf[0] = first;
    buf[1] = 2;
    buf[2] = id >>> 8;
    buf[3] = id & 0xff;
    return buf;
  }
  const code = p.reasonCode ?? 0;
  if (code !== 0) checkReasonCode(p.type, code, version);
  const propsLen = propertiesLength(p.properties, p.type);
  const remaining = propsLen > 0 ? 3 + blockSize(propsLen) : code !== 0 ? 3 : 2;
  const buf = allocate(first, remaining);
  let pos = writeU16(buf, 1 + vbiSize(remaining), id);
  if (remaining > 2) buf[pos++] = code;
  if (propsLen > 0) writeProperties(buf, pos, p.properties, propsLen);
  return buf;
}

function encodeConnect(p: ConnectPacket): Uint8Array {
  const version = p.protocolVersion;
  if (version !== 5 && version !== 4 && version !== 3) {
    throw new InvalidArgumentError(`CONNECT protocolVersion must be 3, 4 or 5, got ${String(version)}`);
  }
  checkInt(p.keepalive, 0, 0xffff, 'keepalive');
  const name = version === 3 ? 'MQIsdp' : 'MQTT';
  let remaining = 2 + name.length + 4; // name, level, flags, keep alive
  let propsLen = 0;
  if (version === 5) {
    propsLen = propertiesLength(p.properties, PacketType.CONNECT);
    remaining += blockSize(propsLen);
  }
  const clientIdLen = stringLength(p.clientId, 'clientId');
  remaining += 2 + clientIdLen;
  let flags = p.cleanStart ? 0x02 : 0;
  const will = p.will;
  let willPropsLen = 0;
  let willTopicLen = 0;
  if (will !== undefined) {
    checkQos(will.qos, 'will qos');
    willTopicLen = topicLength(will.topic, false, 'will topic');
    remaining += 2 + willTopicLen + 2 + binaryLength(will.payload, 'will payload');
    if (version === 5) {
      willPropsLen = propertiesLength(will.properties, WILL_PROPERTIES);
      remaining += blockSize(willPropsLen);
    }
    flags |= 0x04 | (will.qos << 3) | (will.retain ? 0x20 : 0);
  }
  let usernameLen = 0;
  if (p.username !== undefined) {
    usernameLen = stringLength(p.username, 'username');
    remaining += 2 + usernameLen;
    flags |= 0x80;
  }
  if (p.password !== undefined) {
    if (version !== 5 && p.username === undefined) {
      throw new InvalidArgumentError('MQTT 3.x allows a password only with a username [MQTT-3.1.2-22]');
    }
    remaining += 2 + binaryLength(p.password, 'password');
    flags |= 0x40;
  }
  const buf = allocate(0x10, remaining);
  let pos = writeString(buf, 1 + vbiSize(remaining), name, name.length);
  buf[pos++] = version | (p.bridgeMode === true ? 0x80 : 0);
  buf[pos++] = flags;
  pos = writeU16(buf, pos, p.keepalive);
  if (version === 5) pos = writeProperties(buf, pos, p.properties, propsLen);
  pos = writeString(buf, pos, p.clientId, clientIdLen);
  if (will !== undefined) {
    if (version === 5) pos = writeProperties(buf, pos, will.properties, willPropsLen);
    pos = writeString(buf, pos, will.topic, willTopicLen);
    pos = writeBinary(buf, pos, will.payload);
  }
  if (p.username !== undefined) pos = writeString(buf, pos, p.username, usernameLen);
  if (p.password !== undefined) writeBinary(buf, pos, p.password);
  return buf;
}

function encodeConnack(p: ConnackPacket, version: ProtocolVersion): Uint8Array {
  checkInt(p.reasonCode, 0, 255, 'CONNACK reasonCode');
  if (version === 5) checkReasonCode(PacketType.CONNACK, p.reasonCode, version);
  const propsLen = version === 5 ? propertiesLength(p.properties, PacketType.CONNACK) : 0;
  const remaining = version === 5 ? 2 + blockSize(propsLen) : 2;
  const buf = allocate(0x20, remaining);
  const start = 1 + vbiSize(remaining);
  buf[start] = p.sessionPresent ? 1 : 0;
  buf[start + 1] = p.reasonCode;
  if (version === 5) writeProperties(buf, start + 2, p.properties, propsLen);
  return buf;
}

function encodeSubscribe(p: SubscribePacket, version: ProtocolVersion): Uint8Array {
  const id = checkPacketId(p.packetId, 'SUBSCRIBE');
  const subs = p.subscriptions;
  if (subs.length === 0)
    throw new InvalidArgumentError('SUBSCRIBE needs at least one subscription [MQTT-3.8.3-3]');
  let remaining = 2;
  let propsLen = 0;
  if (version === 5) {
    propsLen = propertiesLength(p.properties, PacketType.SUBSCRIBE);
    remaining += blockSize(propsLen);
  }
  const lengths = new Array<number>(subs.length);
  for (let i = 0; i < subs.length; i++) {
    const s = subs[i];
    checkQos(s.qos, 'subscription qos');
    const len = stringLength(s.topicFilter, 'topic filter');
    if (len === 0) throw new InvalidArgumentError('a topic filter must not be empty [MQTT-4.7.3-1]');
    if (version === 5 && s.retainHandling !== undefined) checkInt(s.retainHandling, 0, 2, 'retainHandling');
    lengths[i] = len;
    remaining += 3 + len;
  }
  const buf = allocate(0x82, remaining); // flags 0010 [MQTT-3.8.1-1]
  let pos = writeU16(buf, 1 + vbiSize(remaining), id);
  if (version === 5) pos = writeProperties(buf, pos, p.properties, propsLen);
  for (let i = 0; i < subs.length; i++) {
    const s = subs[i];
    pos = writeString(buf, pos, s.topicFilter, lengths[i]);
    let options: number = s.qos;
    if (version === 5) {
      options |=
        (s.noLocal === true ? 0x04 : 0) |
        (s.retainAsPublished === true ? 0x08 : 0) |
        ((s.retainHandling ?? 0) << 4);
    }
    buf[pos++] = options;
  }
  return buf;
}

function encodeSuback(p: SubackPacket, version: ProtocolVersion): Uint8Array {
  const id = checkPacketId(p.packetId, 'SUBACK');
  const codes = p.reasonCodes;
  for (const code of codes) {
    checkInt(code, 0, 255, 'SUBACK reason code');
    if (version === 5) checkReasonCode(PacketType.SUBACK, code, version);
    else if (code > 2 && code !== 0x80) {
      throw new InvalidArgumentError(
        `an MQTT 3.x SUBACK return code is 0, 1, 2 or 0x80 [MQTT-3.9.3-2], got ${code}`,
      );
    }
  }
  let remaining = 2 + codes.length;
  let propsLen = 0;
  if (version === 5) {
    propsLen = propertiesLength(p.properties, PacketType.SUBACK);
    remaining += blockSize(propsLen);
  }
  const buf = allocate(0x90, remaining);
  let pos = writeU16(buf, 1 + vbiSize(remaining), id);
  if (version === 5) pos = writeProperties(buf, pos, p.properties, propsLen);
  buf.set(codes, pos);
  return buf;
}

function encodeUnsubscribe(p: UnsubscribePacket, version: ProtocolVersion): Uint8Array {
  const id = checkPacketId(p.packetId, 'UNSUBSCRIBE');
  const filters = p.topicFilters;
  if (filters.length === 0)
    throw new InvalidArgumentError('UNSUBSCRIBE needs at least one topic filter [MQTT-3.10.3-2]');
  let remaining = 2;
  let propsLen = 0;
  if (version === 5) {
    propsLen = propertiesLength(p.properties, PacketType.UNSUBSCRIBE);
    remaining += blockSize(propsLen);
  }
  const lengths = new Array<number>(filters.length);
  for (let i = 0; i < filters.length; i++) {
    const len = stringLength(filters[i], 'topic filter');
    if (len === 0) throw new InvalidArgumentError('a topic filter must not be empty [MQTT-4.7.3-1]');
    lengths[i] = len;
    remaining += 2 + len;
  }
  const buf = allocate(0xa2, remaining); // flags 0010 [MQTT-3.10.1-1]
  let pos = writeU16(buf, 1 + vbiSize(remaining), id);
  if (version === 5) pos = writeProperties(buf, pos, p.properties, propsLen);
  for (let i = 0; i < filters.length; i++) pos = writeString(buf, pos, filters[i], lengths[i]);
  return buf;
}

function encodeUnsuback(p: UnsubackPacket, version: ProtocolVersion): Uint8Array {
  const id = checkPacketId(p.packetId, 'UNSUBACK');
  if (version !== 5) {
    const buf = allocate(0xb0, 2);
    writeU16(buf, 2, id);
    return buf;
  }
  const codes = p.reasonCodes;
  for (const code of codes) checkReasonCode(PacketType.UNSUBACK, code, version);
  const propsLen = propertiesLength(p.properties, PacketType.UNSUBACK);
  const remaining = 2 + blockSize(propsLen) + codes.length;
  const buf = allocate(0xb0, remaining);
  let pos = writeU16(buf, 1 + vbiSize(remaining), id);
  pos = writeProperties(buf, pos, p.properties, propsLen);
  buf.set(codes, pos);
  return buf;
}

/** DISCONNECT and AUTH: a reason code and properties, both omitted when 0 and empty (§3.14.2.1, §3.15.2.1). */
function encodeReasonOnly(
  p: DisconnectPacket | AuthPacket,
  version: ProtocolVersion,
  first: number,
): Uint8Array {
  if (version !== 5) return Uint8Array.of(first, 0);
  const code = p.reasonCode ?? 0;
  checkReasonCode(p.type, code, version);
  const propsLen = propertiesLength(p.properties, p.type);
  const remaining = propsLen > 0 ? 1 + blockSize(propsLen) : code !== 0 ? 1 : 0;
  const buf = allocate(first, remaining);
  const start = 1 + vbiSize(remaining);
  if (remaining > 0) buf[start] = code;
  if (propsLen > 0) writeProperties(buf, start + 1, p.properties, propsLen);
  return buf;
}
