/**
 * The `steady-mqtt` command as a process (`node --import tsx src/cli/main.ts ...`) against Mosquitto: its
 * `sub` output is compared byte for byte with mosquitto_sub's on the same messages, its `pub` is received by
 * mosquitto_sub, and its exit codes are checked. Every process is bounded and killed at the end.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import * as publish from '../../src/simple/publish.js';
import { startBroker, type Broker } from '../support/mosquitto.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const LIMIT_MS = 25_000;
const children = new Set<ChildProcess>();

interface Run {
  stdout: () => Buffer;
  stderr: () => string;
  exit: Promise<number | null>;
}

function run(command: string, args: readonly string[], stdin?: string): Run {
  const child = spawn(command, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
  if (stdin !== undefined) child.stdin.end(stdin);
  else child.stdin.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), LIMIT_MS);
  const exit = new Promise<number | null>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      children.delete(child);
      resolve(code);
    });
  });
  return { stdout: () => Buffer.concat(out), stderr: () => Buffer.concat(err).toString(), exit };
}

const cli = (...args: string[]): Run =>
  run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args]);
const cliWithStdin = (stdin: string, ...args: string[]): Run =>
  run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], stdin);

async function waitForSubscribes(broker: Broker, count: number): Promise<void> {
  const deadline = Date.now() + LIMIT_MS;
  while ((broker.log().match(/Received SUBSCRIBE/g) ?? []).length < count) {
    if (Date.now() > deadline) throw new Error(`fewer than ${count} SUBSCRIBEs in the broker log`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

void describe('steady-mqtt as a process', () => {
  let broker: Broker;
  let subscribes = 0;
  before(async () => {
    broker = await startBroker();
  });
  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await broker.stop();
  });

  void it('sub prints exactly what mosquitto_sub prints (default, -v, -F)', async () => {
    const at = ['-h', broker.host, '-p', String(broker.port), '-t', 'cmp/#', '-q', '1', '-C', '6'];
    const modes = [[], ['-v'], ['-F', '%t|%p|%q|%r|%l|%x|%X']]; // -N: in args.test.ts
    const pairs = modes.map((mode) => ({
      mode,
      ours: cli('sub', ...at, ...mode),
      theirs: run('mosquitto_sub', [...at, ...mode]),
    }));
    subscribes += pairs.length * 2;
    await waitForSubscribes(broker, subscribes);
    await publish.multiple(
      [
        ['cmp/a', 'hello', 1],
        ['cmp/empty', '', 1],
        ['cmp/bin', new Uint8Array([0, 1, 2, 255]), 1],
        ['cmp/lines', 'line1\nline2', 1],
        ['cmp/utf8', 'ünïcødé', 1],
        ['cmp/z', 'last', 1],
      ],
      { hostname: broker.host, port: broker.port, timeoutMs: LIMIT_MS },
    );
    for (const { mode, ours, theirs } of pairs) {
      const [ourCode, theirCode] = await Promise.all([ours.exit, theirs.exit]);
      assert.equal(ourCode, 0, `steady-mqtt sub ${mode.join(' ')}: ${ours.stderr()}`);
      assert.equal(theirCode, 0);
      assert.deepEqual(
        ours.stdout(),
        theirs.stdout(),
        `output differs for ${mode.join(' ') || 'the default'}`,
      );
      assert.ok(ours.stdout().length > 0);
    }
  });

  void it('pub (-l, -L, -n, -r) is received by mosquitto_sub', async () => {
    const at = ['-h', broker.host, '-p', String(broker.port)];
    const theirs = run('mosquitto_sub', [...at, '-t', 'pub/#', '-v', '-C', '4']);
    await waitForSubscribes(broker, ++subscribes);
    const pubs = [
      cliWithStdin('one\ntwo\nthree\n', 'pub', ...at, '-t', 'pub/l', '-l', '-q', '1'),
      cli('pub', '-L', `mqtt://${broker.host}:${broker.port}/pub/n`, '-n', '-r', '-q', '2'),
    ];
    const codes = await Promise.all(pubs.map((p) => p.exit));
    assert.deepEqual(codes, [0, 0], pubs.map((p) => p.stderr()).join('\n'));
    assert.equal(await theirs.exit, 0);
    const lines = theirs.stdout().toString().trim().split('\n');
    assert.deepEqual([...lines].sort(), ['pub/l one', 'pub/l three', 'pub/l two', 'pub/n (null)']);
    // -l keeps the order of the lines
    assert.deepEqual(
      lines.filter((l) => l.startsWith('pub/l')),
      ['pub/l one', 'pub/l two', 'pub/l three'],
    );
  });

  void it('the process exit code: 2 when unreachable, 27 on -W (the others: commands.test.ts)', async () => {
    const [unreachable, timeout] = [
      cli('pub', '-h', '127.0.0.1', '-p', '1', '-t', 'x', '-m', 'y'),
      cli('sub', '-h', broker.host, '-p', String(broker.port), '-t', 'nothing', '-W', '1'),
    ];
    assert.equal(await unreachable.exit, 2);
    assert.match(unreachable.stderr(), /Error: could not connect to 127\.0\.0\.1:1/);
    assert.equal(await timeout.exit, 27);
    assert.match(timeout.stderr(), /Error: Timed out/);
  });
});
