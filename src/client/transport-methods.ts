/**
 * The signatures of the Client's transport methods (`tlsSet`, `tlsSetContext`, `tlsInsecureSet`,
 * `wsSetOptions`, `proxySet`) and the SRV lookup behind `connectSrv`.
 */
import type { ConnectionOptions, SecureContext } from 'node:tls';
import { InvalidArgumentError } from '../errors.js';
import type { BrokerSpec } from '../transport/brokers.js';
import { ConnectionError } from '../transport/errors.js';
import { platform } from '../transport/platform.js';
import type { TlsOptions } from '../transport/tls-options.js';
import type { WebSocketHeadersOption } from '../transport/websocket-options.js';
import type { ProxySetArgument } from './transport-config.js';

export interface TransportMethods {
  /**
   * Paho's `tls_set(ca_certs, certfile, keyfile, cert_reqs, tls_version, ciphers, keyfile_password,
   * alpn_protocols)` as an options object (`caCerts`, `certfile`, `keyfile`, `certReqs`, `minVersion`,
   * `ciphers`, `keyPassword`, `alpnProtocols`...), or just the CA file path. Certificate and host-name checks
   * stay on unless `certReqs: 'none'` (no check at all) or `tlsInsecureSet(true)` (no host-name check). Files
   * are read when connecting; an unreadable one fails the connection with a `TlsError` (`configuration`).
   */
  tlsSet(options?: TlsOptions | string): void;
  /** Paho's `tls_set_context`: a `SecureContext` (`tls.createSecureContext()`), or `tls.connect()` options. */
  tlsSetContext(context?: SecureContext | ConnectionOptions): void;
  /**
   * Paho's `tls_insecure_set`: `true` skips the host-name check only; the certificate must still chain to a
   * trusted CA and be within its dates. Use `tlsSet({ certReqs: 'none' })` to turn every check off.
   */
  tlsInsecureSet(value: boolean): void;
  /**
   * Paho's `ws_set_options(path, headers)`: the request path (default `/mqtt`) and extra headers, an object or a
   * function of the default headers (`Host`) called on every connection attempt. In a browser, headers are
   * refused (a page cannot set WebSocket headers); the path applies everywhere.
   */
  wsSetOptions(path?: string, headers?: WebSocketHeadersOption): void;
  /**
   * Paho's `proxy_set`: `{ type: 'socks5' | 'http', host, port, username?, password? }`, a URL
   * (`socks5://user:pass@host:1080`, `http://host:3128`), `'env'` (default: `mqtt_proxy`, `http_proxy`,
   * `https_proxy`, `no_proxy`) or `'none'`.
   */
  proxySet(proxy: ProxySetArgument): void;
}

/** The brokers of `domain`, from DNS SRV, in the order to try. */
export async function connectSrv(domain: string, secure: boolean): Promise<BrokerSpec[]> {
  if (typeof domain !== 'string' || domain === '') {
    throw new InvalidArgumentError('connectSrv() needs a domain, e.g. "example.com"');
  }
  const srvBrokers = platform.srvBrokers;
  if (srvBrokers === undefined) {
    throw new ConnectionError(`DNS SRV lookups are not available in ${platform.name}`);
  }
  const targets = await srvBrokers(domain, secure);
  return targets.map((t) => ({ host: t.host, port: t.port }));
}
