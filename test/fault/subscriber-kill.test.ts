/**
 * Fault scenario 5 of issue 4: the subscriber PROCESS (fixtures/subscriber.ts, on a SqliteStore, QoS 2
 * subscription, persistent session) killed with SIGKILL while messages flow to it, several times, and restarted
 * on the same SQLite file. Nothing may be lost; a QoS 2 message may be handed to onMessage a second time only if
 * the process died inside onMessage for it, before the handler returned (design.md, promise 4).
 *
 * The child journals `E q n` on entering onMessage and `R q n` as it returns (see its header). The test checks,
 * for every message, its deliveries in journal order:
 *   - lost: no delivery that reached `R`;
 *   - QoS 2: no delivery at all after a delivery that reached `R`; a redelivery is allowed only after deliveries
 *     that stopped at `E` (the run's last line: killed inside the handler).
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
  returned: boolean;
}

interface JournalAnalysis {
  runs: number;
  /** Lines that break the E,R pairing (must stay empty). */
  malformed: string[];
  /** Runs whose last line is an E without R: killed inside onMessage. */
  killedInside: number;
  deliveries: { 1: Map<number, Delivery[]>; 2: Map<number, Delivery[]> };
}

function analyse(path: string): JournalAnalysis {
  const analysis: JournalAnalysis = {
    runs: 0,
    malformed: [],
    killedInside: 0,
    deliveries: { 1: new Map(), 2: new Map() },
  };
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return analysis;
  }
  let open: { qos: 1 | 2; n: number; delivery: Delivery } | undefined;
  const lines = text.split('\n').filter((line) => line !== '');
  for (const [index, line] of lines.entries()) {
    const [kind, qosText, nText] = line.split(' ');
    if (kind === 'S') {
      if (open !== undefined) analysis.killedInside++;
      open = undefined;
      analysis.runs++;
      continue;
    }
    const qos = qosText === '1' ? 1 : qosText === '2' ? 2 : undefined;
    const n = Number(nText);
    if (qos === undefined || !Number.isInteger(n)) {
      analysis.malformed.push(`${index}: ${line}`);
      continue;
    }
    if (kind === 'E') {
      if (open !== undefined) analysis.malformed.push(`${index}: ${line} while ${open.qos}:${open.n} is open`);
      const delivery: Delivery = { run: analysis.runs, returned: false };
      const list = analysis.deliveries[qos].get(n) ?? [];
      list.push(delivery);
      analysis.deliveries[qos].set(n, list);
      open = { qos, n, delivery };
    } else if (kind === 'R') {
      if (open === undefined || open.qos !== qos || open.n !== n) {
        analysis.malformed.push(`${index}: ${line} without its E`);
      } else {
        open.delivery.returned = true;
      }
      open = undefined;
    } else {
      analysis.malformed.push(`${index}: ${line}`);
    }
  }
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
  'fault 5: subscriber process SIGKILLed 6 times mid-stream, restarted on its SQLite file: nothing lost, QoS 2 redelivered only after a death inside onMessage',
  { skip: !hasMosquitto(), timeout: 240_000 },
  async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'steady-mqtt-fault5-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const db = join(dir, 'subscriber.db');
    const journalPath = join(dir, 'subscriber.journal');
    const broker = await startBroker({ maxInflightMessages: 100, maxQueuedMessages: 100_000, quietLog: true });
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
    for (let run = 0; run < KILLS; run++) {
      if (run > 0) child = await startChild(false, run);
      // Kill at a seeded random moment 100..500 ms after the restarted child received something.
      const linesBefore = readFileSync(journalPath, 'utf8').length;
      await waitUntil(
        () => readFileSync(journalPath, 'utf8').length > linesBefore + 20,
        20_000,
        () => `subscriber run ${run} to receive messages`,
      );
      await sleep(100 + Math.floor(random() * 400));
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
    let qos2RedeliveredAfterDeathInside = 0;
    for (const qos of [1, 2] as const) {
      for (let n = 1; n <= PER_QOS; n++) {
        const list = analysis.deliveries[qos].get(n) ?? [];
        if (!list.some((d) => d.returned)) lost[qos].push(n);
        if (list.length > 1) duplicated[qos] += list.length - 1;
        if (qos === 2 && list.length > 1) {
          const firstReturned = list.findIndex((d) => d.returned);
          if (firstReturned >= 0 && firstReturned < list.length - 1) {
            qos2Violations.push(`${n}: ${list.map((d) => `run ${d.run} ${d.returned ? 'R' : 'E'}`).join(', ')}`);
          } else {
            qos2RedeliveredAfterDeathInside++;
          }
        }
      }
    }
    const line =
      `[fault] fault 5 (subscriber process SIGKILLed): sent q1=${stream.accepted[1]} q2=${stream.accepted[2]}; ` +
      `received (handled) q1=${PER_QOS - lost[1].length} q2=${PER_QOS - lost[2].length}; ` +
      `lost q1=${lost[1].length} q2=${lost[2].length}; duplicated q1=${duplicated[1]} q2=${duplicated[2]} ` +
      `(QoS 2 redelivered after a death inside onMessage: ${qos2RedeliveredAfterDeathInside}, otherwise: ${qos2Violations.length}); ` +
      `faults: ${KILLS} SIGKILLs of the subscriber (handled before each kill: ${killedAt.join(', ')}; ` +
      `killed inside onMessage: ${analysis.killedInside}); ${((Date.now() - startedAt) / 1000).toFixed(1)} s`;
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
    assert.deepEqual(qos2Violations, [], 'QoS 2 delivered again after onMessage had returned');
  },
);
