/**
 * MQTT over plain TCP (`node:net`), with Nagle's algorithm off: MQTT packets are small and latency matters.
 */
import { connect as netConnect, type Socket } from 'node:net';
import { ConnectionError, ConnectTimeoutError } from './errors.js';
import { endGracefully } from './graceful-close.js';
import type { Transport, TransportHandlers, TransportOptions } from './transport.js';

class TcpTransport implements Transport {
  readonly kind = 'tcp';
  readonly #socket: Socket;
  readonly #handlers: TransportHandlers;
  #open = true;
  #closeError: ConnectionError | undefined;
  #cancelClose: (() => void) | undefined;

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
    this.#cancelClose = endGracefully(this.#socket);
  }

  destroy(error?: ConnectionError): void {
    if (error !== undefined) this.#closeError ??= error;
    this.#socket.destroy();
  }

  #finish(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#cancelClose?.();
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
