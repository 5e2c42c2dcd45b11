/**
 * TLS settings, mirroring Paho's `tls_set()`, `tls_set_context()` and `tls_insecure_set()`. Types only, so the
 * browser build can name them (a browser does TLS itself for `wss://`, with its own trust store).
 */
import type { ConnectionOptions, SecureContext, SecureVersion } from 'node:tls';

/**
 * How the broker's certificate is checked (Paho's `cert_reqs`):
 * - `'required'` (default): the chain must lead to a trusted CA, be within its validity dates, and (unless
 *   `insecure`) name the host connected to;
 * - `'none'`: nothing is checked: no chain, date or host-name verification. Any server, or anyone in the
 *   middle, is accepted. For tests only.
 */
export type CertRequirements = 'required' | 'none';

export interface TlsOptions {
  /** CA certificate file(s), PEM (Paho's `ca_certs`). Default: Node's bundled root CAs. */
  caCerts?: string | readonly string[];
  /** CA certificates as PEM text or bytes, instead of or beside `caCerts`. */
  ca?: string | Uint8Array | readonly (string | Uint8Array)[];
  /** Client certificate file, PEM (Paho's `certfile`); may hold the chain. */
  certfile?: string;
  /** Client private key file, PEM (Paho's `keyfile`). */
  keyfile?: string;
  /** Client certificate as PEM text or bytes. */
  cert?: string | Uint8Array;
  /** Client private key as PEM text or bytes. */
  key?: string | Uint8Array;
  /** The passphrase of an encrypted private key (Paho's `keyfile_password`). */
  keyPassword?: string;
  /** Certificate checks (Paho's `cert_reqs`); default `'required'`. See `CertRequirements`. */
  certReqs?: CertRequirements;
  /** Lowest TLS version offered (Paho's `tls_version`); default Node's (`TLSv1.2`). */
  minVersion?: SecureVersion;
  /** Highest TLS version offered; default `TLSv1.3`. */
  maxVersion?: SecureVersion;
  /** OpenSSL cipher list for TLS 1.2 and lower (Paho's `ciphers`). */
  ciphers?: string;
  /** ALPN protocol names, in order of preference (Paho's `alpn_protocols`), e.g. `['x-amzn-mqtt-ca']`. */
  alpnProtocols?: readonly string[];
  /**
   * Skip the host-name check only (Paho's `tls_insecure_set(true)`): the certificate must still chain to a
   * trusted CA and be within its dates, but it may name any host. Default false.
   */
  insecure?: boolean;
  /** The SNI name sent and checked; default the host connected to (none is sent for an IP address). */
  servername?: string;
  /** A ready `SecureContext` (Paho's `tls_set_context(context)`); file options above are then ignored. */
  context?: SecureContext;
  /** Any other `tls.connect()` options, applied last (e.g. `session`, `checkServerIdentity`). */
  nodeOptions?: ConnectionOptions;
}
