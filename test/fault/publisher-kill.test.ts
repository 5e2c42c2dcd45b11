/**
 * Fault scenario 4 of issue 4: the publisher PROCESS (fixtures/publisher.ts, on a SqliteStore) killed with
 * SIGKILL in the middle of the stream, several times, and restarted on the same SQLite file. Nothing accepted
 * by publish() (fault 4) or publishMany() (fault 4b) may be lost, and no QoS 2 message may arrive twice.
 *
 * "Accepted" is what the child's journal says (see the header of fixtures/publisher.ts): a line written right
 * after publish() returned, plus the messages a restarted child found in the store above its last journal line
 * (accepted, killed before the line). Lost = accepted and never received, so the figure is honest: a message
 * counts as sent as soon as publish() returned.
 *
 * Each kill comes when the journal reaches a seeded number of accepted messages (one point in each equal slice
 * of the stream's first 85 %), and the publisher is paced (RATE a second), so every kill lands mid-stream on a
 * machine of any speed: a kill timed from the connection once came after a fast machine's publisher had finished.
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
  expiry,
  connectClient,
  countingSubscriber,
  faultPoints,
  nthMessage,
  printReport,
  sample,
  sleep,
  subscribeAndWait,
  tallyReport,
  uniqueId,
  waitUntil,
} from './helpers.js';

const KILLS = 5;
/** The publisher's pace, messages a second: the stream of 10,000 lasts about 5 s plus the restarts. */
const RATE = 2_000;
const SEED = Number(process.env.FAULT_SEED ?? 20261125);

interface JournalSummary {
  accepted: Set<number>;
  recovered: number[];
  starts: number;
  done: boolean;
  /** Messages the store held at each start. */
  restored: number[];
}

function readJournal(path: string): JournalSummary {
  const summary: JournalSummary = {
    accepted: new Set(),
    recovered: [],
    starts: 0,
    done: false,
    restored: [],
  };
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return summary;
  }
  for (const line of text.split('\n')) {
    const [kind, a, b] = line.split(' ');
    if (kind === 'A') summary.accepted.add(Number(a));
    else if (kind === 'R') {
      summary.accepted.add(Number(a));
      summary.recovered.push(Number(a));
    } else if (kind === 'S') {
      summary.starts++;
      summary.restored.push(Number(b));
    } else if (kind === 'D') summary.done = true;
  }
  return summary;
}

/**
 * Fault 4 publishes with `publish()`, one message at a time; fault 4b with `publishMany()`, up to 50 messages
 * in one call (one store transaction): a kill after the call returned loses none of them either.
 */
const MODES = [
  { mode: 'one', name: 'fault 4', via: 'publish()', window: 1 },
  { mode: 'many', name: 'fault 4b', via: 'publishMany() batches', window: 50 },
] as const;

for (const { mode, name, via, window } of MODES) {
  void test(
    `${name}: publisher process (${via}) SIGKILLed 5 times mid-stream, restarted on its SQLite file: nothing lost, QoS 2 once`,
    { skip: !hasMosquitto(), timeout: 240_000 },
    async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'steady-mqtt-fault4-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const db = join(dir, 'publisher.db');
      const journalPath = join(dir, 'publisher.journal');
      const broker = await startBroker({
        maxInflightMessages: 100,
        maxQueuedMessages: 100_000,
        quietLog: true,
      });
      t.after(() => broker.stop());
      const children: Child[] = [];
      t.after(() => killAll(children));

      const prefix = uniqueId('pkill');
      const sub = countingSubscriber(uniqueId('s'), PER_QOS);
      t.after(() => closeClient(sub.client));
      await connectClient(sub.client, sub.events, broker.host, broker.port);
      await subscribeAndWait(sub.client, `${prefix}/#`, 2);

      const random = createPrng(SEED);
      const pubId = uniqueId('p');
      const args = [
        db,
        journalPath,
        broker.host,
        String(broker.port),
        pubId,
        prefix,
        String(PER_QOS),
        '200',
        String(RATE),
        mode,
      ];
      const total = PER_QOS * 2;
      const killPoints = faultPoints(random, KILLS, Math.floor(total * 0.05), Math.floor(total * 0.85));
      const startedAt = Date.now();
      let kills = 0;
      const killedAt: number[] = [];
      for (let run = 0; run <= KILLS; run++) {
        const child = spawnChild(join(FIXTURES, 'publisher.ts'), args);
        children.push(child);
        if (run === KILLS) {
          const exit = await Promise.race([child.exited, expiry(90_000)]);
          assert.ok(exit !== undefined, 'the last publisher did not finish within 90 s');
          assert.equal(exit.code, 0, `the last publisher failed: ${child.stderr()}`);
          break;
        }
        await waitUntil(
          () => child.lines.includes('ready') || child.hasExited(),
          20_000,
          () => `publisher run ${run} to connect`,
        );
        assert.ok(!child.hasExited(), `publisher run ${run} exited early: ${child.stderr()}`);
        // Kill once the journal holds this run's seeded number of accepted messages, while it publishes.
        await waitUntil(
          () => readJournal(journalPath).accepted.size >= killPoints[run] || child.hasExited(),
          60_000,
          () => `publisher run ${run} to reach ${killPoints[run]} accepted messages`,
          5,
        );
        assert.ok(!child.hasExited(), `publisher run ${run} finished before it could be killed`);
        await child.kill();
        kills++;
        killedAt.push(readJournal(journalPath).accepted.size);
      }

      const journal = readJournal(journalPath);
      assert.equal(journal.done, true, 'the journal ends with D');
      assert.equal(journal.accepted.size, total, 'every message was accepted once over all runs');
      const expected = { 1: [] as number[], 2: [] as number[] };
      for (const i of journal.accepted) {
        const { qos, n } = nthMessage(i);
        expected[qos].push(n);
      }
      await waitUntil(
        () => sub.tally.complete(),
        30_000,
        () => `every message at the subscriber: q1 ${sub.tally.distinct(1)}, q2 ${sub.tally.distinct(2)}`,
        50,
      ).catch(() => undefined);
      await sleep(500);
      const lost1 = sub.tally.missing(1, expected[1]);
      const lost2 = sub.tally.missing(2, expected[2]);
      const report = tallyReport(
        `${name} (publisher process SIGKILLed, ${via})`,
        sub.tally,
        { 1: expected[1].length, 2: expected[2].length },
        `${kills} SIGKILLs of the publisher (accepted before each kill: ${killedAt.join(', ')}; ` +
          `messages resumed from the store at each start: ${journal.restored.join(', ')}; ` +
          `accepted but not journaled, recovered from the store: ${journal.recovered.length})`,
        startedAt,
      );
      printReport(t, report);

      assert.equal(kills, KILLS);
      assert.ok(
        killedAt.every((accepted) => accepted > 0 && accepted < total),
        `every kill landed mid-stream: ${killedAt.join(', ')}`,
      );
      assert.equal(sub.tally.foreign, 0);
      assert.deepEqual(lost1, [], `QoS 1 lost: ${sample(lost1)}`);
      assert.deepEqual(lost2, [], `QoS 2 lost: ${sample(lost2)}`);
      assert.deepEqual(sub.tally.duplicated(2), [], `QoS 2 duplicated: ${sample(sub.tally.duplicated(2))}`);
      assert.ok(
        journal.recovered.length <= KILLS * window,
        `at most one call's messages (${window}) per kill in the publish-to-journal window`,
      );
    },
  );
}
