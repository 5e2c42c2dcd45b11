/**
 * MQTT 5 properties (§2.2.2): the 27 property identifiers, their wire types, the packets each may appear in,
 * and the encoding and decoding of a property block (a Variable Byte Integer length, then the properties).
 *
 * Decoding rules: an identifier that is unknown or not allowed in the packet is a Malformed Packet (0x81,
 * §2.2.2.2); a single-valued property given twice, or an out-of-range value (Receive Maximum 0, Maximum
 * Packet Size 0, Topic Alias 0, Subscription Identifier 0, a 0/1 flag with another value), is a Protocol
 * Error (0x82), as each property's section in §3 says.
 */
import { InvalidArgumentError } from '../errors.js';
import { MalformedPacketError, malformed, protocolError, TOPIC_ALIAS_INVALID } from './errors.js';
import type { Reader } from './reader.js';
import { PACKET_NAMES, PacketType, type Properties, type UserProperty } from './types.js';
import {
  binaryLength,
  stringLength,
  vbiSize,
  writeBinary,
  writeString,
  writeU16,
  writeU32,
  writeVbi,
} from './writer.js';

/** The context of a property block that is not a packet of its own: the Will Properties of a CONNECT. */
export const WILL_PROPERTIES = 0;

/** Wire types (§2.2.2.2). */
const BYTE = 1;
const TWO_BYTE = 2;
const FOUR_BYTE = 3;
const VARIABLE = 4;
const STRING = 5;
const BINARY = 6;
const STRING_PAIR = 7;

/** Value rules beyond the wire type. */
const ANY = 0;
/** A Byte whose only values are 0 and 1. */
const FLAG = 1;
/** An integer that must not be 0. */
const NON_ZERO = 2;

export interface PropertyInfo {
  readonly id: number;
  readonly name: keyof Properties;
  readonly wire: number;
  /** Bit n set: allowed in packet type n; bit 0: allowed in the Will Properties. */
  readonly packets: number;
  /** User Property and Subscription Identifier may appear more than once; they decode to arrays. */
  readonly multiple: boolean;
  readonly rule: number;
}

const W = 1 << WILL_PROPERTIES;
const CONNECT = 1 << PacketType.CONNECT;
const CONNACK = 1 << PacketType.CONNACK;
const PUBLISH = 1 << PacketType.PUBLISH;
const ACKS =
  (1 << PacketType.PUBACK) | (1 << PacketType.PUBREC) | (1 << PacketType.PUBREL) | (1 << PacketType.PUBCOMP);
const SUBSCRIBE = 1 << PacketType.SUBSCRIBE;
const SUBACK = 1 << PacketType.SUBACK;
const UNSUBSCRIBE = 1 << PacketType.UNSUBSCRIBE;
const UNSUBACK = 1 << PacketType.UNSUBACK;
const DISCONNECT = 1 << PacketType.DISCONNECT;
const AUTH = 1 << PacketType.AUTH;

function p(
  id: number,
  name: keyof Properties,
  wire: number,
  packets: number,
  rule = ANY,
  multiple = false,
): PropertyInfo {
  return { id, name, wire, packets, multiple, rule };
}

/** Table 2-4 (§2.2.2.2), in identifier order. */
export const PROPERTIES: readonly PropertyInfo[] = [
  p(0x01, 'payloadFormatIndicator', BYTE, PUBLISH | W, FLAG),
  p(0x02, 'messageExpiryInterval', FOUR_BYTE, PUBLISH | W),
  p(0x03, 'contentType', STRING, PUBLISH | W),
  p(0x08, 'responseTopic', STRING, PUBLISH | W),
  p(0x09, 'correlationData', BINARY, PUBLISH | W),
  p(0x0b, 'subscriptionIdentifiers', VARIABLE, PUBLISH | SUBSCRIBE, NON_ZERO, true),
  p(0x11, 'sessionExpiryInterval', FOUR_BYTE, CONNECT | CONNACK | DISCONNECT),
  p(0x12, 'assignedClientIdentifier', STRING, CONNACK),
  p(0x13, 'serverKeepAlive', TWO_BYTE, CONNACK),
  p(0x15, 'authenticationMethod', STRING, CONNECT | CONNACK | AUTH),
  p(0x16, 'authenticationData', BINARY, CONNECT | CONNACK | AUTH),
  p(0x17, 'requestProblemInformation', BYTE, CONNECT, FLAG),
  p(0x18, 'willDelayInterval', FOUR_BYTE, W),
  p(0x19, 'requestResponseInformation', BYTE, CONNECT, FLAG),
  p(0x1a, 'responseInformation', STRING, CONNACK),
  p(0x1c, 'serverReference', STRING, CONNACK | DISCONNECT),
  p(0x1f, 'reasonString', STRING, CONNACK | ACKS | SUBACK | UNSUBACK | DISCONNECT | AUTH),
  p(0x21, 'receiveMaximum', TWO_BYTE, CONNECT | CONNACK, NON_ZERO),
  p(0x22, 'topicAliasMaximum', TWO_BYTE, CONNECT | CONNACK),
  p(0x23, 'topicAlias', TWO_BYTE, PUBLISH, NON_ZERO),
  p(0x24, 'maximumQoS', BYTE, CONNACK, FLAG),
  p(0x25, 'retainAvailable', BYTE, CONNACK, FLAG),
  p(
    0x26,
    'userProperties',
    STRING_PAIR,
    CONNECT | CONNACK | PUBLISH | W | ACKS | SUBSCRIBE | SUBACK | UNSUBSCRIBE | UNSUBACK | DISCONNECT | AUTH,
    ANY,
    true,
  ),
  p(0x27, 'maximumPacketSize', FOUR_BYTE, CONNECT | CONNACK, NON_ZERO),
  p(0x28, 'wildcardSubscriptionAvailable', BYTE, CONNACK, FLAG),
  p(0x29, 'subscriptionIdentifiersAvailable', BYTE, CONNACK, FLAG),
  p(0x2a, 'sharedSubscriptionAvailable', BYTE, CONNACK, FLAG),
];

const BY_ID: (PropertyInfo | undefined)[] = [];
const BY_NAME = new Map<string, PropertyInfo>();
for (const info of PROPERTIES) {
  BY_ID[info.id] = info;
  BY_NAME.set(info.name, info);
}

/** The table entry for a property identifier, or undefined. */
export function propertyById(id: number): PropertyInfo | undefined {
  return BY_ID[id];
}

/** The table entry for a property name, or undefined. */
export function propertyByName(name: string): PropertyInfo | undefined {
  return BY_NAME.get(name);
}

/** Where a property block is, for error messages: a packet's name, or the Will Properties of a CONNECT. */
function contextName(context: number): string | undefined {
  return context === WILL_PROPERTIES ? 'Will Properties' : PACKET_NAMES[context];
}

const hex = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`;

// ---------------------------------------------------------------------------------------------------------
// Decoding

/**
 * Reads a property block at the reader's position. `context` is the packet type, or WILL_PROPERTIES.
 * Returns undefined for an empty block.
 */
export function readProperties(r: Reader, context: number): Properties | undefined {
  const len = r.vbi();
  if (len === 0) return undefined;
  if (len > r.remaining) throw malformed(`the Property Length (${len}) runs past the end of the packet`);
  const outerEnd = r.end;
  const end = r.pos + len;
  r.end = end; // a property value that runs past the block is malformed: the reader's bound checks it
  const bit = 1 << context;
  const props: Record<string, unknown> = {};
  while (r.pos < end) {
    const id = r.vbi();
    const info = BY_ID[id];
    if (info === undefined || (info.packets & bit) === 0) {
      // §2.2.2.2: an identifier not valid for its packet type is a Malformed Packet.
      throw malformed(`property ${hex(id)} is not allowed in ${contextName(context)}`);
    }
    let value: number | string | Uint8Array | UserProperty;
    switch (info.wire) {
      case BYTE:
        value = r.u8();
        break;
      case TWO_BYTE:
        value = r.u16();
        break;
      case FOUR_BYTE:
        value = r.u32();
        break;
      case VARIABLE:
        value = r.vbi();
        break;
      case STRING:
        value = r.string();
        break;
      case BINARY:
        value = r.binary();
        break;
      default: {
        const key = r.string();
        value = [key, r.string()];
      }
    }
    if (info.rule === FLAG && value !== 0 && value !== 1) {
      throw protocolError(`${info.name} must be 0 or 1, got ${String(value)}`);
    }
    if (info.rule === NON_ZERO && value === 0) {
      if (info.id === 0x23) {
        // [MQTT-3.3.2-8]: a sender MUST NOT send Topic Alias 0. The receiver closes with 0x94 Topic Alias
        // invalid, as for an alias above the maximum it sent (3.3.2.3.4), not with a generic Protocol Error.
        throw new MalformedPacketError(TOPIC_ALIAS_INVALID, 'topicAlias must not be 0 [MQTT-3.3.2-8]');
      }
      throw protocolError(`${info.name} must not be 0`);
    }
    const existing = props[info.name];
    if (info.multiple) {
      if (existing === undefined) {
        props[info.name] = [value];
      } else {
        if (context === PacketType.SUBSCRIBE && info.id === 0x0b) {
          throw protocolError('a SUBSCRIBE carries at most one Subscription Identifier');
        }
        (existing as unknown[]).push(value);
      }
    } else {
      if (existing !== undefined) throw protocolError(`property ${info.name} appears more than once`);
      props[info.name] = value;
    }
  }
  r.end = outerEnd;
  return props;
}

// ---------------------------------------------------------------------------------------------------------
// Encoding

function checkRange(info: PropertyInfo, v: unknown, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new InvalidArgumentError(
      `property ${info.name} must be an integer from ${min} to ${max}, got ${String(v)}`,
    );
  }
  return v;
}

function valueSize(info: PropertyInfo, v: unknown): number {
  const low = info.rule === NON_ZERO ? 1 : 0;
  switch (info.wire) {
    case BYTE:
      checkRange(info, v, 0, info.rule === FLAG ? 1 : 255);
      return 1;
    case TWO_BYTE:
      checkRange(info, v, low, 0xffff);
      return 2;
    case FOUR_BYTE:
      checkRange(info, v, low, 0xffffffff);
      return 4;
    case VARIABLE:
      return vbiSize(checkRange(info, v, low, 268_435_455));
    case STRING:
      return 2 + stringLength(v as string, `property ${info.name}`);
    case BINARY:
      return 2 + binaryLength(v as Uint8Array, `property ${info.name}`);
    default: {
      if (!Array.isArray(v) || v.length !== 2) {
        throw new InvalidArgumentError(`each of userProperties must be a [name, value] pair`);
      }
      const pair = v as unknown[];
      return (
        4 +
        stringLength(pair[0] as string, 'a user property name') +
        stringLength(pair[1] as string, 'a user property value')
      );
    }
  }
}

/**
 * The byte length of the properties' content (without the Property Length itself), after checking each
 * property is known, allowed in `context`, and in range. Throws InvalidArgumentError otherwise.
 */
export function propertiesLength(props: Properties | undefined, context: number): number {
  if (props === undefined) return 0;
  const bit = 1 << context;
  let size = 0;
  for (const key in props) {
    const v = (props as Record<string, unknown>)[key];
    if (v === undefined) continue;
    const info = BY_NAME.get(key);
    if (info === undefined) throw new InvalidArgumentError(`unknown MQTT 5 property ${key}`);
    if ((info.packets & bit) === 0) {
      throw new InvalidArgumentError(`property ${key} is not allowed in ${contextName(context)}`);
    }
    if (info.multiple) {
      if (!Array.isArray(v)) throw new InvalidArgumentError(`property ${key} must be an array`);
      const list = v as unknown[];
      if (context === PacketType.SUBSCRIBE && info.id === 0x0b && list.length > 1) {
        throw new InvalidArgumentError('a SUBSCRIBE carries at most one Subscription Identifier');
      }
      for (const item of list) size += 1 + valueSize(info, item);
    } else {
      size += 1 + valueSize(info, v);
    }
  }
  return size;
}

function writeValue(buf: Uint8Array, pos: number, info: PropertyInfo, v: unknown): number {
  buf[pos++] = info.id;
  switch (info.wire) {
    case BYTE:
      buf[pos] = v as number;
      return pos + 1;
    case TWO_BYTE:
      return writeU16(buf, pos, v as number);
    case FOUR_BYTE:
      return writeU32(buf, pos, v as number);
    case VARIABLE:
      return writeVbi(buf, pos, v as number);
    case STRING: {
      const s = v as string;
      return writeString(buf, pos, s, stringLength(s, info.name));
    }
    case BINARY:
      return writeBinary(buf, pos, v as Uint8Array);
    default: {
      const [name, value] = v as UserProperty;
      pos = writeString(buf, pos, name, stringLength(name, 'a user property name'));
      return writeString(buf, pos, value, stringLength(value, 'a user property value'));
    }
  }
}

/**
 * Writes a property block: the Property Length `length` (from `propertiesLength`), then the properties.
 * Returns the position after it.
 */
export function writeProperties(
  buf: Uint8Array,
  pos: number,
  props: Properties | undefined,
  length: number,
): number {
  pos = writeVbi(buf, pos, length);
  if (props === undefined || length === 0) return pos;
  for (const key in props) {
    const v = (props as Record<string, unknown>)[key];
    if (v === undefined) continue;
    const info = BY_NAME.get(key) as PropertyInfo;
    if (info.multiple) {
      for (const item of v as unknown[]) pos = writeValue(buf, pos, info, item);
    } else {
      pos = writeValue(buf, pos, info, v);
    }
  }
  return pos;
}
