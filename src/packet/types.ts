/**
 * The MQTT control packets of MQTT 3.1 (level 3), 3.1.1 (level 4) and 5.0 (level 5) as one discriminated union.
 *
 * One shape serves every version: fields that exist only in MQTT 5 (reason codes on acks, properties) are
 * optional and ignored by the encoder on 3.x. Byte strings are `Uint8Array` (a Node `Buffer` is one).
 */

/** The protocol level carried in CONNECT: 3 = MQTT 3.1 ("MQIsdp"), 4 = MQTT 3.1.1, 5 = MQTT 5.0. */
export type ProtocolVersion = 3 | 4 | 5;

export type QoS = 0 | 1 | 2;

/** Control packet type numbers, the high nibble of the fixed header's first byte. */
export const PacketType = {
  CONNECT: 1,
  CONNACK: 2,
  PUBLISH: 3,
  PUBACK: 4,
  PUBREC: 5,
  PUBREL: 6,
  PUBCOMP: 7,
  SUBSCRIBE: 8,
  SUBACK: 9,
  UNSUBSCRIBE: 10,
  UNSUBACK: 11,
  PINGREQ: 12,
  PINGRESP: 13,
  DISCONNECT: 14,
  AUTH: 15,
} as const;
export type PacketType = (typeof PacketType)[keyof typeof PacketType];

/** The name of each packet type, indexed by its number (Table 2-1); 0 is reserved. The one table of them. */
export const PACKET_NAMES: readonly string[] = ['Reserved', ...Object.keys(PacketType)];

/** A user property: a name and a value. Order is kept and a name may repeat (MQTT 5, 3.3.2.3.7). */
export type UserProperty = readonly [name: string, value: string];

/**
 * MQTT 5 properties, by their specification names in camelCase. Byte-valued flags keep their wire value
 * (0 or 1) so that a broker's exact answer is visible. Which packet each may appear in is enforced by the codec.
 */
export interface Properties {
  payloadFormatIndicator?: number; // 0x01 byte
  messageExpiryInterval?: number; // 0x02 four-byte integer
  contentType?: string; // 0x03
  responseTopic?: string; // 0x08
  correlationData?: Uint8Array; // 0x09
  subscriptionIdentifiers?: number[]; // 0x0B variable byte integer, may repeat in PUBLISH
  sessionExpiryInterval?: number; // 0x11
  assignedClientIdentifier?: string; // 0x12
  serverKeepAlive?: number; // 0x13 two-byte integer
  authenticationMethod?: string; // 0x15
  authenticationData?: Uint8Array; // 0x16
  requestProblemInformation?: number; // 0x17 byte
  willDelayInterval?: number; // 0x18
  requestResponseInformation?: number; // 0x19 byte
  responseInformation?: string; // 0x1A
  serverReference?: string; // 0x1C
  reasonString?: string; // 0x1F
  receiveMaximum?: number; // 0x21 two-byte integer
  topicAliasMaximum?: number; // 0x22
  topicAlias?: number; // 0x23
  maximumQoS?: number; // 0x24 byte
  retainAvailable?: number; // 0x25 byte
  userProperties?: UserProperty[]; // 0x26, may repeat
  maximumPacketSize?: number; // 0x27 four-byte integer
  wildcardSubscriptionAvailable?: number; // 0x28 byte
  subscriptionIdentifiersAvailable?: number; // 0x29 byte
  sharedSubscriptionAvailable?: number; // 0x2A byte
}

export interface Will {
  topic: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
  /** Will properties (MQTT 5): willDelayInterval, payloadFormatIndicator, messageExpiryInterval, ... */
  properties?: Properties;
}

export interface ConnectPacket {
  type: typeof PacketType.CONNECT;
  protocolVersion: ProtocolVersion;
  /** Bit 7 of the protocol level: the Mosquitto/RSMB bridge extension. */
  bridgeMode?: boolean;
  /** "Clean session" on 3.x, "Clean start" on 5.0. */
  cleanStart: boolean;
  /** Seconds; 0 turns keepalive off. */
  keepalive: number;
  clientId: string;
  will?: Will;
  username?: string;
  password?: Uint8Array;
  properties?: Properties;
}

export interface ConnackPacket {
  type: typeof PacketType.CONNACK;
  sessionPresent: boolean;
  /** The MQTT 5 reason code, or the 3.x return code (0..5) as it was on the wire. */
  reasonCode: number;
  properties?: Properties;
}

export interface PublishPacket {
  type: typeof PacketType.PUBLISH;
  topic: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
  dup: boolean;
  /** Present exactly when qos > 0 [MQTT-2.2.1-2]. */
  packetId?: number;
  properties?: Properties;
}

/** PUBACK, PUBREC, PUBREL and PUBCOMP share one shape. `reasonCode` 0 is sent in the short form. */
export interface AckPacket<T extends 4 | 5 | 6 | 7> {
  type: T;
  packetId: number;
  reasonCode: number;
  properties?: Properties;
}
export type PubackPacket = AckPacket<typeof PacketType.PUBACK>;
export type PubrecPacket = AckPacket<typeof PacketType.PUBREC>;
export type PubrelPacket = AckPacket<typeof PacketType.PUBREL>;
export type PubcompPacket = AckPacket<typeof PacketType.PUBCOMP>;

export type RetainHandling = 0 | 1 | 2;

export interface Subscription {
  topicFilter: string;
  qos: QoS;
  /** MQTT 5 subscription options; encoded only on version 5. */
  noLocal?: boolean;
  retainAsPublished?: boolean;
  retainHandling?: RetainHandling;
}

export interface SubscribePacket {
  type: typeof PacketType.SUBSCRIBE;
  packetId: number;
  subscriptions: Subscription[];
  properties?: Properties;
}

export interface SubackPacket {
  type: typeof PacketType.SUBACK;
  packetId: number;
  /** Granted QoS (0..2) or a failure code (0x80 on 3.1.1, any MQTT 5 reason code on 5.0). */
  reasonCodes: number[];
  properties?: Properties;
}

export interface UnsubscribePacket {
  type: typeof PacketType.UNSUBSCRIBE;
  packetId: number;
  topicFilters: string[];
  properties?: Properties;
}

export interface UnsubackPacket {
  type: typeof PacketType.UNSUBACK;
  packetId: number;
  /** One per filter on MQTT 5; empty on 3.x, whose UNSUBACK has no payload. */
  reasonCodes: number[];
  properties?: Properties;
}

export interface PingreqPacket {
  type: typeof PacketType.PINGREQ;
}

export interface PingrespPacket {
  type: typeof PacketType.PINGRESP;
}

export interface DisconnectPacket {
  type: typeof PacketType.DISCONNECT;
  /** MQTT 5 only; 0 (normal disconnection) is sent in the short form. */
  reasonCode: number;
  properties?: Properties;
}

export interface AuthPacket {
  type: typeof PacketType.AUTH;
  reasonCode: number;
  properties?: Properties;
}

export type Packet =
  | ConnectPacket
  | ConnackPacket
  | PublishPacket
  | PubackPacket
  | PubrecPacket
  | PubrelPacket
  | PubcompPacket
  | SubscribePacket
  | SubackPacket
  | UnsubscribePacket
  | UnsubackPacket
  | PingreqPacket
  | PingrespPacket
  | DisconnectPacket
  | AuthPacket;
