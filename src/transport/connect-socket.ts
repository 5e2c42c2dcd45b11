/**
 * Node helpers shared by the transports: open a socket (`connectSocket`, the one TCP and Unix socket opener of
 * the socket transports and the proxy tunnel; only a direct WebSocket makes its own, in `ws-node.ts`, because
 * the `ws` package asks for it synchronously) or a TLS session on one, abortable, and run an opening sequence
 * (proxy, TLS, WebSocket upgrade) under one `connectTimeoutMs` deadline.
 */
import { connect as netConnect, type NetConnectOpts, type Socket } from 'node:net';
import type { ConnectionOptions, TLSSocket } from 'node:tls';
import { ConnectionError, ConnectTimeoutError } from './errors.js';
import { toTlsError } from './tls-errors.js';

/** Thrown inside an opening sequence when its deadline passed; replaced by the `ConnectTimeoutError`. */
class AbortedError extends Error {}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * What each step of an opening sequence listens to for its deadline: the part of `AbortSignal` the steps use.
 * `withConnectTimeout()` gives them a `Deadline`, not an `AbortController`'s signal: an `EventTarget`, its
 * listener records and their removal were about 2 KB of every connect's garbage (issue 16).
 */
export interface OpeningSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** An opening sequence's deadline: `abort()` calls each listener once, in order (as an `AbortSignal` does). */
class Deadline implements OpeningSignal {
  aborted = false;
  #listeners: (() => void)[] | undefined;

  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.aborted) (this.#listeners ??= []).push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const listeners = this.#listeners;
    const index = listeners === undefined ? -1 : listeners.indexOf(listener);
    if (index >= 0) listeners?.splice(index, 1);
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners !== undefined) for (const listener of listeners) listener();
  }
}

/** Destroys `socket` and rejects when `signal` aborts; returns a function that stops listening. */
function onAbort(signal: OpeningSignal | undefined, abort: () => void): () => void {
  if (signal === undefined) return () => undefined;
  if (signal.aborted) {
    queueMicrotask(abort);
    return () => undefined;
  }
  signal.addEventListener('abort', abort, { once: true });
  return () => signal.removeEventListener('abort', abort);
}

/**
 * Opens a TCP or Unix socket. Resolves with the connected socket (listeners removed, a no-op error listener
 * left on it is not: the caller attaches its own); rejects with a `ConnectionError`.
 */
export function connectSocket(options: NetConnectOpts, label: string, signal?: OpeningSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const socket = netConnect(options);
    const stop = onAbort(signal, () => fail(new AbortedError('aborted')));
    function fail(error: Error): void {
      if (settled) return;
      settled = true;
      stop();
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
      stop();
      socket.removeAllListeners();
      resolve(socket);
    });
  });
}

/**
 * Starts TLS (on a new connection, or on `options.socket` when given) and resolves once the handshake is done
 * and the certificate checks passed; rejects with a `TlsError` saying why when they did not.
 * `node:tls` is imported here, on the first TLS connection: importing it with the library cost every plain TCP
 * client start-up time and memory (it brings in OpenSSL's bindings).
 */
export async function connectTls(
  options: ConnectionOptions,
  label: string,
  hasClientCertificate: boolean,
  signal?: OpeningSignal,
): Promise<TLSSocket> {
  const { connect: tlsConnect } = await import('node:tls');
  if (signal?.aborted === true) {
    options.socket?.destroy();
    throw new AbortedError('aborted');
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    let socket: TLSSocket;
    try {
      socket = tlsConnect(options);
    } catch (err) {
      // Invalid options (bad PEM, wrong key passphrase...) throw synchronously.
      options.socket?.destroy();
      reject(toTlsError(err, { label, handshakeDone: false, hasClientCertificate }));
      return;
    }
    const stop = onAbort(signal, () => fail(new AbortedError('aborted')));
    function fail(error: Error): void {
      if (settled) return;
      settled = true;
      stop();
      socket.removeAllListeners();
      socket.on('error', () => undefined);
      socket.destroy();
      reject(error);
    }
    socket.once('error', (err: Error) => {
      fail(toTlsError(err, { label, handshakeDone: false, hasClientCertificate }));
    });
    socket.once('close', () =>
      fail(new ConnectionError(`connection to ${label} closed during the TLS handshake`)),
    );
    socket.once('secureConnect', () => {
      if (settled) return;
      settled = true;
      stop();
      socket.removeAllListeners();
      resolve(socket);
    });
  });
}

/**
 * Runs an opening sequence under a deadline: after `timeoutMs` (0 = none) the signal given to `task` aborts
 * (each step destroys its socket) and the result is a `ConnectTimeoutError`. A result that arrives after the
 * deadline is handed to `discard`.
 */
export function withConnectTimeout<T>(
  host: string,
  port: number,
  timeoutMs: number,
  task: (signal: OpeningSignal) => Promise<T>,
  discard: (value: T) => void,
): Promise<T> {
  const deadline = new Deadline();
  return new Promise<T>((resolve, reject) => {
    let timedOut = false;
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            timedOut = true;
            deadline.abort();
            reject(new ConnectTimeoutError(host, port, timeoutMs));
          }, timeoutMs)
        : undefined;
    task(deadline).then(
      (value) => {
        if (timer !== undefined) clearTimeout(timer);
        if (timedOut) discard(value);
        else resolve(value);
      },
      (err: unknown) => {
        if (timer !== undefined) clearTimeout(timer);
        if (timedOut) return;
        reject(
          err instanceof ConnectionError
            ? err
            : new ConnectionError(`could not connect to ${host}:${port}: ${messageOf(err)}`, { cause: err }),
        );
      },
    );
  });
}
