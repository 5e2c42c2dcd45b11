/**
 * `publish()`'s arguments in Paho's shapes (any payload type, `Properties` or plain properties, a QoS number)
 * checked and converted to the engine's `OutgoingMessage`, before anything is queued or sent.
 */
import { InvalidArgumentError } from '../errors.js';
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
