/**
 * A `Transport` over an already connected `net.Socket` or `tls.TLSSocket`: TCP, TLS, Unix domain sockets and
 * proxied streams all use it.
 */
import type { Socket } from 'node:net';
import type { ConnectionError } from './errors.js';
import { endGracefully } from './graceful-close.js';
import type { Transport, TransportHandlers } from './types.js';

/** A `Transport` over a connected socket; `mapError` turns socket errors into the transport's error type. */
export class SocketTransport implements Transport {
  readonly kind: string;
  readonly #socket: Socket;
  readonly #handlers: TransportHandlers;
  #open = true;
  #closeError: ConnectionError | undefined;
  #cancelClose: (() => void) | undefined;

  constructor(
    kind: string,
    socket: Socket,
    handlers: TransportHandlers,
    mapError: (error: Error) => ConnectionError,
  ) {
    this.kind = kind;
    this.#socket = socket;
    this.#handlers = handlers;
    socket.setNoDelay?.(true);
    socket.on('data', (chunk: Buffer) => {
      if (this.#open) handlers.onData(chunk);
    });
    socket.on('drain', () => {
      if (this.#open) handlers.onDrain();
    });
    socket.on('error', (err: Error) => {
      this.#closeError ??= mapError(err);
    });
    socket.on('close', () => this.#finish());
    if (socket.destroyed) queueMicrotask(() => this.#finish());
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
