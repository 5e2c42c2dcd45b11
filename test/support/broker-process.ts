/**
 * A broker (or Redis) that runs as a tree of processes started by one shell script: RabbitMQ, ejabberd, Redis and
 * the Aedes broker program. The harness modules beside this file write the config into a fresh temporary folder,
 * pick free loopback ports and hand the script here.
 *
 * The script runs in a process group of its own (`detached`), whose id is the pid of the shell: every process the
 * broker starts (Erlang's beam, its `erl_child_setup`, the `epmd` the script starts on a port of its own) stays in
 * that group, so `stop()` and `kill()` signal the group by that pid and nothing else. Nothing is looked up by name.
 *
 * No broker outlives the test process: `stop()` sends SIGTERM to the group and SIGKILL after a bounded wait; a
 * process 'exit' hook SIGKILLs every group still running; a small watchdog shell SIGKILLs the group if the test
 * process itself is SIGKILLed. Readiness is polled on the broker's port, bounded in time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { LOOPBACK } from './ports.js';

export interface ProcessBrokerSpec {
  /** For messages: 'rabbitmq', 'ejabberd', ... */
  name: string;
  /** The broker's temporary folder; removed by `stop()`. */
  dir: string;
  /** A bash script that starts the broker in the foreground (it may `exec` it). */
  script: string;
  /** The port whose accepting connections means "ready". */
  readyPort: number;
  /** Where the script's stdout and stderr go (inside `dir`). */
  outputPath: string;
  /** Bounded wait for `readyPort`, default 60 000 ms (RabbitMQ needs about 11 s on an idle machine). */
  readyTimeoutMs?: number;
  /** Environment added to the script's. */
  env?: Record<string, string>;
  /** Keep `dir` after stop (the caller removes it). */
  keepDir?: boolean;
}

const STOP_GRACE_MS = 15_000;
const POLL_MS = 100;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function canConnect(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: LOOPBACK, port });
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function readSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** True while any process of group `pgid` exists. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    /* the group is gone */
  }
}

const live = new Set<ProcessBroker>();
let hooksInstalled = false;

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const broker of live) broker.destroySync();
  });
}

/** SIGKILLs the group `pgid` once the test process is gone (it was SIGKILLed); exits when the group has. */
function spawnWatchdog(pgid: number): void {
  const script =
    'while kill -0 "$1" 2>/dev/null && kill -0 -- "-$2" 2>/dev/null; do sleep 1; done; ' +
    'kill -9 -- "-$2" 2>/dev/null; exit 0';
  try {
    const watchdog = spawn(
      'sh',
      ['-c', script, 'steady-mqtt-broker-watchdog', String(process.pid), String(pgid)],
      {
        detached: true,
        stdio: 'ignore',
      },
    );
    watchdog.on('error', () => undefined);
    watchdog.unref();
  } catch {
    /* best effort: the exit hook still covers ordinary exits */
  }
}

export class ProcessBroker {
  readonly spec: ProcessBrokerSpec;
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  #removed = false;

  constructor(spec: ProcessBrokerSpec) {
    this.spec = spec;
  }

  /** The process group id (the shell's pid) while running. */
  get pgid(): number | undefined {
    const pid = this.#child?.pid;
    return pid !== undefined && groupAlive(pid) ? pid : undefined;
  }

  get running(): boolean {
    return this.pgid !== undefined;
  }

  output(): string {
    return readSafe(this.spec.outputPath);
  }

  /** Starts the script and resolves once `readyPort` accepts connections (bounded). */
  async start(): Promise<void> {
    installHooks();
    const fd = openSync(this.spec.outputPath, 'a');
    let child: ChildProcess;
    try {
      child = spawn('bash', ['-c', this.spec.script], {
        cwd: this.spec.dir,
        detached: true,
        stdio: ['ignore', fd, fd],
        env: { ...process.env, ...this.spec.env },
      });
    } finally {
      closeSync(fd);
    }
    let exitInfo: string | undefined;
    this.#exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        exitInfo = signal !== null ? `killed by ${signal}` : `exited with code ${String(code)}`;
        resolve();
      });
      child.once('error', (err) => {
        exitInfo = `could not start: ${err.message}`;
        resolve();
      });
    });
    child.unref();
    this.#child = child;
    live.add(this);
    if (child.pid !== undefined) spawnWatchdog(child.pid);
    const timeoutMs = this.spec.readyTimeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (exitInfo !== undefined) {
        await this.#killGroup();
        throw new Error(
          `${this.spec.name} ${exitInfo} before accepting connections on port ${this.spec.readyPort}.\n` +
            `output:\n${this.output().slice(-4000)}`,
        );
      }
      if (await canConnect(this.spec.readyPort, 500)) return;
      if (Date.now() > deadline) {
        await this.#killGroup();
        throw new Error(
          `${this.spec.name} did not accept connections on port ${this.spec.readyPort} within ${timeoutMs} ms.\n` +
            `output:\n${this.output().slice(-4000)}`,
        );
      }
      await sleep(POLL_MS);
    }
  }

  async #waitGroupGone(ms: number): Promise<boolean> {
    const pid = this.#child?.pid;
    if (pid === undefined) return true;
    const deadline = Date.now() + ms;
    while (groupAlive(pid)) {
      if (Date.now() > deadline) return false;
      await sleep(POLL_MS);
    }
    return true;
  }

  async #killGroup(): Promise<void> {
    const pid = this.#child?.pid;
    if (pid === undefined) return;
    signalGroup(pid, 'SIGKILL');
    await this.#exited;
    await this.#waitGroupGone(STOP_GRACE_MS);
  }

  /** SIGKILL the whole group, as in a crash. The folder stays (`start()` may follow, then `stop()`). */
  async kill(): Promise<void> {
    await this.#killGroup();
  }

  /** SIGTERM to the group, SIGKILL after a bounded wait; then the folder is removed. Idempotent. */
  async stop(): Promise<void> {
    const pid = this.#child?.pid;
    if (pid !== undefined && groupAlive(pid)) {
      signalGroup(pid, 'SIGTERM');
      if (!(await this.#waitGroupGone(STOP_GRACE_MS))) await this.#killGroup();
    }
    live.delete(this);
    this.#removeDir();
  }

  /** Synchronous last resort (process exit): SIGKILL the group and remove the folder. */
  destroySync(): void {
    const pid = this.#child?.pid;
    if (pid !== undefined) signalGroup(pid, 'SIGKILL');
    live.delete(this);
    this.#removeDir();
  }

  #removeDir(): void {
    if (this.#removed || this.spec.keepDir === true) return;
    this.#removed = true;
    try {
      rmSync(this.spec.dir, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  }
}

/** A broker the catalogue tests connect to, whatever program it is. */
export interface TestBroker {
  readonly name: string;
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly url: string;
  /** The broker's process group id while running (see `ProcessBroker`). */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** SIGKILL, as in a crash. */
  kill(): Promise<void>;
  /** Stop (SIGTERM, then SIGKILL after a bounded wait) and remove the folder. Idempotent. */
  stop(): Promise<void>;
  /** What the broker printed (its log, as far as it has one). */
  log(): string;
}

/** The `TestBroker` view of a started `ProcessBroker` serving MQTT on `port`; `log` defaults to its output. */
export function testBroker(broker: ProcessBroker, port: number, log?: () => string): TestBroker {
  return {
    name: broker.spec.name,
    host: LOOPBACK,
    port,
    url: `mqtt://${LOOPBACK}:${port}`,
    get pid() {
      return broker.pgid;
    },
    get running() {
      return broker.running;
    },
    kill: () => broker.kill(),
    stop: () => broker.stop(),
    log: log ?? (() => broker.output()),
  };
}
