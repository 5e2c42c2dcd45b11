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
import { testCerts } from './certs.js';
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
  /** Also open a TLS listener on 127.0.0.1 (`broker.tlsPort`), server authentication only. */
  tls?: boolean;
  /** Also open a TLS listener that requires a client certificate signed by the CA (`broker.mtlsPort`). */
  mtls?: boolean;
  /** Also open a secure WebSocket listener on 127.0.0.1 (`broker.wssPort`). */
  wss?: boolean;
  /** Also listen on a Unix domain socket in the broker's folder (`broker.unixPath`). */
  unixSocket?: boolean;
  /**
   * The CA, certificate and key of the TLS listeners; default the files of `testCerts()` (made with openssl
   * on first use).
   */
  tlsFiles?: { caFile: string; certFile: string; keyFile: string };
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
  /** The TLS port when started with `tls: true`. */
  readonly tlsPort: number | undefined;
  /** The port of the TLS listener requiring a client certificate, when started with `mtls: true`. */
  readonly mtlsPort: number | undefined;
  /** The secure WebSocket port when started with `wss: true`. */
  readonly wssPort: number | undefined;
  /** The Unix socket's path when started with `unixSocket: true`. */
  readonly unixPath: string | undefined;
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

/** Resolves with `promise`'s outcome or `fallback` after `ms`, whichever is first; the timer is cleared. */
async function raceTimeout<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function canConnect(port: number | string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = typeof port === 'string' ? connect({ path: port }) : connect({ host: LOOPBACK, port });
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

interface ListenerPorts {
  mqtt: number;
  ws: number | undefined;
  tls: number | undefined;
  mtls: number | undefined;
  wss: number | undefined;
}

/** Free ports for the MQTT listener and each optional listener asked for. */
async function pickPorts(options: BrokerOptions): Promise<ListenerPorts> {
  const wanted = [options.websockets, options.tls, options.mtls, options.wss].map((w) => w === true);
  const ports = await getFreePorts(1 + wanted.filter(Boolean).length);
  let next = 1;
  const take = (want: boolean): number | undefined => (want ? ports[next++] : undefined);
  return {
    mqtt: ports[0],
    ws: take(wanted[0]),
    tls: take(wanted[1]),
    mtls: take(wanted[2]),
    wss: take(wanted[3]),
  };
}

function tlsFilesFromTestCerts(): { caFile: string; certFile: string; keyFile: string } {
  const certs = testCerts();
  return { caFile: certs.caCert, certFile: certs.serverCert, keyFile: certs.serverKey };
}

class MosquittoBroker implements Broker {
  readonly host = LOOPBACK;
  readonly dir: string;
  readonly configPath: string;
  readonly logPath: string;
  readonly persistenceDir: string | undefined;
  private readonly stderrPath: string;
  private readonly executable: string;
  private readonly options: BrokerOptions;
  private ports: ListenerPorts = { mqtt: 0, ws: undefined, tls: undefined, mtls: undefined, wss: undefined };
  private readonly tlsFiles: { caFile: string; certFile: string; keyFile: string } | undefined;
  readonly unixPath: string | undefined;
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
    if (options.tls === true || options.mtls === true || options.wss === true) {
      this.tlsFiles = options.tlsFiles ?? tlsFilesFromTestCerts();
    }
    if (options.unixSocket === true) this.unixPath = join(this.dir, 'mosquitto.sock');
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
  get tlsPort(): number | undefined {
    return this.ports.tls;
  }
  get mtlsPort(): number | undefined {
    return this.ports.mtls;
  }
  get wssPort(): number | undefined {
    return this.ports.wss;
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
    const files = this.tlsFiles;
    const tlsLines =
      files === undefined
        ? []
        : [`cafile ${files.caFile}`, `certfile ${files.certFile}`, `keyfile ${files.keyFile}`];
    if (this.ports.tls !== undefined) {
      lines.push('', `listener ${this.ports.tls} ${LOOPBACK}`, 'protocol mqtt', ...tlsLines);
    }
    if (this.ports.mtls !== undefined) {
      lines.push(
        '',
        `listener ${this.ports.mtls} ${LOOPBACK}`,
        'protocol mqtt',
        ...tlsLines,
        'require_certificate true',
      );
    }
    if (this.ports.wss !== undefined) {
      lines.push(
        '',
        `listener ${this.ports.wss} ${LOOPBACK}`,
        'protocol websockets',
        'socket_domain ipv4',
        ...tlsLines,
      );
    }
    if (this.unixPath !== undefined) lines.push('', `listener 0 ${this.unixPath}`, 'protocol mqtt');
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
        let ok = true;
        for (const target of [
          this.ports.mqtt,
          this.ports.ws,
          this.ports.tls,
          this.ports.mtls,
          this.ports.wss,
          this.unixPath,
        ]) {
          if (ok && target !== undefined) ok = await canConnect(target, remaining);
        }
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
      this.ports = await pickPorts(this.options);
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
    await raceTimeout(run.exited, STOP_GRACE_MS, undefined);
  }

  private async terminateRun(run: Run): Promise<void> {
    if (run.hasExited()) return;
    run.child.kill('SIGTERM');
    const graceful = await raceTimeout(
      run.exited.then(() => true),
      STOP_GRACE_MS,
      false,
    );
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
