/**
 * Fault scenario 5 of issue 4: the subscriber PROCESS (fixtures/subscriber.ts, on a SqliteStore, QoS 2
 * subscription, persistent session) killed with SIGKILL while messages flow to it, several times, and restarted
 * on the same SQLite file. Nothing may be lost; a QoS 2 message may be handed to onMessage a second time only if
 * the process died inside onMessage for it, before the handler returned (design.md, promise 4).
 *
 * The child journals `E q n mid` on entering onMessage, `R q n mid` as it returns, and `C mid` once its store has
 * committed the incoming QoS 2 id (see its header). The test checks, for every message, its deliveries in journal
 * order:
 *   - lost: no delivery that reached `R`;
 *   - QoS 2: no delivery after one whose id was committed (`C`), and no message handed over while an earlier
 *     QoS 2 id is uncommitted: the id is recorded right after onMessage returns, before anything else. So a
 *     second delivery needs a kill inside onMessage (E without R) or in the few microseconds between its return
 *     and the commit (R without C, the run's last step); the report counts both.
 *
 * Each kill comes when the journal reaches a seeded number of handled messages (one point in each equal slice of
 * the stream's first 85 %) and the restarted child has handled some itself; the publisher is paced, so every kill
 * lands mid-stream on a machine of any speed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { createPrng } from '../support/fault-proxy.js';
import { hasMosquitto, startBroker } from '../support/mosquitto.js';
import { FIXTURES, killAll, spawnChild, type Child } from './children.js';
import {
  PER_QOS,
  closeClient,
  connectClient,
  expiry,
  faultPoints,
  makeClient,
  publishStream,
  sample,
  sleep,
  uniqueId,
  waitUntil,
} from './helpers.js';

const KILLS = 6;
const SEED = Number(process.env.FAULT_SEED ?? 20261125);
/** Busy work in the child's onMessage, in microseconds. */
const SPIN_MICROS = 100;

interface Delivery {
  run: number;
  /** onMessage returned (its `R` line). */
  returned: boolean;
  /** QoS 2: the store committed its packet id (a `C` line after its `R`). */
  committed: boolean;
}

interface JournalAnalysis {
  runs: number;
  /** Lines that break the E,R pairing (must stay empty). */
  malformed: string[];
  /** Runs whose last delivery is an E without R: killed inside onMessage. */
  killedInside: number;
  /** Runs killed after a QoS 2 onMessage returned and before its id was committed. */
  killedBeforeCommit: number;
  /** A message handed over while an earlier QoS 2 id was still uncommitted (must stay 0: promise 4). */
  handedOverBeforeCommit: number;
  deliveries: { 1: Map<number, Delivery[]>; 2: Map<number, Delivery[]> };
}

function analyse(path: string): JournalAnalysis {
  const analysis: JournalAnalysis = {
    runs: 0,
    malformed: [],
    killedInside: 0,
    killedBeforeCommit: 0,
    handedOverBeforeCommit: 0,
    deliveries: { 1: new Map(), 2: new Map() },
  };
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return analysis;
  }
  let open: { qos: 1 | 2; n: number; delivery: Delivery } | undefined;
  /** QoS 2 deliveries of the current run that returned, by packet id, waiting for their `C`. */
  let uncommitted = new Map<number, Delivery>();
  const endRun = (): void => {
    if (open !== undefined) analysis.killedInside++;
    if (uncommitted.size > 0) analysis.killedBeforeCommit++;
    open = undefined;
    uncommitted = new Map();
  };
  const lines = text.split('\n').filter((line) => line !== '');
  for (const [index, line] of lines.entries()) {
    const [kind, a, b, c] = line.split(' ');
    if (kind === 'S') {
      if (analysis.runs > 0) endRun();
      analysis.runs++;
      continue;
    }
    if (kind === 'C') {
      const delivery = uncommitted.get(Number(a));
      if (delivery !== undefined) {
        delivery.committed = true;
        uncommitted.delete(Number(a));
      }
      continue;
    }
    const qos = a === '1' ? 1 : a === '2' ? 2 : undefined;
    const n = Number(b);
    const mid = Number(c);
    if (qos === undefined || !Number.isInteger(n) || !Number.isInteger(mid)) {
      analysis.malformed.push(`${index}: ${line}`);
      continue;
    }
    if (kind === 'E') {
      if (open !== undefined)
        analysis.malformed.push(`${index}: ${line} while ${open.qos}:${open.n} is open`);
      if (uncommitted.size > 0) analysis.handedOverBeforeCommit++;
      const delivery: Delivery = { run: analysis.runs, returned: false, committed: false };
      const list = analysis.deliveries[qos].get(n) ?? [];
      list.push(delivery);
      analysis.deliveries[qos].set(n, list);
      open = { qos, n, delivery };
    } else if (kind === 'R') {
      if (open === undefined || open.qos !== qos || open.n !== n) {
        analysis.malformed.push(`${index}: ${line} without its E`);
      } else {
        open.delivery.returned = true;
        if (qos === 2) uncommitted.set(mid, open.delivery);
      }
      open = undefined;
    } else {
      analysis.malformed.push(`${index}: ${line}`);
    }
  }
  if (analysis.runs > 0) endRun();
  return analysis;
}

function returnedCount(analysis: JournalAnalysis, perQos: number): number {
  let count = 0;
  for (const qos of [1, 2] as const) {
    for (let n = 1; n <= perQos; n++) {
      if (analysis.deliveries[qos].get(n)?.some((d) => d.returned) === true) count++;
    }
  }
  return count;
}

void test(
  'fault 5: subscriber process SIGKILLed 6 times mid-stream, restarted on its SQLite file: nothing lost, QoS 2 again only after a death before its id was recorded',
  { skip: !hasMosquitto(), timeout: 240_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'steady-mqtt-fault5-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const db = join(dir, 'subscriber.db');
    const journalPath = join(dir, 'subscriber.journal');
    // No in-flight limit: not below the publisher's window (reference/mosquitto-for-tests.md).
    const broker = await startBroker({
      maxInflightMessages: 0,
      maxQueuedMessages: 100_000,
      quietLog: true,
    });
    t.after(() => broker.stop());
    const children: Child[] = [];
    t.after(() => killAll(children));

    const prefix = uniqueId('skill');
    const subId = uniqueId('s');
    const childArgs = (subscribe: boolean): string[] => [
      db,
      journalPath,
      broker.host,
      String(broker.port),
      subId,
      `${prefix}/#`,
      subscribe ? '1' : '0',
      String(SPIN_MICROS),
    ];
    const startChild = async (subscribe: boolean, run: number): Promise<Child> => {
      const child = spawnChild(join(FIXTURES, 'subscriber.ts'), childArgs(subscribe));
      children.push(child);
      await waitUntil(
        () => child.lines.includes('ready') || child.hasExited(),
        20_000,
        () => `subscriber run ${run} to connect`,
      );
      assert.ok(!child.hasExited(), `subscriber run ${run} exited early: ${child.stderr()}`);
      return child;
    };

    // First run: make the persistent session and its QoS 2 subscription, then start the stream.
    let child = await startChild(true, 0);
    const pub = makeClient(uniqueId('p'));
    t.after(() => closeClient(pub.client));
    await connectClient(pub.client, pub.events, broker.host, broker.port);
    const startedAt = Date.now();
    const stream = publishStream(pub.client, prefix, PER_QOS, 400, 1500);
    t.after(() => stream.stop());

    const random = createPrng(SEED);
    const total = PER_QOS * 2;
    const killedAt: number[] = [];
    const killPoints = faultPoints(random, KILLS, Math.floor(total * 0.05), Math.floor(total * 0.85));
    for (let run = 0; run < KILLS; run++) {
      if (run > 0) child = await startChild(false, run);
      // Kill once the journal holds this run's seeded number of handled messages, and 20 of this child's own.
      const mark = Math.max(killPoints[run], returnedCount(analyse(journalPath), PER_QOS) + 20);
      await waitUntil(
        () => returnedCount(analyse(journalPath), PER_QOS) >= mark || child.hasExited(),
        60_000,
        () => `subscriber run ${run} to reach ${mark} handled messages`,
        5,
      );
      assert.ok(!child.hasExited(), `subscriber run ${run} exited before it could be killed`);
      await child.kill();
      killedAt.push(returnedCount(analyse(journalPath), PER_QOS));
    }
    child = await startChild(false, KILLS);
    await waitUntil(
      () => stream.acked[1] + stream.acked[2] === total,
      90_000,
      () => `acks: ${stream.acked[1]}+${stream.acked[2]}`,
      50,
    );
    await waitUntil(
      () => returnedCount(analyse(journalPath), PER_QOS) === total,
      60_000,
      () => `every message handled: ${returnedCount(analyse(journalPath), PER_QOS)}/${total}`,
      100,
    ).catch(() => undefined);
    await sleep(500);
    child.process.kill('SIGTERM');
    await Promise.race([child.exited, expiry(5_000)]);

    const analysis = analyse(journalPath);
    const lost = { 1: [] as number[], 2: [] as number[] };
    const duplicated = { 1: 0, 2: 0 };
    const qos2Violations: string[] = [];
    let afterDeathInside = 0;
    let afterDeathBeforeCommit = 0;
    for (const qos of [1, 2] as const) {
      for (let n = 1; n <= PER_QOS; n++) {
        const list = analysis.deliveries[qos].get(n) ?? [];
        if (!list.some((d) => d.returned)) lost[qos].push(n);
        if (list.length > 1) duplicated[qos] += list.length - 1;
        if (qos !== 2 || list.length < 2) continue;
        // Every delivery but the last was cut short by a kill: inside onMessage (no R), or after it returned
        // and before the store committed the id (R, no C: the run's last step, see handedOverBeforeCommit).
        // A delivery after a committed one is a second delivery of a message the library had recorded.
        const earlier = list.slice(0, -1);
        if (earlier.some((d) => d.committed)) {
          qos2Violations.push(
            `${n}: ${list.map((d) => `run ${d.run} ${d.committed ? 'C' : d.returned ? 'R' : 'E'}`).join(', ')}`,
          );
        } else if (earlier.some((d) => d.returned)) {
          afterDeathBeforeCommit++;
        } else {
          afterDeathInside++;
        }
      }
    }
    const line =
      `[fault] fault 5 (subscriber process SIGKILLed): sent q1=${stream.accepted[1]} q2=${stream.accepted[2]}; ` +
      `received (handled) q1=${PER_QOS - lost[1].length} q2=${PER_QOS - lost[2].length}; ` +
      `lost q1=${lost[1].length} q2=${lost[2].length}; duplicated q1=${duplicated[1]} q2=${duplicated[2]} ` +
      `(QoS 2 handed over again after a death inside onMessage: ${afterDeathInside}, after a death between its ` +
      `return and the commit of its id: ${afterDeathBeforeCommit}, after the commit: ${qos2Violations.length}); ` +
      `faults: ${KILLS} SIGKILLs of the subscriber (handled before each kill: ${killedAt.join(', ')}; ` +
      `killed inside onMessage: ${analysis.killedInside}, between a QoS 2 return and its commit: ` +
      `${analysis.killedBeforeCommit}); ${((Date.now() - startedAt) / 1000).toFixed(1)} s`;
    console.log(line);
    t.diagnostic(line);

    assert.equal(stream.refused, 0);
    assert.deepEqual(analysis.malformed, [], 'journal lines break the E,R pairing');
    assert.equal(analysis.runs, KILLS + 1);
    assert.ok(
      killedAt.every((handled) => handled > 0 && handled < total),
      `every kill landed mid-stream: ${killedAt.join(', ')}`,
    );
    assert.deepEqual(lost[1], [], `QoS 1 lost: ${sample(lost[1])}`);
    assert.deepEqual(lost[2], [], `QoS 2 lost: ${sample(lost[2])}`);
    assert.equal(
      analysis.handedOverBeforeCommit,
      0,
      'a message handed over before the previous QoS 2 id was committed',
    );
    assert.deepEqual(qos2Violations, [], 'QoS 2 delivered again after its id was committed');
  },
);
