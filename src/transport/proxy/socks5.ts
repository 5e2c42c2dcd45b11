/**
 * The client side of a SOCKS5 CONNECT (RFC 1928) with optional username/password authentication (RFC 1929),
 * run on a socket already connected to the proxy. The broker's host name is sent to the proxy as is (the
 * proxy resolves it, as `socks5h` does).
 *
 *     client                          proxy
 *     05 nmethods methods...   ──▶
 *                              ◀──    05 method          (00 none, 02 username/password, FF none acceptable)
 *     01 ulen user plen pass   ──▶                       (only for method 02)
 *                              ◀──    01 status          (00 success)
 *     05 01 00 atyp addr port  ──▶                       (CONNECT)
 *                              ◀──    05 rep 00 atyp addr port
 */
import { isIP, type Socket } from 'node:net';
import type { OpeningSignal } from '../connect-socket.js';
import { ProxyError } from '../errors.js';
import type { ProxyOptions } from './proxy-config.js';
import { SocketReader } from './socket-reader.js';

const REPLY_MESSAGES: Readonly<Record<number, string>> = {
  1: 'general SOCKS server failure',
  2: 'connection not allowed by ruleset',
  3: 'network unreachable',
  4: 'host unreachable',
  5: 'connection refused',
  6: 'TTL expired',
  7: 'command not supported',
  8: 'address type not supported',
};

function addressBytes(host: string): Buffer {
  const family = isIP(host);
  if (family === 4) return Buffer.from([0x01, ...host.split('.').map(Number)]);
  if (family === 6) {
    const out = Buffer.alloc(17);
    out[0] = 0x04;
    // Expand "::" and write the eight 16-bit groups.
    const [head, tail = ''] = host.split('::');
    const h = head === '' ? [] : head.split(':');
    const t = tail === '' ? [] : tail.split(':');
    const groups = host.includes('::')
      ? [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t]
      : h;
    groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), 1 + i * 2));
    return out;
  }
  const name = Buffer.from(host, 'utf8');
  if (name.length > 255) throw new ProxyError(`SOCKS5: host name too long (${name.length} bytes)`, 'socks5');
  return Buffer.concat([Buffer.from([0x03, name.length]), name]);
}

/**
 * Asks the SOCKS5 proxy on `socket` to connect to `host:port`. Resolves with the socket, now a tunnel to the
 * broker; rejects with a `ProxyError` (refused, authentication failed) or a `ConnectionError`.
 */
export async function socks5Connect(
  socket: Socket,
  proxy: ProxyOptions,
  host: string,
  port: number,
  signal?: OpeningSignal,
): Promise<Socket> {
  const reader = new SocketReader(socket, 'SOCKS5 proxy');
  const onAbort = (): void => reader.fail(new Error('aborted'));
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const withAuth = proxy.username !== undefined;
    socket.write(Buffer.from(withAuth ? [0x05, 0x02, 0x00, 0x02] : [0x05, 0x01, 0x00]));
    const [version, method] = await reader.read(2);
    if (version !== 0x05) throw new ProxyError(`SOCKS5: the proxy answered version ${version}`, 'socks5');
    if (method === 0x02) {
      if (!withAuth) {
        throw new ProxyError('SOCKS5: the proxy requires a username and password', 'socks5');
      }
      const user = Buffer.from(proxy.username ?? '', 'utf8');
      const pass = Buffer.from(proxy.password ?? '', 'utf8');
      socket.write(Buffer.concat([Buffer.from([0x01, user.length]), user, Buffer.from([pass.length]), pass]));
      const [, status] = await reader.read(2);
      if (status !== 0x00) {
        throw new ProxyError('SOCKS5: the proxy rejected the username or password', 'socks5', status);
      }
    } else if (method !== 0x00) {
      throw new ProxyError(
        method === 0xff
          ? 'SOCKS5: the proxy accepts none of the offered authentication methods'
          : `SOCKS5: the proxy chose an unknown authentication method ${method}`,
        'socks5',
      );
    }
    const portBytes = Buffer.from([port >> 8, port & 0xff]);
    socket.write(Buffer.concat([Buffer.from([0x05, 0x01, 0x00]), addressBytes(host), portBytes]));
    const [, rep, , atyp] = await reader.read(4);
    if (rep !== 0x00) {
      const why = REPLY_MESSAGES[rep] ?? `reply code ${rep}`;
      throw new ProxyError(`SOCKS5: the proxy could not connect to ${host}:${port}: ${why}`, 'socks5', rep);
    }
    const addressLength = atyp === 0x01 ? 4 : atyp === 0x04 ? 16 : (await reader.read(1))[0];
    await reader.read(addressLength + 2);
    return reader.release();
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}
