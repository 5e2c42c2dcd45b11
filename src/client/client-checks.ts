/**
 * Argument checks of `Client` that need no client state: the callback API version and the will.
 */
import { InvalidArgumentError } from '../errors.js';
import type { Properties as PacketProperties, Will } from '../packet/types.js';
import { validateTopicName } from '../topic/validate.js';
import { makeWill } from './client-config.js';
import { CallbackAPIVersion, MQTTProtocolVersion } from './enums.js';
import { NotSupportedError } from './errors.js';
import { isLogger, type Logger } from './logging.js';
import { checkBooleanOption } from './options.js';
import { toPayloadBytes, type PayloadType } from './payload.js';
import { PacketTypes, toPacketProperties, type Properties } from './properties.js';
import { checkQos } from './subscribe-options.js';

/** Only VERSION2 is supported; a string first argument is Paho 1.x's `Client("id")`. */
export function checkCallbackApiVersion(callbackApiVersion: CallbackAPIVersion): void {
  if (typeof callbackApiVersion === 'string') {
    throw new InvalidArgumentError(
      'the first argument of new Client() is the callback API version (CallbackAPIVersion.VERSION2); pass the client id as options.clientId',
    );
  }
  if (callbackApiVersion === CallbackAPIVersion.VERSION1) {
    throw new NotSupportedError(
      'CallbackAPIVersion.VERSION1 is not supported: use CallbackAPIVersion.VERSION2 (reason codes and properties on every protocol version)',
    );
  }
  if (callbackApiVersion !== CallbackAPIVersion.VERSION2) {
    throw new InvalidArgumentError(
      `unknown callback API version ${String(callbackApiVersion)}; use VERSION2`,
    );
  }
}

/** `willSet()`'s arguments, checked and converted to the packet's `Will`. */
export function checkedWill(
  topic: string,
  payload: PayloadType,
  qos: number,
  retain: boolean,
  properties: Properties | PacketProperties | undefined,
  protocol: MQTTProtocolVersion,
): Will {
  if (typeof topic !== 'string' || topic === '')
    throw new InvalidArgumentError('the will topic must be a non-empty string');
  validateTopicName(topic);
  const checkedQos = checkQos(qos, 'will qos');
  checkBooleanOption('retain', retain);
  const willProperties = toPacketProperties(properties, PacketTypes.WILLMESSAGE, protocol);
  return makeWill(topic, toPayloadBytes(payload), checkedQos, retain, willProperties);
}

/** Paho's `connect_timeout`: a positive number of seconds. */
export function checkConnectTimeout(value: number): number {
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
    throw new InvalidArgumentError(
      `connectTimeout must be a positive number of seconds, got ${String(value)}`,
    );
  }
  return value;
}

/** The MQTT 3.x clean session flag; MQTT 5 has clean start (a `connect()` argument) instead. */
export function checkCleanSession(value: boolean, protocol: MQTTProtocolVersion): boolean {
  checkBooleanOption('cleanSession', value);
  if (protocol === MQTTProtocolVersion.MQTTv5) {
    throw new InvalidArgumentError(
      'cleanSession is not used on MQTT 5.0: pass cleanStart to connect() instead',
    );
  }
  return value;
}

/** A logger has debug, info, warn and error methods (console, pino...). */
export function checkLogger(value: Logger | undefined): Logger | undefined {
  if (value !== undefined && !isLogger(value)) {
    throw new InvalidArgumentError('logger must have debug, info, warn and error methods');
  }
  return value;
}

/** A broker host name or address: a non-empty string. */
export function checkHost(value: string): string {
  if (typeof value !== 'string' || value === '')
    throw new InvalidArgumentError('host must be a non-empty string');
  return value;
}
