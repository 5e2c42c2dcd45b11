/**
 * Errors the session engine attaches to its `close` events. They never escape an input method: a protocol
 * problem becomes a `close` event carrying one of these, so the client can log it and report its reason code.
 */
import { MqttError } from '../errors.js';

/** The broker broke the protocol (wrong packet for the state, bad topic alias, Receive Maximum exceeded...). */
export class ProtocolViolationError extends MqttError {
  /** The MQTT 5 reason code the engine closed with (sent in DISCONNECT on MQTT 5). */
  readonly reasonCode: number;

  constructor(reasonCode: number, message: string) {
    super('ERR_MQTT_PROTOCOL', message);
    this.reasonCode = reasonCode;
  }
}

/**
 * `Session.reconfigure()` refused a change: the engine is not disconnected, or the setting cannot change on a
 * live engine (the protocol version, automatic topic aliases, the client id while a session is held). Thrown
 * before anything changed. Build a new engine for such a change.
 */
export class SessionReconfigureError extends MqttError {
  constructor(message: string) {
    super('ERR_MQTT_RECONFIGURE', message);
  }
}

/** A timer ran out: no CONNACK within `connackTimeoutMs`, or no byte within the ping timeout after PINGREQ. */
export class SessionTimeoutError extends MqttError {
  constructor(message: string) {
    super('ERR_MQTT_TIMEOUT', message);
  }
}

/**
 * MQTT 5 enhanced authentication failed on the client's side: the broker's proof did not verify (a SCRAM server
 * signature that does not match, a server-first message that breaks RFC 5802, an exchange the broker ended
 * without proving anything). The engine closes the connection with DISCONNECT 0x80 and `connectAndWait()`
 * rejects with it.
 */
export class AuthenticationError extends MqttError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_MQTT_AUTHENTICATION', message, options);
  }
}
