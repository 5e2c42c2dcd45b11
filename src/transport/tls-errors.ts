/**
 * Turns the errors Node's TLS stack raises into a `TlsError` whose `reason` and message say why the
 * connection failed. Pure: no Node module, so the browser build may include it.
 */
import { ConnectionError, TlsError, type TlsFailureReason } from './errors.js';

const REASON_BY_CODE: Readonly<Record<string, TlsFailureReason>> = {
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'unknown-ca',
  SELF_SIGNED_CERT_IN_CHAIN: 'unknown-ca',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'unknown-ca',
  UNABLE_TO_GET_ISSUER_CERT: 'unknown-ca',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'unknown-ca',
  CERT_UNTRUSTED: 'unknown-ca',
  CERT_SIGNATURE_FAILURE: 'unknown-ca',
  ERR_TLS_CERT_ALTNAME_INVALID: 'hostname-mismatch',
  HOSTNAME_MISMATCH: 'hostname-mismatch',
  CERT_HAS_EXPIRED: 'expired',
  ERROR_IN_CERT_NOT_AFTER_FIELD: 'expired',
  CERT_NOT_YET_VALID: 'not-yet-valid',
  ERROR_IN_CERT_NOT_BEFORE_FIELD: 'not-yet-valid',
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: 'certificate-required',
  ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE: 'certificate-required',
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: 'certificate-required',
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: 'certificate-required',
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN: 'certificate-required',
  ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE: 'handshake-failed',
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: 'handshake-failed',
  ERR_SSL_UNSUPPORTED_PROTOCOL: 'handshake-failed',
  ERR_SSL_NO_PROTOCOLS_AVAILABLE: 'handshake-failed',
  ERR_SSL_WRONG_VERSION_NUMBER: 'handshake-failed',
  ERR_SSL_NO_SHARED_CIPHER: 'handshake-failed',
  ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL: 'handshake-failed',
  ERR_OSSL_BAD_DECRYPT: 'configuration',
  ERR_OSSL_EVP_BAD_DECRYPT: 'configuration',
  ERR_OSSL_PEM_NO_START_LINE: 'configuration',
  ERR_OSSL_PEM_BAD_BASE64_DECODE: 'configuration',
  ERR_OSSL_X509_KEY_VALUES_MISMATCH: 'configuration',
  ERR_INVALID_ARG_TYPE: 'configuration',
  ERR_INVALID_ARG_VALUE: 'configuration',
  ERR_TLS_INVALID_PROTOCOL_VERSION: 'configuration',
  ERR_SSL_NO_CIPHER_MATCH: 'configuration',
};

const EXPLANATION: Readonly<Record<TlsFailureReason, string>> = {
  'unknown-ca':
    'the broker certificate is not signed by a trusted CA (give the CA that signed it with tlsSet({ caCerts }))',
  'hostname-mismatch': 'the broker certificate is not valid for the host name or address connected to',
  expired: 'the broker certificate (or one in its chain) has expired',
  'not-yet-valid': 'the broker certificate (or one in its chain) is not valid yet',
  'certificate-required':
    'the broker requires a client certificate it accepts (give one with tlsSet({ certfile, keyfile }))',
  'handshake-failed': 'the TLS handshake failed',
  configuration: 'the TLS configuration is invalid',
  other: 'TLS failed',
};

function codeOf(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = error.code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The `TlsFailureReason` for an error code, or undefined when the code is not a TLS one. */
export function tlsFailureReason(code: string | undefined): TlsFailureReason | undefined {
  if (code === undefined) return undefined;
  const known = REASON_BY_CODE[code];
  if (known !== undefined) return known;
  if (code.startsWith('ERR_SSL_') && code.includes('ALERT')) return 'handshake-failed';
  if (code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) return 'other';
  if (code.startsWith('ERR_OSSL_')) return 'configuration';
  return undefined;
}

/** Context for `toTlsError`. */
export interface TlsErrorContext {
  /** `host:port` (or the URL) for the message. */
  label: string;
  /** True once the handshake completed (a later reset is then not a TLS failure). */
  handshakeDone: boolean;
  /** True when a client certificate was configured. */
  hasClientCertificate: boolean;
}

/**
 * Wraps an error raised on a TLS socket: a `TlsError` when it is a TLS failure (including a reset during the
 * handshake, which is how some brokers refuse one), else a plain `ConnectionError`.
 */
export function toTlsError(error: unknown, context: TlsErrorContext): ConnectionError {
  if (error instanceof ConnectionError) return error;
  const code = codeOf(error);
  let reason = tlsFailureReason(code);
  if (reason === undefined && !context.handshakeDone && (code === 'ECONNRESET' || code === 'EPIPE')) {
    reason = 'handshake-failed';
  }
  if (reason === undefined) {
    return new ConnectionError(`connection to ${context.label} failed: ${messageOf(error)}`, {
      cause: error,
    });
  }
  let explanation = EXPLANATION[reason];
  if (reason === 'handshake-failed' && !context.hasClientCertificate) {
    explanation += ' (if the broker requires a client certificate, none was configured)';
  }
  return new TlsError(
    `TLS connection to ${context.label} failed: ${explanation} [${code ?? 'no code'}: ${messageOf(error)}]`,
    reason,
    { cause: error },
  );
}
