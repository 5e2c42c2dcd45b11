/**
 * Child processes of a run. Each is spawned in its own process group (so a wrapper such as /usr/bin/time and
 * the program under it go together), registered until it exits, and killed with SIGKILL by `killAll()` and by
 * a process 'exit' hook: no child outlives the harness.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

const live = new Set<ChildProcess>();
let hooked = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      /* already gone */
    }
  }
}

/** Waits up to `timeoutMs` for every child to exit by itself (e.g. writing its --cpu-prof profile). */
export async function awaitExits(timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (live.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
}

export function killAll(): void {
  for (const child of live) killGroup(child, 'SIGKILL');
  live.clear();
}

function hook(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', killAll);
  // Interrupted (Ctrl-C): kill the children first, then exit ('exit' hooks, e.g. the broker's, still run).
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const) {
    process.on(signal, () => {
      killAll();
      process.exit(code);
    });
  }
}

export interface Spawned {
  child: ChildProcess;
  /** Resolves with the exit code (or the signal's name) when the process has exited. */
  exited: Promise<number | string>;
  /** The last few KiB of its stderr. */
  stderr(): string;
  /** Sends `signal` to its whole process group. */
  signal(signal: NodeJS.Signals): void;
}

export function spawnTracked(command: string, args: readonly string[], options: SpawnOptions = {}): Spawned {
  hook();
  const child = spawn(command, args, { ...options, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  live.add(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4096);
  });
  child.stdin?.on('error', () => {
    /* the child exited before reading: nothing to do */
  });
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', (error) => {
      live.delete(child);
      stderr += `\n${error.message}`;
      resolve('spawn error');
    });
  });
  return { child, exited, stderr: () => stderr, signal: (s) => killGroup(child, s) };
}
