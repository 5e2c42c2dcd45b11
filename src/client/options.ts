/**
 * `ClientOptions`: the constructor options (Paho's constructor arguments plus steady-mqtt's extras), their
 * defaults and their checks. Every check throws `InvalidArgumentError` saying what is allowed.
 */
import { InvalidArgumentError } from '../errors.js';
import type { Store } from '../store/types.js';
import { validateTopicName } from '../topic/validate.js';
import { CLIENT_TRANSPORTS, type ClientTransport } from './transport-config.js';
import { MQTTProtocolVersion } from './enums.js';
import { isLogger, type Logger } from './logging.js';
import type { Authenticator } from './callback-slots.js';

export interface ClientOptions<U = unknown> {
  /** The client id; empty (the default) lets the broker assign one (3.1.1 and 5.0; a random one on 3.1). */
  clientId?: string;
  /** MQTT 3.x only (default true); on MQTT 5 pass `cleanStart` to `connect()` instead. */
  cleanSession?: boolean;
  /** The value passed to every callback; change it with `userDataSet()`. */
  userdata?: U;
  /** `MQTTProtocolVersion.MQTTv311` (default), `MQTTv31` or `MQTTv5`. */
  protocol?: MQTTProtocolVersion;
  /**
   * The byte stream: `'tcp'` (default; TLS once `tlsSet()` is called), `'websockets'` (WebSocket, secure once
   * `tlsSet()` is called) or `'unix'` (the host is the socket path). A URL given to `connect()` overrides it.
   */
  transport?: ClientTransport;
  /** Let `loopStart()`/`loopForever()` reconnect after a lost or failed connection (default true). */
  reconnectOnFailure?: boolean;
  /** Acknowledge incoming QoS 1/2 only when `ack()` is called (default false: after the callback returns). */
  manualAck?: boolean;
  /** Where the session lives (default: a `MemoryStore`). A durable store makes QoS 1/2 survive a restart. */
  store?: Store;
  /** Payload bytes held in the outgoing queue; 0 = unlimited (default 64 MiB). */
  maxQueuedBytes?: number;
  /** What `publish()` does when the queue is full: `'reject'` (default, rc QUEUE_SIZE) or `'drop-oldest'`. */
  queueFullPolicy?: 'reject' | 'drop-oldest';
  /** Re-subscribe when the broker answers "session not present" (default false, as Paho). */
  resubscribe?: boolean;
  /**
   * Topic filters per SUBSCRIBE, for brokers that limit them (AWS IoT Core: 8; see docs/brokers.md): what the
   * client re-subscribes by itself (`resubscribe`) goes out in packets of at most this many filters, and a
   * `subscribe()` call with more throws `InvalidArgumentError` before anything is sent. Default 0: re-subscriptions
   * in packets of 64, no limit per call.
   */
  subscribeBatchSize?: number;
  /** Assign outgoing topic aliases automatically (MQTT 5; default false). */
  autoTopicAlias?: boolean;
  /** Incoming topic aliases accepted (MQTT 5 Topic Alias Maximum; default 0). */
  topicAliasMaximum?: number;
  /** Largest packet accepted from the broker, in bytes (MQTT 5 Maximum Packet Size; default: no limit). */
  maximumPacketSize?: number;
  /** Milliseconds to wait for CONNACK after CONNECT (default 30000; 0 waits forever). */
  connackTimeoutMs?: number;
  /** Milliseconds to wait for PINGRESP (default: the keepalive). */
  pingTimeoutMs?: number;
  /** Fraction of each reconnect delay that is random, 0..1 (default 0.5). */
  reconnectJitter?: number;
  /** A logger to mirror log lines to (as `enableLogger(logger)`). */
  logger?: Logger;
  /**
   * MQTT 5 enhanced authentication: answers each AUTH 0x18 of the broker with the data it returns (see
   * `Authenticator`). The method and the first data go in the CONNECT properties (`authenticationMethod`,
   * `authenticationData`). Without it, answer from `onAuth` with `client.auth()`.
   */
  authenticator?: Authenticator;
  /**
   * MQTT 5: the topic responses to `request()` come on (default `steady-mqtt/responses/{clientId}`; the broker's
   * Response Information, when it sent one, comes first). A topic name: no wildcards.
   */
  responseTopic?: string;
}

const KNOWN_OPTIONS = new Set([
  'clientId',
  'cleanSession',
  'userdata',
  'protocol',
  'transport',
  'reconnectOnFailure',
  'manualAck',
  'store',
  'maxQueuedBytes',
  'queueFullPolicy',
  'resubscribe',
  'subscribeBatchSize',
  'autoTopicAlias',
  'topicAliasMaximum',
  'maximumPacketSize',
  'connackTimeoutMs',
  'pingTimeoutMs',
  'reconnectJitter',
  'logger',
  'authenticator',
  'responseTopic',
]);

/** Defaults of the extras. */
export const DEFAULT_MAX_QUEUED_BYTES = 64 * 1024 * 1024;
export const DEFAULT_CONNACK_TIMEOUT_MS = 30_000;

/** A short description of any value for an error message. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  if (value === null || value === undefined) return String(value);
  return `a ${typeof value === 'object' ? (Array.isArray(value) ? 'array' : 'object') : typeof value}`;
}

function fail(name: string, allowed: string, value: unknown): never {
  throw new InvalidArgumentError(`option ${name} must be ${allowed}, got ${describeValue(value)}`);
}

export function checkBooleanOption(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(name, 'a boolean', value);
  return value;
}

export function checkIntegerOption(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(name, `an integer from ${min} to ${max}`, value);
  }
  return value;
}

export function checkProtocol(value: unknown): MQTTProtocolVersion {
  if (value !== 3 && value !== 4 && value !== 5) {
    fail('protocol', 'MQTTProtocolVersion.MQTTv31 (3), MQTTv311 (4) or MQTTv5 (5)', value);
  }
  return value;
}

/** Checks the options' types and ranges and the combinations Paho refuses. */
export function validateClientOptions<U>(options: ClientOptions<U>): void {
  if (typeof options !== 'object' || options === null) fail('options', 'an object', options);
  for (const name of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(name)) {
      throw new InvalidArgumentError(
        `unknown option "${name}"; known options: ${[...KNOWN_OPTIONS].join(', ')}`,
      );
    }
  }
  const o = options;
  const protocol = o.protocol === undefined ? MQTTProtocolVersion.MQTTv311 : checkProtocol(o.protocol);
  if (o.clientId !== undefined && typeof o.clientId !== 'string') fail('clientId', 'a string', o.clientId);
  if (o.cleanSession !== undefined) {
    checkBooleanOption('cleanSession', o.cleanSession);
    if (protocol === MQTTProtocolVersion.MQTTv5) {
      throw new InvalidArgumentError(
        'cleanSession is not used on MQTT 5.0: pass cleanStart to connect() instead',
      );
    }
    if (o.cleanSession === false && (o.clientId ?? '') === '') {
      throw new InvalidArgumentError(
        'cleanSession false needs a clientId: the broker cannot resume a session without one',
      );
    }
  }
  if (o.transport !== undefined && !CLIENT_TRANSPORTS.includes(o.transport)) {
    fail('transport', '"tcp", "websockets" or "unix"', o.transport);
  }
  for (const name of ['reconnectOnFailure', 'manualAck', 'resubscribe', 'autoTopicAlias'] as const) {
    if (o[name] !== undefined) checkBooleanOption(name, o[name]);
  }
  if (o.store !== undefined) {
    const store = o.store as unknown as Record<string, unknown>;
    if (
      typeof store !== 'object' ||
      store === null ||
      typeof store.load !== 'function' ||
      typeof store.apply !== 'function'
    ) {
      fail('store', 'a Store (an object with load, apply and close)', o.store);
    }
  }
  if (o.maxQueuedBytes !== undefined)
    checkIntegerOption('maxQueuedBytes', o.maxQueuedBytes, 0, Number.MAX_SAFE_INTEGER);
  if (
    o.queueFullPolicy !== undefined &&
    o.queueFullPolicy !== 'reject' &&
    o.queueFullPolicy !== 'drop-oldest'
  ) {
    fail('queueFullPolicy', '"reject" or "drop-oldest"', o.queueFullPolicy);
  }
  if (o.topicAliasMaximum !== undefined)
    checkIntegerOption('topicAliasMaximum', o.topicAliasMaximum, 0, 65535);
  if (o.subscribeBatchSize !== undefined)
    checkIntegerOption('subscribeBatchSize', o.subscribeBatchSize, 0, 65535);
  if (o.maximumPacketSize !== undefined) {
    checkIntegerOption('maximumPacketSize', o.maximumPacketSize, 1, 0xffffffff);
  }
  if (o.connackTimeoutMs !== undefined) {
    checkIntegerOption('connackTimeoutMs', o.connackTimeoutMs, 0, Number.MAX_SAFE_INTEGER);
  }
  if (o.pingTimeoutMs !== undefined)
    checkIntegerOption('pingTimeoutMs', o.pingTimeoutMs, 1, Number.MAX_SAFE_INTEGER);
  if (
    o.reconnectJitter !== undefined &&
    (typeof o.reconnectJitter !== 'number' || !(o.reconnectJitter >= 0 && o.reconnectJitter <= 1))
  ) {
    fail('reconnectJitter', 'a number from 0 to 1', o.reconnectJitter);
  }
  if (o.authenticator !== undefined) {
    if (typeof o.authenticator !== 'function') fail('authenticator', 'a function', o.authenticator);
    if (protocol !== MQTTProtocolVersion.MQTTv5) {
      throw new InvalidArgumentError(
        'authenticator needs MQTT 5 (enhanced authentication uses AUTH packets)',
      );
    }
  }
  if (o.responseTopic !== undefined) {
    if (typeof o.responseTopic !== 'string') fail('responseTopic', 'a string', o.responseTopic);
    validateTopicName(o.responseTopic);
    if (protocol !== MQTTProtocolVersion.MQTTv5) {
      throw new InvalidArgumentError('responseTopic needs MQTT 5 (request/response uses MQTT 5 properties)');
    }
  }
  if (o.logger !== undefined && !isLogger(o.logger))
    fail('logger', 'an object with debug, info, warn and error methods', o.logger);
}
