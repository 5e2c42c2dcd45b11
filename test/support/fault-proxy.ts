/**
 * A TCP proxy for fault tests: it sits between a client and a broker on loopback and, on command, cuts,
 * stalls, splits or refuses connections.
 *
 *     const broker = await startBroker();
 *     const proxy = await startFaultProxy({ targetHost: broker.host, targetPort: broker.port, seed: 42 });
 *     // connect the client to proxy.port, then:
 *     proxy.cutAll();                               // every connection reset, both sides
 *     proxy.cutRandomly({ minMs: 50, maxMs: 500 }); // ... again and again, at seeded random moments
 *     await proxy.stall(2_000);                     // nothing forwarded for 2 s, connections kept open
 *     proxy.refuse(true);                           // new connections are closed at once
 *     await proxy.close();
 *
 * Everything is loopback only (it listens on 127.0.0.1 and refuses a non-loopback target) and bounded: data
 * waiting in the proxy is capped per direction (the source is paused beyond it, so TCP backpressure reaches the
 * sender), the number of connections is capped, and the upstream connect times out.
 *
 * Random choices (cut moments, split sizes) come from a seeded PRNG; `proxy.seed` is the seed in use, so a
 * failing run can be replayed with `{ seed }`.
 */
import { connect, createServer, isIP, type Server, type Socket } from 'node:net';
import { LOOPBACK } from './ports.js';

export interface FaultProxyOptions {
  /** The loopback host to forward to (127.0.0.0/8, ::1 or localhost). */
  targetHost: string;
  targetPort: number;
  /** Forward data in random small pieces, each written separately, to exercise fragmented reads. */
  split?: boolean;
  /** The largest piece when splitting (default 16 bytes; pieces are 1..splitMaxBytes). */
  splitMaxBytes?: number;
  /** Seed of the PRNG behind cut moments and split sizes (default: a random seed, see `proxy.seed`). */
  seed?: number;
  /** Port to listen on (default: a free one). */
  port?: number;
  /** Give up connecting to the target after this long and close the client side (default 5000 ms). */
  connectTimeoutMs?: number;
  /** At most this many open connections; more are closed at once (default 1000). */
  maxConnections?: number;
}

export type CutMode = 'reset' | 'close';

export interface FaultProxy {
  readonly host: '127.0.0.1';
  readonly port: number;
  /** `mqtt://127.0.0.1:<port>` */
  readonly url: string;
  readonly seed: number;
  /** Connections accepted and forwarded, since the start. */
  readonly connections: number;
  /** Connections open now. */
  readonly activeConnections: number;
  /** Connections closed at once because of `refuse(true)` or `maxConnections`. */
  readonly refused: number;
  /** Connections cut by `cutAll()` or `cutRandomly()`. */
  readonly cuts: number;
  /** Bytes forwarded from clients to the target. */
  readonly bytesToTarget: number;
  /** Bytes forwarded from the target to clients. */
  readonly bytesToClient: number;
  readonly paused: boolean;
  /** The delays (ms) `cutRandomly` has drawn so far, in order: the same seed gives the same list. */
  readonly cutDelays: readonly number[];
  /**
   * Destroys every current connection on both sides at once and drops whatever the proxy held for them. 'reset'
   * (the default) sends TCP RST to both peers; 'close' closes the sockets normally (FIN). Returns how many were cut.
   */
  cutAll(mode?: CutMode): number;
  /** From now on, cut every current connection at random moments, `minMs`..`maxMs` apart. */
  cutRandomly(options: { minMs: number; maxMs: number; mode?: CutMode }): void;
  stopCutting(): void;
  /** Stop forwarding in both directions, keeping connections open (the proxy stops reading its sockets). */
  pause(): void;
  /** Forward again, starting with whatever was held. */
  resume(): void;
  /** `pause()`, then `resume()` after `ms`; resolves once forwarding resumed. */
  stall(ms: number): Promise<void>;
  /** While true, new connections are closed as soon as they are accepted. Current ones are kept. */
  refuse(on?: boolean): void;
  /** Turn splitting on or off for data forwarded from now on. */
  setSplit(on: boolean): void;
  /** Resolves once `connections` reaches `count` (rejects after `timeoutMs`, default 5000). */
  waitForConnections(count: number, timeoutMs?: number): Promise<void>;
  /** Closes every connection and stops listening. Idempotent. */
  close(): Promise<void>;
}

/** mulberry32: a small, fast, seedable PRNG returning floats in [0, 1). */
export function createPrng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  const family = isIP(host);
  if (family === 4) return host.startsWith('127.');
  if (family === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1' || host.startsWith('::ffff:127.');
  return false;
}

/** Bytes held per direction before the proxy stops reading the source. */
const HIGH_WATER = 256 * 1024;

/** One direction of one connection: reads `src`, writes `dst`, honouring pause, split and backpressure. */
class Pipe {
  private queue: Buffer[] = [];
  private queued = 0;
  private waitingDrain = false;
  private scheduled = false;
  private srcEnded = false;
  private dstEnded = false;

  constructor(
    private readonly proxy: FaultProxyImpl,
    private readonly src: Socket,
    private readonly dst: Socket,
    private readonly count: (n: number) => void,
  ) {
    src.on('data', (chunk: Buffer) => {
      this.queue.push(chunk);
      this.queued += chunk.length;
      if (this.queued >= HIGH_WATER) src.pause();
      this.pump();
    });
    src.on('end', () => {
      this.srcEnded = true;
      this.pump();
    });
  }

  private get dead(): boolean {
    return this.dst.destroyed || this.src.destroyed;
  }

  /** Forward what can be forwarded now. */
  pump(): void {
    if (this.scheduled || this.waitingDrain || this.dead) return;
    if (this.proxy.paused) return;
    // Writes to a target still connecting are buffered by Node and sent once it connects.
    while (this.queue.length > 0) {
      let piece: Buffer;
      const head = this.queue[0];
      if (this.proxy.split) {
        const size = Math.min(head.length, 1 + Math.floor(this.proxy.random() * this.proxy.splitMaxBytes));
        piece = head.subarray(0, size);
        if (size === head.length) this.queue.shift();
        else this.queue[0] = head.subarray(size);
      } else {
        piece = head;
        this.queue.shift();
      }
      this.queued -= piece.length;
      this.count(piece.length);
      const ok = this.dst.write(piece);
      if (!ok) {
        this.waitingDrain = true;
        this.dst.once('drain', () => {
          this.waitingDrain = false;
          this.pump();
        });
        break;
      }
      if (this.proxy.split && this.queue.length > 0) {
        // One piece per turn of the event loop, so each goes out in its own segment (no Nagle on dst).
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
        break;
      }
    }
    if (this.queued < HIGH_WATER / 2 && this.src.isPaused() && !this.proxy.paused) this.src.resume();
    if (this.srcEnded && this.queue.length === 0 && !this.dstEnded) {
      this.dstEnded = true;
      this.dst.end();
    }
  }

  /** Stop reading (proxy pause). */
  hold(): void {
    this.src.pause();
  }

  /** Read again and forward what was held (proxy resume). */
  release(): void {
    if (this.queued < HIGH_WATER) this.src.resume();
    this.pump();
  }

  drop(): void {
    this.queue = [];
    this.queued = 0;
  }
}

class Connection {
  readonly up: Pipe;
  readonly down: Pipe;
  private closedSides = 0;

  constructor(
    private readonly proxy: FaultProxyImpl,
    readonly client: Socket,
    readonly target: Socket,
  ) {
    this.up = new Pipe(proxy, client, target, (n) => (proxy.bytesToTarget += n));
    this.down = new Pipe(proxy, target, client, (n) => (proxy.bytesToClient += n));
    for (const socket of [client, target]) {
      socket.setNoDelay(true);
      // An error on one side (RST, refused) ends the whole connection, abruptly, as a real network path would.
      socket.on('error', () => this.destroy('reset'));
      socket.on('close', () => {
        this.closedSides++;
        // A side that closed without an orderly end (no FIN received) takes the other side down with it.
        const other = socket === client ? target : client;
        if (!socket.readableEnded && !other.destroyed) other.destroy();
        if (this.closedSides === 2) proxy.active.delete(this);
      });
    }
    if (proxy.paused) {
      this.up.hold();
      this.down.hold();
    }
  }

  destroy(mode: CutMode): void {
    this.up.drop();
    this.down.drop();
    for (const socket of [this.client, this.target]) {
      if (socket.destroyed) continue;
      if (mode === 'reset' && !socket.connecting) socket.resetAndDestroy();
      else socket.destroy();
    }
    this.proxy.active.delete(this);
  }
}

class FaultProxyImpl implements FaultProxy {
  readonly host = LOOPBACK;
  readonly seed: number;
  readonly random: () => number;
  readonly active = new Set<Connection>();
  readonly cutDelays: number[] = [];
  connections = 0;
  refused = 0;
  cuts = 0;
  bytesToTarget = 0;
  bytesToClient = 0;
  paused = false;
  split: boolean;
  readonly splitMaxBytes: number;
  private refusing = false;
  private cutTimer: NodeJS.Timeout | undefined;
  private stallTimer: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  private closed: Promise<void> | undefined;
  private connectionWaiters: (() => void)[] = [];
  private boundPort = 0;

  constructor(
    private readonly server: Server,
    private readonly options: FaultProxyOptions,
  ) {
    this.seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
    this.random = createPrng(this.seed);
    this.split = options.split === true;
    this.splitMaxBytes = Math.max(1, Math.floor(options.splitMaxBytes ?? 16));
    server.on('connection', (socket) => this.accept(socket));
  }

  get port(): number {
    return this.boundPort;
  }
  get url(): string {
    return `mqtt://${LOOPBACK}:${this.boundPort}`;
  }
  get activeConnections(): number {
    return this.active.size;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ port: this.options.port ?? 0, host: LOOPBACK, exclusive: true }, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address();
    if (address === null || typeof address === 'string') throw new Error('fault proxy: no port bound');
    this.boundPort = address.port;
  }

  private accept(client: Socket): void {
    client.on('error', () => undefined);
    if (
      this.refusing ||
      this.closed !== undefined ||
      this.active.size >= (this.options.maxConnections ?? 1000)
    ) {
      this.refused++;
      client.destroy();
      return;
    }
    this.connections++;
    const target = connect({
      host: this.options.targetHost,
      port: this.options.targetPort,
      allowHalfOpen: true,
    });
    const connection = new Connection(this, client, target);
    this.active.add(connection);
    const timeoutMs = this.options.connectTimeoutMs ?? 5_000;
    const timer = setTimeout(() => {
      if (target.connecting) connection.destroy('close');
    }, timeoutMs);
    target.once('connect', () => clearTimeout(timer));
    target.once('close', () => clearTimeout(timer));
    const waiters = this.connectionWaiters;
    this.connectionWaiters = [];
    for (const wake of waiters) wake();
  }

  cutAll(mode: CutMode = 'reset'): number {
    const victims = [...this.active];
    for (const connection of victims) connection.destroy(mode);
    this.cuts += victims.length;
    return victims.length;
  }

  cutRandomly(options: { minMs: number; maxMs: number; mode?: CutMode }): void {
    const { minMs, maxMs } = options;
    if (!(minMs >= 0 && maxMs >= minMs && Number.isFinite(maxMs))) {
      throw new RangeError(`cutRandomly: need 0 <= minMs <= maxMs, got ${minMs}..${maxMs}`);
    }
    this.stopCutting();
    const schedule = (): void => {
      const delay = Math.round(minMs + this.random() * (maxMs - minMs));
      this.cutDelays.push(delay);
      this.cutTimer = setTimeout(() => {
        this.cutAll(options.mode);
        schedule();
      }, delay);
      this.cutTimer.unref();
    };
    schedule();
  }

  stopCutting(): void {
    if (this.cutTimer !== undefined) clearTimeout(this.cutTimer);
    this.cutTimer = undefined;
  }

  pause(): void {
    if (this.paused) return;
    this.paused = true;
    for (const connection of this.active) {
      connection.up.hold();
      connection.down.hold();
    }
  }

  resume(): void {
    if (this.stallTimer !== undefined) {
      clearTimeout(this.stallTimer.timer);
      const { resolve } = this.stallTimer;
      this.stallTimer = undefined;
      resolve();
    }
    if (!this.paused) return;
    this.paused = false;
    for (const connection of this.active) {
      connection.up.release();
      connection.down.release();
    }
  }

  stall(ms: number): Promise<void> {
    this.resume(); // ends an earlier stall
    this.pause();
    return new Promise((resolve) => {
      this.stallTimer = { timer: setTimeout(() => this.resume(), ms), resolve };
    });
  }

  refuse(on = true): void {
    this.refusing = on;
  }

  setSplit(on: boolean): void {
    this.split = on;
  }

  async waitForConnections(count: number, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.connections < count) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `fault proxy: ${this.connections} connection(s) after ${timeoutMs} ms, expected ${count}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.connectionWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      this.stopCutting();
      this.resume();
      await new Promise<void>((resolve) => {
        this.server.close(() => resolve());
        for (const connection of [...this.active]) connection.destroy('close');
      });
    })();
    return this.closed;
  }
}

/** Start a fault proxy on a free 127.0.0.1 port, forwarding every connection to the loopback target. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  if (!isLoopback(options.targetHost)) {
    throw new Error(
      `fault proxy: the target must be on loopback (127.0.0.0/8, ::1, localhost), not ${options.targetHost}`,
    );
  }
  if (!Number.isInteger(options.targetPort) || options.targetPort <= 0 || options.targetPort > 65535) {
    throw new RangeError(`fault proxy: invalid target port ${String(options.targetPort)}`);
  }
  const server = createServer({ allowHalfOpen: true, pauseOnConnect: false });
  const proxy = new FaultProxyImpl(server, options);
  await proxy.listen();
  return proxy;
}
