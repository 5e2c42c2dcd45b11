/**
 * `publish()`'s arguments in Paho's shapes (any payload type, `Properties` or plain properties, a QoS number)
 * checked and converted to the engine's `OutgoingMessage`, before anything is queued or sent.
 */
import { InvalidArgumentError, MqttError } from '../errors.js';
import { PacketType, type Properties as PacketProperties } from '../packet/types.js';
import type { OutgoingMessage } from '../session/types.js';
import { validateTopicName } from '../topic/validate.js';
import { MQTTProtocolVersion } from './enums.js';
import { checkBooleanOption } from './options.js';
import { toPayloadBytes, type PayloadType } from './payload.js';
import { toPacketProperties, type Properties } from './properties.js';
import { checkQos } from './subscribe-options.js';

export function toOutgoingMessage(
  topic: string,
  payload: PayloadType,
  qos: number,
  retain: boolean,
  properties: Properties | PacketProperties | undefined,
  protocol: MQTTProtocolVersion,
): OutgoingMessage {
  if (typeof topic !== 'string')
    throw new InvalidArgumentError(`topic must be a string, got ${typeof topic}`);
  const packetProperties = toPacketProperties(properties, PacketType.PUBLISH, protocol);
  // With a Topic Alias the topic may be empty: the broker knows it by the alias (MQTT 5.0, 3.3.2.3.4).
  const aliased = protocol === MQTTProtocolVersion.MQTTv5 && packetProperties?.topicAlias !== undefined;
  validateTopicName(topic, { allowEmpty: aliased });
  const checkedQos = checkQos(qos);
  checkBooleanOption('retain', retain);
  return {
    topic,
    payload: toPayloadBytes(payload),
    qos: checkedQos,
    retain,
    properties: packetProperties,
  };
}

/** `publish()`'s parameters: topic, payload (default none), QoS (0), retain (false), MQTT 5 properties. */
export type PublishParameters = [
  topic: string,
  payload?: PayloadType,
  qos?: number,
  retain?: boolean,
  properties?: Properties | PacketProperties,
];

/** One message of `publishMany()`: the same fields as `publish()`'s parameters, by name. */
export interface PublishManyMessage {
  topic: string;
  payload?: PayloadType;
  /** Default: `PublishManyOptions.qos`, else 0. */
  qos?: number;
  /** Default: `PublishManyOptions.retain`, else false. */
  retain?: boolean;
  properties?: Properties | PacketProperties;
}

/** `publishMany()`'s options: the QoS and retain flag of the messages that do not give their own. */
export interface PublishManyOptions {
  qos?: number;
  retain?: boolean;
}

/**
 * Every message of `publishMany()` checked and converted, before any is handed to the engine: one invalid
 * message throws (its error names its index) and none of the batch is accepted.
 */
export function toOutgoingMessages(
  messages: readonly (PublishManyMessage | PublishParameters)[],
  options: PublishManyOptions,
  protocol: MQTTProtocolVersion,
): OutgoingMessage[] {
  if (!Array.isArray(messages)) {
    throw new InvalidArgumentError(`publishMany() needs an array of messages, got ${typeof messages}`);
  }
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('publishMany() options must be an object ({ qos?, retain? })');
  }
  const qos = checkQos(options.qos ?? 0);
  const retain = options.retain ?? false;
  checkBooleanOption('retain', retain);
  const converted: OutgoingMessage[] = new Array<OutgoingMessage>(messages.length);
  for (let i = 0; i < messages.length; i++) {
    try {
      converted[i] = convertOne(messages[i], qos, retain, protocol);
    } catch (error) {
      // The error of this call, made for it: naming the index keeps its class and code for the caller.
      if (error instanceof MqttError) error.message = `publishMany(): message ${i}: ${error.message}`;
      throw error;
    }
  }
  return converted;
}

function convertOne(
  message: unknown,
  qos: number,
  retain: boolean,
  protocol: MQTTProtocolVersion,
): OutgoingMessage {
  if (Array.isArray(message)) {
    const [topic, payload, ownQos, ownRetain, properties] = message as PublishParameters;
    return toOutgoingMessageNoAlias(
      topic,
      payload ?? null,
      ownQos ?? qos,
      ownRetain ?? retain,
      properties,
      protocol,
    );
  }
  if (typeof message === 'object' && message !== null) {
    const spec = message as PublishManyMessage;
    return toOutgoingMessageNoAlias(
      spec.topic,
      spec.payload ?? null,
      spec.qos ?? qos,
      spec.retain ?? retain,
      spec.properties,
      protocol,
    );
  }
  throw new InvalidArgumentError(
    `must be { topic, payload?, qos?, retain?, properties? } or ` +
      `[topic, payload?, qos?, retain?, properties?], got ${message === null ? 'null' : typeof message}`,
  );
}

/**
 * A batch message without a Topic Alias: the engine checks an alias against the connection (the broker's Topic
 * Alias Maximum, an alias set earlier on it) as it takes each message, so a batch could fail halfway; refused
 * here so that every message is checked before any is accepted. `autoTopicAlias` still applies.
 */
function toOutgoingMessageNoAlias(
  topic: string,
  payload: PayloadType,
  qos: number,
  retain: boolean,
  properties: Properties | PacketProperties | undefined,
  protocol: MQTTProtocolVersion,
): OutgoingMessage {
  const message = toOutgoingMessage(topic, payload, qos, retain, properties, protocol);
  if (message.properties?.topicAlias !== undefined) {
    throw new InvalidArgumentError(
      'publishMany() takes no topicAlias property (it is checked against the connection as each message is ' +
        'taken, so not before the whole batch): publish() it, or let the autoTopicAlias option assign aliases',
    );
  }
  return message;
}
