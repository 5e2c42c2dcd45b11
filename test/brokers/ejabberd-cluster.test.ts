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
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { startEjabberd, startEpmd, type EjabberdNode } from '../support/ejabberd.js';
import { spawnChild, type Child } from '../fault/children.js';
import { waitUntil } from '../client/helpers.js';
import type { PeerConfig } from './fixtures/failover-peer.js';

const PEER = fileURLToPath(new URL('./fixtures/failover-peer.ts', import.meta.url));
const PER_QOS = Number(process.env.STEADY_CLUSTER_PER_QOS ?? 300);
const RATE = Number(process.env.STEADY_CLUSTER_RATE ?? 200);
const STREAM_MS = ((PER_QOS * 2) / RATE) * 1000;

interface Done {
  sent: { 1: number; 2: number };
  received: { 1: number; 2: number };
  duplicates: { 1: number; 2: number };
  missing: { 1: number; 2: number };
  missingIds: string[];
  duplicateIds: string[];
  reconnects: number;
  resumeMs: number[];
  attempts: number;
}

function doneOf(child: Child): Done {
  const line = child.lines.find((l) => l.startsWith('done '));
  assert.ok(
    line !== undefined,
    `no result from the peer; stderr:\n${child.stderr()}\n${child.lines.join('\n')}`,
  );
  return JSON.parse(line.slice(5)) as Done;
}

let epmd: { stop(): Promise<void> } | undefined;
const nodes: EjabberdNode[] = [];
const children: Child[] = [];
let dir: string;

void before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'steady-mqtt-ejabberd-cluster-'));
  const shared = await startEpmd();
  epmd = shared;
  for (let i = 0; i < 2; i++) nodes.push(await startEjabberd({ epmdPort: shared.port }));
  nodes[1].ctl('join_cluster', nodes[0].node);
});
void after(async () => {
  for (const child of children) await child.kill();
  for (const node of nodes) await node.stop();
  await epmd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

void describe('ejabberd x2 (MQTT 5): the publisher node is SIGKILLed', () => {
  void it(`the client publishes again what was not acknowledged: nothing lost (${PER_QOS} + ${PER_QOS})`, async () => {
    assert.match(nodes[0].ctl('list_cluster'), new RegExp(nodes[1].node));
    const peer = (role: 'pub' | 'sub', clientId: string, urls: string[]): Child => {
      const config: PeerConfig = {
        urls,
        clientId,
        db: join(dir, `${clientId}.db`),
        prefix: 'fo/ejabberd',
        perQos: PER_QOS,
        rate: RATE,
        protocol: 'mqttv5',
        idleMs: 10_000,
        maxMs: STREAM_MS + 90_000,
        username: 'user',
        password: 'pass',
      };
      const child = spawnChild(PEER, [role, JSON.stringify(config)]);
      children.push(child);
      return child;
    };
    const [n1, n2] = nodes.map((n) => n.url);
    const sub = peer('sub', 'fo-ej-sub', [n2, n1]);
    await waitUntil(() => sub.lines.includes('ready'), 30_000, 'the subscriber subscribed');
    const pub = peer('pub', 'fo-ej-pub', [n1, n2]);
    const acked = (): number =>
      Math.max(0, ...pub.lines.filter((l) => l.startsWith('acked ')).map((l) => Number(l.slice(6))));
    await waitUntil(() => acked() >= (PER_QOS * 2) / 3, STREAM_MS + 30_000, 'a third of the stream');
    await nodes[0].kill();
    await Promise.all([pub.exited, sub.exited]);
    const p = doneOf(pub);
    const s = doneOf(sub);
    const events = (c: Child): string[] => c.lines.filter((l) => /^(dis)?connected /.test(l));
    console.log(
      `# cluster ejabberd ${JSON.stringify({
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
      `# evidence ${JSON.stringify({ missing: s.missingIds, duplicated: s.duplicateIds, pub: events(pub), sub: events(sub) })}`,
    );
    assert.equal((await pub.exited).code, 0, 'the publisher had every message acknowledged');
    assert.deepEqual(p.sent, { 1: PER_QOS, 2: PER_QOS });
    assert.deepEqual(s.missing, { 1: 0, 2: 0 }, 'nothing lost');
    assert.equal(p.reconnects, 1, 'the publisher failed over once');
    // Node 2 had no session for the publisher: session present 0 there (a property of ejabberd 23.01).
    assert.ok(
      pub.lines.some((l) => /^connected \d+ 0 1$/.test(l)),
      'session present 0 on node 2',
    );
    const unacknowledged = new Set(
      (pub.lines.find((l) => l.startsWith('disconnected '))?.split(' ')[3] ?? '').split(','),
    );
    for (const id of s.duplicateIds)
      assert.ok(unacknowledged.has(id), `${id} duplicated, not one sent again`);
  });
});
