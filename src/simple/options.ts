/**
 * The options every simplified helper takes: Paho's helper arguments (`hostname`, `port`, `client_id`,
 * `keepalive`, `will`, `auth`, `tls`, `protocol`, `transport`, `proxy_args`) in camelCase, plus what Paho's
 * helpers lack: a timeout, MQTT 5 connect properties, WebSocket options, a logger, and the client options a
 * helper may want (a store, the in-flight window).
 *
 * The helpers are built on the public `Client` API only: this module imports nothing but names that
 * `src/index.ts` exports.
 */
import type { CleanStartOption } from '../client/client-config.js';
import type { MQTTProtocolVersion } from '../client/enums.js';
import type { Logger } from '../client/logging.js';
import type { ClientOptions } from '../client/options.js';
import type { PayloadType } from '../client/payload.js';
import type { Properties } from '../client/properties.js';
import type { Properties as PacketProperties } from '../packet/types.js';
import type { ProxyOptions } from '../transport/proxy/proxy-config.js';
import type { TlsOptions as TransportTlsOptions } from '../transport/tls-options.js';

/** MQTT 5 properties: a `Properties` object or the plain form (`{ messageExpiryInterval: 60 }`). */
export type PropertiesInit = Properties | PacketProperties;

/** The will, as the keyword arguments of `willSet()` (Paho's `will` dict). */
export interface WillOptions {
  topic: string;
  payload?: PayloadType;
  qos?: number;
  retain?: boolean;
  /** Will properties (MQTT 5), e.g. `{ willDelayInterval: 10 }`. */
  properties?: PropertiesInit;
}

/** Credentials (Paho's `auth` dict): a username is required, the password is optional. */
export interface AuthOptions {
  username: string;
  password?: string | Uint8Array;
}

/**
 * TLS settings: the options object of `Client.tlsSet()` (Paho's `tls` dict: `caCerts`, `certfile`, `keyfile`,
 * `certReqs`, `minVersion` for `tls_version`, `ciphers`, `keyPassword`, `alpnProtocols`, plus `insecure`).
 */
export type TlsOptions = TransportTlsOptions;

/** A proxy, as `Client.proxySet()` takes it: `{ type: 'socks5' | 'http', host, port, username?, password? }` or a URL. */
export type ProxyArgs = ProxyOptions | string;

/** WebSocket settings (`wsSetOptions()`): Paho's helpers cannot set them. */
export interface WebSocketOptions {
  /** Default `/mqtt`. */
  path?: string;
  headers?: Record<string, string>;
}

/** The transports a helper may ask for (`'websockets'` and `'unix'` need a client that has them). */
export type HelperTransport = 'tcp' | 'websockets' | 'unix';

/** Client settings a helper passes through to `new Client()` (not the ones the helper sets itself). */
export type HelperClientOptions<U> = Omit<
  ClientOptions<U>,
  'clientId' | 'cleanSession' | 'userdata' | 'protocol' | 'transport' | 'reconnectOnFailure' | 'logger'
>;

/** How to reach the broker and how long to try: the options common to every helper. */
export interface ConnectionOptions<U = unknown> {
  /** Default `"localhost"`. */
  hostname?: string;
  /** Default 1883. */
  port?: number;
  /** Default `""` (the broker assigns one). */
  clientId?: string;
  /** Seconds; default 60. */
  keepalive?: number;
  will?: WillOptions;
  auth?: AuthOptions;
  tls?: TlsOptions;
  /** Default `MQTTProtocolVersion.MQTTv311`. */
  protocol?: MQTTProtocolVersion;
  /** Default `'tcp'`. */
  transport?: HelperTransport;
  websocket?: WebSocketOptions;
  /** Passed to `proxySet()` (Paho's `proxy_args`). */
  proxyArgs?: ProxyArgs;
  /** MQTT 5 `cleanStart` for `connect()` (default: Paho's first-only). */
  cleanStart?: CleanStartOption;
  /** MQTT 5 CONNECT properties, e.g. `{ sessionExpiryInterval: 3600 }`. */
  connectProperties?: PropertiesInit;
  /**
   * Milliseconds the whole helper may take, connecting included; then it rejects with a `TimeoutError`.
   * Default: no limit (as Paho), except the connection attempt itself (the client's `connectTimeout`).
   */
  timeoutMs?: number;
  /** Aborting it ends the helper at once: it disconnects and rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Reconnect after a lost connection (default false: the helper rejects with a `ConnectionError`). The first
   * connection is never retried: a refused or failed first attempt always rejects.
   */
  reconnect?: boolean;
  /** Seconds allowed to open the connection (the client's `connectTimeout`, default 5). */
  connectTimeout?: number;
  /** Mirrors the client's log lines (as Paho's helpers call `enable_logger()`). */
  logger?: Logger;
  /** Further `Client` options: `store`, `maxQueuedBytes`... */
  clientOptions?: HelperClientOptions<U>;
  /** Outgoing QoS 1/2 messages in flight at once (default 20, as the client). */
  maxInflightMessages?: number;
}
