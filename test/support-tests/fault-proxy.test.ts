import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { describe, test } from 'node:test';
import { createPrng, startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { hasMosquitto, startBroker } from '../support/mosquitto.js';
import { getFreePort } from '../support/ports.js';

// ---- a tiny echo server that records what it saw ---------------------------------------------------------

interface Echo {
  port: number;
  sockets: Set<Socket>;
  /** Number of 'data' events the server saw (fragmentation shows here). */
  chunks: number;
  bytes: number;
  close(): Promise<void>;
}

async function startEcho(): Promise<Echo> {
  const sockets = new Set<Socket>();
  const echo: Echo = {
    port: 0,
    sockets,
    chunks: 0,
    bytes: 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      echo.chunks++;
      echo.bytes += chunk.length;
      socket.write(chunk);
    });
    socket.on('end', () => socket.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === 'object');
  echo.port = address.port;
  return echo;
}

/** A client socket that collects everything it receives. */
class Client {
  private parts: Buffer[] = [];
  private length = 0;
  chunks = 0;
  ended = false;
  closed = false;
  error: (Error & { code?: string }) | undefined;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.parts.push(chunk);
      this.length += chunk.length;
      this.chunks++;
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', (err) => {
      this.error = err;
    });
  }

  get received(): Buffer {
    if (this.parts.length > 1) this.parts = [Buffer.concat(this.parts)];
    return this.parts[0] ?? Buffer.alloc(0);
  }

  static open(port: number, options: { allowHalfOpen?: boolean } = {}): Promise<Client> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, allowHalfOpen: options.allowHalfOpen ?? false });
      socket.once('connect', () => resolve(new Client(socket)));
      socket.once('error', reject);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Waits until `predicate` holds; false after `timeoutMs`. */
  async until(predicate: () => boolean, timeoutMs = 5_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return true;
  }

  untilBytes(n: number, timeoutMs = 5_000): Promise<boolean> {
    return this.until(() => this.length >= n, timeoutMs);
  }

  untilClosed(timeoutMs = 5_000): Promise<boolean> {
    return this.until(() => this.closed, timeoutMs);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function withEchoProxy(
  options: { split?: boolean; seed?: number; splitMaxBytes?: number },
  body: (proxy: FaultProxy, echo: Echo) => Promise<void>,
): Promise<void> {
  const echo = await startEcho();
  const proxy = await startFaultProxy({ targetHost: '127.0.0.1', targetPort: echo.port, ...options });
  try {
    await body(proxy, echo);
  } finally {
    await proxy.close();
    await echo.close();
  }
}

void describe('fault proxy', () => {
  void test('forwards both ways and counts connections and bytes', async () => {
    await withEchoProxy({}, async (proxy, echo) => {
      assert.equal(proxy.host, '127.0.0.1');
      assert.equal(proxy.url, `mqtt://127.0.0.1:${proxy.port}`);
      assert.notEqual(proxy.port, echo.port);
      const client = await Client.open(proxy.port);
      client.socket.write('hello proxy');
      assert.ok(await client.untilBytes(11));
      assert.equal(client.received.toString(), 'hello proxy');
      assert.equal(proxy.connections, 1);
      assert.equal(proxy.activeConnections, 1);
      assert.equal(proxy.bytesToTarget, 11);
      assert.equal(proxy.bytesToClient, 11);
      assert.equal(proxy.cuts, 0);
      client.socket.destroy();
    });
  });

  void test('carries 4 MB intact, with backpressure', async () => {
    await withEchoProxy({}, async (proxy) => {
      const data = randomBytes(4 * 1024 * 1024);
      const client = await Client.open(proxy.port);
      client.socket.write(data);
      assert.ok(await client.untilBytes(data.length, 20_000));
      assert.ok(client.received.equals(data));
      assert.equal(proxy.bytesToTarget, data.length);
      assert.equal(proxy.bytesToClient, data.length);
      client.socket.destroy();
    });
  });

  void test('split: data arrives intact, in order, in many small pieces', async () => {
    await withEchoProxy({ split: true, seed: 7, splitMaxBytes: 8 }, async (proxy, echo) => {
      const data = randomBytes(4000);
      const client = await Client.open(proxy.port);
      client.socket.write(data);
      assert.ok(await client.untilBytes(data.length, 20_000));
      assert.ok(client.received.equals(data));
      // 4000 bytes in pieces of at most 8 bytes: the server reads fragments, not one chunk.
      assert.ok(echo.chunks > 50, `the echo server saw ${echo.chunks} reads`);
      assert.ok(client.chunks > 50, `the client saw ${client.chunks} reads`);
      // Switching splitting off forwards whole chunks again.
      proxy.setSplit(false);
      const before = echo.chunks;
      client.socket.write(randomBytes(1000));
      assert.ok(await client.untilBytes(5000));
      assert.ok(echo.chunks - before <= 2);
      client.socket.destroy();
    });
  });

  void test('cutAll() resets every connection on both sides, and new connections still work', async () => {
    await withEchoProxy({}, async (proxy, echo) => {
      const a = await Client.open(proxy.port);
      const b = await Client.open(proxy.port);
      a.socket.write('x');
      b.socket.write('y');
      assert.ok((await a.untilBytes(1)) && (await b.untilBytes(1)));
      assert.equal(echo.sockets.size, 2);
      assert.equal(proxy.cutAll(), 2);
      assert.ok(await a.untilClosed());
      assert.ok(await b.untilClosed());
      assert.equal(a.error?.code, 'ECONNRESET');
      assert.ok(await a.until(() => echo.sockets.size === 0), 'the target side was cut too');
      assert.equal(proxy.cuts, 2);
      assert.equal(proxy.activeConnections, 0);
      const c = await Client.open(proxy.port);
      c.socket.write('again');
      assert.ok(await c.untilBytes(5));
      assert.equal(proxy.connections, 3);
      c.socket.destroy();
    });
  });

  void test("cutAll('close') closes with FIN instead of RST", async () => {
    await withEchoProxy({}, async (proxy) => {
      const client = await Client.open(proxy.port);
      client.socket.write('x');
      assert.ok(await client.untilBytes(1));
      proxy.cutAll('close');
      assert.ok(await client.untilClosed());
      assert.equal(client.error, undefined);
      assert.equal(client.ended, true);
    });
  });

  void test('cutRandomly() cuts at seeded random moments until stopCutting()', async () => {
    await withEchoProxy({ seed: 1234 }, async (proxy) => {
      proxy.cutRandomly({ minMs: 20, maxMs: 60 });
      for (let i = 0; i < 3; i++) {
        const client = await Client.open(proxy.port);
        client.socket.write('ping');
        assert.ok(await client.untilClosed(2_000), `connection ${i} was cut`);
      }
      assert.ok(proxy.cuts >= 3);
      proxy.stopCutting();
      const cutsBefore = proxy.cuts;
      const survivor = await Client.open(proxy.port);
      await sleep(200);
      survivor.socket.write('still here');
      assert.ok(await survivor.untilBytes(10));
      assert.equal(survivor.closed, false);
      assert.equal(proxy.cuts, cutsBefore);
      assert.ok(proxy.cutDelays.every((d) => d >= 20 && d <= 60));
      survivor.socket.destroy();
    });
  });

  void test('the same seed draws the same cut moments', async () => {
    const echo = await startEcho();
    const proxies = await Promise.all(
      [1, 2].map(() => startFaultProxy({ targetHost: '127.0.0.1', targetPort: echo.port, seed: 99 })),
    );
    try {
      for (const p of proxies) p.cutRandomly({ minMs: 5, maxMs: 15 });
      // Until each drew 3 delays (a loaded machine fires the 5-15 ms timers late, so no fixed sleep).
      const deadline = Date.now() + 10_000;
      while (proxies.some((p) => p.cutDelays.length < 3) && Date.now() < deadline) await sleep(10);
      for (const p of proxies) p.stopCutting();
      const n = Math.min(proxies[0].cutDelays.length, proxies[1].cutDelays.length);
      assert.ok(n >= 3);
      assert.deepEqual(proxies[0].cutDelays.slice(0, n), proxies[1].cutDelays.slice(0, n));
      assert.equal(proxies[0].seed, 99);
      const random = createPrng(5);
      const again = createPrng(5);
      const xs = Array.from({ length: 10 }, random);
      assert.deepEqual(xs, Array.from({ length: 10 }, again));
      assert.ok(xs.every((x) => x >= 0 && x < 1));
      assert.notDeepEqual(xs, Array.from({ length: 10 }, createPrng(6)));
    } finally {
      await Promise.all(proxies.map((p) => p.close()));
      await echo.close();
    }
  });

  void test('pause() holds data both ways without closing; resume() delivers it', async () => {
    await withEchoProxy({}, async (proxy, echo) => {
      const client = await Client.open(proxy.port);
      client.socket.write('a');
      assert.ok(await client.untilBytes(1));
      proxy.pause();
      assert.equal(proxy.paused, true);
      client.socket.write('bcd');
      await sleep(200);
      assert.equal(echo.bytes, 1, 'nothing reached the target while paused');
      assert.equal(client.received.length, 1);
      assert.equal(client.closed, false);
      // A connection made while paused is accepted but nothing flows either.
      const late = await Client.open(proxy.port);
      late.socket.write('late');
      await sleep(100);
      assert.equal(late.received.length, 0);
      proxy.resume();
      assert.equal(proxy.paused, false);
      assert.ok(await client.untilBytes(4));
      assert.equal(client.received.toString(), 'abcd');
      assert.ok(await late.untilBytes(4));
      client.socket.destroy();
      late.socket.destroy();
    });
  });

  void test('pause() also holds the target-to-client direction', async () => {
    await withEchoProxy({}, async (proxy, echo) => {
      const client = await Client.open(proxy.port);
      client.socket.write('a');
      assert.ok(await client.untilBytes(1));
      proxy.pause();
      const [serverSide] = [...echo.sockets];
      serverSide.write('from-server');
      await sleep(150);
      assert.equal(client.received.toString(), 'a');
      proxy.resume();
      assert.ok(await client.untilBytes(12));
      assert.equal(client.received.toString(), 'afrom-server');
      client.socket.destroy();
    });
  });

  void test('stall(ms) holds data for about ms, then resolves and forwards', async () => {
    await withEchoProxy({}, async (proxy) => {
      const client = await Client.open(proxy.port);
      const started = Date.now();
      const stalled = proxy.stall(300);
      client.socket.write('late');
      await sleep(100);
      assert.equal(client.received.length, 0);
      await stalled;
      assert.ok(Date.now() - started >= 290);
      assert.ok(await client.untilBytes(4));
      assert.equal(client.closed, false);
      // resume() ends a stall early.
      const second = proxy.stall(10_000);
      proxy.resume();
      await second;
      client.socket.destroy();
    });
  });

  void test('split and pause together keep order', async () => {
    await withEchoProxy({ split: true, seed: 3 }, async (proxy) => {
      const client = await Client.open(proxy.port);
      const data = randomBytes(3000);
      client.socket.write(data.subarray(0, 1500));
      await sleep(1);
      proxy.pause();
      client.socket.write(data.subarray(1500));
      await sleep(50);
      proxy.resume();
      assert.ok(await client.untilBytes(3000, 10_000));
      assert.ok(client.received.equals(data));
      client.socket.destroy();
    });
  });

  void test('refuse(true) closes new connections at once and keeps current ones', async () => {
    await withEchoProxy({}, async (proxy) => {
      const kept = await Client.open(proxy.port);
      proxy.refuse(true);
      const refused = await Client.open(proxy.port);
      refused.socket.write('x');
      assert.ok(await refused.untilClosed(2_000));
      assert.equal(refused.received.length, 0);
      assert.equal(proxy.refused, 1);
      assert.equal(proxy.connections, 1);
      kept.socket.write('ok');
      assert.ok(await kept.untilBytes(2));
      proxy.refuse(false);
      const back = await Client.open(proxy.port);
      back.socket.write('yes');
      assert.ok(await back.untilBytes(3));
      kept.socket.destroy();
      back.socket.destroy();
    });
  });

  void test('half-close is forwarded: client FIN reaches the target, the reply and FIN come back', async () => {
    await withEchoProxy({}, async (proxy) => {
      const client = await Client.open(proxy.port, { allowHalfOpen: true });
      client.socket.end('last words');
      assert.ok(await client.until(() => client.ended));
      assert.equal(client.received.toString(), 'last words');
      assert.ok(await client.untilClosed());
      assert.ok(await client.until(() => proxy.activeConnections === 0));
    });
  });

  void test('an unreachable target closes the client connection', async () => {
    const deadPort = await getFreePort();
    const proxy = await startFaultProxy({ targetHost: '127.0.0.1', targetPort: deadPort });
    try {
      const client = await Client.open(proxy.port);
      assert.ok(await client.untilClosed(3_000));
      assert.ok(await client.until(() => proxy.activeConnections === 0));
    } finally {
      await proxy.close();
    }
  });

  void test('close() closes every connection and the port; it is idempotent', async () => {
    const echo = await startEcho();
    const proxy = await startFaultProxy({ targetHost: '127.0.0.1', targetPort: echo.port });
    const client = await Client.open(proxy.port);
    client.socket.write('x');
    assert.ok(await client.untilBytes(1));
    await proxy.close();
    await proxy.close();
    assert.ok(await client.untilClosed());
    await assert.rejects(Client.open(proxy.port));
    await echo.close();
  });

  void test('only loopback targets are accepted', async () => {
    await assert.rejects(startFaultProxy({ targetHost: '10.0.0.1', targetPort: 1883 }), /loopback/);
    await assert.rejects(startFaultProxy({ targetHost: 'example.com', targetPort: 1883 }), /loopback/);
    await assert.rejects(startFaultProxy({ targetHost: '127.0.0.1', targetPort: 0 }), /invalid target port/);
  });

  void test(
    'MQTT 3.1.1 CONNECT/CONNACK through the split proxy to Mosquitto, then a cut',
    { skip: hasMosquitto() ? false : 'mosquitto is not installed' },
    async () => {
      const broker = await startBroker();
      const proxy = await startFaultProxy({
        targetHost: broker.host,
        targetPort: broker.port,
        split: true,
        seed: 11,
      });
      try {
        const client = await Client.open(proxy.port);
        const id = Buffer.from('via-proxy');
        const body = Buffer.concat([
          Buffer.from([0x00, 0x04]),
          Buffer.from('MQTT'),
          Buffer.from([0x04, 0x02, 0x00, 0x3c, 0x00, id.length]),
          id,
        ]);
        client.socket.write(Buffer.concat([Buffer.from([0x10, body.length]), body]));
        assert.ok(await client.untilBytes(4));
        assert.deepEqual([...client.received], [0x20, 0x02, 0x00, 0x00]);
        proxy.cutAll();
        assert.ok(await client.untilClosed());
        // The broker saw the connection go.
        const gone = /Socket error on client via-proxy|Client via-proxy closed its connection/;
        const deadline = Date.now() + 3_000;
        while (!gone.test(broker.log()) && Date.now() < deadline) await sleep(50);
        assert.match(broker.log(), gone);
      } finally {
        await proxy.close();
        await broker.stop();
      }
    },
  );
});
