/**
 * MQTT over WebSocket in Node (`ws://` and `wss://`), on the `ws` package, with the `mqtt` sub-protocol, one
 * binary frame per write batch, and back-pressure taken from the underlying socket. Directly or through a
 * proxy tunnel (SOCKS5 or HTTP CONNECT), TLS settings as for `tls`.
 */
import { connect as netConnect, type Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type WebSocket from 'ws';
import { withConnectTimeout } from './connect-socket.js';
import { ConnectionError, WebSocketError } from './errors.js';
import { openTunnel } from './proxy/tunnel.js';
import { selectProxy } from './proxy/proxy-config.js';
import { hasClientCertificate, tlsConnectionOptions } from './tls.js';
import { toTlsError } from './tls-errors.js';
import type { Transport, TransportHandlers, TransportOptions } from './types.js';
import { MQTT_SUBPROTOCOL, resolveWebSocketHeaders, webSocketUrl } from './websocket-options.js';

/** How long a graceful close may wait for the peer's close frame before the socket is destroyed. */
const GRACEFUL_CLOSE_MS = 2000;

class NodeWebSocketTransport implements Transport {
  readonly kind: 'ws' | 'wss';
  readonly #ws: WebSocket;
  readonly #socket: Socket;
  readonly #handlers: TransportHandlers;
  readonly #mapError: (error: Error) => ConnectionError;
  #open = true;
  #closeError: ConnectionError | undefined;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    kind: 'ws' | 'wss',
    ws: WebSocket,
    socket: Socket,
    handlers: TransportHandlers,
    mapError: (error: Error) => ConnectionError,
  ) {
    this.kind = kind;
    this.#ws = ws;
    this.#socket = socket;
    this.#handlers = handlers;
    this.#mapError = mapError;
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (!this.#open) return;
      if (!isBinary) {
        // [MQTT-6.0.0-1]: MQTT control packets travel in binary frames; a text frame closes the connection.
        this.destroy(
          new WebSocketError('the broker sent a text WebSocket frame; MQTT uses binary frames only'),
        );
        return;
      }
      if (Array.isArray(data)) handlers.onData(Buffer.concat(data));
      else handlers.onData(data instanceof ArrayBuffer ? new Uint8Array(data) : data);
    });
    socket.on('drain', () => {
      if (this.#open) handlers.onDrain();
    });
    ws.on('error', (err: Error) => {
      this.#closeError ??= this.#mapError(err);
    });
    ws.on('close', () => this.#finish());
  }

  get isOpen(): boolean {
    return this.#open;
  }

  get writableNeedDrain(): boolean {
    return this.#socket.writableNeedDrain;
  }

  /** The `ws` WebSocket. */
  get raw(): WebSocket {
    return this.#ws;
  }

  write(chunks: readonly Uint8Array[]): boolean {
    if (!this.#open || this.#ws.readyState !== this.#ws.OPEN) return false;
    // One frame per write, so packets never span frames: [MQTT-6.0.0-2] tells receivers to accept that, but some
    // brokers behind WebSocket gateways do not. (A large payload is copied into the frame here.)
    const payload = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    this.#ws.send(payload, { binary: true });
    return !this.#socket.writableNeedDrain;
  }

  pause(): void {
    this.#ws.pause();
  }

  resume(): void {
    this.#ws.resume();
  }

  close(): void {
    if (!this.#open || this.#ws.readyState !== this.#ws.OPEN) return;
    this.#ws.close(1000);
    this.#closeTimer = setTimeout(() => this.#ws.terminate(), GRACEFUL_CLOSE_MS);
    this.#closeTimer.unref();
  }

  destroy(error?: ConnectionError): void {
    if (error !== undefined) this.#closeError ??= error;
    this.#ws.terminate();
  }

  #finish(): void {
    if (!this.#open) return;
    this.#open = false;
    if (this.#closeTimer !== undefined) clearTimeout(this.#closeTimer);
    this.#handlers.onClose(this.#closeError);
  }
}

/** Opens a WebSocket (`kind` `'ws'` or `'wss'`); see `openTransport()`. */
export function openNodeWebSocketTransport(options: TransportOptions): Promise<Transport> {
  const { host, port, connectTimeoutMs } = options;
  const kind = options.kind === 'wss' ? 'wss' : 'ws';
  const secure = kind === 'wss';
  const url = webSocketUrl(secure, host, port, options.ws?.path);
  return withConnectTimeout(
    host,
    port,
    connectTimeoutMs,
    async (signal) => {
      const proxy = selectProxy(options.proxy, { kind, host, port }, options.env ?? process.env);
      const tunnel = proxy === undefined ? undefined : await openTunnel(proxy, host, port, signal);
      const headers = resolveWebSocketHeaders(options.ws?.headers, host, port);
      const tlsOptions: ConnectionOptions = secure ? tlsConnectionOptions(options.tls, host, port) : {};
      // Imported here, not at the top: a bundler hoists a static import of a Node module out of this lazily
      // loaded file, so every client would load `node:tls` (OpenSSL's bindings) at start-up.
      const tlsConnect = secure ? (await import('node:tls')).connect : undefined;
      let socket: Socket | undefined;
      let opened = false;
      const mapError = (error: Error): ConnectionError =>
        secure
          ? toTlsError(error, {
              label: url,
              handshakeDone: opened,
              hasClientCertificate: hasClientCertificate(options.tls),
            })
          : error instanceof ConnectionError
            ? error
            : new ConnectionError(`WebSocket connection to ${url} failed: ${error.message}`, {
                cause: error,
              });
      // ws calls this with its HTTP request's options; only the address and local binding matter here (a
      // `path` there would be the URL path, not a Unix socket).
      const bindAddress =
        options.bindAddress !== undefined && options.bindAddress !== '' ? options.bindAddress : undefined;
      const createConnection = (requestOptions: {
        host?: string | null;
        port?: number | string | null;
      }): Socket => {
        const address = {
          host: requestOptions.host ?? host,
          port: Number(requestOptions.port ?? port),
          ...(bindAddress === undefined ? {} : { localAddress: bindAddress }),
        };
        if (tlsConnect !== undefined) {
          const tlsSocketOptions: ConnectionOptions = { ...address, ...tlsOptions };
          if (tunnel !== undefined) tlsSocketOptions.socket = tunnel;
          socket = tlsConnect(tlsSocketOptions);
        } else {
          socket = tunnel ?? netConnect({ ...address, noDelay: true });
          if (tunnel !== undefined) queueMicrotask(() => tunnel.resume());
        }
        socket.setNoDelay?.(true);
        return socket;
      };
      // Loaded here, not at the top: `ws` pulls in Node's HTTP, HTTPS and zlib stacks (about 10 MB of resident
      // memory), which an application that only speaks TCP or TLS never needs, bundled or not.
      const { default: WebSocketClass } = await import('ws');
      const ws = new WebSocketClass(url, [MQTT_SUBPROTOCOL], {
        headers: { ...headers },
        perMessageDeflate: false,
        createConnection: createConnection as unknown as WebSocket.ClientOptions['createConnection'],
        localAddress: bindAddress,
      });
      ws.binaryType = 'nodebuffer';
      return await new Promise<Transport>((resolve, reject) => {
        const fail = (error: ConnectionError): void => {
          signal.removeEventListener('abort', onAbort);
          ws.removeAllListeners();
          ws.on('error', () => undefined);
          ws.terminate();
          reject(error);
        };
        const onAbort = (): void => fail(new ConnectionError(`WebSocket connection to ${url} aborted`));
        signal.addEventListener('abort', onAbort, { once: true });
        ws.once('unexpected-response', (_request, response) => {
          const status = response.statusCode;
          fail(
            new WebSocketError(
              `the WebSocket upgrade to ${url} was refused: HTTP ${String(status)} ${response.statusMessage ?? ''}`.trimEnd(),
              status,
            ),
          );
        });
        ws.once('error', (err: Error) => fail(mapError(err)));
        ws.once('close', () =>
          fail(new ConnectionError(`WebSocket connection to ${url} closed while opening`)),
        );
        ws.once('open', () => {
          signal.removeEventListener('abort', onAbort);
          opened = true;
          ws.removeAllListeners();
          if (socket === undefined) {
            ws.terminate();
            reject(new ConnectionError(`WebSocket connection to ${url}: no socket`));
            return;
          }
          resolve(new NodeWebSocketTransport(kind, ws, socket, options.handlers, mapError));
        });
      });
    },
    (transport) => transport.destroy(),
  );
}
