import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { findMosquitto, hasMosquitto, MosquittoNotFoundError, startBroker } from '../support/mosquitto.js';
import { getFreePort, getFreePorts } from '../support/ports.js';

const skip = hasMosquitto() ? false : 'mosquitto is not installed (apt-get install -y mosquitto)';

// ---- a tiny raw MQTT client, by bytes, so the harness is proven with real MQTT and no library code ----------

interface RawPacket {
  type: number;
  flags: number;
  body: Buffer;
}

function encodeLength(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

function str(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
}

function packet(first: number, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([first, ...encodeLength(body.length)]), body]);
}

/** CONNECT for MQTT 3.1.1 (level 4), clean session, keepalive 60 s. */
function connect311(clientId: string, cleanSession = true): Buffer {
  return packet(
    0x10,
    str('MQTT'),
    Buffer.from([0x04, cleanSession ? 0x02 : 0x00, 0x00, 0x3c]),
    str(clientId),
  );
}

class RawClient {
  private buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  closed = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => undefined);
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next complete packet, or rejects after `timeoutMs` or if the socket closes first. */
  async read(timeoutMs = 5_000): Promise<RawPacket> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const parsed = this.tryParse();
      if (parsed !== undefined) return parsed;
      if (this.closed) throw new Error('socket closed before a complete packet');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no packet within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private tryParse(): RawPacket | undefined {
    if (this.buffer.length < 2) return undefined;
    let length = 0;
    let multiplier = 1;
    let i = 1;
    for (;;) {
      if (i >= this.buffer.length) return undefined;
      const byte = this.buffer[i++];
      length += (byte & 0x7f) * multiplier;
      multiplier *= 128;
      if ((byte & 0x80) === 0) break;
    }
    if (this.buffer.length < i + length) return undefined;
    const first = this.buffer[0];
    const body = this.buffer.subarray(i, i + length);
    this.buffer = this.buffer.subarray(i + length);
    return { type: first >> 4, flags: first & 0x0f, body: Buffer.from(body) };
  }

  async connect311(
    clientId: string,
    cleanSession = true,
  ): Promise<{ sessionPresent: boolean; returnCode: number }> {
    this.send(connect311(clientId, cleanSession));
    const connack = await this.read();
    assert.equal(connack.type, 2, 'CONNACK expected');
    assert.equal(connack.body.length, 2);
    return { sessionPresent: (connack.body[0] & 1) === 1, returnCode: connack.body[1] };
  }

  close(): void {
    this.socket.destroy();
  }
}

function portRefuses(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

/** Alive and not a zombie (an orphan may stay a zombie where PID 1 does not reap, as in some containers). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): kill(pid, 0) is all we have
  }
}

async function waitUntil(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (predicate()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return predicate();
}

// ---- tests --------------------------------------------------------------------------------------------------

void describe('ports', () => {
  void test('getFreePort returns a port that can be bound on 127.0.0.1', async () => {
    const port = await getFreePort();
    assert.ok(port > 0 && port < 65536);
    assert.ok(await portRefuses(port));
  });

  void test('getFreePorts returns distinct ports', async () => {
    const ports = await getFreePorts(5);
    assert.equal(new Set(ports).size, 5);
  });
});

void describe('findMosquitto', () => {
  void test('throws an error that says how to install Mosquitto when none is found', () => {
    assert.throws(
      () => findMosquitto({ pathEnv: '', fallbacks: ['/nonexistent/sbin/mosquitto'] }),
      (err: unknown) => {
        assert.ok(err instanceof MosquittoNotFoundError);
        assert.match(err.message, /apt-get install -y mosquitto/);
        assert.match(err.message, /brew install mosquitto/);
        assert.match(err.message, /\/nonexistent\/sbin\/mosquitto/);
        return true;
      },
    );
  });

  void test('finds the installed executable', { skip }, () => {
    assert.match(findMosquitto(), /mosquitto$/);
  });
});

void describe('startBroker', { skip }, () => {
  void test('starts on a free loopback port, accepts a raw socket, and stop() cleans up', async () => {
    const broker = await startBroker();
    try {
      assert.equal(broker.host, '127.0.0.1');
      assert.equal(broker.url, `mqtt://127.0.0.1:${broker.port}`);
      assert.notEqual(broker.port, 1883, 'never the system broker port');
      assert.ok(broker.running);
      assert.ok(typeof broker.pid === 'number' && processAlive(broker.pid));
      assert.ok(existsSync(broker.dir));
      const config = readFileSync(broker.configPath, 'utf8');
      assert.match(config, /^per_listener_settings false$/m);
      assert.match(config, /^allow_anonymous true$/m);
      assert.match(config, /^persistence false$/m);
      assert.match(config, /^sys_interval 1$/m);
      assert.match(config, new RegExp(`^listener ${broker.port} 127\\.0\\.0\\.1$`, 'm'));
      assert.match(
        config,
        new RegExp(`^log_dest file ${broker.logPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'),
      );
      if (process.getuid?.() === 0) assert.match(config, /^user root$/m);
      assert.doesNotMatch(config, /0\.0\.0\.0/);
      assert.match(broker.log(), /running/);

      const raw = await RawClient.open(broker.port);
      raw.close();
    } finally {
      await broker.stop();
    }
    assert.equal(broker.running, false);
    assert.equal(broker.pid, undefined);
    assert.equal(existsSync(broker.dir), false, 'temp folder removed');
    assert.ok(await portRefuses(broker.port), 'port closed after stop');
    await broker.stop(); // idempotent
    await assert.rejects(broker.restart(), /stopped/);
  });

  void test('MQTT 3.1.1 CONNECT / CONNACK, SUBSCRIBE / PUBLISH by raw bytes', async () => {
    const broker = await startBroker();
    try {
      const sub = await RawClient.open(broker.port);
      assert.deepEqual(await sub.connect311('harness-sub'), { sessionPresent: false, returnCode: 0 });
      // SUBSCRIBE, packet id 1, "harness/t" at QoS 1
      sub.send(packet(0x82, Buffer.from([0x00, 0x01]), str('harness/t'), Buffer.from([0x01])));
      const suback = await sub.read();
      assert.equal(suback.type, 9);
      assert.deepEqual([...suback.body], [0x00, 0x01, 0x01]);

      const pub = await RawClient.open(broker.port);
      assert.equal((await pub.connect311('harness-pub')).returnCode, 0);
      // PUBLISH QoS 1, packet id 7
      pub.send(packet(0x32, str('harness/t'), Buffer.from([0x00, 0x07]), Buffer.from('hello')));
      const puback = await pub.read();
      assert.equal(puback.type, 4);
      assert.deepEqual([...puback.body], [0x00, 0x07]);

      const message = await sub.read();
      assert.equal(message.type, 3);
      assert.equal((message.flags >> 1) & 3, 1, 'QoS 1');
      const topicLength = message.body.readUInt16BE(0);
      assert.equal(message.body.subarray(2, 2 + topicLength).toString(), 'harness/t');
      assert.equal(message.body.subarray(2 + topicLength + 2).toString(), 'hello');
      sub.close();
      pub.close();
      assert.match(broker.log(), /harness-pub/);
    } finally {
      await broker.stop();
    }
  });

  void test('an unsupported protocol level gets CONNACK return code 1', async () => {
    const broker = await startBroker();
    try {
      const raw = await RawClient.open(broker.port);
      raw.send(packet(0x10, str('MQTT'), Buffer.from([0x09, 0x02, 0x00, 0x3c]), str('bad-level')));
      const connack = await raw.read();
      assert.equal(connack.type, 2);
      assert.equal(connack.body[1], 0x01);
      raw.close();
    } finally {
      await broker.stop();
    }
  });

  void test('restart() keeps the port, starts a new process, and serves MQTT again', async () => {
    const broker = await startBroker();
    try {
      const { port } = broker;
      const firstPid = broker.pid;
      const raw = await RawClient.open(port);
      assert.equal((await raw.connect311('before-restart')).returnCode, 0);
      await broker.restart();
      assert.equal(broker.port, port);
      assert.notEqual(broker.pid, firstPid);
      assert.ok(await waitUntil(() => raw.closed, 2_000), 'the old connection was closed by the restart');
      const again = await RawClient.open(port);
      assert.equal((await again.connect311('after-restart')).returnCode, 0);
      again.close();
      assert.equal(broker.log().match(/ running/g)?.length, 2, 'the log keeps both runs');
    } finally {
      await broker.stop();
    }
  });

  void test('kill() is a SIGKILL; restart() brings the broker back on the same port', async () => {
    const broker = await startBroker();
    try {
      const pid = broker.pid;
      assert.ok(pid !== undefined);
      await broker.kill();
      assert.equal(broker.running, false);
      assert.equal(processAlive(pid), false);
      assert.ok(existsSync(broker.dir), 'the folder survives kill()');
      assert.ok(await portRefuses(broker.port));
      assert.doesNotMatch(broker.log(), /terminating/, 'no graceful shutdown on SIGKILL');
      await broker.restart();
      const raw = await RawClient.open(broker.port);
      assert.equal((await raw.connect311('after-kill')).returnCode, 0);
      raw.close();
    } finally {
      await broker.stop();
    }
    assert.equal(existsSync(broker.dir), false);
  });

  void test('with persistence, a persistent session and its queued message survive restart()', async () => {
    const broker = await startBroker({ persistence: true });
    try {
      assert.ok(broker.persistenceDir !== undefined);
      assert.match(readFileSync(broker.configPath, 'utf8'), /^persistence true$/m);
      // A persistent session (clean session 0) subscribed at QoS 1, then gone.
      const sub = await RawClient.open(broker.port);
      assert.equal((await sub.connect311('persist-sub', false)).returnCode, 0);
      sub.send(packet(0x82, Buffer.from([0x00, 0x01]), str('persist/t'), Buffer.from([0x01])));
      assert.equal((await sub.read()).type, 9);
      sub.close();
      // Retained and queued messages published while it is away.
      const pub = await RawClient.open(broker.port);
      assert.equal((await pub.connect311('persist-pub')).returnCode, 0);
      pub.send(packet(0x33, str('persist/t'), Buffer.from([0x00, 0x01]), Buffer.from('kept')));
      assert.equal((await pub.read()).type, 4);
      pub.close();

      await broker.restart();
      assert.ok(existsSync(join(broker.persistenceDir, 'mosquitto.db')));

      const back = await RawClient.open(broker.port);
      assert.deepEqual(await back.connect311('persist-sub', false), { sessionPresent: true, returnCode: 0 });
      const message = await back.read();
      assert.equal(message.type, 3);
      assert.match(message.body.toString('latin1'), /kept$/);
      back.close();
    } finally {
      await broker.stop();
    }
  });

  void test('without persistence, restart() forgets sessions', async () => {
    const broker = await startBroker();
    try {
      const sub = await RawClient.open(broker.port);
      assert.equal((await sub.connect311('volatile-sub', false)).returnCode, 0);
      sub.close();
      await broker.restart();
      const back = await RawClient.open(broker.port);
      assert.deepEqual(await back.connect311('volatile-sub', false), {
        sessionPresent: false,
        returnCode: 0,
      });
      back.close();
    } finally {
      await broker.stop();
    }
  });

  void test('a caller-owned persistenceDir is kept after stop() and reused by a new broker', async () => {
    const persistenceDir = mkdtempSync(join(tmpdir(), 'steady-mqtt-persist-test-'));
    try {
      const first = await startBroker({ persistenceDir });
      try {
        const sub = await RawClient.open(first.port);
        assert.equal((await sub.connect311('owned-dir', false)).returnCode, 0);
        sub.close();
      } finally {
        await first.stop();
      }
      assert.ok(existsSync(join(persistenceDir, 'mosquitto.db')));
      const second = await startBroker({ persistenceDir });
      try {
        const back = await RawClient.open(second.port);
        assert.equal((await back.connect311('owned-dir', false)).sessionPresent, true);
        back.close();
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(persistenceDir, { recursive: true, force: true });
    }
  });

  void test('options reach the config: limits, extra lines, WebSocket listener on loopback', async () => {
    const broker = await startBroker({
      maxInflightMessages: 1000,
      maxQueuedMessages: 5000,
      config: 'max_keepalive 120',
      websockets: true,
    });
    try {
      const config = readFileSync(broker.configPath, 'utf8');
      assert.match(config, /^max_inflight_messages 1000$/m);
      assert.match(config, /^max_queued_messages 5000$/m);
      assert.match(config, /^max_keepalive 120$/m);
      assert.ok(broker.wsPort !== undefined && broker.wsPort !== broker.port);
      assert.equal(broker.wsUrl, `ws://127.0.0.1:${broker.wsPort}/mqtt`);
      assert.match(
        config,
        new RegExp(
          `^listener ${broker.wsPort} 127\\.0\\.0\\.1\\nprotocol websockets\\nsocket_domain ipv4$`,
          'm',
        ),
      );
      const ws = await RawClient.open(broker.wsPort);
      ws.close();
      const raw = await RawClient.open(broker.port);
      assert.equal((await raw.connect311('with-options')).returnCode, 0);
      raw.close();
    } finally {
      await broker.stop();
    }
  });

  void test('two brokers run side by side on different ports', async () => {
    const [a, b] = await Promise.all([startBroker(), startBroker()]);
    try {
      assert.notEqual(a.port, b.port);
      assert.notEqual(a.dir, b.dir);
      for (const broker of [a, b]) {
        const raw = await RawClient.open(broker.port);
        assert.equal((await raw.connect311('side-by-side')).returnCode, 0);
        raw.close();
      }
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  void test('a config Mosquitto rejects fails fast with its output in the error', async () => {
    const before = Date.now();
    await assert.rejects(startBroker({ config: 'no_such_option_steady 1' }), (err: unknown) => {
      assert.ok(err instanceof Error);
      assert.match(err.message, /before accepting connections/);
      assert.match(err.message, /no_such_option_steady/);
      return true;
    });
    assert.ok(Date.now() - before < 5_000);
  });

  void test('a port taken by another process is detected as a clash on restart()', async () => {
    const broker = await startBroker();
    try {
      await broker.kill();
      // Someone else takes the port while the broker is down.
      const { createServer } = await import('node:net');
      const squatter = createServer();
      await new Promise<void>((resolve) => squatter.listen(broker.port, '127.0.0.1', resolve));
      const restarting = broker.restart();
      await new Promise((r) => setTimeout(r, 400));
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
      await restarting; // retried until the port was free again
      const raw = await RawClient.open(broker.port);
      assert.equal((await raw.connect311('after-clash')).returnCode, 0);
      raw.close();
    } finally {
      await broker.stop();
    }
  });
});

void describe('no broker outlives the test process', { skip }, () => {
  const fixture = fileURLToPath(new URL('./fixtures/spawn-broker.ts', import.meta.url));

  function runFixture(mode: 'exit' | 'throw' | 'hang'): Promise<{
    info: { pid: number; port: number; dir: string };
    child: ReturnType<typeof spawn>;
    exited: Promise<void>;
  }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', fixture, mode], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      let out = '';
      let err = '';
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const line = out.split('\n')[0];
        if (out.includes('\n')) {
          try {
            resolve({ info: JSON.parse(line) as { pid: number; port: number; dir: string }, child, exited });
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        }
      });
      void exited.then(() => {
        if (!out.includes('\n')) reject(new Error(`fixture exited before printing: ${err}`));
      });
    });
  }

  for (const mode of ['exit', 'throw'] as const) {
    void test(`process ${mode === 'exit' ? 'exit' : 'crash (uncaught exception)'}: the exit hook kills the broker`, async () => {
      const { info, exited } = await runFixture(mode);
      await exited;
      assert.ok(await waitUntil(() => !processAlive(info.pid), 3_000), 'broker process gone');
      assert.equal(existsSync(info.dir), false, 'broker folder removed');
      assert.ok(await portRefuses(info.port));
    });
  }

  void test('SIGTERM of the test process: the signal hook kills the broker and the process still terminates', async () => {
    const { info, child, exited } = await runFixture('hang');
    child.kill('SIGTERM');
    await exited;
    assert.equal(child.signalCode, 'SIGTERM');
    assert.ok(await waitUntil(() => !processAlive(info.pid), 3_000), 'broker process gone');
    assert.equal(existsSync(info.dir), false);
  });

  void test('SIGKILL of the test process: the watchdog kills the broker within a few seconds', async () => {
    const { info, child, exited } = await runFixture('hang');
    child.kill('SIGKILL');
    await exited;
    assert.ok(await waitUntil(() => !processAlive(info.pid), 5_000), 'broker process gone');
    assert.ok(await waitUntil(() => !existsSync(info.dir), 2_000), 'broker folder removed');
    assert.ok(await portRefuses(info.port));
  });
});
