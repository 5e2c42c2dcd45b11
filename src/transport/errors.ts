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

/** Why a TLS connection failed, as far as the TLS stack told us. */
export type TlsFailureReason =
  /** The server's certificate does not chain to a trusted CA (wrong `ca`, self-signed, incomplete chain). */
  | 'unknown-ca'
  /** The certificate is valid but not for the host name (or IP address) connected to. */
  | 'hostname-mismatch'
  /** The certificate (or one in its chain) has expired. */
  | 'expired'
  /** The certificate (or one in its chain) is not valid yet. */
  | 'not-yet-valid'
  /** The server asked for a client certificate and none (or none it accepts) was sent. */
  | 'certificate-required'
  /** The peer refused the handshake (no common protocol version or cipher, a bad certificate...). */
  | 'handshake-failed'
  /** A local TLS configuration problem: unreadable CA/cert/key file, wrong key passphrase, bad PEM. */
  | 'configuration'
  /** Any other TLS failure; `tlsCode` and `cause` have the details. */
  | 'other';

/**
 * A TLS (or secure WebSocket) connection failed. `reason` says why in one word; `tlsCode` is the code Node or
 * OpenSSL gave (`UNABLE_TO_VERIFY_LEAF_SIGNATURE`, `ERR_TLS_CERT_ALTNAME_INVALID`, `CERT_HAS_EXPIRED`,
 * `ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED`...); `cause` is the original error.
 */
export class TlsError extends ConnectionError {
  readonly reason: TlsFailureReason;
  /** The code of the underlying error, when it had one. */
  readonly tlsCode: string | undefined;

  constructor(message: string, reason: TlsFailureReason, options?: { cause?: unknown }) {
    super(message, options, 'ERR_MQTT_TLS');
    this.reason = reason;
    this.tlsCode = this.errno;
  }
}

/** A SOCKS5 or HTTP CONNECT proxy refused or failed to open the tunnel. */
export class ProxyError extends ConnectionError {
  /** `'socks5'` or `'http'`. */
  readonly proxyType: 'socks5' | 'http';
  /** The SOCKS5 reply code or the HTTP status, when the proxy answered with one. */
  readonly status: number | undefined;

  constructor(message: string, proxyType: 'socks5' | 'http', status?: number, options?: { cause?: unknown }) {
    super(message, options, 'ERR_MQTT_PROXY');
    this.proxyType = proxyType;
    this.status = status;
  }
}

/** The WebSocket upgrade was refused (an HTTP status other than 101, or no `mqtt` sub-protocol). */
export class WebSocketError extends ConnectionError {
  /** The HTTP status of the refused upgrade, when there was one. */
  readonly status: number | undefined;

  constructor(message: string, status?: number, options?: { cause?: unknown }) {
    super(message, options, 'ERR_MQTT_WEBSOCKET');
    this.status = status;
  }
}
