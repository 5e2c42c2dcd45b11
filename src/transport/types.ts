/**
 * The byte-stream interface every transport implements (TCP, TLS, WebSocket and Unix sockets; a platform lists
 * those it has, see `platform.ts`) and the options a transport opens with.
 *
 * A transport knows nothing about MQTT: it opens, carries bytes both ways, reports back-pressure and closes.
 * Its events reach the owner through the `TransportHandlers` given at open time, so no byte can arrive before
 * someone listens. The transports import these types from here, not from `transport.ts`, which imports the
 * platform and through it every transport.
 */
import type { ConnectionError } from './errors.js';
import type { ProxyEnvironment, ProxySetting } from './proxy/proxy-config.js';
import type { TlsOptions } from './tls-options.js';
import type { WebSocketOptions } from './websocket-options.js';

/** What the owner of a transport is told. Each handler is called from the event loop, never re-entrantly. */
export interface TransportHandlers {
  /** Bytes arrived, split anywhere. */
  onData(chunk: Uint8Array): void;
  /** The stream closed; called exactly once. `error` says why when it was not a clean close. */
  onClose(error?: ConnectionError): void;
  /** The stream's write buffer emptied after `writableNeedDrain` was true. */
  onDrain(): void;
}

/** An open byte stream. */
export interface Transport {
  /** The transport's name: `tcp`, `tls`, `ws`... */
  readonly kind: string;
  /** True while open (from a successful open until close or destroy). */
  readonly isOpen: boolean;
  /** True when the stream's write buffer is above its high-water mark: writing more only grows memory. */
  readonly writableNeedDrain: boolean;
  /** The underlying object (a `net.Socket` for TCP), for `Client.socket()` and external loops. */
  readonly raw: unknown;
  /**
   * Writes a batch of chunks in order, as one system call where the transport allows it (cork/uncork).
   * Returns false when the caller should wait for `onDrain` before writing more.
   */
  write(chunks: readonly Uint8Array[]): boolean;
  /** Stops delivering `onData` until `resume()` (back-pressure on the reading side). */
  pause(): void;
  resume(): void;
  /** Closes gracefully: pending writes are flushed first. `onClose` follows. */
  close(): void;
  /** Closes now, dropping pending writes. `onClose` follows with `error` when given. */
  destroy(error?: ConnectionError): void;
}

/**
 * The transports `openTransport()` knows: `tcp`, `tls` (MQTT over TLS), `ws` and `wss` (MQTT over WebSocket,
 * plain and secure), `unix` (a Unix domain socket; `host` is its path). A browser has `ws` and `wss` only.
 */
export type TransportKind = 'tcp' | 'tls' | 'ws' | 'wss' | 'unix';

/** Every `TransportKind`, for checks and messages. */
export const TRANSPORT_KINDS: readonly TransportKind[] = ['tcp', 'tls', 'ws', 'wss', 'unix'];

export interface TransportOptions {
  kind: TransportKind;
  host: string;
  port: number;
  /** Milliseconds allowed to open the stream (DNS, TCP handshake...); 0 waits forever. */
  connectTimeoutMs: number;
  /** Local address to bind to (Paho's `bind_address`); empty for any. */
  bindAddress?: string;
  /** Local port to bind to (Paho's `bind_port`); 0 for any. */
  bindPort?: number;
  handlers: TransportHandlers;
  /** TLS settings for `tls` and `wss` (Node; a browser does its own TLS). Default: verify everything. */
  tls?: TlsOptions;
  /** Path and headers for `ws` and `wss`. Default path `/mqtt`. */
  ws?: WebSocketOptions;
  /**
   * A proxy (SOCKS5 or HTTP CONNECT) for `tcp`, `tls`, `ws` and `wss`; `'env'` (the default) uses the one the
   * environment names (`mqtt_proxy`, `http_proxy`, `https_proxy`, `no_proxy`), `'none'` connects directly.
   */
  proxy?: ProxySetting;
  /** The environment `'env'` reads (default `process.env`). */
  env?: ProxyEnvironment;
}
