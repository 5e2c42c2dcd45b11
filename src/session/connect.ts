/**
 * CONNECT building and CONNACK interpretation.
 *
 * Wire hygiene: the CONNECT carries the properties the user set and those an enabled feature needs (Topic Alias
 * Maximum for incoming aliases, Maximum Packet Size), and nothing equal to the specification's default.
 */
import { InvalidArgumentError } from '../errors.js';
import { encode } from '../packet/encode.js';
import { connackReturnCodeToReasonCode } from '../packet/reason-codes.js';
import { PacketType, type ConnackPacket, type ConnectPacket, type Properties } from '../packet/types.js';
import { validateTopicName } from '../topic/validate.js';
import type { SessionOptions } from './types.js';

/** MQTT 5 defaults of the CONNECT properties (3.1.2.11); a property equal to its default is not written. */
const CONNECT_DEFAULTS: Partial<Record<keyof Properties, number>> = {
  sessionExpiryInterval: 0,
  receiveMaximum: 65535,
  topicAliasMaximum: 0,
  requestResponseInformation: 0,
  requestProblemInformation: 1,
};

const MAX_UINT16 = 65535;
const MAX_UINT32 = 0xffffffff;
const MAX_PACKET = 268435455 + 5; // the largest remaining length plus the fixed header

function isInt(n: unknown, min: number, max: number): boolean {
  return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;
}

/** Checks the options once, at construction: invalid input throws before any state exists. */
export function validateOptions(o: SessionOptions): void {
  const v = o.protocolVersion;
  if (v !== 3 && v !== 4 && v !== 5)
    throw new InvalidArgumentError(`protocolVersion must be 3, 4 or 5, got ${String(v)}`);
  if (typeof o.clientId !== 'string') throw new InvalidArgumentError('clientId must be a string');
  if (!isInt(o.keepalive, 0, MAX_UINT16))
    throw new InvalidArgumentError(`keepalive must be 0..65535 seconds, got ${o.keepalive}`);
  if (o.cleanStart !== true && o.cleanStart !== false && o.cleanStart !== 'first-only') {
    throw new InvalidArgumentError("cleanStart must be true, false or 'first-only'");
  }
  if (v === 3 && o.clientId.length > 23) {
    // MQTT 3.1 §3.1: the client identifier is 1 to 23 characters; brokers answer "identifier rejected" otherwise.
    throw new InvalidArgumentError(`MQTT 3.1 client ids are at most 23 characters, got ${o.clientId.length}`);
  }
  if (v === 4 && o.clientId === '' && o.cleanStart === false) {
    // [MQTT-3.1.3-7]: a zero-byte ClientId requires CleanSession = 1.
    throw new InvalidArgumentError(
      'MQTT 3.1.1: an empty client id needs cleanStart true (the broker cannot resume a session without an id)',
    );
  }
  if (v !== 5 && o.password !== undefined && o.username === undefined) {
    // [MQTT-3.1.2-22]: on 3.1.1, if the User Name Flag is 0 the Password Flag MUST be 0.
    throw new InvalidArgumentError('MQTT 3.x: a password needs a username');
  }
  if (o.will !== undefined) {
    validateTopicName(o.will.topic);
    if (!(o.will.payload instanceof Uint8Array))
      throw new InvalidArgumentError('the will payload must be a Uint8Array');
    if (o.will.qos !== 0 && o.will.qos !== 1 && o.will.qos !== 2)
      throw new InvalidArgumentError('will qos must be 0, 1 or 2');
  }
  for (const [name, value, min, max] of [
    ['maxInflightMessages', o.maxInflightMessages, 0, MAX_UINT16],
    ['maxInflightQos2', o.maxInflightQos2 ?? 0, 0, MAX_UINT16],
    ['maxQueuedMessages', o.maxQueuedMessages, 0, Number.MAX_SAFE_INTEGER],
    ['maxQueuedBytes', o.maxQueuedBytes, 0, Number.MAX_SAFE_INTEGER],
    ['connackTimeoutMs', o.connackTimeoutMs, 0, Number.MAX_SAFE_INTEGER],
    ['topicAliasMaximum', o.topicAliasMaximum, 0, MAX_UINT16],
  ] as const) {
    if (!isInt(value, min, max))
      throw new InvalidArgumentError(`${name} must be an integer ${min}..${max}, got ${String(value)}`);
  }
  if (o.pingTimeoutMs !== undefined && !isInt(o.pingTimeoutMs, 1, Number.MAX_SAFE_INTEGER)) {
    throw new InvalidArgumentError(`pingTimeoutMs must be a positive integer, got ${o.pingTimeoutMs}`);
  }
  if (o.maximumPacketSize !== undefined && !isInt(o.maximumPacketSize, 1, MAX_UINT32)) {
    throw new InvalidArgumentError(`maximumPacketSize must be 1..4294967295, got ${o.maximumPacketSize}`);
  }
  if (o.queueFullPolicy !== 'reject' && o.queueFullPolicy !== 'drop-oldest') {
    throw new InvalidArgumentError("queueFullPolicy must be 'reject' or 'drop-oldest'");
  }
  const p = o.connectProperties;
  if (p?.receiveMaximum !== undefined && !isInt(p.receiveMaximum, 1, MAX_UINT16)) {
    // 3.1.2.11.3: a Receive Maximum of 0 is a Protocol Error.
    throw new InvalidArgumentError(`receiveMaximum must be 1..65535, got ${p.receiveMaximum}`);
  }
  if (p?.maximumPacketSize !== undefined && !isInt(p.maximumPacketSize, 1, MAX_UINT32)) {
    throw new InvalidArgumentError(`maximumPacketSize must be 1..4294967295, got ${p.maximumPacketSize}`);
  }
  if (o.will !== undefined || o.connectProperties !== undefined || o.username !== undefined) {
    // A trial encode: a property or string the codec refuses throws now, at construction, not on connect.
    encode(buildConnect(o, o.clientId, o.cleanStart === true), o.protocolVersion);
  }
}

/**
 * A random MQTT 3.1 client id: 22 base62 characters, as Paho makes for an empty id on 3.1. `random` is the
 * injected source (`SessionOptions.random`, see `Session`); this function has no randomness of its own.
 */
export function randomClientId(random: () => number): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let id = '';
  for (let i = 0; i < 22; i++) id += alphabet[Math.floor(random() * 62)];
  return id;
}

/**
 * The client id a session starts with: the option's, except that MQTT 3.1 needs a 1..23 character id, so an empty
 * one becomes a random id (as in Paho). The random source is the caller's (`SessionOptions.random`: the client
 * passes its runtime's); only a direct user of the engine that passes none gets the platform's `Math.random`.
 */
export function initialClientId(o: SessionOptions): string {
  return o.protocolVersion === 3 && o.clientId === '' ? randomClientId(o.random ?? Math.random) : o.clientId;
}

/** The Maximum Packet Size the client enforces on incoming packets (options win over connect properties). */
export function incomingMaximumPacketSize(o: SessionOptions): number | undefined {
  return o.maximumPacketSize ?? o.connectProperties?.maximumPacketSize;
}

/** The Topic Alias Maximum the client advertises: the option, else one set in the connect properties. */
export function incomingTopicAliasMaximum(o: SessionOptions): number {
  return o.topicAliasMaximum > 0 ? o.topicAliasMaximum : (o.connectProperties?.topicAliasMaximum ?? 0);
}

/** The Receive Maximum the client advertises (65535 when absent, 3.1.2.11.3). */
export function incomingReceiveMaximum(o: SessionOptions): number {
  return o.connectProperties?.receiveMaximum ?? MAX_UINT16;
}

/**
 * The MQTT 5 CONNECT properties: the user's, plus the features' needs (and the authenticator's first data, when
 * given), minus spec defaults.
 */
function connectProperties(o: SessionOptions, authenticationData?: Uint8Array): Properties | undefined {
  const src: Properties = { ...o.connectProperties };
  if (authenticationData !== undefined) src.authenticationData = authenticationData;
  const tam = incomingTopicAliasMaximum(o);
  if (tam > 0) src.topicAliasMaximum = tam;
  const mps = incomingMaximumPacketSize(o);
  if (mps !== undefined && mps < MAX_PACKET) src.maximumPacketSize = mps;
  else delete src.maximumPacketSize;
  let out: Properties | undefined;
  for (const key of Object.keys(src) as (keyof Properties)[]) {
    const value = src[key];
    if (value === undefined || CONNECT_DEFAULTS[key] === value) continue;
    if (key === 'userProperties' && Array.isArray(value) && value.length === 0) continue;
    out ??= {};
    (out as Record<string, unknown>)[key] = value;
  }
  return out;
}

/** The CONNECT packet for this connection attempt (`authenticationData`: see `initialAuthenticationData`). */
export function buildConnect(
  o: SessionOptions,
  clientId: string,
  cleanStart: boolean,
  authenticationData?: Uint8Array,
): ConnectPacket {
  const packet: ConnectPacket = {
    type: PacketType.CONNECT,
    protocolVersion: o.protocolVersion,
    cleanStart,
    keepalive: o.keepalive,
    clientId,
  };
  if (o.bridgeMode === true) packet.bridgeMode = true;
  if (o.will !== undefined) {
    const will = { ...o.will };
    if (
      o.protocolVersion !== 5 ||
      will.properties === undefined ||
      Object.keys(will.properties).length === 0
    ) {
      delete will.properties;
    }
    packet.will = will;
  }
  if (o.username !== undefined) packet.username = o.username;
  if (o.password !== undefined) packet.password = o.password;
  if (o.protocolVersion === 5) {
    const props = connectProperties(o, authenticationData);
    if (props !== undefined) packet.properties = props;
  }
  return packet;
}

/** The CONNACK's MQTT 5 reason code: as sent on MQTT 5, converted from the 3.x return code (as Paho does). */
export function connackReasonCode(packet: ConnackPacket, version: number): number {
  return version === 5 ? packet.reasonCode : connackReturnCodeToReasonCode(packet.reasonCode);
}

/** What the broker told us in a successful CONNACK (MQTT 5 defaults when absent, 3.2.2.3). */
export interface BrokerLimits {
  receiveMaximum: number;
  maximumPacketSize: number;
  topicAliasMaximum: number;
  maximumQoS: number;
  retainAvailable: boolean;
}

export const DEFAULT_LIMITS: BrokerLimits = {
  receiveMaximum: MAX_UINT16,
  maximumPacketSize: Infinity,
  topicAliasMaximum: 0,
  maximumQoS: 2,
  retainAvailable: true,
};

export function brokerLimits(props: Properties | undefined): BrokerLimits {
  if (props === undefined) return DEFAULT_LIMITS;
  return {
    receiveMaximum: props.receiveMaximum ?? MAX_UINT16,
    maximumPacketSize: props.maximumPacketSize ?? Infinity,
    topicAliasMaximum: props.topicAliasMaximum ?? 0,
    maximumQoS: props.maximumQoS ?? 2,
    retainAvailable: props.retainAvailable !== 0,
  };
}
