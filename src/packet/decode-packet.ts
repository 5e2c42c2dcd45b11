/**
 * Decoding of one complete packet: the fixed-header checks (done before the body is buffered) and the body
 * of each of the 15 packet types. Everything here throws MalformedPacketError and nothing else on bad input.
 */
import {
  MALFORMED_PACKET,
  MalformedPacketError,
  malformed,
  protocolError,
  UNSUPPORTED_PROTOCOL_VERSION,
} from './errors.js';
import { readProperties, WILL_PROPERTIES } from './properties.js';
import type { Reader } from './reader.js';
import { isValidReasonCode } from './reason-codes.js';
import type {
  AckPacket,
  AuthPacket,
  ConnackPacket,
  ConnectPacket,
  DisconnectPacket,
  Packet,
  ProtocolVersion,
  PublishPacket,
  QoS,
  RetainHandling,
  SubackPacket,
  SubscribePacket,
  Subscription,
  UnsubackPacket,
  UnsubscribePacket,
  Will,
} from './types.js';
import { PACKET_NAMES, PacketType } from './types.js';

/**
 * Checks the first byte of a fixed header (§2.1.3): a known packet type and the flags the specification
 * fixes for it. Invalid flags make the packet malformed [MQTT-2.1.3-1] (3.1.1: [MQTT-2.2.2-1], [MQTT-2.2.2-2]).
 */
export function checkFixedHeader(first: number, version: ProtocolVersion): void {
  const type = first >> 4;
  const flags = first & 0x0f;
  switch (type) {
    case PacketType.PUBLISH: {
      const qos = (flags >> 1) & 3;
      if (qos === 3) throw malformed('a PUBLISH has QoS 3 [MQTT-3.3.1-4]');
      if (qos === 0 && (flags & 0x08) !== 0) throw malformed('a QoS 0 PUBLISH has DUP set [MQTT-3.3.1-2]');
      return;
    }
    case PacketType.PUBREL:
    case PacketType.SUBSCRIBE:
    case PacketType.UNSUBSCRIBE:
      // [MQTT-3.6.1-1] [MQTT-3.8.1-1] [MQTT-3.10.1-1]: flags are 0010.
      if (flags !== 0x02) throw malformed(`${PACKET_NAMES[type]} has fixed-header flags ${flags}, not 2`);
      return;
    case 0:
      throw malformed('packet type 0 is reserved');
    case PacketType.AUTH:
      if (version !== 5) throw malformed('packet type 15 (AUTH) does not exist before MQTT 5');
      break;
    default:
      break;
  }
  if (flags !== 0) throw malformed(`${PACKET_NAMES[type]} has fixed-header flags ${flags}, not 0`);
}

/**
 * Decodes the body `r.buf[r.pos..r.end)` of a packet whose first byte, already checked by
 * `checkFixedHeader`, is `first`. A CONNECT is decoded by its own protocol level; other packets by `version`.
 */
export function decodeBody(first: number, r: Reader, version: ProtocolVersion): Packet {
  const type = first >> 4;
  switch (type) {
    case PacketType.PUBLISH:
      return decodePublish(first, r, version);
    case PacketType.PUBACK:
    case PacketType.PUBREC:
    case PacketType.PUBREL:
    case PacketType.PUBCOMP:
      return decodeAck(type, r, version);
    case PacketType.CONNECT:
      return decodeConnect(r);
    case PacketType.CONNACK:
      return decodeConnack(r, version);
    case PacketType.SUBSCRIBE:
      return decodeSubscribe(r, version);
    case PacketType.SUBACK:
      return decodeSuback(r, version);
    case PacketType.UNSUBSCRIBE:
      return decodeUnsubscribe(r, version);
    case PacketType.UNSUBACK:
      return decodeUnsuback(r, version);
    case PacketType.PINGREQ:
      r.expectEnd('PINGREQ');
      return { type: PacketType.PINGREQ };
    case PacketType.PINGRESP:
      r.expectEnd('PINGRESP');
      return { type: PacketType.PINGRESP };
    case PacketType.DISCONNECT:
    case PacketType.AUTH:
      return decodeReasonOnly(type, r, version);
    default:
      throw malformed(`packet type ${type} is reserved`);
  }
}

/** A Packet Identifier where one is required: never 0 [MQTT-2.2.1-3] (3.1.1: [MQTT-2.3.1-1]). */
function packetId(r: Reader, type: number): number {
  const id = r.u16();
  if (id === 0) throw protocolError(`${PACKET_NAMES[type]} has packet identifier 0 [MQTT-2.2.1-3]`);
  return id;
}

function reasonCode(r: Reader, type: PacketType): number {
  const code = r.u8();
  if (!isValidReasonCode(type, code)) {
    throw protocolError(`reason code 0x${code.toString(16)} is not defined for ${PACKET_NAMES[type]}`);
  }
  return code;
}

/** A Topic Name must be non-empty [MQTT-4.7.3-1] and free of wildcards [MQTT-3.3.2-2]. */
function checkTopicName(topic: string, allowEmpty: boolean, what: string): void {
  if (topic.length === 0) {
    if (!allowEmpty) throw protocolError(`${what} is empty [MQTT-4.7.3-1]`);
    return;
  }
  if (topic.indexOf('+') !== -1 || topic.indexOf('#') !== -1) {
    throw malformed(`${what} contains a wildcard [MQTT-3.3.2-2]`);
  }
}

/**
 * The last PUBLISH topic decoded, as bytes and as the string: a subscriber mostly sees a few topics again and
 * again, and comparing a few bytes is cheaper than decoding them (the same string instance also makes later
 * comparisons of it cheap).
 */
let lastTopicBytes = new Uint8Array(0);
let lastTopic = '';
const TOPIC_CACHE_MAX = 128;

/** The topic at the reader's position: the cached string when the bytes are the last topic's. */
function publishTopic(r: Reader): string {
  const buf = r.buf;
  const p = r.pos;
  if (p + 2 <= r.end) {
    const len = (buf[p] << 8) | buf[p + 1];
    if (len === lastTopicBytes.length && len > 0 && p + 2 + len <= r.end) {
      let same = true;
      for (let i = 0; i < len; i++) {
        if (buf[p + 2 + i] !== lastTopicBytes[i]) {
          same = false;
          break;
        }
      }
      if (same) {
        r.pos = p + 2 + len;
        return lastTopic;
      }
    }
  }
  const topic = r.string();
  const len = r.pos - p - 2;
  if (len > 0 && len <= TOPIC_CACHE_MAX) {
    lastTopicBytes = buf.slice(p + 2, r.pos);
    lastTopic = topic;
  }
  return topic;
}

function decodePublish(first: number, r: Reader, version: ProtocolVersion): PublishPacket {
  const qos = ((first >> 1) & 3) as QoS;
  const topic = publishTopic(r);
  const packet: PublishPacket = {
    type: PacketType.PUBLISH,
    topic,
    payload: r.buf, // replaced below; keeps one object shape
    qos,
    retain: (first & 0x01) !== 0,
    dup: (first & 0x08) !== 0,
  };
  if (qos !== 0) packet.packetId = packetId(r, PacketType.PUBLISH);
  let hasAlias = false;
  if (version === 5) {
    const props = readProperties(r, PacketType.PUBLISH);
    if (props !== undefined) {
      packet.properties = props;
      hasAlias = props.topicAlias !== undefined;
    }
  }
  // MQTT 5: an empty Topic Name is allowed when a Topic Alias stands for it (§3.3.2.3.4).
  checkTopicName(topic, hasAlias, 'the PUBLISH Topic Name');
  packet.payload = r.rest();
  return packet;
}

function decodeAck(type: 4 | 5 | 6 | 7, r: Reader, version: ProtocolVersion): AckPacket<4 | 5 | 6 | 7> {
  const packet: AckPacket<4 | 5 | 6 | 7> = { type, packetId: packetId(r, type), reasonCode: 0 };
  if (version === 5 && r.remaining > 0) {
    // §3.4.2.1: no Reason Code means 0x00; no Property Length means no properties.
    packet.reasonCode = reasonCode(r, type);
    if (r.remaining > 0) {
      const props = readProperties(r, type);
      if (props !== undefined) packet.properties = props;
    }
  }
  r.expectEnd(PACKET_NAMES[type]);
  return packet;
}

function decodeConnect(r: Reader): ConnectPacket {
  const name = r.string();
  const levelByte = r.u8();
  const level = levelByte & 0x7f;
  if (!((name === 'MQTT' && (level === 4 || level === 5)) || (name === 'MQIsdp' && level === 3))) {
    // [MQTT-3.1.2-1] [MQTT-3.1.2-2]: the Server may answer 0x84 Unsupported Protocol Version.
    throw new MalformedPacketError(
      UNSUPPORTED_PROTOCOL_VERSION,
      `unsupported protocol ${JSON.stringify(name)} level ${level}`,
    );
  }
  const version = level;
  const flags = r.u8();
  if ((flags & 0x01) !== 0) throw malformed('the CONNECT reserved flag is set [MQTT-3.1.2-3]');
  const hasWill = (flags & 0x04) !== 0;
  const willQos = (flags >> 3) & 3;
  const willRetain = (flags & 0x20) !== 0;
  if (!hasWill && (willQos !== 0 || willRetain)) {
    // 5.0 [MQTT-3.1.2-11] [MQTT-3.1.2-13]; 3.1.1 [MQTT-3.1.2-13] [MQTT-3.1.2-15]
    throw malformed('CONNECT has Will QoS or Will Retain without the Will Flag [MQTT-3.1.2-11]');
  }
  if (willQos === 3) throw malformed('CONNECT has Will QoS 3 [MQTT-3.1.2-12]');
  const hasUsername = (flags & 0x80) !== 0;
  const hasPassword = (flags & 0x40) !== 0;
  if (version !== 5 && hasPassword && !hasUsername) {
    throw malformed('an MQTT 3.x CONNECT has a password without a user name [MQTT-3.1.2-22]');
  }
  const packet: ConnectPacket = {
    type: PacketType.CONNECT,
    protocolVersion: version,
    cleanStart: (flags & 0x02) !== 0,
    keepalive: r.u16(),
    clientId: '',
  };
  if ((levelByte & 0x80) !== 0) packet.bridgeMode = true;
  if (version === 5) {
    const props = readProperties(r, PacketType.CONNECT);
    if (props !== undefined) packet.properties = props;
  }
  packet.clientId = r.string();
  if (hasWill) {
    const willProps = version === 5 ? readProperties(r, WILL_PROPERTIES) : undefined;
    const topic = r.string();
    checkTopicName(topic, false, 'the Will Topic');
    const will: Will = { topic, payload: r.binary(), qos: willQos as QoS, retain: willRetain };
    if (willProps !== undefined) will.properties = willProps;
    packet.will = will;
  }
  if (hasUsername) packet.username = r.string();
  if (hasPassword) packet.password = r.binary();
  r.expectEnd('CONNECT');
  return packet;
}

function decodeConnack(r: Reader, version: ProtocolVersion): ConnackPacket {
  const ackFlags = r.u8();
  if ((ackFlags & 0xfe) !== 0) throw malformed('CONNACK reserved flag bits are set [MQTT-3.2.2-1]');
  const packet: ConnackPacket = {
    type: PacketType.CONNACK,
    sessionPresent: ackFlags === 1,
    reasonCode: version === 5 ? reasonCode(r, PacketType.CONNACK) : r.u8(),
  };
  if (version === 5) {
    const props = readProperties(r, PacketType.CONNACK);
    if (props !== undefined) packet.properties = props;
  }
  r.expectEnd('CONNACK');
  return packet;
}

function decodeSubscribe(r: Reader, version: ProtocolVersion): SubscribePacket {
  const packet: SubscribePacket = { type: PacketType.SUBSCRIBE, packetId: packetId(r, 8), subscriptions: [] };
  if (version === 5) {
    const props = readProperties(r, PacketType.SUBSCRIBE);
    if (props !== undefined) packet.properties = props;
  }
  while (r.remaining > 0) {
    const topicFilter = r.string();
    if (topicFilter.length === 0) throw protocolError('a SUBSCRIBE topic filter is empty [MQTT-4.7.3-1]');
    const options = r.u8();
    const qos = options & 3;
    if (qos === 3) throw malformed('a subscription asks for QoS 3');
    let sub: Subscription;
    if (version === 5) {
      if ((options & 0xc0) !== 0) throw malformed('reserved subscription option bits are set [MQTT-3.8.3-5]');
      const retainHandling = (options >> 4) & 3;
      if (retainHandling === 3) throw protocolError('a subscription has Retain Handling 3');
      const noLocal = (options & 0x04) !== 0;
      if (noLocal && topicFilter.startsWith('$share/')) {
        throw protocolError('No Local is set on a shared subscription [MQTT-3.8.3-4]');
      }
      sub = {
        topicFilter,
        qos: qos as QoS,
        noLocal,
        retainAsPublished: (options & 0x08) !== 0,
        retainHandling: retainHandling as RetainHandling,
      };
    } else {
      if ((options & 0xfc) !== 0) throw malformed('reserved subscription option bits are set [MQTT-3-8.3-4]');
      sub = { topicFilter, qos: qos as QoS };
    }
    packet.subscriptions.push(sub);
  }
  // 5.0 [MQTT-3.8.3-2], 3.1.1 [MQTT-3.8.3-3]
  if (packet.subscriptions.length === 0)
    throw protocolError('a SUBSCRIBE has no subscription [MQTT-3.8.3-2]');
  return packet;
}

function decodeSuback(r: Reader, version: ProtocolVersion): SubackPacket {
  const packet: SubackPacket = { type: PacketType.SUBACK, packetId: packetId(r, 9), reasonCodes: [] };
  if (version === 5) {
    const props = readProperties(r, PacketType.SUBACK);
    if (props !== undefined) packet.properties = props;
    while (r.remaining > 0) packet.reasonCodes.push(reasonCode(r, PacketType.SUBACK));
  } else {
    while (r.remaining > 0) {
      const code = r.u8();
      if (code > 2 && code !== 0x80) throw malformed(`SUBACK return code ${code} is reserved [MQTT-3.9.3-2]`);
      packet.reasonCodes.push(code);
    }
  }
  return packet;
}

function decodeUnsubscribe(r: Reader, version: ProtocolVersion): UnsubscribePacket {
  const packet: UnsubscribePacket = {
    type: PacketType.UNSUBSCRIBE,
    packetId: packetId(r, 10),
    topicFilters: [],
  };
  if (version === 5) {
    const props = readProperties(r, PacketType.UNSUBSCRIBE);
    if (props !== undefined) packet.properties = props;
  }
  while (r.remaining > 0) {
    const filter = r.string();
    if (filter.length === 0) throw protocolError('an UNSUBSCRIBE topic filter is empty [MQTT-4.7.3-1]');
    packet.topicFilters.push(filter);
  }
  if (packet.topicFilters.length === 0) {
    throw protocolError('an UNSUBSCRIBE has no topic filter [MQTT-3.10.3-2]');
  }
  return packet;
}

function decodeUnsuback(r: Reader, version: ProtocolVersion): UnsubackPacket {
  const packet: UnsubackPacket = { type: PacketType.UNSUBACK, packetId: packetId(r, 11), reasonCodes: [] };
  if (version === 5) {
    const props = readProperties(r, PacketType.UNSUBACK);
    if (props !== undefined) packet.properties = props;
    while (r.remaining > 0) packet.reasonCodes.push(reasonCode(r, PacketType.UNSUBACK));
  }
  r.expectEnd('UNSUBACK');
  return packet;
}

function decodeReasonOnly(type: 14 | 15, r: Reader, version: ProtocolVersion): DisconnectPacket | AuthPacket {
  const packet: DisconnectPacket | AuthPacket = { type, reasonCode: 0 };
  if (version === 5 && r.remaining > 0) {
    // §3.14.2.1 / §3.15.2.1: a Remaining Length of 0 means reason 0x00 and no properties.
    packet.reasonCode = reasonCode(r, type);
    if (r.remaining > 0) {
      const props = readProperties(r, type);
      if (props !== undefined) packet.properties = props;
    }
  }
  r.expectEnd(PACKET_NAMES[type]);
  return packet;
}

/** Wraps anything unexpected thrown while decoding, so callers only ever see MalformedPacketError. */
export function asMalformed(error: unknown): MalformedPacketError {
  if (error instanceof MalformedPacketError) return error;
  return new MalformedPacketError(MALFORMED_PACKET, 'the packet could not be decoded', { cause: error });
}
