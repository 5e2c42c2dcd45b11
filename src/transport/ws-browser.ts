/**
 * MQTT over WebSocket in a browser, on the global `WebSocket` (binary frames as `ArrayBuffer`s, the `mqtt`
 * sub-protocol). Imports nothing from Node. The browser does TLS for `wss://` with its own trust store, and
 * does not let a page set upgrade headers or choose a proxy: `headers` and an explicit proxy are refused, TLS
 * settings are ignored.
 *
 * Back-pressure: `writableNeedDrain` is `bufferedAmount` above a high-water mark; browsers have no drain
 * event, so the buffer is polled until it falls below half of it, then `onDrain` is called. `pause()` holds
 * incoming frames in a queue (a browser WebSocket cannot stop reading) until `resume()`.
 */
import { InvalidArgumentError } from '../errors.js';
import { ConnectionError, ConnectTimeoutError, WebSocketError } from './errors.js';
import type { Transport, TransportHandlers, TransportOptions } from './types.js';
import { MQTT_SUBPROTOCOL, resolveWebSocketHeaders, webSocketUrl } from './websocket-options.js';

/** `bufferedAmount` above which writers should wait for `onDrain`. */
const HIGH_WATER_MARK = 512 * 1024;
/** How often `bufferedAmount` is checked while above the mark. */
const DRAIN_POLL_MS = 10;
/** How long a graceful close may wait for the close handshake. */
const GRACEFUL_CLOSE_MS = 2000;

class BrowserWebSocketTransport implements Transport {
  readonly kind: 'ws' | 'wss';
  readonly #ws: WebSocket;
  readonly #handlers: TransportHandlers;
  #open = true;
  #paused = false;
  #held: Uint8Array[] = [];
  #closeError: ConnectionError | undefined;
  #drainTimer: ReturnType<typeof setTimeout> | undefined;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(kind: 'ws' | 'wss', ws: WebSocket, handlers: TransportHandlers, url: string) {
    this.kind = kind;
    this.#ws = ws;
    this.#handlers = handlers;
    ws.onmessage = (event: MessageEvent) => {
      if (!this.#open) return;
      const data: unknown = event.data;
      if (!(data instanceof ArrayBuffer)) {
        // [MQTT-6.0.0-1]: MQTT control packets travel in binary frames; a text frame closes the connection.
        this.destroy(
          new WebSocketError('the broker sent a text WebSocket frame; MQTT uses binary frames only'),
        );
        return;
      }
      const chunk = new Uint8Array(data);
      if (this.#paused) this.#held.push(chunk);
      else handlers.onData(chunk);
    };
    ws.onerror = () => {
      this.#closeError ??= new ConnectionError(`WebSocket connection to ${url} failed`);
    };
    ws.onclose = (event: CloseEvent) => {
      if (!event.wasClean) {
        this.#closeError ??= new ConnectionError(
          `WebSocket connection to ${url} closed (code ${event.code}${event.reason === '' ? '' : `: ${event.reason}`})`,
        );
      }
      this.#finish();
    };
  }

  get isOpen(): boolean {
    return this.#open;
  }

  get writableNeedDrain(): boolean {
    return this.#ws.bufferedAmount > HIGH_WATER_MARK;
  }

  /** The browser's `WebSocket`. */
  get raw(): WebSocket {
    return this.#ws;
  }

  write(chunks: readonly Uint8Array[]): boolean {
    if (!this.#open || this.#ws.readyState !== WebSocket.OPEN) return false;
    this.#ws.send(chunks.length === 1 ? chunks[0] : concat(chunks));
    if (!this.writableNeedDrain) return true;
    this.#pollDrain();
    return false;
  }

  #pollDrain(): void {
    if (this.#drainTimer !== undefined) return;
    const check = (): void => {
      this.#drainTimer = undefined;
      if (!this.#open) return;
      if (this.#ws.bufferedAmount > HIGH_WATER_MARK / 2) {
        this.#drainTimer = setTimeout(check, DRAIN_POLL_MS);
        return;
      }
      this.#handlers.onDrain();
    };
    this.#drainTimer = setTimeout(check, DRAIN_POLL_MS);
  }

  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    while (this.#open && !this.#paused && this.#held.length > 0) {
      const chunk = this.#held.shift();
      if (chunk !== undefined) this.#handlers.onData(chunk);
    }
  }

  close(): void {
    if (!this.#open || this.#closeTimer !== undefined) return;
    this.#ws.close(1000);
    this.#closeTimer = setTimeout(() => this.#finish(), GRACEFUL_CLOSE_MS);
  }

  destroy(error?: ConnectionError): void {
    if (!this.#open) return;
    if (error !== undefined) this.#closeError ??= error;
    this.#ws.close(error === undefined ? 1000 : 4000);
    // The close handshake may take a while; the owner is told now (from the event loop, not re-entrantly).
    setTimeout(() => this.#finish(), 0);
  }

  #finish(): void {
    if (!this.#open) return;
    this.#open = false;
    if (this.#drainTimer !== undefined) clearTimeout(this.#drainTimer);
    if (this.#closeTimer !== undefined) clearTimeout(this.#closeTimer);
    this.#ws.onmessage = this.#ws.onerror = this.#ws.onclose = null;
    this.#held = [];
    this.#handlers.onClose(this.#closeError);
  }
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const chunk of chunks) length += chunk.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Opens a WebSocket on the global `WebSocket` (`kind` `'ws'` or `'wss'`); see `openTransport()`. */
export function openBrowserWebSocketTransport(options: TransportOptions): Promise<Transport> {
  const { host, port, connectTimeoutMs } = options;
  const kind = options.kind === 'wss' ? 'wss' : 'ws';
  const url = webSocketUrl(kind === 'wss', host, port, options.ws?.path);
  const Ctor = (globalThis as { WebSocket?: typeof WebSocket }).WebSocket;
  if (Ctor === undefined) {
    return Promise.reject(new ConnectionError('there is no global WebSocket on this platform'));
  }
  try {
    if (Object.keys(resolveWebSocketHeaders(options.ws?.headers, host, port)).length > 0) {
      throw new InvalidArgumentError(
        'browsers do not let a page set WebSocket headers: pass a token in the path or query instead',
      );
    }
    if (options.proxy !== undefined && options.proxy !== 'env' && options.proxy !== 'none') {
      throw new InvalidArgumentError('a browser uses its own proxy settings: proxySet() is not available');
    }
  } catch (err) {
    return Promise.reject(err instanceof Error ? err : new Error(String(err)));
  }
  return new Promise((resolve, reject) => {
    let ws: WebSocket;
    try {
      ws = new Ctor(url, [MQTT_SUBPROTOCOL]);
    } catch (err) {
      reject(new ConnectionError(`could not open a WebSocket to ${url}: ${String(err)}`, { cause: err }));
      return;
    }
    ws.binaryType = 'arraybuffer';
    let settled = false;
    const timer =
      connectTimeoutMs > 0
        ? setTimeout(() => fail(new ConnectTimeoutError(host, port, connectTimeoutMs)), connectTimeoutMs)
        : undefined;
    function fail(error: ConnectionError): void {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      ws.onopen = ws.onerror = ws.onclose = null;
      ws.close();
      reject(error);
    }
    ws.onerror = () => fail(new ConnectionError(`could not open a WebSocket to ${url}`));
    ws.onclose = (event: CloseEvent) =>
      fail(new ConnectionError(`WebSocket to ${url} closed while opening (code ${event.code})`));
    ws.onopen = () => {
      if (settled) return;
      if (ws.protocol !== '' && ws.protocol !== MQTT_SUBPROTOCOL) {
        fail(new WebSocketError(`the broker chose the sub-protocol "${ws.protocol}", not "mqtt"`));
        return;
      }
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      ws.onopen = null;
      resolve(new BrowserWebSocketTransport(kind, ws, options.handlers, url));
    };
  });
}
