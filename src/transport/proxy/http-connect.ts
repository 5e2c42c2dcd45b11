/**
 * The client side of an HTTP CONNECT tunnel (RFC 9110 §9.3.6) with Basic proxy credentials, run on a socket
 * already connected to the proxy.
 */
import type { Socket } from 'node:net';
import type { OpeningSignal } from '../connect-socket.js';
import { ProxyError } from '../errors.js';
import type { ProxyOptions } from './proxy-config.js';
import { SocketReader } from './socket-reader.js';

/** The longest response head accepted from the proxy. */
const MAX_HEAD_BYTES = 16 * 1024;

/**
 * Asks the HTTP proxy on `socket` for a tunnel to `host:port`. Resolves with the socket, now a tunnel to the
 * broker; rejects with a `ProxyError` carrying the HTTP status (407: credentials missing or refused).
 */
export async function httpConnect(
  socket: Socket,
  proxy: ProxyOptions,
  host: string,
  port: number,
  signal?: OpeningSignal,
): Promise<Socket> {
  const reader = new SocketReader(socket, 'HTTP proxy');
  const onAbort = (): void => reader.fail(new Error('aborted'));
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const authority = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`];
    if (proxy.username !== undefined) {
      const token = Buffer.from(`${proxy.username}:${proxy.password ?? ''}`, 'utf8').toString('base64');
      lines.push(`Proxy-Authorization: Basic ${token}`);
    }
    socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    const head = await reader.readUntil(
      '\r\n\r\n',
      MAX_HEAD_BYTES,
      () => new ProxyError(`HTTP proxy: response head longer than ${MAX_HEAD_BYTES} bytes`, 'http'),
    );
    const statusLine = head.toString('latin1').split('\r\n', 1)[0];
    const match = /^HTTP\/\d(?:\.\d)? (\d{3})(?: (.*))?$/.exec(statusLine);
    if (match === null) {
      throw new ProxyError(`HTTP proxy: malformed response ${JSON.stringify(statusLine)}`, 'http');
    }
    const status = Number(match[1]);
    if (status < 200 || status > 299) {
      const hint =
        status === 407
          ? proxy.username === undefined
            ? ' (the proxy requires credentials)'
            : ' (the proxy refused the credentials)'
          : '';
      throw new ProxyError(
        `HTTP proxy refused CONNECT ${authority}: ${status} ${match[2] ?? ''}`.trimEnd() + hint,
        'http',
        status,
      );
    }
    return reader.release();
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
