/**
 * MQTT over plain TCP (`node:net`), with Nagle's algorithm off: MQTT packets are small and latency matters.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { ConnectionError, ConnectTimeoutError } from './errors.js';
import type { Transport, TransportHandlers, TransportOptions } from './transport.js';

/** How long a graceful close may wait for the peer before the socket is destroyed. */
const GRACEFUL_CLOSE_MS = 2000;

class TcpTransport implements Transport {
  readonly kind = 'tcp';
  readonly #socket: Socket;
  readonly #handlers: TransportHandlers;
  #open = true;
  #closeError: ConnectionError | undefined;
  #closeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(socket: Socket, handlers: TransportHandlers, label: string) {
    this.#socket = socket;
    this.#handlers = handlers;
    socket.on('data', (chunk: Buffer) => {
      if (this.#open) handlers.onData(chunk);
    });
    socket.on('drain', () => {
      if (this.#open) handlers.onDrain();
    });
    socket.on('error', (err: Error) => {
      this.#closeError ??= new ConnectionError(`connection to ${label} failed: ${err.message}`, {
        cause: err,
      });
    });
    socket.on('close', () => this.#finish());
  }

  get isOpen(): boolean {
    return this.#open;
  }

  get writableNeedDrain(): boolean {
    return this.#socket.writableNeedDrain;
  }

  get raw(): Socket {
    return this.#socket;
  }

  write(chunks: readonly Uint8Array[]): boolean {
    if (!this.#open || this.#socket.destroyed || this.#socket.writableEnded) return false;
    if (chunks.length === 1) return this.#socket.write(chunks[0]);
    this.#socket.cork();
    for (const chunk of chunks) this.#socket.write(chunk);
    this.#socket.uncork();
    return !this.#socket.writableNeedDrain;
  }

  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    this.#socket.resume();
  }

  close(): void {
    if (!this.#open || this.#socket.writableEnded) return;
    // Once our bytes are handed to the kernel the socket is closed: waiting for the peer's FIN would let a
    // dead peer (the usual reason to close) hold the connection open.
    this.#socket.end(() => this.#socket.destroy());
    // A peer that stops reading would hold the flush forever: give up when no byte left the buffer for
    // GRACEFUL_CLOSE_MS, but never cut a slow flush that still makes progress.
    let remaining = this.#socket.writableLength;
    const check = (): void => {
      const now = this.#socket.writableLength;
      if (now > 0 && now >= remaining) {
        this.#socket.destroy();
        return;
      }
      remaining = now;
      this.#closeTimer = setTimeout(check, GRACEFUL_CLOSE_MS);
      this.#closeTimer.unref();
    };
    this.#closeTimer = setTimeout(check, GRACEFUL_CLOSE_MS);
    this.#closeTimer.unref();
  }

  destroy(error?: ConnectionError): void {
    if (error !== undefined) this.#closeError ??= error;
    this.#socket.destroy();
  }

  #finish(): void {
    if (!this.#open) return;
    this.#open = false;
    if (this.#closeTimer !== undefined) clearTimeout(this.#closeTimer);
    this.#handlers.onClose(this.#closeError);
  }
}

/** Opens a TCP connection; see `openTransport()`. */
export function openTcpTransport(options: TransportOptions): Promise<Transport> {
  const { host, port, connectTimeoutMs } = options;
  const label = `${host}:${port}`;
  return new Promise((resolve, reject) => {
    let settled = false;
    const socket = netConnect({
      host,
      port,
      noDelay: true,
      localAddress:
        options.bindAddress !== undefined && options.bindAddress !== '' ? options.bindAddress : undefined,
      localPort: options.bindPort !== undefined && options.bindPort !== 0 ? options.bindPort : undefined,
    });
    const timer =
      connectTimeoutMs > 0
        ? setTimeout(() => fail(new ConnectTimeoutError(host, port, connectTimeoutMs)), connectTimeoutMs)
        : undefined;

    function fail(error: ConnectionError): void {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      socket.removeAllListeners();
      socket.on('error', () => undefined); // a late error on the dying socket must not crash the process
      socket.destroy();
      reject(error);
    }

    socket.once('error', (err: Error) => {
      fail(new ConnectionError(`could not connect to ${label}: ${err.message}`, { cause: err }));
    });
    socket.once('close', () => fail(new ConnectionError(`connection to ${label} closed while opening`)));
    socket.once('connect', () => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      socket.removeAllListeners();
      resolve(new TcpTransport(socket, options.handlers, label));
    });
  });
}
