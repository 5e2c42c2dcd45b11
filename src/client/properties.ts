/**
 * `Properties`: MQTT 5 properties for one packet type, as Paho's `Properties(packetType)`. Assigning a property
 * the packet may not carry, or a value out of its range, throws `InvalidArgumentError` at once, so a mistake
 * is reported where it is made rather than when the packet is built.
 *
 * A `Properties` object reads like the plain `Properties` interface of the codec (`props.contentType`); the
 * client hands the engine `toObject()`, a plain copy.
 */
import { InvalidArgumentError } from '../errors.js';
import { PacketType, type Properties as PacketProperties, type UserProperty } from '../packet/types.js';

/** Paho's `PacketTypes`: the packet type numbers, plus `WILLMESSAGE` (99) for will properties. */
export const PacketTypes = { ...PacketType, WILLMESSAGE: 99 } as const;

/** A packet type a `Properties` object can be made for. */
export type PropertiesPacketType = PacketType | typeof PacketTypes.WILLMESSAGE;

const CONNECT = 1 << PacketType.CONNECT;
const CONNACK = 1 << PacketType.CONNACK;
const PUBLISH = 1 << PacketType.PUBLISH;
const PUBACK = 1 << PacketType.PUBACK;
const PUBREC = 1 << PacketType.PUBREC;
const PUBREL = 1 << PacketType.PUBREL;
const PUBCOMP = 1 << PacketType.PUBCOMP;
const SUBSCRIBE = 1 << PacketType.SUBSCRIBE;
const SUBACK = 1 << PacketType.SUBACK;
const UNSUBSCRIBE = 1 << PacketType.UNSUBSCRIBE;
const UNSUBACK = 1 << PacketType.UNSUBACK;
const DISCONNECT = 1 << PacketType.DISCONNECT;
const AUTH = 1 << PacketType.AUTH;
const WILL = 1 << 16;
const ALL =
  CONNECT |
  CONNACK |
  PUBLISH |
  PUBACK |
  PUBREC |
  PUBREL |
  PUBCOMP |
  SUBSCRIBE |
  SUBACK |
  UNSUBSCRIBE |
  UNSUBACK |
  DISCONNECT |
  AUTH |
  WILL;

type ValueKind = 'flag' | 'u16' | 'u16nz' | 'u32' | 'u32nz' | 'string' | 'binary' | 'subIds' | 'userProps';
type PropertyName = keyof PacketProperties;

/** Which packets may carry each property (MQTT 5 §2.2.2.2) and what values it takes. */
const SPEC: Record<PropertyName, { packets: number; kind: ValueKind }> = {
  payloadFormatIndicator: { packets: PUBLISH | WILL, kind: 'flag' },
  messageExpiryInterval: { packets: PUBLISH | WILL, kind: 'u32' },
  contentType: { packets: PUBLISH | WILL, kind: 'string' },
  responseTopic: { packets: PUBLISH | WILL, kind: 'string' },
  correlationData: { packets: PUBLISH | WILL, kind: 'binary' },
  subscriptionIdentifiers: { packets: PUBLISH | SUBSCRIBE, kind: 'subIds' },
  sessionExpiryInterval: { packets: CONNECT | CONNACK | DISCONNECT, kind: 'u32' },
  assignedClientIdentifier: { packets: CONNACK, kind: 'string' },
  serverKeepAlive: { packets: CONNACK, kind: 'u16' },
  authenticationMethod: { packets: CONNECT | CONNACK | AUTH, kind: 'string' },
  authenticationData: { packets: CONNECT | CONNACK | AUTH, kind: 'binary' },
  requestProblemInformation: { packets: CONNECT, kind: 'flag' },
  willDelayInterval: { packets: WILL, kind: 'u32' },
  requestResponseInformation: { packets: CONNECT, kind: 'flag' },
  responseInformation: { packets: CONNACK, kind: 'string' },
  serverReference: { packets: CONNACK | DISCONNECT, kind: 'string' },
  reasonString: {
    packets: CONNACK | PUBACK | PUBREC | PUBREL | PUBCOMP | SUBACK | UNSUBACK | DISCONNECT | AUTH,
    kind: 'string',
  },
  receiveMaximum: { packets: CONNECT | CONNACK, kind: 'u16nz' },
  topicAliasMaximum: { packets: CONNECT | CONNACK, kind: 'u16' },
  topicAlias: { packets: PUBLISH, kind: 'u16nz' },
  maximumQoS: { packets: CONNACK, kind: 'flag' },
  retainAvailable: { packets: CONNACK, kind: 'flag' },
  userProperties: { packets: ALL, kind: 'userProps' },
  maximumPacketSize: { packets: CONNECT | CONNACK, kind: 'u32nz' },
  wildcardSubscriptionAvailable: { packets: CONNACK, kind: 'flag' },
  subscriptionIdentifiersAvailable: { packets: CONNACK, kind: 'flag' },
  sharedSubscriptionAvailable: { packets: CONNACK, kind: 'flag' },
};

const PACKET_NAMES: Record<number, string> = {
  ...Object.fromEntries(Object.entries(PacketType).map(([name, value]) => [value, name])),
  [PacketTypes.WILLMESSAGE]: 'WILLMESSAGE',
};

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function packetBit(packetType: PropertiesPacketType): number {
  return packetType === PacketTypes.WILLMESSAGE ? WILL : 1 << packetType;
}

function isInteger(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function checkValue(name: PropertyName, kind: ValueKind, value: unknown): void {
  const fail = (allowed: string): never => {
    throw new InvalidArgumentError(`property ${name} must be ${allowed}, got ${String(value)}`);
  };
  switch (kind) {
    case 'flag':
      if (!isInteger(value, 0, 1)) fail('0 or 1');
      break;
    case 'u16':
      if (!isInteger(value, 0, 0xffff)) fail('an integer from 0 to 65535');
      break;
    case 'u16nz':
      if (!isInteger(value, 1, 0xffff)) fail('an integer from 1 to 65535');
      break;
    case 'u32':
      if (!isInteger(value, 0, 0xffffffff)) fail('an integer from 0 to 4294967295');
      break;
    case 'u32nz':
      if (!isInteger(value, 1, 0xffffffff)) fail('an integer from 1 to 4294967295');
      break;
    case 'string':
      if (typeof value !== 'string') fail('a string');
      break;
    case 'binary':
      if (!(value instanceof Uint8Array)) fail('a Uint8Array (or Buffer)');
      break;
    case 'subIds':
      if (!Array.isArray(value) || !value.every((id) => isInteger(id, 1, 268_435_455))) {
        fail('an array of integers from 1 to 268435455');
      }
      break;
    case 'userProps':
      if (
        !Array.isArray(value) ||
        !value.every(
          (pair) =>
            Array.isArray(pair) && pair.length === 2 && pair.every((part) => typeof part === 'string'),
        )
      ) {
        fail('an array of [name, value] string pairs');
      }
      break;
    default:
      break;
  }
}

/** The values of a `Properties` with none set: shared until the first assignment (copy on write). */
const NO_VALUES: PacketProperties = Object.freeze({});

export class Properties {
  /** The packet type these properties are for (`PacketTypes.WILLMESSAGE` for a will). */
  readonly packetType: PropertiesPacketType;
  #values: PacketProperties = NO_VALUES;

  /**
   * @param packetType the packet the properties go in (`PacketTypes.PUBLISH`, `PacketTypes.CONNECT`...).
   * @param init properties to set at once; each is checked as if assigned.
   */
  constructor(packetType: PropertiesPacketType, init?: PacketProperties) {
    if (PACKET_NAMES[packetType] === undefined) {
      throw new InvalidArgumentError(`unknown packet type ${String(packetType)} for Properties`);
    }
    this.packetType = packetType;
    if (init !== undefined) {
      for (const [name, value] of Object.entries(init)) {
        if (value !== undefined) this.#set(name as PropertyName, value);
      }
    }
  }

  /**
   * Wraps properties that came from the broker, without checks: a broker may send what a client may not.
   * Used for the properties passed to callbacks.
   */
  static fromPacket(packetType: PropertiesPacketType, values: PacketProperties | undefined): Properties {
    const properties = new Properties(packetType);
    // Acknowledgements and messages without properties (the usual case) keep the instance's own empty object.
    if (values !== undefined) {
      for (const _name in values) {
        properties.#values = { ...values };
        break;
      }
    }
    return properties;
  }

  /** Appends one user property (Paho appends when `UserProperty` is assigned again). */
  addUserProperty(name: string, value: string): this {
    this.userProperties = [...(this.#values.userProperties ?? []), [name, value]];
    return this;
  }

  /** Appends one subscription identifier. */
  addSubscriptionIdentifier(identifier: number): this {
    this.subscriptionIdentifiers = [...(this.#values.subscriptionIdentifiers ?? []), identifier];
    return this;
  }

  /** True when no property is set. */
  isEmpty(): boolean {
    return Object.values(this.#values).every((value) => value === undefined);
  }

  /** Removes every property. */
  clear(): void {
    this.#values = NO_VALUES;
  }

  /** A plain copy, as the codec takes it. */
  toObject(): PacketProperties {
    const copy: PacketProperties = {};
    for (const name of Object.keys(this.#values) as PropertyName[]) {
      const value: unknown = this.#values[name];
      if (value !== undefined) Object.assign(copy, { [name]: value });
    }
    return copy;
  }

  /** The set properties, binary values as hex (Paho's `json()`). */
  toJSON(): Record<string, unknown> {
    const json: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(this.#values)) {
      if (value === undefined) continue;
      json[name] = value instanceof Uint8Array ? toHex(value) : value;
    }
    return json;
  }

  toString(): string {
    return `[${PACKET_NAMES[this.packetType]}] ${JSON.stringify(this.toJSON())}`;
  }

  #set(name: PropertyName, value: unknown): void {
    const spec = SPEC[name] as { packets: number; kind: ValueKind } | undefined;
    if (spec === undefined) {
      throw new InvalidArgumentError(`${String(name)} is not an MQTT 5 property`);
    }
    if ((spec.packets & packetBit(this.packetType)) === 0) {
      throw new InvalidArgumentError(
        `property ${name} is not allowed in a ${PACKET_NAMES[this.packetType]} packet (MQTT 5 §2.2.2.2)`,
      );
    }
    if (value === undefined) {
      if (this.#values !== NO_VALUES) delete this.#values[name];
      return;
    }
    checkValue(name, spec.kind, value);
    if (this.#values === NO_VALUES) this.#values = {};
    Object.assign(this.#values, { [name]: value });
  }

  get payloadFormatIndicator(): number | undefined {
    return this.#values.payloadFormatIndicator;
  }
  set payloadFormatIndicator(value: number | undefined) {
    this.#set('payloadFormatIndicator', value);
  }

  get messageExpiryInterval(): number | undefined {
    return this.#values.messageExpiryInterval;
  }
  set messageExpiryInterval(value: number | undefined) {
    this.#set('messageExpiryInterval', value);
  }

  get contentType(): string | undefined {
    return this.#values.contentType;
  }
  set contentType(value: string | undefined) {
    this.#set('contentType', value);
  }

  get responseTopic(): string | undefined {
    return this.#values.responseTopic;
  }
  set responseTopic(value: string | undefined) {
    this.#set('responseTopic', value);
  }

  get correlationData(): Uint8Array | undefined {
    return this.#values.correlationData;
  }
  set correlationData(value: Uint8Array | undefined) {
    this.#set('correlationData', value);
  }

  get subscriptionIdentifiers(): number[] | undefined {
    return this.#values.subscriptionIdentifiers;
  }
  set subscriptionIdentifiers(value: number[] | undefined) {
    this.#set('subscriptionIdentifiers', value);
  }

  get sessionExpiryInterval(): number | undefined {
    return this.#values.sessionExpiryInterval;
  }
  set sessionExpiryInterval(value: number | undefined) {
    this.#set('sessionExpiryInterval', value);
  }

  get assignedClientIdentifier(): string | undefined {
    return this.#values.assignedClientIdentifier;
  }
  set assignedClientIdentifier(value: string | undefined) {
    this.#set('assignedClientIdentifier', value);
  }

  get serverKeepAlive(): number | undefined {
    return this.#values.serverKeepAlive;
  }
  set serverKeepAlive(value: number | undefined) {
    this.#set('serverKeepAlive', value);
  }

  get authenticationMethod(): string | undefined {
    return this.#values.authenticationMethod;
  }
  set authenticationMethod(value: string | undefined) {
    this.#set('authenticationMethod', value);
  }

  get authenticationData(): Uint8Array | undefined {
    return this.#values.authenticationData;
  }
  set authenticationData(value: Uint8Array | undefined) {
    this.#set('authenticationData', value);
  }

  get requestProblemInformation(): number | undefined {
    return this.#values.requestProblemInformation;
  }
  set requestProblemInformation(value: number | undefined) {
    this.#set('requestProblemInformation', value);
  }

  get willDelayInterval(): number | undefined {
    return this.#values.willDelayInterval;
  }
  set willDelayInterval(value: number | undefined) {
    this.#set('willDelayInterval', value);
  }

  get requestResponseInformation(): number | undefined {
    return this.#values.requestResponseInformation;
  }
  set requestResponseInformation(value: number | undefined) {
    this.#set('requestResponseInformation', value);
  }

  get responseInformation(): string | undefined {
    return this.#values.responseInformation;
  }
  set responseInformation(value: string | undefined) {
    this.#set('responseInformation', value);
  }

  get serverReference(): string | undefined {
    return this.#values.serverReference;
  }
  set serverReference(value: string | undefined) {
    this.#set('serverReference', value);
  }

  get reasonString(): string | undefined {
    return this.#values.reasonString;
  }
  set reasonString(value: string | undefined) {
    this.#set('reasonString', value);
  }

  get receiveMaximum(): number | undefined {
    return this.#values.receiveMaximum;
  }
  set receiveMaximum(value: number | undefined) {
    this.#set('receiveMaximum', value);
  }

  get topicAliasMaximum(): number | undefined {
    return this.#values.topicAliasMaximum;
  }
  set topicAliasMaximum(value: number | undefined) {
    this.#set('topicAliasMaximum', value);
  }

  get topicAlias(): number | undefined {
    return this.#values.topicAlias;
  }
  set topicAlias(value: number | undefined) {
    this.#set('topicAlias', value);
  }

  get maximumQoS(): number | undefined {
    return this.#values.maximumQoS;
  }
  set maximumQoS(value: number | undefined) {
    this.#set('maximumQoS', value);
  }

  get retainAvailable(): number | undefined {
    return this.#values.retainAvailable;
  }
  set retainAvailable(value: number | undefined) {
    this.#set('retainAvailable', value);
  }

  get userProperties(): UserProperty[] | undefined {
    return this.#values.userProperties;
  }
  set userProperties(value: UserProperty[] | undefined) {
    this.#set('userProperties', value);
  }

  get maximumPacketSize(): number | undefined {
    return this.#values.maximumPacketSize;
  }
  set maximumPacketSize(value: number | undefined) {
    this.#set('maximumPacketSize', value);
  }

  get wildcardSubscriptionAvailable(): number | undefined {
    return this.#values.wildcardSubscriptionAvailable;
  }
  set wildcardSubscriptionAvailable(value: number | undefined) {
    this.#set('wildcardSubscriptionAvailable', value);
  }

  get subscriptionIdentifiersAvailable(): number | undefined {
    return this.#values.subscriptionIdentifiersAvailable;
  }
  set subscriptionIdentifiersAvailable(value: number | undefined) {
    this.#set('subscriptionIdentifiersAvailable', value);
  }

  get sharedSubscriptionAvailable(): number | undefined {
    return this.#values.sharedSubscriptionAvailable;
  }
  set sharedSubscriptionAvailable(value: number | undefined) {
    this.#set('sharedSubscriptionAvailable', value);
  }
}
