/**
 * `steady-mqtt pub` / `sub` run in-process through `main()` (fast, no process start-up), against Mosquitto
 * and the fake broker: -E, --retained-only, -R, -T, -U, -D with --json, a refused connection, --persist.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { PacketType } from '../../src/index.js';
import { main } from '../../src/cli/run.js';
import type { CommandIO } from '../../src/cli/pub.js';
import * as publish from '../../src/simple/publish.js';
import { FakeBroker } from '../support/fake-broker.js';
import { startBroker, type Broker } from '../support/mosquitto.js';

interface Captured {
  io: CommandIO;
  stdout: () => string;
  stderr: () => string;
}

function capture(stdin = ''): Captured {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const sink = (into: Buffer[]): Writable =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        into.push(Buffer.from(chunk));
        done();
      },
    });
  return {
    io: { stdin: Readable.from([stdin]), stdout: sink(out), stderr: sink(err) },
    stdout: () => Buffer.concat(out).toString(),
    stderr: () => Buffer.concat(err).toString(),
  };
}

async function waitForSubscribes(broker: Broker, count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((broker.log().match(/Received SUBSCRIBE/g) ?? []).length < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} SUBSCRIBEs in the broker log`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

void describe('steady-mqtt commands in-process', () => {
  let broker: Broker;
  let dir: string;
  let subscribes = 0;
  let at: string[];
  const send = (messages: publish.MessageTuple[]) =>
    publish.multiple(messages, { hostname: broker.host, port: broker.port, timeoutMs: 10_000 });
  before(async () => {
    broker = await startBroker({ websockets: true });
    at = ['-h', broker.host, '-p', String(broker.port), '-W', '10'];
    dir = mkdtempSync(join(tmpdir(), 'steady-cli-'));
  });
  after(async () => {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  void it('-E exits once subscribed; -U unsubscribes', async () => {
    const c = capture();
    assert.equal(await main(['sub', ...at, '-t', 'e/x', '-U', 'old/#', '-E'], c.io), 0, c.stderr());
    subscribes++;
    const deadline = Date.now() + 5_000;
    while (!/Received UNSUBSCRIBE/.test(broker.log()) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.match(broker.log(), /Received UNSUBSCRIBE/);
  });

  void it('--retained-only prints retained messages and stops at the first live one; -R skips them', async () => {
    await send([
      ['r/1', 'kept-1', 1, true],
      ['r/2', 'kept-2', 1, true],
    ]);
    const only = capture();
    const skip = capture();
    const retainedOnly = main(['sub', ...at, '-t', 'r/#', '--retained-only', '-v'], only.io);
    const noRetained = main(['sub', ...at, '-t', 'r/#', '-R', '-v', '-C', '1'], skip.io);
    await waitForSubscribes(broker, (subscribes += 2));
    await send([['r/live', 'live', 1]]);
    assert.equal(await retainedOnly, 0, only.stderr());
    assert.equal(await noRetained, 0, skip.stderr());
    assert.deepEqual(only.stdout().trim().split('\n').sort(), ['r/1 kept-1', 'r/2 kept-2']);
    assert.equal(skip.stdout(), 'r/live live\n');
    await send([
      ['r/1', '', 1, true],
      ['r/2', '', 1, true],
    ]);
  });

  void it('-T filters topics out (and they do not count for -C)', async () => {
    const c = capture();
    const done = main(['sub', ...at, '-t', 't/#', '-T', 't/noise/#', '-C', '2'], c.io);
    await waitForSubscribes(broker, ++subscribes);
    await send([
      ['t/noise/a', 'n1', 1],
      ['t/a', 'one', 1],
      ['t/noise/b', 'n2', 1],
      ['t/b', 'two', 1],
    ]);
    assert.equal(await done, 0, c.stderr());
    assert.equal(c.stdout(), 'one\ntwo\n');
  });

  void it('MQTT 5: pub -D properties arrive, sub --json shows them', async () => {
    const c = capture();
    const done = main(['sub', ...at, '-V', 'mqttv5', '-t', 'j/#', '-q', '1', '--json', '-C', '1'], c.io);
    await waitForSubscribes(broker, ++subscribes);
    const p = capture();
    const code = await main(
      [
        'pub',
        ...at,
        '-V',
        '5',
        '-t',
        'j/x',
        '-m',
        '{"a":1}',
        '-q',
        '1',
        '-D',
        'publish',
        'content-type',
        'application/json',
        '-D',
        'publish',
        'user-property',
        'k',
        'v',
        '-D',
        'connect',
        'session-expiry-interval',
        '0',
      ],
      p.io,
    );
    assert.equal(code, 0, p.stderr());
    assert.equal(await done, 0, c.stderr());
    assert.deepEqual(JSON.parse(c.stdout()), {
      topic: 'j/x',
      payload: '{"a":1}',
      qos: 1,
      retain: false,
      properties: { contentType: 'application/json', userProperties: [['k', 'v']] },
    });
  });

  void it('pub -m, -f, --repeat and --help', async () => {
    const file = join(dir, 'payload.txt');
    writeFileSync(file, 'from a file');
    const c = capture();
    const done = main(['sub', ...at, '-t', 'm/#', '-v', '-C', '4'], c.io);
    await waitForSubscribes(broker, ++subscribes);
    const p1 = capture();
    assert.equal(await main(['pub', ...at, '-t', 'm/m', '-m', 'hello', '-q', '2'], p1.io), 0, p1.stderr());
    const p2 = capture();
    assert.equal(await main(['pub', ...at, '-t', 'm/f', '-f', file, '--repeat', '2'], p2.io), 0, p2.stderr());
    const p3 = capture();
    assert.equal(
      await main(['pub', ...at, '-t', 'm/s', '-s'], { ...p3.io, stdin: Readable.from(['all ', 'of stdin']) }),
      0,
    );
    assert.equal(await done, 0, c.stderr());
    assert.equal(c.stdout(), 'm/m hello\nm/f from a file\nm/f from a file\nm/s all of stdin\n');
    const missing = capture();
    assert.equal(await main(['pub', ...at, '-t', 'm/x', '-f', join(dir, 'nope')], missing.io), 6);
    const help = capture();
    assert.equal(await main(['pub', '--help'], help.io), 0);
    assert.match(help.stdout(), /^Usage: steady-mqtt pub/);
  });

  void it('-L ws:// URLs: sub and pub over a WebSocket', async () => {
    const url = `ws://${broker.host}:${String(broker.wsPort)}/ws/topic`;
    const c = capture();
    const done = main(['sub', '-L', url, '-v', '-C', '1', '-W', '10'], c.io);
    await waitForSubscribes(broker, ++subscribes);
    const p = capture();
    assert.equal(await main(['pub', '-L', url, '-m', 'over ws', '-q', '1', '-W', '10'], p.io), 0, p.stderr());
    assert.equal(await done, 0, c.stderr());
    assert.equal(c.stdout(), 'ws/topic over ws\n');
  });

  void it('--persist keeps the session in an SQLite file', async () => {
    const file = join(dir, 'session.db');
    const c = capture();
    const code = await main(
      ['pub', ...at, '-i', 'persisting-pub', '-t', 'p/x', '-m', 'durable', '-q', '1', '--persist', file],
      c.io,
    );
    assert.equal(code, 0, c.stderr());
    assert.ok(existsSync(file));
  });

  void it('a usage error prints the reason and a pointer to --help, exit 1; --quiet prints nothing', async () => {
    const c = capture();
    assert.equal(await main(['sub', '-q', '7', '-t', 'x'], c.io), 1);
    assert.match(
      c.stderr(),
      /^Error: -q must be an integer from 0 to 2, got '7'\nUse 'steady-mqtt sub --help'/,
    );
    const quiet = capture();
    assert.equal(await main(['pub', '-t', 'x', '--quiet'], quiet.io), 1);
    assert.equal(quiet.stderr(), '');
    const none = capture();
    assert.equal(await main([], none.io), 1);
    assert.match(none.stdout(), /Commands:/);
  });
});

void describe('steady-mqtt against the fake broker', () => {
  let fake: FakeBroker;
  before(async () => {
    fake = await FakeBroker.start();
  });
  after(async () => {
    await fake.close();
  });

  void it('a refused connection prints the broker reason, exit 3', async () => {
    const c = capture();
    const done = main(['pub', '-h', fake.host, '-p', String(fake.port), '-t', 'x', '-m', 'y'], c.io);
    const connection = await fake.nextConnection();
    await connection.accept({ reasonCode: 4 });
    assert.equal(await done, 3);
    assert.match(c.stderr(), /Error: the broker refused the connection: Bad User Name or Password/);
  });

  void it('a refused subscription, exit 5; a lost connection, exit 4', async () => {
    const refused = capture();
    const sub = main(['sub', '-h', fake.host, '-p', String(fake.port), '-t', 'x'], refused.io);
    const first = await fake.nextConnection();
    await first.accept();
    const packet = await first.expect(PacketType.SUBSCRIBE);
    first.send({ type: PacketType.SUBACK, packetId: packet.packetId, reasonCodes: [0x80] });
    assert.equal(await sub, 5);
    assert.match(refused.stderr(), /refused the subscription/);

    const lost = capture();
    const sub2 = main(['sub', '-h', fake.host, '-p', String(fake.port), '-t', 'x'], lost.io);
    const second = await fake.nextConnection();
    await second.accept();
    await second.expect(PacketType.SUBSCRIBE);
    second.destroy();
    assert.equal(await sub2, 4);
    assert.match(lost.stderr(), /connection was lost/);
  });
});
