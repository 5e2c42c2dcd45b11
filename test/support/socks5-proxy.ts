/**
 * A small SOCKS5 proxy for tests (RFC 1928 CONNECT, RFC 1929 username/password), on 127.0.0.1 only. It records
 * every CONNECT it saw (target and credentials), can require credentials, and only connects to loopback
 * targets (a name other than `localhost` is refused with "host unreachable").
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import { LOOPBACK } from './ports.js';

export interface Socks5Request {
  host: string;
  port: number;
  username: string | undefined;
  password: string | undefined;
}

export interface Socks5Proxy {
  readonly host: string;
  readonly port: number;
  /** The CONNECTs seen, in order. */
  readonly requests: readonly Socks5Request[];
  close(): Promise<void>;
}

class Reader {
  #buffer = Buffer.alloc(0);
  #wake: (() => void) | undefined;
  #ended = false;
  constructor(socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake?.();
    });
    socket.on('close', () => {
      this.#ended = true;
      this.#wake?.();
    });
  }
  async read(n: number): Promise<Buffer> {
    while (this.#buffer.length < n) {
      if (this.#ended) throw new Error('client went away');
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    const out = this.#buffer.subarray(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return out;
  }
  rest(): Buffer {
    return this.#buffer;
  }
}

function isLoopbackTarget(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** Starts the proxy; `auth` makes username/password mandatory and checks them. */
export async function startSocks5Proxy(auth?: { username: string; password: string }): Promise<Socks5Proxy> {
  const requests: Socks5Request[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    void handle(client).catch(() => client.destroy());
  });
  async function handle(client: Socket): Promise<void> {
    const reader = new Reader(client);
    const [version, count] = await reader.read(2);
    if (version !== 5) return void client.destroy();
    const methods = [...(await reader.read(count))];
    let username: string | undefined;
    let password: string | undefined;
    if (auth !== undefined) {
      if (!methods.includes(2)) return void client.end(Buffer.from([5, 0xff]));
      client.write(Buffer.from([5, 2]));
      const [, ulen] = await reader.read(2);
      username = (await reader.read(ulen)).toString('utf8');
      const [plen] = await reader.read(1);
      password = (await reader.read(plen)).toString('utf8');
      const ok = username === auth.username && password === auth.password;
      client.write(Buffer.from([1, ok ? 0 : 1]));
      if (!ok) {
        requests.push({ host: '', port: 0, username, password });
        return void client.end();
      }
    } else {
      if (!methods.includes(0)) return void client.end(Buffer.from([5, 0xff]));
      client.write(Buffer.from([5, 0]));
    }
    const [, command, , atyp] = await reader.read(4);
    let host: string;
    if (atyp === 1) host = [...(await reader.read(4))].join('.');
    else if (atyp === 3) host = (await reader.read((await reader.read(1))[0])).toString('utf8');
    else host = '::1';
    if (atyp === 4) await reader.read(16);
    const port = (await reader.read(2)).readUInt16BE(0);
    requests.push({ host, port, username, password });
    const reply = (rep: number): Buffer => Buffer.from([5, rep, 0, 1, 0, 0, 0, 0, 0, 0]);
    if (command !== 1) return void client.end(reply(7));
    if (!isLoopbackTarget(host)) return void client.end(reply(4));
    const upstream = connect({ host: host === 'localhost' ? LOOPBACK : host, port });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.end(reply(5)));
    upstream.once('connect', () => {
      upstream.removeAllListeners('error');
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.write(reply(0));
      const rest = reader.rest();
      client.removeAllListeners('data');
      if (rest.length > 0) upstream.write(rest);
      client.pipe(upstream);
      upstream.pipe(client);
    });
  }
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
