/**
 * What the harness tells a client child process to do (a `Task`, passed as JSON in argv[2]) and what the child
 * reports back: newline-delimited JSON `ChildEvent`s on stdout. The parent writes `finish\n` to the child's
 * stdin when the other side is done: a receiver then reports what it has once nothing more arrives; a publisher,
 * which stays connected after `published` until then, disconnects and reports. So a publisher's disconnect is
 * never part of what the subscriber measures.
 */

export type QoS = 0 | 1 | 2;

/** How to reach the broker, and who this client is. */
export interface Endpoint {
  host: string;
  port: number;
  clientId: string;
}

/** Which session store the steady-mqtt publisher uses (scenario 8). */
export type StoreKind = 'memory' | 'sqlite';

/** Receives `count` messages on `topic`, then reports. */
export interface SubTask extends Endpoint {
  role: 'sub';
  topic: string;
  qos: QoS;
  count: number;
}

/**
 * Publishes `count` messages of `payloadBytes` bytes. QoS 0: in chunks of `chunk` messages per event-loop turn.
 * QoS 1/2: at most `window` messages awaiting their PUBACK/PUBCOMP at any time (0 = no limit), the next publish
 * made as each acknowledgement arrives; the client's own in-flight limit is set to the same value.
 * `burst` (QoS 1/2): all `count` publishes from one loop (`for (...) client.publish(t, p, qos)`), then waiting
 * for every acknowledgement; the client keeps its library's default in-flight limit.
 */
export interface PubTask extends Endpoint {
  role: 'pub';
  topic: string;
  qos: QoS;
  count: number;
  payloadBytes: number;
  window: number;
  chunk: number;
  cleanSession: boolean;
  store: StoreKind;
  /** Folder for the SQLite file when `store` is 'sqlite'. */
  storeDir?: string;
  burst: boolean;
  /**
   * Within the window: publish in batches of this many messages, one `publishMany()` call each, a batch going
   * out once the window has room for all of it (scenario 8b). Absent: one `publish()` per message.
   */
  batch?: number;
}

/** Answers every message on `topic` with the same payload on `replyTopic`, at `qos`. */
export interface ResponderTask extends Endpoint {
  role: 'responder';
  topic: string;
  replyTopic: string;
  qos: QoS;
}

/**
 * `warmup` + `count` sequential round trips: publish on `topic`, wait for the reply on `replyTopic`; stops early
 * once `maxMs` have passed after the warm-up (a slow client still reports its samples).
 */
export interface RequesterTask extends Endpoint {
  role: 'requester';
  topic: string;
  replyTopic: string;
  qos: QoS;
  count: number;
  warmup: number;
  payloadBytes: number;
  maxMs: number;
}

/**
 * `clients` clients in this one process connect and, with `subscribe`, subscribe (each to its own topic), then
 * disconnect. `concurrency` 1: one after another.
 */
export interface ManyTask extends Endpoint {
  role: 'many';
  clients: number;
  /** How many connections are opened at once (the rest wait for a slot). */
  concurrency: number;
  subscribe: boolean;
}

/** Imports the client library `specifier` (nothing else loaded before) and reports what that cost. */
export interface ImportTask {
  role: 'import';
  specifier: string;
}

/** `publishers` clients in this one process, each publishing `count / publishers` QoS 0 messages. */
export interface FanInTask extends Endpoint {
  role: 'fanin';
  publishers: number;
  topic: string;
  count: number;
  payloadBytes: number;
  chunk: number;
}

export type Task = SubTask | PubTask | ResponderTask | RequesterTask | ManyTask | FanInTask | ImportTask;

/** CPU and memory of a child process, measured by itself. */
export interface Usage {
  /** User + system CPU in the measured window, microseconds. */
  cpuUs: number;
  /** Peak resident set size of the whole process life, KiB. */
  maxRssKb: number;
  /** User + system CPU of the whole process life until the report (module loading included), microseconds. */
  processCpuUs: number;
}

export interface SubResult extends Usage {
  role: 'sub';
  received: number;
  bytes: number;
  /** Epoch milliseconds (high resolution) of the first and the last receipt. */
  firstAt: number;
  lastAt: number;
}

export interface PubResult extends Usage {
  role: 'pub';
  sent: number;
  /** Epoch milliseconds of the first publish call and of the end (all acknowledged or written, disconnected). */
  firstAt: number;
  doneAt: number;
}

export interface ResponderResult extends Usage {
  role: 'responder';
  answered: number;
}

export interface RequesterResult extends Usage {
  role: 'requester';
  /** Round-trip times in microseconds, sorted ascending (warm-up excluded). */
  samplesUs: number[];
}

export interface ManyResult extends Usage {
  role: 'many';
  connected: number;
  /** From the first connect call to the last SUBACK, milliseconds. */
  elapsedMs: number;
  /** RSS before the first connect and after the last SUBACK, KiB. */
  rssBeforeKb: number;
  rssAfterKb: number;
  /**
   * Whether every client stayed connected until the end. Paho Python's loop() uses select(), which cannot watch
   * a descriptor above 1,023, so its sequential connects close each client after its CONNACK: a time per
   * connect, but no memory per idle client.
   */
  keptOpen: boolean;
}

export interface FanInResult extends Usage {
  role: 'fanin';
  sent: number;
  firstAt: number;
  doneAt: number;
}

export interface ImportResult extends Usage {
  role: 'import';
  /** Wall time of the `import()`, milliseconds. */
  importMs: number;
  /** RSS after the import minus RSS before it, KiB. */
  rssDeltaKb: number;
}

export type Result =
  SubResult | PubResult | ResponderResult | RequesterResult | ManyResult | FanInResult | ImportResult;

export type ChildEvent =
  | { type: 'ready' }
  | { type: 'published' }
  | { type: 'result'; result: Result }
  | { type: 'error'; message: string };

/** Epoch milliseconds with sub-millisecond resolution, comparable between processes on one machine. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}
