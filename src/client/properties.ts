/**
 * `Properties`: MQTT 5 properties for one packet type, as Paho's `Properties(packetType)`. Assigning a property
 * the packet may not carry, or a value out of its range, throws `InvalidArgumentError` at once, so a mistake
 * is reported where it is made rather than when the packet is built.
 *
 * A `Properties` object reads like the plain `Properties` interface of the codec (`props.contentType`); the
 * client hands the engine `toObject()`, a plain copy. A name that is no MQTT 5 property is refused with
 * `InvalidArgumentError` naming the valid ones, whether assigned (`props.userProperty = ...`) or given in the
 * plain-object form (`new Properties(type, { userProperty: ... })`, and every option that takes one).
 */
import { InvalidArgumentError } from '../errors.js';
import { MQTTProtocolVersion } from './enums.js';
import { PROPERTIES, WILL_PROPERTIES } from '../packet/properties.js';
import {
  PACKET_NAMES,
  PacketType,
  type Properties as PacketProperties,
  type UserProperty,
} from '../packet/types.js';

/** Paho's `PacketTypes`: the packet type numbers, plus `WILLMESSAGE` (99) for will properties. */
export const PacketTypes = { ...PacketType, WILLMESSAGE: 99 } as const;

/** A packet type a `Properties` object can be made for. */
export type PropertiesPacketType = PacketType | typeof PacketTypes.WILLMESSAGE;

type ValueKind = 'flag' | 'u16' | 'u16nz' | 'u32' | 'u32nz' | 'string' | 'binary' | 'subIds' | 'userProps';
type PropertyName = keyof PacketProperties;

/** What values each property takes (which packets may carry it is the codec's table, `PROPERTIES`). */
const KINDS: Record<PropertyName, ValueKind> = {
  payloadFormatIndicator: 'flag',
  messageExpiryInterval: 'u32',
  contentType: 'string',
  responseTopic: 'string',
  correlationData: 'binary',
  subscriptionIdentifiers: 'subIds',
  sessionExpiryInterval: 'u32',
  assignedClientIdentifier: 'string',
  serverKeepAlive: 'u16',
  authenticationMethod: 'string',
  authenticationData: 'binary',
  requestProblemInformation: 'flag',
  willDelayInterval: 'u32',
  requestResponseInformation: 'flag',
  responseInformation: 'string',
  serverReference: 'string',
  reasonString: 'string',
  receiveMaximum: 'u16nz',
  topicAliasMaximum: 'u16',
  topicAlias: 'u16nz',
  maximumQoS: 'flag',
  retainAvailable: 'flag',
  userProperties: 'userProps',
  maximumPacketSize: 'u32nz',
  wildcardSubscriptionAvailable: 'flag',
  subscriptionIdentifiersAvailable: 'flag',
  sharedSubscriptionAvailable: 'flag',
};

/** Which packets may carry each property (MQTT 5 §2.2.2.2): bit n for packet type n, bit 0 for a will. */
const PACKETS = new Map<string, number>(PROPERTIES.map((info) => [info.name, info.packets]));

/** The name of a packet type (the codec's `PACKET_NAMES`, plus Paho's `WILLMESSAGE`); undefined for no packet. */
function packetName(packetType: number): string | undefined {
  if (packetType === PacketTypes.WILLMESSAGE) return 'WILLMESSAGE';
  // 0 is reserved (Table 2-1): no packet carries it.
  return packetType === 0 ? undefined : PACKET_NAMES[packetType];
}

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
}

function packetBit(packetType: PropertiesPacketType): number {
  return packetType === PacketTypes.WILLMESSAGE ? 1 << WILL_PROPERTIES : 1 << packetType;
}

function isInteger(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** U+0001..U+001F and U+007F..U+009F. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0001-\u001f\u007f-\u009f]/;

/**
 * A control character in a string property: a sender SHOULD NOT send one and a receiver MAY treat the packet as
 * malformed (MQTT 5.0 1.5.4). Mosquitto 2.0.11 does ("Malformed UTF-8": it closes the connection), and a QoS 1/2
 * message carrying one would be resent on every reconnect, for ever. So it is refused when it is set.
 */
function checkNoControl(name: string, text: string): void {
  const found = CONTROL.exec(text);
  if (found === null) return;
  const code = found[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  throw new InvalidArgumentError(
    `property ${name} contains the control character U+${code} at index ${found.index}: a sender SHOULD NOT ` +
      `send one (MQTT 5.0 1.5.4), and brokers such as Mosquitto close the connection for it`,
  );
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
      checkNoControl(name, value as string);
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
      for (const [key, text] of value as [string, string][]) {
        checkNoControl(`${name} name`, key);
        checkNoControl(`${name} ${JSON.stringify(key)}`, text);
      }
      break;
    default:
      break;
  }
}

/** The property names, for the error that refuses another one. */
const NAMES: readonly string[] = Object.keys(KINDS);

function unknownProperty(name: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `${name} is not an MQTT 5 property; the properties are ${NAMES.join(', ')}`,
  );
}

/**
 * The end of the prototype chain of every `Properties`: an assignment to a name that no accessor of
 * `Properties.prototype` answers (a typo such as `userProperty`) reaches this `set` trap, which refuses it, as Paho
 * raises for an unknown property. Instances stay ordinary objects: reading or writing a known property never
 * meets the Proxy (docs/api.md "Properties" gives the measured cost of the choice). Symbol keys pass through.
 */
const REFUSE_UNKNOWN_NAMES: object = new Proxy(Object.prototype, {
  set(target, key, value, receiver) {
    if (typeof key === 'symbol') return Reflect.set(target, key, value, receiver);
    throw unknownProperty(key);
  },
});

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
    if (packetName(packetType) === undefined) {
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

  /** As `toJSON()`, but Authentication Data shows only its length: a string form ends up in logs. */
  toString(): string {
    const json = this.toJSON();
    const auth = this.#values.authenticationData;
    if (auth instanceof Uint8Array) json.authenticationData = `<${auth.length} bytes>`;
    return `[${packetName(this.packetType)}] ${JSON.stringify(json)}`;
  }

  #set(name: PropertyName, value: unknown): void {
    const kind = KINDS[name] as ValueKind | undefined;
    const packets = PACKETS.get(name);
    if (kind === undefined || packets === undefined || !Object.hasOwn(KINDS, name)) {
      throw unknownProperty(String(name));
    }
    if ((packets & packetBit(this.packetType)) === 0) {
      throw new InvalidArgumentError(
        `property ${name} is not allowed in a ${packetName(this.packetType)} packet (MQTT 5 §2.2.2.2)`,
      );
    }
    if (value === undefined) {
      if (this.#values !== NO_VALUES) delete this.#values[name];
      return;
    }
    checkValue(name, kind, value);
    if (this.#values === NO_VALUES) this.#values = {};
    Object.assign(this.#values, { [name]: value });
  }

  // Each property is an accessor on the prototype (as `get x()`/`set x()` would be), defined from the names of KINDS
  // rather than written out 27 times: reads return the value, writes go through `#set`'s checks.
  static {
    for (const name of Object.keys(KINDS) as PropertyName[]) {
      Object.defineProperty(Properties.prototype, name, {
        get(this: Properties) {
          return this.#values[name];
        },
        set(this: Properties, value: unknown) {
          this.#set(name, value);
        },
        configurable: true,
      });
    }
    Object.setPrototypeOf(Properties.prototype, REFUSE_UNKNOWN_NAMES);
  }

  declare payloadFormatIndicator: number | undefined;
  declare messageExpiryInterval: number | undefined;
  declare contentType: string | undefined;
  declare responseTopic: string | undefined;
  declare correlationData: Uint8Array | undefined;
  declare subscriptionIdentifiers: number[] | undefined;
  declare sessionExpiryInterval: number | undefined;
  declare assignedClientIdentifier: string | undefined;
  declare serverKeepAlive: number | undefined;
  declare authenticationMethod: string | undefined;
  declare authenticationData: Uint8Array | undefined;
  declare requestProblemInformation: number | undefined;
  declare willDelayInterval: number | undefined;
  declare requestResponseInformation: number | undefined;
  declare responseInformation: string | undefined;
  declare serverReference: string | undefined;
  declare reasonString: string | undefined;
  declare receiveMaximum: number | undefined;
  declare topicAliasMaximum: number | undefined;
  declare topicAlias: number | undefined;
  declare maximumQoS: number | undefined;
  declare retainAvailable: number | undefined;
  declare userProperties: UserProperty[] | undefined;
  declare maximumPacketSize: number | undefined;
  declare wildcardSubscriptionAvailable: number | undefined;
  declare subscriptionIdentifiersAvailable: number | undefined;
  declare sharedSubscriptionAvailable: number | undefined;
}

/**
 * Turns user-given properties (a `Properties` or a plain object) into the codec's plain form for `packetType`,
 * checking them; `undefined` when empty. On MQTT 3.x, non-empty properties are refused.
 */
export function toPacketProperties(
  properties: Properties | PacketProperties | null | undefined,
  packetType: PropertiesPacketType,
  protocol: MQTTProtocolVersion,
): PacketProperties | undefined {
  if (properties === undefined || properties === null) return undefined;
  if (typeof properties !== 'object') {
    throw new InvalidArgumentError(`properties must be a Properties object, got ${typeof properties}`);
  }
  const checked = properties instanceof Properties ? properties : new Properties(packetType, properties);
  if (checked.packetType !== packetType) {
    throw new InvalidArgumentError(
      `these properties were made for packet type ${checked.packetType}, but are used in packet type ${packetType}`,
    );
  }
  if (checked.isEmpty()) return undefined;
  if (protocol !== MQTTProtocolVersion.MQTTv5) {
    throw new InvalidArgumentError('properties need MQTT 5; this client speaks MQTT 3.x');
  }
  return checked.toObject();
}
