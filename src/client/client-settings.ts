/**
 * Paho's settings of a `Client`: its properties (`client.host`, `client.port`, ...) and its setting methods
 * (`tlsSet()`, `willSet()`, `usernamePwSet()`, ...): what each one reads, what it checks, and that a connection
 * setting cannot change while a connection is open, opening or scheduled (`ClientStateError`).
 *
 * `ClientProperties` and `ClientSettingMethods` declare them (the `Client` interface extends both);
 * `PROPERTIES` and `METHODS` define each one, and `defineClientSettings()` puts them on `Client.prototype` as
 * class accessors and methods would be. The mapped types of the two tables make a declared member without a
 * definition a compile error.
 */
import type { ConnectionOptions, SecureContext } from 'node:tls';
import { InvalidArgumentError } from '../errors.js';
import type { Properties as PacketProperties } from '../packet/types.js';
import type { TlsOptions } from '../transport/tls-options.js';
import type { WebSocketHeadersOption } from '../transport/websocket-options.js';
import {
  checkCleanSession,
  checkConnectTimeout,
  checkedWill,
  checkHost,
  checkLogger,
} from './client-checks.js';
import type { ClientCore } from './client-core.js';
import type { LoopMode } from './connection.js';
import type { CallbackAPIVersion, MQTTProtocolVersion } from './enums.js';
import type { Logger } from './logging.js';
import { checkBooleanOption, checkIntegerOption } from './options.js';
import type { PayloadType } from './payload.js';
import type { Properties } from './properties.js';
import type { CurrentBroker, ProxySetArgument } from './transport-config.js';

export interface ClientProperties {
  readonly callbackApiVersion: CallbackAPIVersion;
  /** The broker's host name or address (set by `connect()` too). */
  host: string;
  port: number;
  /** Seconds between control packets; 0 turns keepalive off. Once connected, the broker's Server Keep Alive if it sent one. */
  keepalive: number;
  /** Seconds allowed to open the transport (default 5); separate from the keepalive. */
  connectTimeout: number;
  username: string | undefined;
  /** A string password is sent as UTF-8; it needs a username. */
  get password(): Uint8Array | undefined;
  set password(value: string | Uint8Array | undefined);
  /** Outgoing QoS 1/2 messages in flight at once (default 100; 0 = no local limit). */
  maxInflightMessages: number;
  /** Messages held while offline or behind the window (default 0 = unlimited). */
  maxQueuedMessages: number;
  protocol: MQTTProtocolVersion;
  readonly transport: string;
  /** The client id in use: the broker's Assigned Client Identifier once connected (MQTT 5). */
  clientId: string;
  /** MQTT 3.x clean session flag. */
  cleanSession: boolean;
  /** Where log lines are mirrored (see `enableLogger()`); may change at any time. */
  logger: Logger | undefined;
  readonly willTopic: string | undefined;
  readonly willPayload: Uint8Array | undefined;
  /** Which loop drives the client now. */
  readonly loopMode: LoopMode;
  /** The broker connected to, or tried last (with its place in the broker list); undefined before any attempt. */
  readonly currentBroker: CurrentBroker | undefined;
}

/** Paho's transport setting methods: TLS, WebSocket options, proxy. */
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

/** Paho's setting methods, beside the transport ones (`tlsSet()` ... in `TransportMethods`). */
export interface ClientSettingMethods<U> extends TransportMethods {
  /** Sets (or, with no username, clears) the credentials. A string password is sent as UTF-8. */
  usernamePwSet(username: string | undefined, password?: string | Uint8Array): void;
  /** Sets the will, published by the broker if the connection is lost without DISCONNECT. */
  willSet(
    topic: string,
    payload?: PayloadType,
    qos?: number,
    retain?: boolean,
    properties?: Properties | PacketProperties,
  ): void;
  /** Removes the will. */
  willClear(): void;
  /** Outgoing QoS 1/2 messages in flight at once (default 100; 0 = no local limit). */
  maxInflightMessagesSet(inflight: number): void;
  userDataSet(userdata: U): void;
  userDataGet(): U;
  /** Mirrors log lines to `logger` (default `console`): ERR → error, WARNING → warn, INFO/NOTICE → info, DEBUG → debug. */
  enableLogger(logger?: Logger): void;
  disableLogger(): void;
  /** Switches manual acknowledgement (see `ack()`); applies from the next connection. */
  manualAckSet(on: boolean): void;
  /** Sets bit 7 of the CONNECT protocol level (the Mosquitto bridge extension). */
  enableBridgeMode(): void;
  /** Paho's `reconnect_delay_set`: back-off from `minDelay` (default 1) to `maxDelay` (120) seconds (fractions allowed). */
  reconnectDelaySet(minDelay?: number, maxDelay?: number): void;
}

/** The part of a client's core the settings use (its callback and userdata types do not matter here). */
type Core = ClientCore<unknown, unknown>;
type Methods = ClientSettingMethods<unknown>;

interface Definition<T> {
  readonly get: (core: Core) => T;
  readonly set?: (core: Core, value: T) => void;
}

/** Any one of the definitions, as the loop that defines them sees it. */
interface AnyDefinition {
  readonly get: (core: Core) => unknown;
  readonly set?: (core: Core, value: never) => void;
}

const MAX_COUNT = Number.MAX_SAFE_INTEGER;

const PROPERTIES: { readonly [K in keyof ClientProperties]-?: Definition<ClientProperties[K]> } = {
  callbackApiVersion: { get: (core) => core.callbackApiVersion },
  host: {
    get: (core) => core.config.host,
    set: (core, value) => {
      core.settingsToChange('host').host = checkHost(value);
    },
  },
  port: {
    get: (core) => core.config.port,
    set: (core, value) => {
      core.settingsToChange('port').port = checkIntegerOption('port', value, 1, 65535);
    },
  },
  keepalive: {
    get: (core) => {
      const session = core.driver.session;
      return session?.state === 'connected' ? session.keepalive : core.config.keepalive;
    },
    set: (core, value) => {
      core.settingsToChange('keepalive').keepalive = checkIntegerOption('keepalive', value, 0, 65535);
    },
  },
  connectTimeout: {
    get: (core) => core.config.connectTimeout,
    set: (core, value) => {
      core.settingsToChange('connectTimeout').connectTimeout = checkConnectTimeout(value);
    },
  },
  username: {
    get: (core) => core.config.username,
    set: (core, value) => {
      const config = core.settingsToChange('username');
      config.setCredentials(value, config.password);
    },
  },
  password: {
    get: (core) => core.config.password,
    set: (core, value: string | Uint8Array | undefined) => {
      core.settingsToChange('password').setPassword(value);
    },
  },
  maxInflightMessages: {
    get: (core) => core.config.maxInflightMessages,
    set: (core, value) => {
      const config = core.settingsToChange('maxInflightMessages');
      config.maxInflightMessages = checkIntegerOption('maxInflightMessages', value, 0, 65535);
      config.maxInflightSet = true;
    },
  },
  maxQueuedMessages: {
    get: (core) => core.config.maxQueuedMessages,
    set: (core, value) => {
      core.settingsToChange('maxQueuedMessages').maxQueuedMessages = checkIntegerOption(
        'maxQueuedMessages',
        value,
        0,
        MAX_COUNT,
      );
    },
  },
  protocol: {
    get: (core) => core.config.protocol,
    set: (core, value) => {
      core.settingsToChange('protocol').setProtocol(value);
    },
  },
  transport: { get: (core) => core.config.transport },
  clientId: {
    get: (core) => core.driver.session?.clientId || core.config.clientId,
    set: (core, value) => {
      const config = core.settingsToChange('clientId');
      if (typeof value !== 'string') throw new InvalidArgumentError('clientId must be a string');
      config.clientId = value;
    },
  },
  cleanSession: {
    get: (core) => core.config.cleanSession,
    set: (core, value) => {
      const config = core.settingsToChange('cleanSession');
      config.cleanSession = checkCleanSession(value, config.protocol);
    },
  },
  logger: {
    get: (core) => core.logger,
    set: (core, value) => {
      core.logger = checkLogger(value);
    },
  },
  willTopic: { get: (core) => core.config.will?.topic },
  willPayload: { get: (core) => core.config.will?.payload },
  loopMode: { get: (core) => core.connection.mode },
  currentBroker: { get: (core) => core.config.net.current },
};

const METHODS: { readonly [K in keyof Methods]: (core: Core, ...args: Parameters<Methods[K]>) => void } = {
  tlsSet: (core, options) => {
    const tls = typeof options === 'string' ? { caCerts: options } : (options ?? {});
    core.settingsToChange('TLS').net.setTls(tls);
  },
  tlsSetContext: (core, context) => {
    core.settingsToChange('TLS').net.setTlsContext(context);
  },
  tlsInsecureSet: (core, value) => {
    core.settingsToChange('TLS').net.setInsecure(value);
  },
  wsSetOptions: (core, path = '/mqtt', headers) => {
    core.settingsToChange('WebSocket options').net.setWebSocketOptions(path, headers);
  },
  proxySet: (core, proxy) => {
    core.settingsToChange('the proxy').net.setProxy(proxy);
  },
  usernamePwSet: (core, username, password) => {
    core.settingsToChange('the credentials').setCredentials(username, password);
  },
  willSet: (core, topic, payload = null, qos = 0, retain = false, properties) => {
    const config = core.settingsToChange('the will');
    config.will = checkedWill(topic, payload, qos, retain, properties, config.protocol);
  },
  willClear: (core) => {
    core.settingsToChange('the will').will = undefined;
  },
  maxInflightMessagesSet: (core, inflight) => {
    PROPERTIES.maxInflightMessages.set?.(core, inflight);
  },
  userDataSet: (core, userdata) => {
    core.userdata = userdata;
  },
  userDataGet: (core) => core.userdata,
  enableLogger: (core, logger = console) => {
    core.logger = checkLogger(logger);
  },
  disableLogger: (core) => {
    core.logger = undefined;
  },
  manualAckSet: (core, on) => {
    core.config.manualAck = checkBooleanOption('manualAck', on);
  },
  enableBridgeMode: (core) => {
    core.settingsToChange('bridge mode').bridgeMode = true;
  },
  reconnectDelaySet: (core, minDelay = 1, maxDelay = 120) => {
    core.connection.backoff.set(minDelay, maxDelay);
  },
};

/**
 * Defines the properties of `PROPERTIES` on `prototype` as accessors and the methods of `METHODS` as methods
 * (neither enumerable, as a class's are); `coreOf` finds the core of the client one is called on.
 */
export function defineClientSettings(prototype: object, coreOf: (client: object) => Core): void {
  for (const [name, method] of Object.entries(METHODS) as [
    string,
    (core: Core, ...args: never[]) => unknown,
  ][]) {
    Object.defineProperty(prototype, name, {
      value: {
        [name](this: object, ...args: never[]): unknown {
          return method(coreOf(this), ...args);
        },
      }[name],
      writable: true,
      enumerable: false,
      configurable: true,
    });
  }
  for (const [name, definition] of Object.entries(PROPERTIES) as [string, AnyDefinition][]) {
    const { get, set } = definition;
    Object.defineProperty(prototype, name, {
      get(this: object) {
        return get(coreOf(this));
      },
      set:
        set === undefined
          ? undefined
          : function (this: object, value: never) {
              set(coreOf(this), value);
            },
      enumerable: false,
      configurable: true,
    });
  }
}
