/**
 * Errors the simplified helpers reject with, beside the client's own (`ConnectionRefusedError` with the
 * broker's reason code, `ConnectionError` when the broker cannot be reached, `TimeoutError`, `PublishError`).
 */
import type { ReasonCode } from '../client/reason-code.js';
import { MqttError } from '../errors.js';
import { ConnectionError } from '../transport/errors.js';

/** The connection closed before the helper was done (network failure, keepalive timeout, server DISCONNECT). */
export class ConnectionLostError extends ConnectionError {
  /** Why it closed: `Unspecified error`, `Keep alive timeout`, or the broker's DISCONNECT reason (MQTT 5). */
  readonly reasonCode: ReasonCode;
  /** True when the broker sent a DISCONNECT packet. */
  readonly fromServer: boolean;

  constructor(host: string, port: number, reasonCode: ReasonCode, fromServer: boolean) {
    const by = fromServer ? 'the broker closed the connection' : 'the connection was lost';
    super(`${host}:${port}: ${by} (${reasonCode.getName()})`, undefined, 'ERR_MQTT_CONNECTION_LOST');
    this.reasonCode = reasonCode;
    this.fromServer = fromServer;
  }
}

/** The broker refused a subscription (SUBACK with a failure code, e.g. "Not authorized"). */
export class SubscribeRefusedError extends MqttError {
  /** The filters the broker refused. */
  readonly topics: string[];
  /** The SUBACK reason codes, one per filter, in the order subscribed. */
  readonly reasonCodes: ReasonCode[];

  constructor(topics: string[], reasonCodes: ReasonCode[]) {
    const refused = reasonCodes
      .map((code, index) => (code.isFailure ? `"${topics[index]}": ${code.getName()}` : undefined))
      .filter((text) => text !== undefined);
    super('ERR_MQTT_SUBSCRIBE_REFUSED', `the broker refused the subscription: ${refused.join(', ')}`);
    this.topics = topics;
    this.reasonCodes = reasonCodes;
  }
}
