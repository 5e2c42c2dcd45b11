/**
 * The broker-list policy (docs/transports.md, "Several brokers"), on a fake cluster of three nodes (scripted fake
 * brokers on loopback, and ports where nothing listens):
 *   - which node next: the one after the current one in the list, wrapping around;
 *   - a node that cannot be reached, or drops the connection before the CONNACK, is passed over within the same
 *     round, at once; a node that refuses the CONNECT (CONNACK failure) stops being current, and the next node is
 *     tried after the back-off;
 *   - when to go back: never by preference; the client stays on the node that works and moves on only when it
 *     fails;
 *   - back-off: between rounds (and after each refusal), growing from the minimum delay to the maximum, so a
 *     cluster that is down entirely gets a bounded number of attempts, not a busy loop.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { MQTTProtocolVersion } from '../../src/index.js';
import { PacketType } from '../../src/packet/types.js';
import { FakeBroker, type FakeConnection } from '../support/fake-broker.js';
import { getFreePorts } from '../support/ports.js';
import { recordingClient, sleep, waitUntil, type Recorder } from '../client/helpers.js';

type Behaviour = 'refuse' | 'drop' | 'accept';

/** A fake node that answers every connection the same way, and records when each arrived. */
class Node {
  readonly broker: FakeBroker;
  behaviour: Behaviour;
  readonly arrivals: number[] = [];
  readonly connections: FakeConnection[] = [];
  #serving = true;

  private constructor(broker: FakeBroker, behaviour: Behaviour) {
    this.broker = broker;
    this.behaviour = behaviour;
    void this.#serve();
  }

  static async start(behaviour: Behaviour): Promise<Node> {
    return new Node(await FakeBroker.start(), behaviour);
  }

  get url(): string {
    return `mqtt://${this.broker.host}:${this.broker.port}`;
  }

  async #serve(): Promise<void> {
    // Bounded: a test makes far fewer connections than this.
    for (let i = 0; i < 200 && this.#serving; i++) {
      const connection = await this.broker.nextConnection(60_000).catch(() => undefined);
      if (connection === undefined) return;
      this.arrivals.push(Date.now());
      this.connections.push(connection);
      if (this.behaviour === 'drop') {
        connection.destroy();
        continue;
      }
      const connect = await connection.expect(PacketType.CONNECT).catch(() => undefined);
      if (connect === undefined) continue;
      // 3.1.1 return code 3: Server unavailable (the client reports its MQTT 5 equivalent, 0x88).
      const reasonCode = this.behaviour === 'refuse' ? 3 : 0;
      connection.send({ type: PacketType.CONNACK, sessionPresent: false, reasonCode });
      if (reasonCode !== 0) connection.end();
    }
  }

  async close(): Promise<void> {
    this.#serving = false;
    await this.broker.close();
  }
}

const nodes: Node[] = [];
const clients: Recorder[] = [];
async function node(behaviour: Behaviour): Promise<Node> {
  const n = await Node.start(behaviour);
  nodes.push(n);
  return n;
}
function client(): Recorder {
  // No jitter, so the back-off between attempts is the documented sequence: 0.2 s, 0.4 s, 0.8 s, 1 s...
  const r = recordingClient(MQTTProtocolVersion.MQTTv311, { reconnectJitter: 0 });
  r.client.reconnectDelaySet(0.2, 1);
  r.client.loopStart();
  clients.push(r);
  return r;
}

void after(async () => {
  for (const r of clients) r.client.loopStop();
  for (const n of nodes) await n.close();
});

void describe('broker list: a fake cluster of three nodes', () => {
  void it('the first two refuse the CONNECT: each is tried once, after the back-off, then the third', async () => {
    const [a, b, c] = [await node('refuse'), await node('refuse'), await node('accept')];
    const r = client();
    void r.client.connect([a.url, b.url, c.url]).catch(() => undefined);
    await waitUntil(() => r.connacks.some((x) => x.rc === 0), 10_000, 'a CONNACK from the third node');
    assert.deepEqual(
      r.connacks.map((x) => x.rc),
      [0x88, 0x88, 0],
    );
    assert.deepEqual([a.arrivals.length, b.arrivals.length, c.arrivals.length], [1, 1, 1]);
    assert.equal(r.client.currentBroker?.index, 2);
    // A refusal is followed by the back-off before the next node: 0.2 s, then 0.4 s (no jitter).
    assert.ok(b.arrivals[0] - a.arrivals[0] >= 150, `A -> B after ${b.arrivals[0] - a.arrivals[0]} ms`);
    assert.ok(c.arrivals[0] - b.arrivals[0] >= 300, `B -> C after ${c.arrivals[0] - b.arrivals[0]} ms`);
  });

  void it('the first two cannot be reached: the third is tried in the same round, with no back-off', async () => {
    const [deadA, deadB] = await getFreePorts(2);
    const c = await node('accept');
    const r = client();
    // A long back-off: reaching the third node sooner than it shows there was none within the round.
    r.client.reconnectDelaySet(2, 4);
    const started = Date.now();
    void r.client
      .connect([`mqtt://127.0.0.1:${deadA}`, `mqtt://127.0.0.1:${deadB}`, c.url])
      .catch(() => undefined);
    await waitUntil(() => r.connacks.length === 1, 10_000, 'a CONNACK from the third node');
    assert.equal(r.connacks[0].rc, 0);
    assert.equal(r.client.currentBroker?.index, 2);
    assert.ok(
      c.arrivals[0] - started < 1_500,
      `reached after ${c.arrivals[0] - started} ms: no back-off in a round`,
    );
  });

  void it('the current node dies: the next one in the list (wrapping), never back to the first by preference', async () => {
    const [a, b, c] = [await node('accept'), await node('accept'), await node('accept')];
    const r = client();
    void r.client.connect([a.url, b.url, c.url]).catch(() => undefined);
    await waitUntil(() => r.connacks.length === 1, 10_000, 'CONNACK from the first node');
    assert.equal(r.client.currentBroker?.index, 0);
    // The first node dies: it drops every connection from now on. The client moves to the second node.
    a.behaviour = 'drop';
    a.connections[0].destroy();
    await waitUntil(() => r.connacks.length === 2, 10_000, 'CONNACK from the second node');
    assert.equal(r.client.currentBroker?.index, 1);
    // The first node comes back; the client stays where it is while that node works.
    a.behaviour = 'accept';
    await sleep(500);
    assert.equal(r.client.currentBroker?.index, 1);
    assert.equal(r.connacks.length, 2);
    // The second and third nodes die: the next is the third (dropping), then, wrapping, the first.
    b.behaviour = 'drop';
    c.behaviour = 'drop';
    b.connections[0].destroy();
    await waitUntil(() => r.connacks.length === 3, 10_000, 'CONNACK after wrapping around');
    assert.equal(r.client.currentBroker?.index, 0);
    assert.ok(c.arrivals.length >= 1, 'the third node was tried before wrapping to the first');
  });

  void it('every node down: one attempt per node per round, rounds spaced by the back-off (no busy loop)', async () => {
    const [a, b, c] = [await node('drop'), await node('drop'), await node('drop')];
    const r = client();
    void r.client.connect([a.url, b.url, c.url]).catch(() => undefined);
    await sleep(2_000);
    r.client.loopStop();
    const counts = [a.arrivals.length, b.arrivals.length, c.arrivals.length];
    // Rounds at about 0, 0.2, 0.6 and 1.4 s: 4 in 2 s, give or take one on a loaded machine.
    assert.ok(
      counts.every((n) => n >= 2 && n <= 6),
      `attempts per node ${counts.join(', ')}`,
    );
    assert.ok(
      Math.max(...counts) - Math.min(...counts) <= 1,
      `one attempt per node per round: ${counts.join(', ')}`,
    );
    assert.equal(r.connacks.length, 0);
  });
});
