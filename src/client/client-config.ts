/**
 * `ClientConfig`: the settings a `Client` connects with (Paho's properties, the `connect()` arguments, the
 * credentials and the will), their checks, and the `SessionOptions` they give the engine.
 */
import { InvalidArgumentError } from '../errors.js';
import { PacketType, type Properties as PacketProperties, type QoS, type Will } from '../packet/types.js';
import type { Authenticator } from './callback-slots.js';
import { toPacketProperties, type Properties } from './properties.js';
import type { SessionOptions } from '../session/types.js';
import { MQTT_CLEAN_START_FIRST_ONLY, MQTTProtocolVersion } from './enums.js';
import {
  DEFAULT_CONNACK_TIMEOUT_MS,
  DEFAULT_MAX_QUEUED_BYTES,
  checkIntegerOption,
  checkProtocol,
  describeValue,
  type ClientOptions,
} from './options.js';
import { TransportConfig, type ClientTransport, type ConnectHost } from './transport-config.js';

/** `connect()`'s `cleanStart`: true, false, or Paho's `MQTT_CLEAN_START_FIRST_ONLY` (3) / `'first-only'`. */
export type CleanStartOption = boolean | 'first-only' | typeof MQTT_CLEAN_START_FIRST_ONLY;

const utf8 = new TextEncoder();

/** The default in-flight window (QoS 1 and 2 together). */
export const DEFAULT_MAX_INFLIGHT = 100;
/**
 * The default QoS 2 window on MQTT 3.x, within it: one below Mosquitto's default `max_inflight_messages` (20).
 * Mosquitto counts the QoS 2 messages waiting for their PUBREL against that limit and, once it is reached,
 * acknowledges and drops any QoS 1 or 2 PUBLISH. With 20 of the client's QoS 2 unfinished, a PUBREL held back
 * (an asynchronous store commits it first) let the broker's count reach 20, and a QoS 1 message sent then was lost;
 * with 19 it cannot, since the broker ends a message's count before the client does (PUBREL before PUBCOMP).
 */
export const DEFAULT_MAX_INFLIGHT_QOS2_V3 = 19;

/** Where the settings a connection is made with are read, at each use (`reinitialise()` replaces them). */
export interface ConfigHolder {
  readonly config: ClientConfig;
}

export class ClientConfig {
  host = '';
  port = 1883;
  keepalive = 60;
  /** Seconds allowed to open the transport (Paho's `connect_timeout`, 5 s). */
  connectTimeout = 5;
  bindAddress = '';
  bindPort = 0;
  cleanStart: boolean | 'first-only' = 'first-only';
  connectProperties: PacketProperties | undefined;
  username: string | undefined;
  password: Uint8Array | undefined;
  will: Will | undefined;
  bridgeMode = false;
  /**
   * 100, from the window sweep in docs/benchmarks.md: Mosquitto spends the least CPU per QoS 1 message there
   * (Paho's 20 is 15 % slower). On MQTT 3.x QoS 2 stays at 19 unless the user sets a window: see `maxInflightQos2`.
   */
  maxInflightMessages = DEFAULT_MAX_INFLIGHT;
  /** True once the application set the window itself: it then applies to QoS 2 as well, on every version. */
  maxInflightSet = false;
  maxQueuedMessages = 0;
  clientId: string;
  cleanSession: boolean;
  protocol: MQTTProtocolVersion;
  /** Transport, TLS, WebSocket, proxy and broker-list settings. */
  readonly net: TransportConfig;
  reconnectOnFailure: boolean;
  manualAck: boolean;
  /** The `authenticator` option; its `method`, when set, is the Authentication Method of every CONNECT. */
  readonly authenticator: Authenticator | undefined;
  readonly extras: Required<
    Pick<
      ClientOptions,
      | 'maxQueuedBytes'
      | 'queueFullPolicy'
      | 'resubscribe'
      | 'autoTopicAlias'
      | 'topicAliasMaximum'
      | 'connackTimeoutMs'
    >
  > &
    Pick<ClientOptions, 'maximumPacketSize' | 'pingTimeoutMs' | 'subscribeBatchSize'>;

  /** `options` must have been checked by `validateClientOptions`. */
  constructor(options: ClientOptions<unknown>) {
    this.clientId = options.clientId ?? '';
    this.cleanSession = options.cleanSession ?? true;
    this.protocol = options.protocol ?? MQTTProtocolVersion.MQTTv311;
    this.net = new TransportConfig(options.transport ?? 'tcp');
    this.reconnectOnFailure = options.reconnectOnFailure ?? true;
    this.manualAck = options.manualAck ?? false;
    this.authenticator = options.authenticator;
    this.extras = {
      maxQueuedBytes: options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES,
      queueFullPolicy: options.queueFullPolicy ?? 'reject',
      resubscribe: options.resubscribe ?? false,
      subscribeBatchSize: options.subscribeBatchSize,
      autoTopicAlias: options.autoTopicAlias ?? false,
      topicAliasMaximum: options.topicAliasMaximum ?? 0,
      connackTimeoutMs: options.connackTimeoutMs ?? DEFAULT_CONNACK_TIMEOUT_MS,
      maximumPacketSize: options.maximumPacketSize,
      pingTimeoutMs: options.pingTimeoutMs,
    };
  }

  /** The Authentication Method of the CONNECT: the authenticator's, else the connect properties'. */
  get authenticationMethod(): string | undefined {
    return this.authenticator?.method ?? this.connectProperties?.authenticationMethod;
  }

  get transport(): ClientTransport {
    return this.net.transport;
  }

  /** Checks and records `connect()`'s arguments. */
  /**
   * `connect()`'s arguments: a host (name, URL or broker list) and port, keepalive, local bind, clean start and
   * CONNECT properties; credentials given in a URL replace the stored ones.
   */
  configureConnect(
    host: unknown,
    port: unknown,
    keepalive: unknown,
    bindAddress: unknown,
    bindPort: unknown,
    cleanStart: unknown,
    properties: Properties | PacketProperties | undefined,
  ): void {
    const connectProperties = toPacketProperties(properties, PacketType.CONNECT, this.protocol);
    const method = this.authenticator?.method;
    const given = connectProperties?.authenticationMethod;
    if (method !== undefined && given !== undefined && given !== method) {
      throw new InvalidArgumentError(
        `the connect properties name the Authentication Method '${given}', the authenticator '${method}'`,
      );
    }
    const broker: { host: unknown; port: unknown; username?: string; password?: string } =
      typeof host === 'string' || Array.isArray(host)
        ? this.net.setHost(host as ConnectHost, typeof port === 'number' ? port : 1883)
        : { host, port };
    this.setConnectArguments(
      broker.host,
      broker.port,
      keepalive,
      bindAddress,
      bindPort,
      cleanStart,
      connectProperties,
    );
    if (broker.username !== undefined) this.setCredentials(broker.username, broker.password);
  }

  setConnectArguments(
    host: unknown,
    port: unknown,
    keepalive: unknown,
    bindAddress: unknown,
    bindPort: unknown,
    cleanStart: unknown,
    properties: PacketProperties | undefined,
  ): void {
    if (typeof host !== 'string' || host === '') {
      throw new InvalidArgumentError(`host must be a non-empty string, got ${String(host)}`);
    }
    const checkedPort = checkIntegerOption('port', port, 1, 65535);
    const checkedKeepalive = checkIntegerOption('keepalive', keepalive, 0, 65535);
    if (typeof bindAddress !== 'string') throw new InvalidArgumentError('bindAddress must be a string');
    const checkedBindPort = checkIntegerOption('bindPort', bindPort, 0, 65535);
    let checkedCleanStart: boolean | 'first-only' = 'first-only';
    if (cleanStart !== undefined) {
      if (this.protocol !== MQTTProtocolVersion.MQTTv5) {
        throw new InvalidArgumentError('cleanStart is MQTT 5 only; on MQTT 3.x use the cleanSession option');
      }
      if (cleanStart === true || cleanStart === false) checkedCleanStart = cleanStart;
      else if (cleanStart !== MQTT_CLEAN_START_FIRST_ONLY && cleanStart !== 'first-only') {
        throw new InvalidArgumentError(
          `cleanStart must be true, false or MQTT_CLEAN_START_FIRST_ONLY (3), got ${describeValue(cleanStart)}`,
        );
      }
    }
    this.host = host;
    this.port = checkedPort;
    this.keepalive = checkedKeepalive;
    this.bindAddress = bindAddress;
    this.bindPort = checkedBindPort;
    this.cleanStart = checkedCleanStart;
    this.connectProperties = properties;
  }

  setProtocol(protocol: unknown): void {
    this.protocol = checkProtocol(protocol);
  }

  /** Paho's `username_pw_set`: a string password is UTF-8; bytes pass through; no username clears both. */
  /** The password alone; it needs a username (Paho's rule, and MQTT 3.1.1's [MQTT-3.1.2-22]). */
  setPassword(value: string | Uint8Array | undefined): void {
    if (this.username === undefined && value !== undefined) {
      throw new InvalidArgumentError('set a username before a password (or use usernamePwSet)');
    }
    this.password = toPasswordBytes(value);
  }

  setCredentials(username: unknown, password: unknown): void {
    if (username === undefined || username === null) {
      this.username = undefined;
      this.password = undefined;
      return;
    }
    if (typeof username !== 'string')
      throw new InvalidArgumentError('username must be a string or undefined');
    this.username = username;
    this.password = toPasswordBytes(password);
  }

  /** The SessionOptions for a new engine. */
  toSessionOptions(): SessionOptions {
    const v3 = this.protocol !== MQTTProtocolVersion.MQTTv5;
    return {
      protocolVersion: this.protocol,
      clientId: this.clientId,
      cleanStart: v3 ? this.cleanSession : this.cleanStart,
      keepalive: this.keepalive,
      username: this.username,
      password: this.password,
      will: this.will,
      connectProperties: v3 ? undefined : this.#connectProperties(),
      authentication: v3 ? undefined : this.authenticator,
      bridgeMode: this.bridgeMode,
      maxInflightMessages: this.maxInflightMessages,
      // A 3.x broker announces no Receive Maximum, and Mosquitto's default in-flight limit is 20: a PUBLISH that
      // arrives while 20 QoS 2 messages wait for their PUBREL is acknowledged and dropped (see
      // DEFAULT_MAX_INFLIGHT_QOS2_V3). MQTT 5 brokers announce their limit, which the engine honours.
      maxInflightQos2: v3 && !this.maxInflightSet ? DEFAULT_MAX_INFLIGHT_QOS2_V3 : 0,
      maxQueuedMessages: this.maxQueuedMessages,
      maxQueuedBytes: this.extras.maxQueuedBytes,
      queueFullPolicy: this.extras.queueFullPolicy,
      manualAck: this.manualAck,
      resubscribe: this.extras.resubscribe,
      subscribeBatchSize: this.extras.subscribeBatchSize,
      maximumPacketSize: this.extras.maximumPacketSize,
      connackTimeoutMs: this.extras.connackTimeoutMs,
      pingTimeoutMs: this.extras.pingTimeoutMs,
      topicAliasMaximum: this.extras.topicAliasMaximum,
      autoTopicAlias: this.extras.autoTopicAlias,
    };
  }

  /** The CONNECT properties, with the authenticator's Authentication Method when it has one. */
  #connectProperties(): PacketProperties | undefined {
    const method = this.authenticator?.method;
    if (method === undefined) return this.connectProperties;
    return { ...this.connectProperties, authenticationMethod: method };
  }
}

/**
 * True when two `toSessionOptions()` results hold the same settings: field by field, by identity first (the
 * usual case on a reconnect: nothing changed, about 25 comparisons), by content for a field whose object was
 * replaced (a password, will or CONNECT properties set again to the same value). It replaced a `JSON.stringify`
 * of every option on every connect (issue 16). Not a version counter bumped by the setters: the settings are
 * plain fields written from several files, and one missed bump would silently keep an engine's old settings.
 */
export function sameSessionOptions(a: SessionOptions, b: SessionOptions): boolean {
  const keys = Object.keys(a) as (keyof SessionOptions)[];
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (!sameValue(a[key], b[key])) return false;
  return true;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const entries = Object.entries(a);
  if (entries.length !== Object.keys(b).length) return false;
  return entries.every(([key, value]) => sameValue(value, (b as Record<string, unknown>)[key]));
}

export function toPasswordBytes(password: unknown): Uint8Array | undefined {
  if (password === undefined || password === null) return undefined;
  if (typeof password === 'string') return utf8.encode(password);
  if (password instanceof Uint8Array) return password;
  throw new InvalidArgumentError('password must be a string, a Uint8Array/Buffer or undefined');
}

/** Builds a will from `willSet()`'s arguments (already converted payload and properties). */
export function makeWill(
  topic: string,
  payload: Uint8Array,
  qos: QoS,
  retain: boolean,
  properties: PacketProperties | undefined,
): Will {
  const will: Will = { topic, payload, qos, retain };
  if (properties !== undefined) will.properties = properties;
  return will;
}
