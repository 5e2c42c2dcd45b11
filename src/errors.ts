/**
 * The base of every error steady-mqtt throws or rejects with. Each subclass has a stable `code`
 * (`ERR_MQTT_*`) that programs can switch on, and a message that says what was wrong and what is allowed.
 *
 * This module imports nothing, so every layer may use it.
 */
export class MqttError extends Error {
  /** A stable machine-readable code, e.g. `ERR_MQTT_INVALID_TOPIC`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** An argument or option the caller passed is invalid (bad topic, QoS, type, range). */
export class InvalidArgumentError extends MqttError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_MQTT_INVALID_ARGUMENT', message, options);
  }
}
