/**
 * The WebSocket transports against a local `ws` server: path and headers (an object, or a function of the
 * default headers re-evaluated on every open), the `mqtt` sub-protocol, a refused upgrade, text frames; and the
 * browser transport (`ws-browser.ts`), run in Node with `ws` standing in for the global `WebSocket`.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { after, before, describe, test } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';
import { InvalidArgumentError } from '../../src/errors.js';
import { ConnectionError, WebSocketError } from '../../src/transport/errors.js';
import type { ConnectionError as CE } from '../../src/transport/errors.js';
import { openTransport, type Transport, type TransportOptions } from '../../src/transport/transport.js';
import { openBrowserWebSocketTransport } from '../../src/transport/ws-browser.js';
import { LOOPBACK } from '../support/ports.js';

interface Seen {
  path: string;
  headers: IncomingMessage['headers'];
}

/** Collects what one transport delivers. */
function collector(): {
  handlers: TransportOptions['handlers'];
  data: Buffer[];
  closed: Promise<CE | undefined>;
} {
  const data: Buffer[] = [];
  let onClose: (error: CE | undefined) => void = () => undefined;
  const closed = new Promise<CE | undefined>((resolve) => (onClose = resolve));
  return {
    data,
    closed,
    handlers: {
      onData: (chunk) => data.push(Buffer.from(chunk)),
      onDrain: () => undefined,
      onClose: (error) => onClose(error),
    },
  };
}

async function until(predicate: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

void describe('WebSocket transports', () => {
  let server: WebSocketServer;
  let port: number;
  const seen: Seen[] = [];
  before(async () => {
    server = new WebSocketServer({
      host: LOOPBACK,
      port: 0,
      handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false),
      verifyClient: (info: { req: IncomingMessage }, done: (ok: boolean, code?: number) => void) => {
        const path = info.req.url ?? '';
        if (path.startsWith('/denied')) done(false, 401);
        else done(true);
      },
    });
    server.on('connection', (socket, request) => {
      seen.push({ path: request.url ?? '', headers: request.headers });
      socket.on('message', (data, isBinary) => {
        const text = (data as Buffer).toString();
        if (!isBinary) return;
        if (text === 'send text') socket.send('hello', { binary: false });
        else socket.send(data as Buffer, { binary: true }); // echo
      });
    });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    port = (server.address() as import('node:net').AddressInfo).port;
  });
  after(async () => {
    for (const client of server.clients) client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const open = (extra: Partial<TransportOptions>, handlers = collector().handlers): Promise<Transport> =>
    openTransport({
      kind: 'ws',
      host: LOOPBACK,
      port,
      connectTimeoutMs: 3_000,
      proxy: 'none',
      handlers,
      ...extra,
    });

  void test('path, object headers, sub-protocol mqtt, binary echo in order', async () => {
    const c = collector();
    const t = await open(
      { ws: { path: '/custom?x=1', headers: { Authorization: 'Bearer abc' } } },
      c.handlers,
    );
    assert.equal(seen.at(-1)?.path, '/custom?x=1');
    assert.equal(seen.at(-1)?.headers.authorization, 'Bearer abc');
    assert.equal(seen.at(-1)?.headers['sec-websocket-protocol'], 'mqtt');
    assert.equal(t.write([Buffer.from('ab'), Buffer.from('cd')]), true);
    t.write([Buffer.from('ef')]);
    await until(() => Buffer.concat(c.data).toString() === 'abcdef', 'the echo');
    assert.equal(t.writableNeedDrain, false);
    t.close();
    assert.equal(await c.closed, undefined);
  });

  void test('a headers function gets the defaults and runs again on every open', async () => {
    let calls = 0;
    const headers = (defaults: Readonly<Record<string, string>>): Record<string, string> => {
      calls++;
      return { ...defaults, 'X-Token': `token-${calls}` };
    };
    for (let i = 1; i <= 2; i++) {
      const c = collector();
      const t = await open({ ws: { headers } }, c.handlers);
      assert.equal(seen.at(-1)?.headers['x-token'], `token-${i}`);
      assert.equal(seen.at(-1)?.headers.host, `${LOOPBACK}:${port}`);
      assert.equal(seen.at(-1)?.path, '/mqtt');
      t.destroy();
      await c.closed;
    }
    assert.equal(calls, 2);
  });

  void test('a refused upgrade is a WebSocketError with the HTTP status', async () => {
    await assert.rejects(
      open({ ws: { path: '/denied' } }),
      (err: unknown) => err instanceof WebSocketError && err.status === 401,
    );
  });

  void test('a text frame from the broker closes the transport with a WebSocketError', async () => {
    const c = collector();
    const t = await open({}, c.handlers);
    t.write([Buffer.from('send text')]);
    const error = await c.closed;
    assert.ok(error instanceof WebSocketError && /text WebSocket frame/.test(error.message));
  });

  void describe('browser transport (ws as the global WebSocket)', () => {
    const g = globalThis as { WebSocket?: unknown };
    let previous: unknown;
    before(() => {
      previous = g.WebSocket;
      g.WebSocket = WebSocket;
    });
    after(() => {
      g.WebSocket = previous;
    });
    const openBrowser = (
      extra: Partial<TransportOptions>,
      handlers: TransportOptions['handlers'],
    ): Promise<Transport> =>
      openBrowserWebSocketTransport({
        kind: 'ws',
        host: LOOPBACK,
        port,
        connectTimeoutMs: 3_000,
        handlers,
        ...extra,
      });

    void test('opens with the mqtt sub-protocol, echoes in order, holds data while paused', async () => {
      const c = collector();
      const t = await openBrowser({ ws: { path: '/browser' } }, c.handlers);
      assert.equal(seen.at(-1)?.path, '/browser');
      assert.equal((t.raw as WebSocket).binaryType, 'arraybuffer');
      t.write([new Uint8Array([1, 2]), new Uint8Array([3])]);
      await until(() => Buffer.concat(c.data).length === 3, 'the echo');
      t.pause();
      t.write([new Uint8Array([4])]);
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(Buffer.concat(c.data).length, 3, 'nothing delivered while paused');
      t.resume();
      assert.deepEqual([...Buffer.concat(c.data)], [1, 2, 3, 4]);
      t.close();
      assert.equal(await c.closed, undefined);
    });

    void test('headers and explicit proxies are refused; a failed open is a ConnectionError', async () => {
      const c = collector();
      await assert.rejects(openBrowser({ ws: { headers: { A: 'b' } } }, c.handlers), InvalidArgumentError);
      await assert.rejects(
        openBrowser({ proxy: { type: 'http', host: 'p', port: 1 } }, c.handlers),
        InvalidArgumentError,
      );
      await assert.rejects(openBrowser({ ws: { path: '/denied' } }, c.handlers), ConnectionError);
    });
  });
});
