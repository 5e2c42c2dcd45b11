/** A session restored from a StoredSession (process restart), and the engine driving a MemoryStore. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { StoredSession } from '../../src/store/types.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import { bytes, dec, eventTypes, Harness, options, publishes, serverPublish, types } from './helpers.js';

function stored(): StoredSession {
  return {
    outgoing: [
      { seq: 5, packetId: 12, qos: 2, topic: 't', payload: bytes('c'), retain: false, state: 'pubrec' },
      { seq: 3, packetId: 10, qos: 1, topic: 't', payload: bytes('a'), retain: false, state: 'sent' },
      { seq: 4, packetId: 11, qos: 2, topic: 't', payload: bytes('b'), retain: true, state: 'sent' },
      {
        seq: 6,
        packetId: 13,
        qos: 1,
        topic: 't',
        payload: bytes('d'),
        retain: false,
        state: 'queued',
        properties: { contentType: 'x' },
      },
    ],
    incomingQos2: [42],
    subscriptions: [{ topicFilter: 's/#', qos: 1 }],
  };
}

void describe('restore', () => {
  void test('session present: resend in seq order (DUP / PUBREL / first send), ids after the highest', () => {
    const h = new Harness(options(), stored());
    h.open();
    const s = h.connack({ sessionPresent: true });
    assert.deepEqual(
      s.packets.map((p) =>
        p.type === 3 ? `P${p.packetId}${p.dup ? 'd' : ''}` : `R${'packetId' in p ? p.packetId : ''}`,
      ),
      ['P10d', 'P11d', 'R12', 'P13'],
    );
    assert.equal(publishes(s)[1].retain, true);
    assert.equal(publishes(s)[2].properties?.contentType, 'x');
    // ids continue after the highest stored one
    assert.equal(h.publish('t', 'e', 1).mid, 14);
    h.take();
    // the incoming QoS 2 id is known: a resent PUBLISH gets PUBREC, no delivery
    const r = h.feed(serverPublish('t', 'x', 2, 42, { dup: true }));
    assert.equal(r.events.length, 0);
    assert.deepEqual(types(r), [5]);
    // and its PUBREL completes it
    assert.deepEqual(h.feed({ type: 6, packetId: 42, reasonCode: 0 }).ops, [
      { kind: 'deleteIncoming', packetId: 42 },
    ]);
  });

  void test('session lost: everything republished as new, subscriptions re-subscribed', () => {
    const h = new Harness(options({ resubscribe: true }), stored());
    h.open();
    const s = h.connack({ sessionPresent: false });
    assert.deepEqual(types(s), [8, 3, 3, 3, 3]);
    assert.deepEqual(
      publishes(s).map((p) => [p.packetId, p.dup, dec.decode(p.payload)]),
      [
        [10, false, 'a'],
        [11, false, 'b'],
        [12, false, 'c'],
        [13, false, 'd'],
      ],
    );
    assert.ok(s.ops.some((o) => o.kind === 'deleteIncoming' && o.packetId === 42));
  });

  void test("clean start ('first-only') discards the stored session but keeps never-sent messages", () => {
    const h = new Harness(options({ cleanStart: 'first-only' }), stored());
    h.open();
    const s = h.connack();
    assert.deepEqual(
      s.ops.map((o) => o.kind),
      ['clear', 'putOutgoing', 'setOutgoingState'],
    );
    assert.deepEqual(
      publishes(s).map((p) => p.packetId),
      [13],
    );
    assert.deepEqual(
      s.events.filter((e) => e.type === 'dropped').map((e) => (e.type === 'dropped' ? e.mid : 0)),
      [10, 11, 12],
    );
    assert.deepEqual(types(s), [3]); // no re-subscription of the discarded session's subscriptions
  });

  void test('a restart in the middle of flows, through a MemoryStore', () => {
    const store = new MemoryStore();
    const key = 'k';
    const apply = (h: Harness) => {
      const s = h.take();
      store.apply(key, s.ops);
      return s;
    };
    // first process
    const h1 = new Harness(options({ manualAck: true }));
    h1.open();
    h1.session.receive(new Uint8Array([0x20, 0x03, 0x00, 0x00, 0x00]), h1.now); // CONNACK v5, no props
    apply(h1);
    h1.publish('t', '1', 1);
    h1.publish('t', '2', 2);
    h1.publish('t', '3', 2);
    apply(h1);
    h1.session.receive(new Uint8Array([0x50, 0x02, 0x00, 0x02]), h1.now); // PUBREC 2
    apply(h1);
    h1.session.receive(new Uint8Array([0x34, 0x06, 0x00, 0x01, 0x74, 0x00, 0x09, 0x00]), h1.now); // PUBLISH QoS 2 id 9
    const m = apply(h1);
    assert.deepEqual(eventTypes(m), ['message']);
    h1.session.ack(9, 2, h1.now);
    apply(h1);
    // crash; second process
    const loaded = store.load(key);
    assert.deepEqual(
      loaded.outgoing.map((r) => [r.packetId, r.state]),
      [
        [1, 'sent'],
        [2, 'pubrec'],
        [3, 'sent'],
      ],
    );
    assert.deepEqual(loaded.incomingQos2, [9]);
    const h2 = new Harness(options(), loaded);
    h2.open();
    const s = h2.connack({ sessionPresent: true });
    store.apply(key, s.ops);
    assert.deepEqual(
      s.packets.map(
        (p) => `${p.type}:${'packetId' in p ? p.packetId : ''}${p.type === 3 && p.dup ? 'd' : ''}`,
      ),
      ['3:1d', '6:2', '3:3d'],
    );
    const r = h2.feed(serverPublish('t', '', 2, 9, { dup: true }));
    assert.equal(r.events.length, 0, 'no second delivery after the restart');
  });
});

void describe('identity', () => {
  const identity = {
    broker: 'mqtt://h:1883',
    clientId: '',
    protocolVersion: 5 as const,
    sessionExpiryInterval: 60,
  };

  void test('setIdentity with the assigned client id on the first CONNACK, after clear, on id change', () => {
    const h = new Harness(options({ clientId: '', cleanStart: 'first-only', identity }));
    h.open();
    let s = h.connack({ properties: { assignedClientIdentifier: 'a1' } });
    assert.deepEqual(s.ops.slice(0, 2), [
      { kind: 'clear' },
      { kind: 'setIdentity', identity: { ...identity, clientId: 'a1' } },
    ]);
    h.close();
    h.open();
    s = h.connack({ sessionPresent: true });
    assert.equal(s.ops.length, 0);
  });

  void test('no identity option: no setIdentity', () => {
    const h = new Harness(options({ cleanStart: true }));
    h.open();
    assert.deepEqual(h.connack().ops, [{ kind: 'clear' }]);
  });
});
