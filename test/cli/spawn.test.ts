/**
 * The `steady-mqtt` command as a process (`node --import tsx src/cli/main.ts ...`) against Mosquitto: its
 * `sub` output is compared byte for byte with mosquitto_sub's on the same messages, its `pub` is received by
 * mosquitto_sub, and its exit codes are checked. Every process is bounded and killed at the end.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  let dir: string;
  let subscribes = 0;
  before(async () => {
    broker = await startBroker();
    dir = mkdtempSync(join(tmpdir(), 'steady-cli-'));
  });
  after(async () => {
    for (const child of children) child.kill('SIGKILL');
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  void it('sub prints exactly what mosquitto_sub prints (default, -v, -F, -N)', async () => {
    const at = ['-h', broker.host, '-p', String(broker.port), '-t', 'cmp/#', '-q', '1', '-C', '6'];
    const modes = [[], ['-v'], ['-F', '%t|%p|%q|%r|%l|%x|%X'], ['-v', '-N']];
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

  void it('pub (-m, -l, -f, -n, -r) is received by mosquitto_sub', async () => {
    const theirs = run('mosquitto_sub', [
      '-h',
      broker.host,
      '-p',
      String(broker.port),
      '-t',
      'pub/#',
      '-v',
      '-C',
      '6',
    ]);
    await waitForSubscribes(broker, ++subscribes);
    const file = join(dir, 'payload.txt');
    writeFileSync(file, 'from a file');
    const at = ['-h', broker.host, '-p', String(broker.port)];
    const pubs = [
      cli('pub', ...at, '-t', 'pub/m', '-m', 'hello', '-q', '2'),
      cliWithStdin('one\ntwo\nthree\n', 'pub', ...at, '-t', 'pub/l', '-l', '-q', '1'),
      cli('pub', ...at, '-t', 'pub/f', '-f', file),
      cli('pub', '-L', `mqtt://${broker.host}:${broker.port}/pub/n`, '-n', '-r'),
    ];
    const codes = await Promise.all(pubs.map((p) => p.exit));
    assert.deepEqual(codes, [0, 0, 0, 0], pubs.map((p) => p.stderr()).join('\n'));
    assert.equal(await theirs.exit, 0);
    const lines = theirs.stdout().toString().trim().split('\n').sort();
    assert.deepEqual(lines, [
      'pub/f from a file',
      'pub/l one',
      'pub/l three',
      'pub/l two',
      'pub/m hello',
      'pub/n (null)',
    ]);
    // -l keeps the order of the lines
    const ordered = theirs
      .stdout()
      .toString()
      .split('\n')
      .filter((l) => l.startsWith('pub/l'));
    assert.deepEqual(ordered, ['pub/l one', 'pub/l two', 'pub/l three']);
  });

  void it('exit codes: 0 for --help, 1 for a bad flag, 2 when unreachable, 27 on -W', async () => {
    const [help, bad, unreachable, timeout] = [
      cli('sub', '--help'),
      cli('pub', '-t', 'x', '--bogus'),
      cli('pub', '-h', '127.0.0.1', '-p', '1', '-t', 'x', '-m', 'y'),
      cli('sub', '-h', broker.host, '-p', String(broker.port), '-t', 'nothing', '-W', '1'),
    ];
    assert.equal(await help.exit, 0);
    assert.match(help.stdout().toString(), /^Usage: steady-mqtt sub/);
    assert.equal(await bad.exit, 1);
    assert.match(bad.stderr(), /Error: unknown option '--bogus'/);
    assert.equal(await unreachable.exit, 2);
    assert.match(unreachable.stderr(), /Error: could not connect to 127\.0\.0\.1:1/);
    assert.equal(await timeout.exit, 27);
    assert.match(timeout.stderr(), /Error: Timed out/);
  });
});
