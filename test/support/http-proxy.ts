/**
 * A small HTTP CONNECT proxy for tests, on 127.0.0.1 only. It records every CONNECT (target and decoded Basic
 * credentials), can require credentials (407 otherwise), and only tunnels to loopback targets (403 otherwise).
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { LOOPBACK } from './ports.js';

export interface HttpConnectRequest {
  target: string;
  /** `user:password` from `Proxy-Authorization: Basic`, when sent. */
  credentials: string | undefined;
}

export interface HttpProxy {
  readonly host: string;
  readonly port: number;
  readonly requests: readonly HttpConnectRequest[];
  close(): Promise<void>;
}

/** Starts the proxy; `auth` (`user:password`) makes credentials mandatory. */
export async function startHttpProxy(auth?: string): Promise<HttpProxy> {
  const requests: HttpConnectRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', onData);
      const lines = head.subarray(0, end).toString('latin1').split('\r\n');
      const rest = head.subarray(end + 4);
      const [method, target] = lines[0].split(' ');
      const header = lines.find((l) => /^proxy-authorization:/i.test(l));
      const token = header?.split(/\s+/)[2];
      const credentials = token === undefined ? undefined : Buffer.from(token, 'base64').toString('utf8');
      requests.push({ target: target ?? '', credentials });
      if (method !== 'CONNECT') return void client.end('HTTP/1.1 405 Method Not Allowed\r\n\r\n');
      if (auth !== undefined && credentials !== auth) {
        return void client.end(
          'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\n\r\n',
        );
      }
      const match = /^(\[.*\]|[^:]+):(\d+)$/.exec(target ?? '');
      const host = match?.[1].replace(/^\[(.*)\]$/, '$1') ?? '';
      if (!(host === 'localhost' || host === '::1' || host.startsWith('127.'))) {
        return void client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      }
      const upstream = connect({ host: host === 'localhost' ? LOOPBACK : host, port: Number(match?.[2]) });
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
      upstream.once('connect', () => {
        upstream.removeAllListeners('error');
        upstream.on('error', () => client.destroy());
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        if (rest.length > 0) upstream.write(rest);
        client.pipe(upstream);
        upstream.pipe(client);
      });
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen({ host: LOOPBACK, port: 0 }, resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no address');
  return {
    host: LOOPBACK,
    port: address.port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
