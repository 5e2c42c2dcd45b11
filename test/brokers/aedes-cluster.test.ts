/**
 * Failover on a real cluster, counted: two Aedes nodes sharing sessions, subscriptions and retained messages
 * through one Redis. A publisher process and a subscriber process (fixtures/failover-peer.ts: persistent
 * sessions, SqliteStore, a broker list naming both nodes) both start on node 1; node 1 is SIGKILLed in the middle
 * of the stream. Both resume on node 2. Losses and duplicates are counted and attributed: a duplicate can only be
 * a message unacknowledged at the kill that the publisher sent again (node 2 answers it "session present 0"), and
 * what the subscriber lacks are messages node 2 acknowledged to the publisher while the subscriber's session was
 * still attached to the dead node (the test checks each lies in that window; the evidence line names them).
 *
 * Counts: STEADY_CLUSTER_PER_QOS messages of each QoS (CI: 300) at STEADY_CLUSTER_RATE a second (200);
 * `npm run test:clusters` runs 4,000 of each at 300 a second (and ejabberd-cluster.test.ts, consumer-group.test.ts). The figures are printed as a `# cluster` line and
 * recorded in docs/reliability.md.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startAedes } from '../support/aedes.js';
import type { TestBroker } from '../support/broker-process.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { spawnChild, type Child } from '../fault/children.js';
import { waitUntil } from '../client/helpers.js';
import type { PeerConfig } from './fixtures/failover-peer.js';
import { connectionEvents, doneOf, PEER, PER_QOS, RATE, STREAM_MS } from './cluster-counts.js';

let redis: TestRedis | undefined;
const nodes: TestBroker[] = [];
const children: Child[] = [];
let dir: string;

void before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'steady-mqtt-cluster-'));
  redis = await startRedis();
  for (let i = 0; i < 2; i++) nodes.push(await startAedes({ redisPort: redis.port }));
});
void after(async () => {
  for (const child of children) await child.kill();
  for (const node of nodes) await node.stop();
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

void describe('Aedes x2 on Redis: failover, counted', () => {
  void it(`the node both clients are on is SIGKILLed mid-stream (${PER_QOS} QoS 1 + ${PER_QOS} QoS 2)`, async () => {
    const urls = nodes.map((n) => n.url);
    const peer = (role: 'pub' | 'sub', clientId: string): Child => {
      const config: PeerConfig = {
        urls,
        clientId,
        db: join(dir, `${clientId}.db`),
        prefix: 'fo/aedes',
        perQos: PER_QOS,
        rate: RATE,
        protocol: 'mqttv311',
        idleMs: 15_000,
        maxMs: STREAM_MS + 90_000,
      };
      const child = spawnChild(PEER, [role, JSON.stringify(config)]);
      children.push(child);
      return child;
    };
    const sub = peer('sub', 'fo-aedes-sub');
    await waitUntil(() => sub.lines.includes('ready'), 30_000, 'the subscriber subscribed');
    const pub = peer('pub', 'fo-aedes-pub');
    const acked = (): number =>
      Math.max(0, ...pub.lines.filter((l) => l.startsWith('acked ')).map((l) => Number(l.slice(6))));
    await waitUntil(() => acked() >= (PER_QOS * 2) / 3, STREAM_MS + 30_000, 'a third of the stream');
    // Both are on node 1 (the first of the list): kill it as in a crash.
    assert.ok(sub.lines.some((l) => / 0$/.test(l) && l.startsWith('connected ')));
    await nodes[0].kill();
    await Promise.all([pub.exited, sub.exited]);
    const p = doneOf(pub);
    const s = doneOf(sub);
    const figures = {
      sent: p.sent,
      received: s.received,
      lost: s.missing,
      duplicated: s.duplicates,
      reconnects: { pub: p.reconnects, sub: s.reconnects },
      resumeMs: { pub: p.resumeMs, sub: s.resumeMs },
      attempts: { pub: p.attempts, sub: s.attempts },
    };
    console.log(`# cluster aedes-redis ${JSON.stringify(figures)}`);
    // Evidence for any loss or duplicate: which messages, and what each peer saw around the kill.
    console.log(
      `# evidence ${JSON.stringify({
        missing: s.missingIds,
        duplicated: s.duplicateIds,
        pub: connectionEvents(pub),
        sub: connectionEvents(sub),
      })}`,
    );
    assert.deepEqual(p.sent, { 1: PER_QOS, 2: PER_QOS });
    // The subscriber's session survived on node 2 (session present 1).
    assert.ok(
      sub.lines.some((l) => /^connected \d+ 1 1$/.test(l)),
      'session present on node 2',
    );
    // Every message the publisher sent was acknowledged (it exits 0 only then). What the subscriber lacks, the
    // broker accepted and did not deliver: Aedes keeps routing to a session attached to the dead node until that
    // client connects again, so messages published on node 2 in that window are lost (docs/reliability.md). Each
    // one must lie in that window: from the first unacknowledged message at the kill, over the subscriber's
    // time to resume (plus a second of margin), at the stream's rate.
    assert.equal((await pub.exited).code, 0, 'the publisher had every message acknowledged');
    const atKill =
      pub.lines
        .find((l) => l.startsWith('disconnected '))
        ?.split(' ')[3]
        ?.split(',')[0] ?? '';
    const index = (id: string): number => {
      const [qos, n] = id.split(':').map(Number);
      return (n - 1) * 2 + (qos - 1);
    };
    const first = atKill === '' ? 0 : index(atKill);
    // A duplicate can only be a message unacknowledged at the kill that the publisher sent again as a new
    // message because node 2 answered "session present 0" (Aedes keeps no session for a client without
    // subscriptions; design.md promise 3): node 1 may have delivered it before it died.
    const unacknowledged = new Set(
      (pub.lines.find((l) => l.startsWith('disconnected '))?.split(' ')[3] ?? '').split(','),
    );
    const publisherSessionLost = pub.lines.some((l) => /^connected \d+ 0 1$/.test(l));
    const window = Math.ceil((RATE * (Math.max(0, ...s.resumeMs) + 1_000)) / 1_000);
    for (const id of s.duplicateIds) {
      if (publisherSessionLost && unacknowledged.has(id)) continue;
      // Or, for QoS 1 only, a redelivery by the broker: the subscriber's session moved to node 2 with messages
      // node 1 had delivered but whose PUBACK it never got, and node 2 sends them again. QoS 1 is "at least once"
      // (4.3.2); such a duplicate must lie around the kill. A QoS 2 duplicate has no such excuse.
      const [qos] = id.split(':').map(Number);
      const i = index(id);
      assert.ok(qos === 1 && i >= first - 100 && i <= first + window, `${id} duplicated, not one sent again`);
    }
    for (const id of s.missingIds) {
      const i = index(id);
      assert.ok(i >= first - 100 && i <= first + window, `${id} lost outside the failover window`);
    }
    assert.ok(s.missing[1] + s.missing[2] <= window, 'losses bounded by the failover window');
    assert.ok(p.reconnects >= 1 && s.reconnects >= 1, 'both failed over');
    // Both ended on node 2.
    assert.ok(pub.lines.some((l) => l.startsWith('connected ') && l.endsWith(' 1')));
    assert.ok(sub.lines.some((l) => l.startsWith('connected ') && l.endsWith(' 1')));
  });
});
