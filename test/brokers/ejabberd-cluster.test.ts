/**
 * Failover on a real cluster, counted: two ejabberd 23.01 nodes (`join_cluster`, one shared epmd on loopback),
 * MQTT 5. The subscriber process is on node 2, the publisher process on node 1 (fixtures/failover-peer.ts:
 * persistent sessions with a Session Expiry Interval, SqliteStore, a broker list naming both nodes); node 1, the
 * publisher's, is SIGKILLed in the middle of the stream. ejabberd keeps a session on the node that held it: node 2
 * answers the publisher "session present 0", so the client publishes again, as new messages, every message not
 * yet acknowledged (design.md, promise 3): nothing is lost. A QoS 2 duplicate can only be one of those (node 1 may
 * have forwarded it before it died); the test checks that and prints the evidence.
 *
 * Counts as aedes-cluster.test.ts: STEADY_CLUSTER_PER_QOS of each QoS (CI: 300) at STEADY_CLUSTER_RATE (200).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startEjabberd, startEpmd, type EjabberdNode } from '../support/ejabberd.js';
import { spawnChild, type Child } from '../fault/children.js';
import { waitUntil } from '../client/helpers.js';
import type { PeerConfig } from './fixtures/failover-peer.js';
import { connectionEvents, doneOf, PEER, PER_QOS, RATE, STREAM_MS, type Done } from './cluster-counts.js';
import { FIXTURE_PASSWORD } from '../support/secrets.js';

let epmd: { stop(): Promise<void> } | undefined;
const nodes: EjabberdNode[] = [];
const children: Child[] = [];
let dir: string;

let epmdPort = 0;
/** Two nodes joined in a cluster (on the shared epmd). */
async function cluster(): Promise<[EjabberdNode, EjabberdNode]> {
  const pair: EjabberdNode[] = [];
  for (let i = 0; i < 2; i++) pair.push(await startEjabberd({ epmdPort }));
  nodes.push(...pair);
  pair[1].ctl('join_cluster', pair[0].node);
  assert.match(pair[0].ctl('list_cluster'), new RegExp(pair[1].node));
  return [pair[0], pair[1]];
}

void before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'steady-mqtt-ejabberd-cluster-'));
  const shared = await startEpmd();
  epmd = shared;
  epmdPort = shared.port;
});
void after(async () => {
  for (const child of children) await child.kill();
  for (const node of nodes) await node.stop();
  await epmd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  p: Done;
  s: Done;
  pub: Child;
  sub: Child;
}

/** Starts the subscriber (on `subUrls[0]`) and the publisher (on node 1), kills node 1 a third of the way in. */
async function failover(
  name: string,
  subUrls: string[],
  pubUrls: string[],
  kill: EjabberdNode,
): Promise<Run> {
  const peer = (role: 'pub' | 'sub', clientId: string, urls: string[]): Child => {
    const config: PeerConfig = {
      urls,
      clientId,
      db: join(dir, `${clientId}.db`),
      prefix: `fo/${name}`,
      perQos: PER_QOS,
      rate: RATE,
      protocol: 'mqttv5',
      idleMs: 10_000,
      maxMs: STREAM_MS + 90_000,
      username: 'user',
      password: FIXTURE_PASSWORD,
    };
    const child = spawnChild(PEER, [role, JSON.stringify(config)]);
    children.push(child);
    return child;
  };
  const sub = peer('sub', `${name}-sub`, subUrls);
  await waitUntil(() => sub.lines.includes('ready'), 30_000, 'the subscriber subscribed');
  const pub = peer('pub', `${name}-pub`, pubUrls);
  const acked = (): number =>
    Math.max(0, ...pub.lines.filter((l) => l.startsWith('acked ')).map((l) => Number(l.slice(6))));
  await waitUntil(() => acked() >= (PER_QOS * 2) / 3, STREAM_MS + 30_000, 'a third of the stream');
  await kill.kill();
  await Promise.all([pub.exited, sub.exited]);
  const p = doneOf(pub);
  const s = doneOf(sub);
  console.log(
    `# cluster ${name} ${JSON.stringify({
      sent: p.sent,
      received: s.received,
      lost: s.missing,
      duplicated: s.duplicates,
      reconnects: { pub: p.reconnects, sub: s.reconnects },
      resumeMs: { pub: p.resumeMs, sub: s.resumeMs },
      attempts: { pub: p.attempts, sub: s.attempts },
    })}`,
  );
  console.log(
    `# evidence ${JSON.stringify({ missing: s.missingIds, duplicated: s.duplicateIds, pub: connectionEvents(pub), sub: connectionEvents(sub) })}`,
  );
  assert.equal((await pub.exited).code, 0, 'the publisher had every message acknowledged');
  assert.deepEqual(p.sent, { 1: PER_QOS, 2: PER_QOS });
  assert.equal(p.reconnects, 1, 'the publisher failed over once');
  // Node 2 had no session for the publisher: session present 0 there (a property of ejabberd 23.01).
  assert.ok(
    pub.lines.some((l) => /^connected \d+ 0 1$/.test(l)),
    'session present 0 on node 2',
  );
  const unacknowledged = new Set(
    (pub.lines.find((l) => l.startsWith('disconnected '))?.split(' ')[3] ?? '').split(','),
  );
  for (const id of s.duplicateIds) assert.ok(unacknowledged.has(id), `${id} duplicated, not one sent again`);
  return { p, s, pub, sub };
}

void describe('ejabberd x2 (MQTT 5): failover, counted', () => {
  void it(`the publisher's node is SIGKILLed: nothing lost (${PER_QOS} + ${PER_QOS})`, async () => {
    const [n1, n2] = await cluster();
    const { s } = await failover('ej-pub', [n2.url, n1.url], [n1.url, n2.url], n1);
    assert.deepEqual(s.missing, { 1: 0, 2: 0 }, 'nothing lost');
  });

  void it("the node both are on is SIGKILLed: the broker loses the subscriber's session; what it dropped is counted", async () => {
    const [n1, n2] = await cluster();
    const { s, sub } = await failover('ej-both', [n1.url, n2.url], [n1.url, n2.url], n1);
    // The subscriber's session is gone too (session present 0 on node 2); the client subscribes again
    // (`resubscribe`). Messages node 2 acknowledged before that had no subscriber: dropped by the broker, and
    // bounded by the failover window (the subscriber's time to resume plus a second, at the stream's rate).
    assert.ok(
      sub.lines.some((l) => /^connected \d+ 0 1$/.test(l)),
      'session present 0 for the subscriber',
    );
    const window = Math.ceil((RATE * (Math.max(0, ...s.resumeMs) + 1_000)) / 1_000);
    assert.ok(s.missing[1] + s.missing[2] <= window, `${s.missing[1] + s.missing[2]} lost, window ${window}`);
  });
});
