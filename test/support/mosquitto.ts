/**
 * A private Mosquitto broker for integration tests.
 *
 * `startBroker()` writes a config into a fresh temporary folder, starts `mosquitto` on a free 127.0.0.1 port and
 * resolves once the broker accepts TCP connections. It never uses, stops or reconfigures a system broker: every
 * broker it starts listens on loopback only, on a port picked for it, with its own config, log and persistence
 * folder.
 *
 * No broker outlives the test process: `stop()` stops it (SIGTERM, then SIGKILL after a bounded wait) and removes
 * its folder; a process 'exit' hook (and SIGINT/SIGTERM/SIGHUP) kills any broker still running; and a tiny
 * watchdog shell process kills the broker if the test process itself is SIGKILLed.
 *
 *     const broker = await startBroker();
 *     try { ... connect to broker.host, broker.port ... } finally { await broker.stop(); }
 */
import { spawn, type ChildProcess } from 'node:child_process';
import {
  accessSync,
  constants,
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve as resolvePath } from 'node:path';
import { getFreePorts, LOOPBACK } from './ports.js';

export interface BrokerOptions {
  /** Turn Mosquitto persistence on (default false; true when `persistenceDir` is given). */
  persistence?: boolean;
  /**
   * Where the persistence file lives. Defaults to `<dir>/persistence/`. A folder given here belongs to the caller:
   * it is created if missing and never removed, so a later broker can start from the same file.
   */
  persistenceDir?: string;
  /**
   * Extra config lines, appended after the MQTT listener: global options apply globally, listener options apply
   * to the MQTT listener, and further `listener` blocks may follow.
   */
  config?: string;
  /** `max_inflight_messages` (Mosquitto's default is 20). */
  maxInflightMessages?: number;
  /** `max_queued_messages` (Mosquitto's default is 1000). */
  maxQueuedMessages?: number;
  /** Also open a WebSocket listener on 127.0.0.1 (`broker.wsPort`, `broker.wsUrl`). */
  websockets?: boolean;
  /** Leave out `log_type all` (packet-level logging), e.g. for throughput runs. Default false. */
  quietLog?: boolean;
  /** How long to wait for the broker to accept connections, per attempt. Default 10 000 ms. */
  startTimeoutMs?: number;
}

export interface Broker {
  readonly host: '127.0.0.1';
  /** The MQTT-over-TCP port; the same for the broker's whole life, restarts included. */
  readonly port: number;
  /** `mqtt://127.0.0.1:<port>` */
  readonly url: string;
  /** The WebSocket port when started with `websockets: true`. */
  readonly wsPort: number | undefined;
  /** `ws://127.0.0.1:<wsPort>/mqtt` when started with `websockets: true`. */
  readonly wsUrl: string | undefined;
  /** The broker's own temporary folder (config, log, default persistence); removed by `stop()`. */
  readonly dir: string;
  readonly configPath: string;
  readonly logPath: string;
  /** The folder holding the persistence file, when persistence is on. */
  readonly persistenceDir: string | undefined;
  /** The process id of the running broker, undefined while it is not running. */
  readonly pid: number | undefined;
  readonly running: boolean;
  /** Stop the broker (SIGTERM, SIGKILL after a bounded wait) and remove its folder. Idempotent. */
  stop(): Promise<void>;
  /**
   * Stop the broker gracefully (so it saves its persistence file) if it is running, and start it again on the
   * same port with the same config and persistence folder. Also the way to start it again after `kill()`.
   */
  restart(): Promise<void>;
  /** SIGKILL the broker, as in a crash: nothing is saved. The folder stays, so `restart()` may follow. */
  kill(): Promise<void>;
  /** The broker's log so far (every run of this broker, restarts included). */
  log(): string;
}

/** Thrown when no `mosquitto` executable is found; the message says how to install it. */
export class MosquittoNotFoundError extends Error {
  constructor(searched: readonly string[]) {
    super(
      [
        'Mosquitto is not installed: no `mosquitto` executable was found on PATH or in ' +
          searched.join(', ') +
          '.',
        'The integration tests start their own Mosquitto broker on a free 127.0.0.1 port. Install it with:',
        '  Debian/Ubuntu: apt-get install -y mosquitto   (with sudo when not root)',
        '  macOS:         brew install mosquitto',
        'A system service the package may enable is never used or stopped by the tests.',
      ].join('\n'),
    );
    this.name = 'MosquittoNotFoundError';
  }
}

const FALLBACK_LOCATIONS = [
  '/usr/sbin/mosquitto',
  '/usr/local/sbin/mosquitto',
  '/opt/homebrew/sbin/mosquitto',
];
const MAX_PORT_ATTEMPTS = 5;
const RESTART_CLASH_ATTEMPTS = 15;
const RESTART_CLASH_DELAY_MS = 200;
const STOP_GRACE_MS = 5_000;
const POLL_MS = 20;

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/**
 * The path of the `mosquitto` executable: the first on PATH, else a usual sbin location (Debian installs it in
 * /usr/sbin, which is not on every user's PATH). Throws `MosquittoNotFoundError` when there is none.
 */
export function findMosquitto(options: { pathEnv?: string; fallbacks?: readonly string[] } = {}): string {
  const pathEnv = options.pathEnv ?? process.env.PATH ?? '';
  const fallbacks = options.fallbacks ?? FALLBACK_LOCATIONS;
  for (const folder of pathEnv.split(delimiter)) {
    if (folder === '') continue;
    const candidate = join(folder, 'mosquitto');
    if (isExecutable(candidate)) return candidate;
  }
  for (const candidate of fallbacks) {
    if (isExecutable(candidate)) return candidate;
  }
  throw new MosquittoNotFoundError(['PATH', ...fallbacks].filter((s) => s !== ''));
}

/** True when a `mosquitto` executable is available (for `test(..., { skip: !hasMosquitto() })`). */
export function hasMosquitto(): boolean {
  try {
    findMosquitto();
    return true;
  } catch {
    return false;
  }
}

// ---- process-wide cleanup -------------------------------------------------------------------------------

const live = new Set<MosquittoBroker>();
let hooksInstalled = false;

function cleanupAllSync(): void {
  for (const broker of live) broker.destroySync();
  live.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', cleanupAllSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      cleanupAllSync();
      // When nobody else handles the signal, restore its default effect (terminate) and raise it again.
      if (process.listenerCount(signal) === 1) {
        process.off(signal, onSignal);
        process.kill(process.pid, signal);
      }
    };
    process.on(signal, onSignal);
  }
}

/**
 * A detached `sh` that polls every second: when the test process is gone but the broker is not (the test
 * process was SIGKILLed), it SIGKILLs the broker and removes its folder. It exits by itself once the broker has.
 */
function spawnWatchdog(brokerPid: number, dir: string): void {
  const script =
    'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 1; done; ' +
    'if kill -0 "$2" 2>/dev/null; then kill -9 "$2" 2>/dev/null; rm -rf "$3"; fi';
  try {
    const watchdog = spawn(
      'sh',
      ['-c', script, 'steady-mqtt-broker-watchdog', String(process.pid), String(brokerPid), dir],
      {
        detached: true,
        stdio: 'ignore',
      },
    );
    watchdog.on('error', () => {
      /* no sh: the exit hook still covers ordinary exits */
    });
    watchdog.unref();
  } catch {
    /* best effort */
  }
}

// ---- the broker -----------------------------------------------------------------------------------------

interface Run {
  child: ChildProcess;
  exited: Promise<void>;
  hasExited: () => boolean;
  exitDescription: () => string;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function canConnect(port: number, timeoutMs: number): Promise<boolean> {
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

function readSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

class PortClashError extends Error {}

class MosquittoBroker implements Broker {
  readonly host = LOOPBACK;
  readonly dir: string;
  readonly configPath: string;
  readonly logPath: string;
  readonly persistenceDir: string | undefined;
  private readonly stderrPath: string;
  private readonly executable: string;
  private readonly options: BrokerOptions;
  private ports: { mqtt: number; ws: number | undefined } = { mqtt: 0, ws: undefined };
  private run: Run | undefined;
  private stopped = false;
  /** Serialises stop/restart/kill so overlapping calls do not interleave. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(executable: string, options: BrokerOptions) {
    this.executable = executable;
    this.options = options;
    this.dir = mkdtempSync(join(tmpdir(), 'steady-mqtt-broker-'));
    this.configPath = join(this.dir, 'mosquitto.conf');
    this.logPath = join(this.dir, 'mosquitto.log');
    this.stderrPath = join(this.dir, 'mosquitto.stderr');
    const persistence = options.persistence ?? options.persistenceDir !== undefined;
    if (persistence) {
      this.persistenceDir = resolvePath(options.persistenceDir ?? join(this.dir, 'persistence'));
      mkdirSync(this.persistenceDir, { recursive: true });
    }
  }

  get port(): number {
    return this.ports.mqtt;
  }
  get url(): string {
    return `mqtt://${LOOPBACK}:${this.ports.mqtt}`;
  }
  get wsPort(): number | undefined {
    return this.ports.ws;
  }
  get wsUrl(): string | undefined {
    return this.ports.ws === undefined ? undefined : `ws://${LOOPBACK}:${this.ports.ws}/mqtt`;
  }
  get pid(): number | undefined {
    return this.running ? this.run?.child.pid : undefined;
  }
  get running(): boolean {
    return this.run !== undefined && !this.run.hasExited();
  }

  log(): string {
    return readSafe(this.logPath);
  }

  private configText(): string {
    const o = this.options;
    const lines = [
      '# written by steady-mqtt test/support/mosquitto.ts',
      'per_listener_settings false',
      'allow_anonymous true',
    ];
    if (this.persistenceDir !== undefined) {
      lines.push(
        'persistence true',
        `persistence_location ${this.persistenceDir}/`,
        'persistence_file mosquitto.db',
      );
    } else {
      lines.push('persistence false');
    }
    lines.push(`log_dest file ${this.logPath}`);
    if (o.quietLog !== true) lines.push('log_type all');
    lines.push('connection_messages true');
    if (process.getuid?.() === 0) lines.push('user root');
    lines.push('sys_interval 1');
    if (o.maxInflightMessages !== undefined) lines.push(`max_inflight_messages ${o.maxInflightMessages}`);
    if (o.maxQueuedMessages !== undefined) lines.push(`max_queued_messages ${o.maxQueuedMessages}`);
    if (this.ports.ws !== undefined) {
      // socket_domain ipv4: without it Mosquitto 2.0.11 ignores the bind address of a WebSocket listener.
      lines.push('', `listener ${this.ports.ws} ${LOOPBACK}`, 'protocol websockets', 'socket_domain ipv4');
    }
    lines.push('', `listener ${this.ports.mqtt} ${LOOPBACK}`, 'protocol mqtt');
    if (o.config !== undefined && o.config.trim() !== '') lines.push('', '# extra config', o.config);
    return lines.join('\n') + '\n';
  }

  /** Spawn once on the current ports and wait until ready; throws PortClashError on "Address already in use". */
  private async spawnOnce(): Promise<void> {
    writeFileSync(this.configPath, this.configText());
    const logOffset = this.log().length;
    const stderrOffset = readSafe(this.stderrPath).length;
    const stderrFd = openSync(this.stderrPath, 'a');
    let child: ChildProcess;
    try {
      child = spawn(this.executable, ['-c', this.configPath], {
        stdio: ['ignore', stderrFd, stderrFd],
        cwd: this.dir,
      });
    } finally {
      closeSync(stderrFd);
    }
    let exitInfo: string | undefined;
    let spawnError: Error | undefined;
    const exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        exitInfo = signal !== null ? `killed by ${signal}` : `exited with code ${String(code)}`;
        resolve();
      });
      child.once('error', (err) => {
        spawnError = err;
        exitInfo ??= `could not be started: ${err.message}`;
        resolve();
      });
    });
    child.unref();
    const run: Run = {
      child,
      exited,
      hasExited: () => exitInfo !== undefined,
      exitDescription: () => exitInfo ?? 'running',
    };
    this.run = run;
    live.add(this);
    if (child.pid !== undefined) spawnWatchdog(child.pid, this.dir);

    const timeoutMs = this.options.startTimeoutMs ?? 10_000;
    const deadline = Date.now() + timeoutMs;
    const newOutput = (): string =>
      this.log().slice(logOffset) + readSafe(this.stderrPath).slice(stderrOffset);
    for (;;) {
      if (run.hasExited()) {
        const output = newOutput();
        if (spawnError === undefined && /Address already in use/i.test(output))
          throw new PortClashError(output);
        throw new Error(
          `mosquitto ${run.exitDescription()} before accepting connections on ${LOOPBACK}:${this.port}.\n` +
            `config ${this.configPath}:\n${this.configText()}\noutput:\n${output}`,
        );
      }
      if (/ running\b/.test(this.log().slice(logOffset))) {
        const remaining = Math.max(50, Math.min(1_000, deadline - Date.now()));
        const ok =
          (await canConnect(this.ports.mqtt, remaining)) &&
          (this.ports.ws === undefined || (await canConnect(this.ports.ws, remaining)));
        if (ok && !run.hasExited()) return;
      }
      if (Date.now() > deadline) {
        await this.killRun(run);
        throw new Error(
          `mosquitto did not accept connections on ${LOOPBACK}:${this.port} within ${timeoutMs} ms.\n` +
            `config ${this.configPath}:\n${this.configText()}\noutput:\n${newOutput()}`,
        );
      }
      await sleep(POLL_MS);
    }
  }

  /** First start: fresh ports, retried on a clash. */
  async start(): Promise<void> {
    installHooks();
    let lastClash: PortClashError | undefined;
    for (let attempt = 0; attempt < MAX_PORT_ATTEMPTS; attempt++) {
      const ports = await getFreePorts(this.options.websockets === true ? 2 : 1);
      this.ports = { mqtt: ports[0], ws: this.options.websockets === true ? ports[1] : undefined };
      try {
        await this.spawnOnce();
        return;
      } catch (err) {
        if (!(err instanceof PortClashError)) {
          this.destroySync();
          throw err;
        }
        lastClash = err;
      }
    }
    this.destroySync();
    throw new Error(
      `mosquitto could not bind a free port in ${MAX_PORT_ATTEMPTS} attempts (another process took each one).\n` +
        `last output:\n${lastClash?.message ?? ''}`,
    );
  }

  private async killRun(run: Run): Promise<void> {
    if (!run.hasExited()) run.child.kill('SIGKILL');
    await Promise.race([run.exited, sleep(STOP_GRACE_MS)]);
  }

  private async terminateRun(run: Run): Promise<void> {
    if (run.hasExited()) return;
    run.child.kill('SIGTERM');
    const graceful = await Promise.race([
      run.exited.then(() => true),
      sleep(STOP_GRACE_MS).then(() => false),
    ]);
    if (!graceful) await this.killRun(run);
    if (!run.hasExited()) {
      throw new Error(`mosquitto (pid ${String(run.child.pid)}) did not exit after SIGTERM and SIGKILL`);
    }
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  stop(): Promise<void> {
    return this.serial(async () => {
      if (this.stopped) return;
      this.stopped = true;
      try {
        if (this.run !== undefined) await this.terminateRun(this.run);
      } finally {
        live.delete(this);
        rmSync(this.dir, { recursive: true, force: true });
      }
    });
  }

  kill(): Promise<void> {
    return this.serial(async () => {
      if (this.stopped) throw new Error('kill(): the broker was stopped');
      if (this.run !== undefined) await this.killRun(this.run);
    });
  }

  restart(): Promise<void> {
    return this.serial(async () => {
      if (this.stopped)
        throw new Error('restart(): the broker was stopped; start a new one with startBroker()');
      if (this.run !== undefined) await this.terminateRun(this.run);
      let lastClash: PortClashError | undefined;
      for (let attempt = 0; attempt < RESTART_CLASH_ATTEMPTS; attempt++) {
        try {
          await this.spawnOnce();
          return;
        } catch (err) {
          if (!(err instanceof PortClashError)) throw err;
          lastClash = err;
          await sleep(RESTART_CLASH_DELAY_MS);
        }
      }
      throw new Error(
        `restart(): port ${this.port} stayed in use by another process; the broker could not start again.\n` +
          `last output:\n${lastClash?.message ?? ''}`,
      );
    });
  }

  /** Synchronous last-resort cleanup (process exit): SIGKILL and remove the folder. */
  destroySync(): void {
    this.stopped = true;
    const run = this.run;
    if (run !== undefined && !run.hasExited()) {
      try {
        run.child.kill('SIGKILL');
      } catch {
        /* already gone */
      }
    }
    live.delete(this);
    try {
      rmSync(this.dir, { recursive: true, force: true });
    } catch {
      /* best effort */
    }
  }
}

/** Start a private Mosquitto broker on a free 127.0.0.1 port; resolves once it accepts TCP connections. */
export async function startBroker(options: BrokerOptions = {}): Promise<Broker> {
  const broker = new MosquittoBroker(findMosquitto(), options);
  await broker.start();
  return broker;
}
