/**
 * Child processes of the fault tests: spawned with `node --import tsx`, watched (stdout lines, stderr, exit),
 * killed with SIGKILL on demand, and always killed when the test ends (`killAll`, registered with `t.after`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expiry } from './helpers.js';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

export interface Child {
  readonly process: ChildProcess;
  readonly pid: number | undefined;
  /** Lines printed on stdout so far. */
  readonly lines: string[];
  stderr(): string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  hasExited(): boolean;
  /** SIGKILL now; resolves once the process is gone. */
  kill(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export function spawnChild(script: string, args: readonly string[]): Child {
  // Under the secrets scan (test/support/scan-secrets.ts), the child's clients are scanned too.
  const scan = process.env.STEADY_SCAN_SECRETS_PRELOAD;
  const preload = scan === undefined ? [] : ['--import', scan];
  const proc = spawn(process.execPath, ['--import', 'tsx', ...preload, script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(proc);
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  let done = false;
  proc.stdout?.setEncoding('utf8');
  proc.stdout?.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  });
  proc.stderr?.setEncoding('utf8');
  proc.stderr?.on('data', (chunk: string) => {
    if (stderr.length < 100_000) stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.once('exit', (code, signal) => {
      done = true;
      live.delete(proc);
      resolve({ code, signal });
    });
    proc.once('error', () => {
      done = true;
      live.delete(proc);
      resolve({ code: null, signal: null });
    });
  });
  return {
    process: proc,
    pid: proc.pid,
    lines,
    stderr: () => stderr,
    exited,
    hasExited: () => done,
    kill: async () => {
      if (!done) proc.kill('SIGKILL');
      await Promise.race([exited, expiry(5_000)]);
    },
  };
}

/** Kills every child still running (for `t.after`). */
export async function killAll(children: readonly Child[]): Promise<void> {
  await Promise.all(children.map((child) => child.kill()));
}
