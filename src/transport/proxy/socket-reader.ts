/**
 * Reads a handshake (SOCKS5 replies, an HTTP response head) from a connected socket, then hands the socket
 * back with any bytes read past the handshake pushed back in front of the stream.
 */
import type { Socket } from 'node:net';
import { ConnectionError } from '../errors.js';

/** Reads exact byte counts or up to a delimiter; fails on close, error or abort. */
export class SocketReader {
  readonly #socket: Socket;
  readonly #label: string;
  #buffer: Buffer = Buffer.alloc(0);
  #failure: Error | undefined;
  #wake: (() => void) | undefined;
  readonly #onData = (chunk: Buffer): void => {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    this.#notify();
  };
  readonly #onError = (err: Error): void => {
    this.#failure ??= new ConnectionError(`${this.#label} failed: ${err.message}`, { cause: err });
    this.#notify();
  };
  readonly #onClose = (): void => {
    this.#failure ??= new ConnectionError(`${this.#label}: the connection closed during the handshake`);
    this.#notify();
  };

  constructor(socket: Socket, label: string) {
    this.#socket = socket;
    this.#label = label;
    socket.on('data', this.#onData);
    socket.on('error', this.#onError);
    socket.on('close', this.#onClose);
  }

  /** Makes the pending and later reads fail with `error` (on abort). */
  fail(error: Error): void {
    this.#failure ??= error;
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  async #waitFor(ready: () => boolean): Promise<void> {
    while (!ready()) {
      if (this.#failure !== undefined) throw this.#failure;
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  /** The next `n` bytes. */
  async read(n: number): Promise<Buffer> {
    await this.#waitFor(() => this.#buffer.length >= n);
    const out = this.#buffer.subarray(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return out;
  }

  /** The bytes up to and including `delimiter`; fails when more than `max` bytes come without it. */
  async readUntil(delimiter: string, max: number, tooLong: () => Error): Promise<Buffer> {
    let index = -1;
    await this.#waitFor(() => {
      index = this.#buffer.indexOf(delimiter);
      if (index < 0 && this.#buffer.length > max) throw tooLong();
      return index >= 0;
    });
    const end = index + delimiter.length;
    const out = this.#buffer.subarray(0, end);
    this.#buffer = this.#buffer.subarray(end);
    return out;
  }

  /** Stops reading; bytes read past the handshake go back in front of the socket's stream. */
  release(): Socket {
    this.#socket.off('data', this.#onData);
    this.#socket.off('error', this.#onError);
    this.#socket.off('close', this.#onClose);
    // Pause so nothing is emitted before the next owner listens; the owner resumes (SocketTransport, ws, TLS).
    this.#socket.pause();
    if (this.#buffer.length > 0) this.#socket.unshift(this.#buffer);
    this.#buffer = Buffer.alloc(0);
    return this.#socket;
  }
}
