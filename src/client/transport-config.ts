/**
 * `TransportConfig`: how the client reaches its broker(s): the transport (`tcp`, `websockets`, `unix`), TLS
 * (`tlsSet`, `tlsSetContext`, `tlsInsecureSet`), WebSocket path and headers (`wsSetOptions`), the proxy
 * (`proxySet`), and the broker list (a URL, several URLs or hosts for failover, or the result of `connectSrv`).
 * It turns them into the `TransportOptions` of each connection attempt.
 */
import type { ConnectionOptions, SecureContext } from 'node:tls';
import { InvalidArgumentError } from '../errors.js';
import { BrokerList, type BrokerSpec } from '../transport/brokers.js';
import { platform } from '../transport/platform.js';
import type { ProxyOptions, ProxySetting } from '../transport/proxy/proxy-config.js';
import type { TlsOptions } from '../transport/tls-options.js';
import type { TransportKind, TransportOptions } from '../transport/transport.js';
import type { BrokerUrl } from '../transport/url.js';
import { isBrokerUrl } from '../transport/url.js';
import { DEFAULT_WS_PATH, type WebSocketHeadersOption } from '../transport/websocket-options.js';

/** The client's `transport` option (Paho's names): TCP (TLS when configured), WebSocket, or a Unix socket. */
export type ClientTransport = 'tcp' | 'websockets' | 'unix';

/** The values the `transport` option accepts. */
export const CLIENT_TRANSPORTS: readonly ClientTransport[] = ['tcp', 'websockets', 'unix'];

/** The broker a connection attempt goes to, and how. */
export type ConnectTarget = Pick<TransportOptions, 'kind' | 'host' | 'port' | 'tls' | 'ws' | 'proxy'> & {
  /** `mqtts://broker:8883`, `ws://host:80/mqtt`, `unix:///path`: for logs and `currentBroker`. */
  url: string;
};

/** What `currentBroker` shows. */
export interface CurrentBroker {
  url: string;
  kind: TransportKind;
  host: string;
  port: number;
  /** Position in the broker list (0 without a list). */
  index: number;
  /** Size of the broker list (1 without a list). */
  count: number;
}

/** `proxySet()`'s argument: explicit options, a proxy URL, `'env'` (default) or `'none'`. */
export type ProxySetArgument = ProxyOptions | string;

/** `connect()`'s host argument: a host, a URL, or a list of either (failover). */
export type ConnectHost = string | readonly BrokerSpec[];

function schemeOf(kind: TransportKind): string {
  return kind === 'tcp' ? 'mqtt' : kind === 'tls' ? 'mqtts' : kind;
}

export class TransportConfig {
  transport: ClientTransport;
  #tls: TlsOptions | undefined;
  #insecure = false;
  #wsPath: string | undefined;
  #wsHeaders: WebSocketHeadersOption | undefined;
  #proxy: ProxySetting = 'env';
  #brokers: BrokerList | undefined;
  #last: ConnectTarget | undefined;

  constructor(transport: ClientTransport = 'tcp') {
    this.transport = transport;
  }

  /** True once `tlsSet()`/`tlsSetContext()` configured TLS. */
  get tlsEnabled(): boolean {
    return this.#tls !== undefined;
  }

  /** Paho's `tls_set`: TLS on (for bare hosts and `websockets`), with these settings. */
  setTls(options: TlsOptions): void {
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError('tlsSet() takes a CA file path or an options object');
    }
    if (options.certReqs !== undefined && options.certReqs !== 'required' && options.certReqs !== 'none') {
      throw new InvalidArgumentError(
        `certReqs must be "required" or "none", got ${String(options.certReqs)}`,
      );
    }
    if (options.keyfile !== undefined && options.certfile === undefined) {
      throw new InvalidArgumentError('keyfile needs certfile (the client certificate)');
    }
    this.#tls = { ...options };
  }

  /** Paho's `tls_set_context`: a ready `SecureContext`, or `tls.connect()` options; none = Node's defaults. */
  setTlsContext(context?: SecureContext | ConnectionOptions): void {
    if (context === undefined) this.#tls = {};
    else if (isSecureContext(context)) this.#tls = { context };
    else this.#tls = { nodeOptions: { ...context } };
  }

  /** Paho's `tls_insecure_set`: skip the host-name check (the chain is still verified). */
  setInsecure(value: boolean): void {
    if (typeof value !== 'boolean') throw new InvalidArgumentError('tlsInsecureSet() takes a boolean');
    this.#insecure = value;
  }

  get insecure(): boolean {
    return this.#insecure;
  }

  /** Paho's `ws_set_options`. */
  setWebSocketOptions(path: string, headers: WebSocketHeadersOption | undefined): void {
    if (typeof path !== 'string') throw new InvalidArgumentError('the WebSocket path must be a string');
    if (
      headers !== undefined &&
      typeof headers !== 'function' &&
      (typeof headers !== 'object' || headers === null)
    ) {
      throw new InvalidArgumentError(
        'WebSocket headers must be an object or a function of the default headers',
      );
    }
    this.#wsPath = path;
    this.#wsHeaders = headers;
  }

  /** Paho's `proxy_set`. */
  setProxy(proxy: ProxySetArgument): void {
    if (proxy === 'env' || proxy === 'none') {
      this.#proxy = proxy;
      return;
    }
    if (typeof proxy !== 'string' && (typeof proxy !== 'object' || proxy === null))
      throw new InvalidArgumentError('proxySet() takes proxy options, a proxy URL, "env" or "none"');
    const support = platform.proxy;
    if (support === undefined) {
      throw new InvalidArgumentError(
        `proxySet() is not available in ${platform.name}: its own proxy settings apply to WebSockets`,
      );
    }
    this.#proxy = typeof proxy === 'string' ? support.parseUrl(proxy) : support.check({ ...proxy });
  }

  /**
   * Records `connect()`'s host: a host or URL (one broker), or a list (failover). Returns what the client keeps
   * as `host`/`port` and the credentials of the first URL that has some.
   * @throws InvalidArgumentError for an invalid URL or an empty list.
   */
  setHost(
    host: ConnectHost,
    port: number,
  ): { host: string; port: number; username?: string; password?: string } {
    if (typeof host === 'string' && !isBrokerUrl(host)) {
      this.#brokers = undefined;
      return { host, port };
    }
    const list = typeof host === 'string' ? [host] : host;
    this.#brokers = new BrokerList(list, { kind: this.#bareKind(), port });
    const first = this.#brokers.current;
    const withCredentials = this.#brokers.all.find((b) => b.username !== undefined);
    const result: { host: string; port: number; username?: string; password?: string } = {
      host: first.url,
      port: first.port === 0 ? port : first.port,
    };
    if (withCredentials?.username !== undefined) result.username = withCredentials.username;
    if (withCredentials?.password !== undefined) result.password = withCredentials.password;
    return result;
  }

  /** How many brokers an attempt may try in turn. */
  get brokerCount(): number {
    return this.#brokers?.size ?? 1;
  }

  /** The target of the next connection attempt. */
  target(host: string, port: number): ConnectTarget {
    let broker: BrokerUrl;
    if (this.#brokers !== undefined) {
      broker = this.#brokers.current;
      // A bare host in a list follows the transport option and TLS, as a bare host given to connect() does.
      if (!isBrokerUrl(broker.url)) broker = { ...broker, kind: this.#bareKind() };
    } else {
      const kind = this.#bareKind();
      broker = { kind, host, port, url: '' };
    }
    const target: ConnectTarget = {
      kind: broker.kind,
      host: broker.host,
      port: broker.port,
      proxy: this.#proxy,
      url: '',
    };
    if (broker.kind === 'tls' || broker.kind === 'wss') {
      const tls: TlsOptions = { ...this.#tls };
      if (this.#insecure) tls.insecure = true;
      target.tls = tls;
    }
    if (broker.kind === 'ws' || broker.kind === 'wss') {
      target.ws = { path: broker.path ?? this.#wsPath ?? DEFAULT_WS_PATH, headers: this.#wsHeaders };
    }
    const h = target.host.includes(':') ? `[${target.host}]` : target.host;
    target.url =
      broker.kind === 'unix'
        ? `unix://${target.host}`
        : `${schemeOf(broker.kind)}://${h}:${target.port}${target.ws?.path ?? ''}`;
    this.#last = target;
    return target;
  }

  /** An attempt to the current broker failed: the next one in the list becomes current. */
  failed(): void {
    this.#brokers?.advance();
  }

  /** The broker connected to (or being tried), once an attempt was made. */
  get current(): CurrentBroker | undefined {
    const last = this.#last;
    if (last === undefined) return undefined;
    return {
      url: last.url,
      kind: last.kind,
      host: last.host,
      port: last.port,
      index: this.#brokers?.index ?? 0,
      count: this.brokerCount,
    };
  }

  #bareKind(): TransportKind {
    if (this.transport === 'unix') return 'unix';
    if (this.transport === 'websockets') return this.#tls !== undefined ? 'wss' : 'ws';
    return this.#tls !== undefined ? 'tls' : 'tcp';
  }
}

function isSecureContext(value: object): value is SecureContext {
  return 'context' in value && Object.keys(value).length <= 1;
}
