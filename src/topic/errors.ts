import { MqttError } from '../errors.js';

/**
 * A topic name or topic filter the caller passed is not allowed by MQTT. The message says what is wrong, where,
 * and what is allowed; `topic` holds the offending string (or value, when it was not a string) and `kind` says
 * whether it was used as a topic name (PUBLISH) or a topic filter (SUBSCRIBE / UNSUBSCRIBE).
 */
export class InvalidTopicError extends MqttError {
  readonly topic: unknown;
  readonly kind: 'name' | 'filter';

  constructor(message: string, topic: unknown, kind: 'name' | 'filter', options?: { cause?: unknown }) {
    super('ERR_MQTT_INVALID_TOPIC', message, options);
    this.topic = topic;
    this.kind = kind;
  }
}
