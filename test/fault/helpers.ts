/**
 * Shared pieces of the fault tests: message numbering, per-message tallies, a counting subscriber, a paced
 * publisher, bounded waits and the one-line report each scenario prints.
 *
 * Every message carries its identity in its payload, `"<qos>:<n>"` with n = 1..perQos, and goes to
 * `<prefix>/q<qos>`. The subscriber counts every arrival by (qos, n), so "lost" and "duplicated" are exact.
 */
import {
  CallbackAPIVersion,
  Client,
  MQTTErrorCode,
  MQTTProtocolVersion,
  type ClientOptions,
  type MQTTMessage,
} from '../../src/index.js';

/** Default counts of issue 4: 5,000 QoS 1 and 5,000 QoS 2 messages per scenario. */
export const PER_QOS = Number(process.env.FAULT_PER_QOS ?? 5000);

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves with `undefined` after `ms`, on an unref'd timer: for races, it never keeps the process alive. */
export function expiry(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}

/** Polls `predicate` every `stepMs`; rejects after `ms` with a message built by `what()`. */
export async function waitUntil(
  predicate: () => boolean,
  ms: number,
  what: () => string,
  stepMs = 20,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what()}`);
    await sleep(stepMs);
  }
}

/** Rejects when `promise` does not settle within `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Where in a stream the faults go: `count` points of its progress (acknowledgements, arrivals, accepted
 * messages), one drawn with `random` in each of `count` equal slices of [from, to). Faults driven by the
 * stream's progress, not by the clock, make the number of faults the test's own on a machine of any speed.
 */
export function faultPoints(random: () => number, count: number, from: number, to: number): number[] {
  if (!(count >= 1 && from >= 0 && to > from)) throw new RangeError(`faultPoints(${count}, ${from}, ${to})`);
  const slice = (to - from) / count;
  const points: number[] = [];
  for (let k = 0; k < count; k++) {
    const point = Math.floor(from + slice * k + random() * slice);
    points.push(Math.max(point, (points[k - 1] ?? from - 1) + 1));
  }
  return points;
}

/**
 * Fires a fault each time the stream's progress reaches the next of `points`. `fire` says whether the fault
 * landed (a cut finds no live connection while the client still drains the last one's buffered packets): a
 * point that did not land stays due and is tried again on the next progress, so every point lands once.
 */
export class FaultTrigger {
  readonly #points: readonly number[];
  readonly #fire: (index: number) => boolean;
  /** The progress at which each fault landed, in order. */
  readonly landedAt: number[] = [];

  constructor(points: readonly number[], fire: (index: number) => boolean) {
    this.#points = points;
    this.#fire = fire;
  }

  get fired(): number {
    return this.landedAt.length;
  }

  get done(): boolean {
    return this.landedAt.length === this.#points.length;
  }

  /** Call with the current progress; at most one fault per call. */
  advance(progress: number): void {
    const next = this.landedAt.length;
    if (next >= this.#points.length || progress < this.#points[next]) return;
    if (this.#fire(next)) this.landedAt.push(progress);
  }
}

let counter = 0;
/** A client id unique within the run (≤ 23 characters, MQTT 3.1's limit). */
export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}${process.pid % 100000}-${counter}`.slice(0, 23);
}

/** The i-th message of a stream (i = 0 .. 2*perQos-1): QoS 1 and QoS 2 alternate. */
export function nthMessage(i: number): { qos: 1 | 2; n: number } {
  return { qos: i % 2 === 0 ? 1 : 2, n: Math.floor(i / 2) + 1 };
}

export function payloadOf(qos: number, n: number): string {
  return `${qos}:${n}`;
}

/** Parses `"<qos>:<n>"`; undefined for anything else. */
export function parsePayload(text: string): { qos: 1 | 2; n: number } | undefined {
  const match = /^([12]):(\d+)$/.exec(text);
  if (match === null) return undefined;
  return { qos: match[1] === '1' ? 1 : 2, n: Number(match[2]) };
}

/** How many times each (qos, n) arrived. */
export class Tally {
  readonly perQos: number;
  readonly counts: { 1: Uint32Array; 2: Uint32Array };
  /** Messages with a payload that is not one of ours (must stay 0). */
  foreign = 0;
  arrivals = 0;

  constructor(perQos: number) {
    this.perQos = perQos;
    this.counts = { 1: new Uint32Array(perQos + 1), 2: new Uint32Array(perQos + 1) };
  }

  add(qos: 1 | 2, n: number): void {
    if (!(n >= 1 && n <= this.perQos)) {
      this.foreign++;
      return;
    }
    this.arrivals++;
    this.counts[qos][n]++;
  }

  addMessage(message: MQTTMessage): void {
    const parsed = parsePayload(message.payloadString());
    if (parsed === undefined) this.foreign++;
    else this.add(parsed.qos, parsed.n);
  }

  /** Distinct messages of `qos` received at least once. */
  distinct(qos: 1 | 2): number {
    let count = 0;
    for (let n = 1; n <= this.perQos; n++) if (this.counts[qos][n] > 0) count++;
    return count;
  }

  /** Numbers of `qos` in `expected` (default: all 1..perQos) never received. */
  missing(qos: 1 | 2, expected?: Iterable<number>): number[] {
    const out: number[] = [];
    const list = expected ?? range(1, this.perQos);
    for (const n of list) if (this.counts[qos][n] === 0) out.push(n);
    return out;
  }

  /** Extra copies of `qos` messages (a message received 3 times counts 2). */
  duplicates(qos: 1 | 2): number {
    let extra = 0;
    for (let n = 1; n <= this.perQos; n++) if (this.counts[qos][n] > 1) extra += this.counts[qos][n] - 1;
    return extra;
  }

  /** Numbers of `qos` received more than once. */
  duplicated(qos: 1 | 2): number[] {
    const out: number[] = [];
    for (let n = 1; n <= this.perQos; n++) if (this.counts[qos][n] > 1) out.push(n);
    return out;
  }

  complete(): boolean {
    return this.distinct(1) === this.perQos && this.distinct(2) === this.perQos;
  }
}

export function* range(from: number, to: number): Generator<number> {
  for (let n = from; n <= to; n++) yield n;
}

/** The counts a scenario prints, as one line. */
export interface Report {
  scenario: string;
  sentQos1: number;
  sentQos2: number;
  receivedQos1: number;
  receivedQos2: number;
  lostQos1: number;
  lostQos2: number;
  duplicatedQos1: number;
  duplicatedQos2: number;
  faults: string;
  durationMs: number;
  extra?: string;
}

export function reportLine(r: Report): string {
  return (
    `[fault] ${r.scenario}: sent q1=${r.sentQos1} q2=${r.sentQos2}; ` +
    `received (distinct) q1=${r.receivedQos1} q2=${r.receivedQos2}; ` +
    `lost q1=${r.lostQos1} q2=${r.lostQos2}; duplicated q1=${r.duplicatedQos1} q2=${r.duplicatedQos2}; ` +
    `faults: ${r.faults}; ${(r.durationMs / 1000).toFixed(1)} s` +
    (r.extra === undefined ? '' : `; ${r.extra}`)
  );
}

/** Builds the report of a stream checked against `tally`. */
export function tallyReport(
  scenario: string,
  tally: Tally,
  sent: { 1: number; 2: number },
  faults: string,
  startedAt: number,
  extra?: string,
): Report {
  return {
    scenario,
    sentQos1: sent[1],
    sentQos2: sent[2],
    receivedQos1: tally.distinct(1),
    receivedQos2: tally.distinct(2),
    lostQos1: tally.missing(1).length,
    lostQos2: tally.missing(2).length,
    duplicatedQos1: tally.duplicates(1),
    duplicatedQos2: tally.duplicates(2),
    faults,
    durationMs: Date.now() - startedAt,
    extra,
  };
}

/** Prints the line both on stdout (visible in any reporter's output) and as a test diagnostic. */
export function printReport(t: { diagnostic(message: string): void }, r: Report): void {
  const line = reportLine(r);
  console.log(line);
  t.diagnostic(line);
}

/** A short list for an assertion message. */
export function sample(list: readonly number[], max = 20): string {
  return list.length <= max ? list.join(',') : `${list.slice(0, max).join(',')}... (${list.length})`;
}

// ---- clients ---------------------------------------------------------------------------------------------

export interface ClientEvents {
  connacks: { rc: number; sessionPresent: boolean }[];
  disconnects: number;
  errors: string[];
  logs: string[];
}

/**
 * A persistent-session client (MQTT 3.1.1, clean session false unless the options say otherwise) with fast
 * reconnects, a background loop, and a record of its connections.
 */
export function makeClient(
  clientId: string,
  options: ClientOptions<unknown> = {},
): { client: Client<unknown>; events: ClientEvents } {
  const client = new Client(CallbackAPIVersion.VERSION2, {
    clientId,
    protocol: MQTTProtocolVersion.MQTTv311,
    cleanSession: false,
    reconnectJitter: 0.5,
    ...options,
  });
  client.reconnectDelaySet(0.02, 0.25);
  const events: ClientEvents = { connacks: [], disconnects: 0, errors: [], logs: [] };
  client.onConnect = (_c, _u, flags, rc) => {
    events.connacks.push({ rc: rc.value, sessionPresent: flags.sessionPresent });
  };
  client.onDisconnect = () => {
    events.disconnects++;
  };
  client.onLog = (_c, _u, level, message) => {
    if (level === 8 /* MQTT_LOG_ERR */ && !message.startsWith('Connection to')) events.errors.push(message);
    if (events.logs.length < 2000) events.logs.push(message);
  };
  return { client, events };
}

/** Connects in the background loop and waits for the first successful CONNACK. */
export async function connectClient(
  client: Client<unknown>,
  events: ClientEvents,
  host: string,
  port: number,
  keepalive = 10,
): Promise<void> {
  const before = events.connacks.filter((c) => c.rc === 0).length;
  client.loopStart();
  void client.connect(host, port, keepalive).catch(() => undefined);
  await waitUntil(
    () => events.connacks.filter((c) => c.rc === 0).length > before,
    10_000,
    () => `CONNACK of ${client.clientId}`,
  );
}

/** Subscribes and waits (bounded) until the subscription is acknowledged. */
export async function subscribeAndWait(
  client: Client<unknown>,
  filter: string,
  qos: 0 | 1 | 2,
): Promise<void> {
  let acked = false;
  const previous = client.onSubscribe;
  const [rc, mid] = client.subscribe(filter, qos);
  if (rc !== MQTTErrorCode.MQTT_ERR_SUCCESS) throw new Error(`subscribe returned rc ${rc}`);
  client.onSubscribe = (c, u, m, codes, props) => {
    if (m === mid) acked = true;
    previous?.(c, u, m, codes, props);
  };
  await waitUntil(
    () => acked,
    10_000,
    () => `SUBACK of ${filter}`,
  );
  client.onSubscribe = previous;
}

/** Disconnects and stops the loop; never throws, bounded in time. */
export async function closeClient(client: Client<unknown>): Promise<void> {
  try {
    await within(client.disconnectAndWait(), 5_000, 'disconnect');
  } catch {
    /* already gone */
  }
  client.loopStop();
}

/** A subscriber that tallies every message of `<prefix>/#`. */
export function countingSubscriber(
  clientId: string,
  perQos: number,
  options: ClientOptions<unknown> = {},
): { client: Client<unknown>; events: ClientEvents; tally: Tally } {
  const { client, events } = makeClient(clientId, options);
  const tally = new Tally(perQos);
  client.onMessage = (_c, _u, message) => tally.addMessage(message);
  return { client, events, tally };
}

export interface PublishStream {
  /** Messages handed to publish() and accepted (rc SUCCESS), per QoS. */
  accepted: { 1: number; 2: number };
  /** Acknowledged by the broker (PUBACK / PUBCOMP), per QoS. */
  acked: { 1: number; 2: number };
  /** publish() return codes other than SUCCESS. */
  refused: number;
  /** Resolves once every message was accepted (not acknowledged). */
  done: Promise<void>;
  /** Stops publishing (for cleanup). */
  stop(): void;
}

/**
 * Publishes the stream (QoS 1 and 2 alternating) from a timer loop, keeping at most `maxOutstanding` messages
 * accepted but not acknowledged (and at most `ratePerSecond` on average), so the stream lasts long enough for
 * faults to land in its middle.
 */
export function publishStream(
  client: Client<unknown>,
  prefix: string,
  perQos: number,
  maxOutstanding: number,
  ratePerSecond = Infinity,
): PublishStream {
  const total = perQos * 2;
  const qosOfMid = new Map<number, 1 | 2>();
  const stream: PublishStream = {
    accepted: { 1: 0, 2: 0 },
    acked: { 1: 0, 2: 0 },
    refused: 0,
    done: Promise.resolve(),
    stop: () => {
      stopped = true;
    },
  };
  let stopped = false;
  let i = 0;
  const previous = client.onPublish;
  client.onPublish = (c, u, mid, rc, props) => {
    const qos = qosOfMid.get(mid);
    if (qos !== undefined && !rc.isFailure) {
      qosOfMid.delete(mid);
      stream.acked[qos]++;
    }
    previous?.(c, u, mid, rc, props);
  };
  const startedAt = Date.now();
  stream.done = (async () => {
    while (i < total && !stopped) {
      const outstanding = stream.accepted[1] + stream.accepted[2] - stream.acked[1] - stream.acked[2];
      const allowed = ((Date.now() - startedAt) / 1000) * ratePerSecond + 50;
      let budget = Math.min(maxOutstanding - outstanding, 50, allowed - i);
      while (budget > 0 && i < total) {
        const { qos, n } = nthMessage(i);
        const info = client.publish(`${prefix}/q${qos}`, payloadOf(qos, n), qos);
        if (info.rc !== MQTTErrorCode.MQTT_ERR_SUCCESS) {
          stream.refused++;
          break;
        }
        qosOfMid.set(info.mid, qos);
        stream.accepted[qos]++;
        i++;
        budget--;
      }
      await sleep(1);
    }
  })();
  return stream;
}
