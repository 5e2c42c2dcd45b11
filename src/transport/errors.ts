/**
 * Errors raised while opening or using a transport. They carry the underlying cause (an `ECONNREFUSED` socket
 * error, a TLS failure...) so callers can inspect it without parsing messages.
 */
import { MqttError } from '../errors.js';

/** The byte stream could not be opened or failed while open (refused, reset, unreachable, DNS failure...). */
export class ConnectionError extends MqttError {
  /** The system error code of the cause when there is one (`ECONNREFUSED`, `ENOTFOUND`...). */
  readonly errno: string | undefined;

  constructor(message: string, options?: { cause?: unknown }, code = 'ERR_MQTT_CONNECTION') {
    super(code, message, options);
    this.errno = systemErrorCode(options?.cause);
  }
}

/** The transport did not open within `connectTimeout`. */
export class ConnectTimeoutError extends ConnectionError {
  /** The time allowed, in milliseconds. */
  readonly timeoutMs: number;

  constructor(host: string, port: number, timeoutMs: number) {
    super(
      `could not connect to ${host}:${port} within ${timeoutMs} ms (connectTimeout)`,
      undefined,
      'ERR_MQTT_CONNECT_TIMEOUT',
    );
    this.timeoutMs = timeoutMs;
  }
}

function systemErrorCode(cause: unknown): string | undefined {
  if (typeof cause === 'object' && cause !== null && 'code' in cause) {
    const code = cause.code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}
