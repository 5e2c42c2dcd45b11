/**
 * Failover on a real cluster, counted: two RabbitMQ 3.10 nodes (`join_cluster`, one Erlang cookie, one epmd on
 * loopback), MQTT 3.1.1, QoS 1 only: RabbitMQ has no QoS 2 (a named deviation, asserted at the end: a QoS 2
 * PUBLISH is answered with PUBACK, `MQTTMessageInfo.downgraded`). Processes as in the other cluster tests
 * (fixtures/failover-peer.ts: persistent sessions, SqliteStore, a broker list naming both nodes):
 *   - "live", a subscriber on node 1, up all along: what the publisher's failover delivers;
 *   - "home", a subscriber that subscribes on node 2 (its queue lives there) and is then stopped, so the start
 *     of the stream is queued for it on node 2;
 *   - the publisher, on node 2, streams ids; a third of the way in node 2 is SIGKILLed.
 * a) The publisher fails over to node 1 and loses nothing: "live" gets every id.
 * b) "home" starts again while node 2 is down: node 1 accepts its CONNECT and drops the connection at SUBSCRIBE
 *    ("home node ... of durable queue ... is down"). The client keeps retrying under its back-off: its CONNACKs
 *    over the outage are bounded by what the back-off settings allow (no busy loop). Node 2 is started again;
 *    "home" resumes and gets what was queued for it. What the publisher had acknowledged while node 2 was down and
 *    was routed to that queue is dropped by RabbitMQ (acknowledged, not delivered): counted, and each such id is
 *    checked to lie in the outage.
 *
 * Counts: STEADY_CLUSTER_PER_QOS QoS 1 messages (CI: 300) at STEADY_CLUSTER_RATE a second (200); `npm run
 * test:clusters` runs 4,000 at 300. The figures are printed as `# cluster` lines and recorded in
 * docs/reliability.md.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MQTTProtocolVersion } from '../../src/index.js';
import { startRabbitmqCluster, type RabbitmqCluster } from '../support/rabbitmq.js';
import { spawnChild, type Child } from '../fault/children.js';
import { recordingClient, waitUntil } from '../client/helpers.js';
import type { PeerConfig } from './fixtures/failover-peer.js';
import {
  connectionEvents,
  doneOf,
  PEER,
  PEER_RECONNECT,
  PER_QOS,
  RATE,
  type Done,
} from './cluster-counts.js';

/** One QoS level: the stream lasts PER_QOS / RATE seconds. */
const STREAM_MS = (PER_QOS / RATE) * 1000;
let cluster: RabbitmqCluster | undefined;
const children: Child[] = [];
let dir: string;

void before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'steady-mqtt-rabbitmq-cluster-'));
  cluster = await startRabbitmqCluster();
});
void after(async () => {
  for (const child of children) await child.kill();
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function peer(role: 'pub' | 'sub', clientId: string, urls: string[]): Child {
  const config: PeerConfig = {
    urls,
    clientId,
    db: join(dir, `${clientId}.db`),
    prefix: 'fo/rmq',
    perQos: PER_QOS,
    rate: RATE,
    protocol: 'mqttv311',
    qosLevels: [1],
    idleMs: 3_000,
    maxMs: STREAM_MS + 150_000,
    username: 'guest',
    password: 'guest',
  };
  const child = spawnChild(PEER, [role, JSON.stringify(config)]);
  children.push(child);
  return child;
}

/**
 * The most connection attempts the back-off allows in `windowMs`: the first, then one after each delay, every
 * delay at its shortest (the nominal one, doubling from the minimum to the maximum, less the jitter).
 */
function maxAttempts(windowMs: number): number {
  const { minS, maxS, jitter } = PEER_RECONNECT;
  let attempts = 1;
  let elapsed = 0;
  for (let k = 0; attempts < 10_000; k++) {
    elapsed += Math.min(maxS, minS * 2 ** k) * (1 - jitter) * 1000;
    if (elapsed > windowMs) break;
    attempts++;
  }
  return attempts;
}

const ackedOf = (child: Child): number =>
  Math.max(0, ...child.lines.filter((l) => l.startsWith('acked ')).map((l) => Number(l.slice(6))));
const connects = (child: Child): number => child.lines.filter((l) => l.startsWith('connected ')).length;

void describe('RabbitMQ x2 (MQTT 3.1.1, QoS 1): failover, counted', () => {
  void it(`the publisher's node is SIGKILLed mid-stream (${PER_QOS} QoS 1); the subscriber whose queue lived there waits under its back-off`, async () => {
    assert.ok(cluster !== undefined, 'the cluster started');
    // The node that joined (node 2) is the one killed: node 1 led the MQTT plugin's client-id tracking (a Raft
    // group), and after a SIGKILL that leader took about 106 s to accept MQTT again (one run), node 2 about 8 s.
    const [n1, n2] = cluster.nodes;
    const live = peer('sub', 'rmq-live', [n1.url, n2.url]);
    const home = peer('sub', 'rmq-home', [n2.url, n1.url]);
    await waitUntil(() => live.lines.includes('ready'), 30_000, 'the live subscriber subscribed');
    await waitUntil(() => home.lines.includes('ready'), 30_000, 'the home subscriber subscribed');
    // Stopped as in a crash: its persistent session and its queue stay on node 2.
    await home.kill();
    const pub = peer('pub', 'rmq-pub', [n2.url, n1.url]);
    await waitUntil(() => ackedOf(pub) >= PER_QOS / 3, STREAM_MS + 30_000, 'a third of the stream');
    await n2.kill();
    const killedAt = Date.now();
    const again = peer('sub', 'rmq-home', [n2.url, n1.url]);
    const startedAt = Date.now();
    await n2.restart();
    const backAt = Date.now();
    const outageConnacks = connects(again);
    const ackedAtReturn = ackedOf(pub);
    await waitUntil(() => again.lines.includes('ready'), 60_000, 'the home subscriber resubscribed');
    const resumedMs = Date.now() - backAt;
    await Promise.all([pub.exited, live.exited, again.exited]);
    const p = doneOf(pub);
    const l = doneOf(live);
    const h: Done = doneOf(again);
    const bound = maxAttempts(backAt - startedAt);
    // The first id that could be lost to the dead queue: the lowest one unacknowledged when node 2 died.
    const lostLine = pub.lines.find((line) => line.startsWith('disconnected ')) ?? '';
    const unacknowledged = (lostLine.split(' ')[3] ?? '')
      .split(',')
      .filter((id) => id !== '')
      .map((id) => Number(id.split(':')[1]));
    const firstAtRisk = unacknowledged.length > 0 ? Math.min(...unacknowledged) : PER_QOS + 1;
    console.log(
      `# cluster rmq-pub ${JSON.stringify({
        sent: p.sent[1],
        received: l.received[1],
        lost: l.missing[1],
        duplicated: l.duplicates[1],
        reconnects: p.reconnects,
        resumeMs: p.resumeMs,
      })}`,
    );
    console.log(
      `# cluster rmq-home ${JSON.stringify({
        outageMs: backAt - killedAt,
        connacksInOutage: outageConnacks,
        attemptBound: bound,
        attempts: h.attempts,
        resumedMsAfterNodeBack: resumedMs,
        received: h.received[1],
        droppedByBroker: h.missing[1],
        droppedSpan: h.missingSpan[1],
        duplicated: h.duplicates[1],
        ackedAtKillAbout: firstAtRisk - 1,
        ackedAtNodeBack: ackedAtReturn,
      })}`,
    );
    console.log(
      `# evidence ${JSON.stringify({ pub: connectionEvents(pub), home: connectionEvents(again).slice(0, 8) })}`,
    );
    // a) The publisher: every message acknowledged, one failover, nothing lost on the node that stayed up.
    assert.equal((await pub.exited).code, 0, 'the publisher had every message acknowledged');
    assert.equal(p.sent[1], PER_QOS);
    assert.equal(p.reconnects, 1, 'the publisher failed over once');
    assert.equal(l.missing[1], 0, 'nothing lost: the live subscriber got every id');
    for (const id of l.duplicateIds) {
      assert.ok(unacknowledged.includes(Number(id.split(':')[1])), `${id} duplicated, not one sent again`);
    }
    // b) No busy loop: the home subscriber's CONNACKs (each followed by the drop at SUBSCRIBE) over the outage
    // stay within what the back-off allows, and it kept trying.
    assert.ok(outageConnacks >= 2, `${outageConnacks} CONNACKs while node 2 was down: it kept trying`);
    assert.ok(
      outageConnacks <= bound,
      `${outageConnacks} CONNACKs in ${backAt - startedAt} ms, bound ${bound}`,
    );
    // It resumed and got what was queued for it before the kill: every id below the first one at risk.
    const [lowest, highest] = h.missingSpan[1];
    if (lowest !== undefined) {
      assert.ok(lowest >= firstAtRisk, `missing ${lowest} was acknowledged before the kill (${firstAtRisk})`);
      // ... and what it lacks was acknowledged while node 2 was down (the ack counter is printed every 100,
      // with up to 50 more in flight).
      const lastInOutage = Math.min(PER_QOS, ackedAtReturn + 150);
      assert.ok(highest <= lastInOutage, `missing ${highest} after node 2 was back (${lastInOutage})`);
    }
    assert.equal(h.received[1] + h.missing[1], PER_QOS);
  });

  void it('QoS 2 is a deviation: a QoS 2 PUBLISH to the cluster is answered with PUBACK (downgraded)', async () => {
    assert.ok(cluster !== undefined, 'the cluster started');
    const r = recordingClient(MQTTProtocolVersion.MQTTv311);
    r.client.usernamePwSet('guest', 'guest');
    r.client.loopStart();
    try {
      await r.client.connectAndWait(cluster.nodes[1].url);
      const info = r.client.publish('fo/rmq/q2', 'two', 2);
      await info.waitForPublish(30);
      assert.equal(info.downgraded, true, 'completed as delivered at least once');
    } finally {
      await r.client.disconnectAndWait().catch(() => undefined);
      r.client.loopStop();
    }
  });
});
