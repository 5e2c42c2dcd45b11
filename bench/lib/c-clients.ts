/**
 * Mosquitto's C clients as a peer: `mosquitto_sub -C count` as the subscriber (the harness counts the payload
 * lines it prints) and `mosquitto_pub -l` as the publisher (the harness writes one payload per line on its
 * stdin once it is connected; `-M window` is its in-flight limit). Each runs under `/usr/bin/time`, which gives
 * its CPU time and peak RSS (the whole process life; 10 ms resolution).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  epochMs,
  type PubResult,
  type PubTask,
  type SubResult,
  type SubTask,
  type Usage,
} from '../protocol.js';
import type { Broker } from '../../test/support/mosquitto.js';
import { escapeRegExp, waitForLog } from './broker.js';
import { spawnTracked, type Spawned } from './processes.js';

const TIME = '/usr/bin/time';

function timed(program: string, args: string[], usageFile: string): Spawned {
  return spawnTracked(TIME, ['-f', '%U %S %M', '-o', usageFile, program, ...args]);
}

function readUsage(usageFile: string): Usage {
  const text = readFileSync(usageFile, 'utf8').trim().split('\n').pop() ?? '';
  const [user, system, rss] = text.split(' ').map(Number);
  return { cpuUs: (user + system) * 1e6, maxRssKb: rss, processCpuUs: (user + system) * 1e6 };
}

export interface CSub {
  readonly ready: Promise<void>;
  /** Resolves when `count` lines arrived, or `idleMs` after `finish()` with no new line. */
  readonly result: Promise<SubResult>;
  finish(idleMs: number): void;
}

export function startCSub(task: SubTask, broker: Broker, timeoutMs: number): CSub {
  const dir = mkdtempSync(join(tmpdir(), 'bench-csub-'));
  const usageFile = join(dir, 'usage');
  const args = ['-h', task.host, '-p', String(task.port), '-i', task.clientId];
  args.push('-t', task.topic, '-q', String(task.qos), '-C', String(task.count));
  const sub = timed('mosquitto_sub', args, usageFile);
  let received = 0;
  let bytes = 0;
  let firstAt = 0;
  let lastAt = 0;
  sub.child.stdout?.on('data', (chunk: Buffer) => {
    const now = epochMs();
    if (firstAt === 0) firstAt = now;
    lastAt = now;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) received++;
    bytes += chunk.length;
  });
  const ready = waitForLog(
    broker,
    new RegExp(`${escapeRegExp(task.clientId)} ${task.qos} ${escapeRegExp(task.topic)}`),
    timeoutMs,
  );
  let idleTimer: NodeJS.Timeout | undefined;
  const result = (async (): Promise<SubResult> => {
    try {
      const code = await sub.exited;
      if (idleTimer !== undefined) clearInterval(idleTimer);
      if (code !== 0 && received < task.count && code !== 'SIGINT' && code !== 130) {
        throw new Error(`mosquitto_sub exited (${code}): ${sub.stderr().trim()}`);
      }
      const usage = readUsage(usageFile);
      return { role: 'sub', received, bytes: bytes - received, firstAt, lastAt, ...usage };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  })();
  result.catch(() => undefined);
  return {
    ready,
    result,
    finish: (idleMs) => {
      let last = received;
      let idleSince = Date.now();
      idleTimer = setInterval(() => {
        if (received !== last) {
          last = received;
          idleSince = Date.now();
        } else if (Date.now() - idleSince >= idleMs) {
          clearInterval(idleTimer);
          // GNU time ignores SIGINT while it waits: only mosquitto_sub stops, and time still writes the usage.
          sub.signal('SIGINT');
        }
      }, 100);
    },
  };
}

export async function runCPub(task: PubTask, broker: Broker, timeoutMs: number): Promise<PubResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-cpub-'));
  const usageFile = join(dir, 'usage');
  try {
    const lines = Buffer.alloc(task.count * (task.payloadBytes + 1), 0x61);
    for (let i = task.payloadBytes; i < lines.length; i += task.payloadBytes + 1) lines[i] = 10;
    const args = ['-h', task.host, '-p', String(task.port), '-i', task.clientId, '-t', task.topic];
    args.push('-q', String(task.qos), '-l');
    // A burst keeps mosquitto_pub's default in-flight limit (20), like every other peer's library default.
    if (!task.burst) args.push('-M', String(task.window === 0 ? 65535 : task.window));
    const pub = timed('mosquitto_pub', args, usageFile);
    await waitForLog(broker, new RegExp(`as ${escapeRegExp(task.clientId)} `), timeoutMs);
    const firstAt = epochMs();
    pub.child.stdin?.end(lines);
    const code = await pub.exited;
    const doneAt = epochMs();
    if (code !== 0) throw new Error(`mosquitto_pub exited (${code}): ${pub.stderr().trim()}`);
    return { role: 'pub', sent: task.count, firstAt, doneAt, ...readUsage(usageFile) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
