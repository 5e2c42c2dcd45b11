/**
 * Errors the client throws or rejects with, beside `InvalidArgumentError` (bad input, `src/errors.ts`) and
 * `ConnectionError` (transport failures, `src/transport/errors.ts`).
 */
import { MqttError } from '../errors.js';
import type { ReasonCode } from './reason-code.js';

/** A method was called in a state that does not allow it (a setter while connected, mixed loop modes...). */
export class ClientStateError extends MqttError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_MQTT_CLIENT_STATE', message, options);
  }
}

/** A feature that is deliberately not offered (`CallbackAPIVersion.VERSION1`, an unknown transport...). */
export class NotSupportedError extends MqttError {
  constructor(message: string) {
    super('ERR_MQTT_NOT_SUPPORTED', message);
  }
}

/** A publish was not completed: refused by the broker, or not accepted by the client (queue full). */
export class PublishError extends MqttError {
  /** The message id. */
  readonly mid: number;
  /** The broker's reason code for a negative acknowledgement. */
  readonly reasonCode: ReasonCode | undefined;
  /** The client's return code (`MQTTErrorCode`) when the client did not accept or dropped the message. */
  readonly rc: number | undefined;

  constructor(message: string, details: { mid: number; reasonCode?: ReasonCode; rc?: number }) {
    super('ERR_MQTT_PUBLISH', message);
    this.mid = details.mid;
    this.reasonCode = details.reasonCode;
    this.rc = details.rc;
  }
}

/** An operation did not complete within the time allowed. */
export class TimeoutError extends MqttError {
  constructor(message: string) {
    super('ERR_MQTT_TIMEOUT', message);
  }
}

/** The broker refused the connection (CONNACK with a failure code). */
export class ConnectionRefusedError extends MqttError {
  readonly reasonCode: ReasonCode;

  constructor(reasonCode: ReasonCode) {
    super('ERR_MQTT_CONNECTION_REFUSED', `the broker refused the connection: ${reasonCode.getName()}`);
    this.reasonCode = reasonCode;
  }
}
