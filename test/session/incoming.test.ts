/** Incoming QoS 0/1/2, exactly-once, manual ack ordering, Receive Maximum, incoming topic aliases. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encode } from '../../src/packet/encode.js';
import { dec, eventTypes, Harness, options, serverPublish, types } from './helpers.js';

function messages(s: { events: { type: string }[] }): string[] {
  return s.events.flatMap((e) =>
    e.type === 'message' && 'packet' in e
      ? [dec.decode((e as { packet: { payload: Uint8Array } }).packet.payload)]
      : [],
  );
}

void describe('QoS 0 in', () => {
  void test('message event, no ack', () => {
    const h = new Harness();
    h.connect();
    const s = h.feed(serverPublish('a/b', 'hi', 0));
    assert.deepEqual(eventTypes(s), ['message']);
    const e = s.events[0];
    assert.ok(e.type === 'message' && e.packet.topic === 'a/b');
    assert.equal(s.packets.length, 0);
  });

  void test('many packets in one chunk, and one packet byte by byte', () => {
    const h = new Harness();
    h.connect();
    const a = encode(serverPublish('t', '1', 0), 5);
    const b = encode(serverPublish('t', '2', 0), 5);
    const both = new Uint8Array(a.length + b.length);
    both.set(a);
    both.set(b, a.length);
    assert.deepEqual(messages(h.feedBytes(both)), ['1', '2']);
    let got: string[] = [];
    for (const byte of a) got = got.concat(messages(h.feedBytes(new Uint8Array([byte]))));
    assert.deepEqual(got, ['1']);
  });
});

void describe('QoS 1 in', () => {
  void test('message, then PUBACK on ack()', () => {
    const h = new Harness();
    h.connect();
    let s = h.feed(serverPublish('t', 'x', 1, 7));
    assert.deepEqual(eventTypes(s), ['message']);
    assert.equal(s.packets.length, 0);
    assert.equal(h.session.ack(7, 1, h.now), true);
    s = h.take();
    assert.deepEqual(s.packets, [{ type: 4, packetId: 7, reasonCode: 0 }]);
    // short form: 0x40 0x02 id id
    assert.deepEqual([...s.data[0]], [0x40, 0x02, 0x00, 0x07]);
    assert.equal(h.session.ack(7, 1, h.now), false);
  });

  void test('a duplicate before ack is not delivered again', () => {
    const h = new Harness();
    h.connect();
    h.feed(serverPublish('t', 'x', 1, 7));
    const s = h.feed(serverPublish('t', 'x', 1, 7, { dup: true }));
    assert.equal(s.events.length, 0);
    h.session.ack(7, 1, h.now);
    assert.deepEqual(types(h.take()), [4]);
  });

  void test('ack while disconnected: PUBACK when the broker resends, without a second delivery', () => {
    const h = new Harness();
    h.connect();
    h.feed(serverPublish('t', 'x', 1, 7));
    h.close();
    h.session.ack(7, 1, h.now);
    assert.equal(h.take().data.length, 0);
    h.open();
    h.connack({ sessionPresent: true });
    const s = h.feed(serverPublish('t', 'x', 1, 7, { dup: true }));
    assert.equal(s.events.length, 0);
    assert.deepEqual(s.packets, [{ type: 4, packetId: 7, reasonCode: 0 }]);
  });
});

void describe('QoS 2 in (exactly once)', () => {
  void test('message once; ack -> putIncoming then PUBREC; PUBREL -> deleteIncoming + PUBCOMP', () => {
    const h = new Harness();
    h.connect();
    let s = h.feed(serverPublish('t', 'x', 2, 9));
    assert.deepEqual(eventTypes(s), ['message']);
    assert.equal(s.packets.length, 0);
    assert.equal(s.ops.length, 0);
    h.session.ack(9, 2, h.now);
    s = h.take();
    // write-ahead: the store op is in the same output as the PUBREC it allows
    assert.deepEqual(s.ops, [{ kind: 'putIncoming', packetId: 9 }]);
    assert.deepEqual(s.packets, [{ type: 5, packetId: 9, reasonCode: 0 }]);
    s = h.feed(serverPublish('t', 'x', 2, 9, { dup: true }));
    assert.equal(s.events.length, 0, 'no second delivery');
    assert.deepEqual(types(s), [5]);
    s = h.feed({ type: 6, packetId: 9, reasonCode: 0 });
    assert.deepEqual(s.ops, [{ kind: 'deleteIncoming', packetId: 9 }]);
    assert.deepEqual(s.packets, [{ type: 7, packetId: 9, reasonCode: 0 }]);
    // the id is free: a new message with it is delivered
    s = h.feed(serverPublish('t', 'y', 2, 9));
    assert.deepEqual(messages(s), ['y']);
  });

  void test('a duplicate before ack: no delivery, no PUBREC yet', () => {
    const h = new Harness();
    h.connect();
    h.feed(serverPublish('t', 'x', 2, 9));
    const s = h.feed(serverPublish('t', 'x', 2, 9, { dup: true }));
    assert.equal(s.events.length + s.packets.length, 0);
  });

  void test('duplicates across a reconnect with session present', () => {
    const h = new Harness();
    h.connect();
    h.feed(serverPublish('t', 'x', 2, 9));
    h.session.ack(9, 2, h.now);
    h.take();
    h.close();
    h.open();
    h.connack({ sessionPresent: true });
    const s = h.feed(serverPublish('t', 'x', 2, 9, { dup: true }));
    assert.equal(s.events.length, 0);
    assert.deepEqual(types(s), [5]);
  });

  void test('ack while disconnected records the id; PUBREC goes out on the resend', () => {
    const h = new Harness();
    h.connect();
    h.feed(serverPublish('t', 'x', 2, 9));
    h.close();
    h.session.ack(9, 2, h.now);
    const s = h.take();
    assert.deepEqual(s.ops, [{ kind: 'putIncoming', packetId: 9 }]);
    assert.equal(s.data.length, 0);
    h.open();
    h.connack({ sessionPresent: true });
    const r = h.feed(serverPublish('t', 'x', 2, 9, { dup: true }));
    assert.equal(r.events.length, 0);
    assert.deepEqual(types(r), [5]);
  });

  void test('PUBREL for an unknown id: PUBCOMP 0x92 on v5, plain PUBCOMP on 3.1.1', () => {
    const h = new Harness();
    h.connect();
    assert.deepEqual(h.feed({ type: 6, packetId: 3, reasonCode: 0 }).packets, [
      { type: 7, packetId: 3, reasonCode: 0x92 },
    ]);
    const h4 = new Harness(options({ protocolVersion: 4 }));
    h4.connect();
    assert.deepEqual(types(h4.feed({ type: 6, packetId: 3, reasonCode: 0 })), [7]);
  });

  void test('session lost: incoming ids forgotten (deleteIncoming), the same id is a new message', () => {
    const h = new Harness();
    h.connect();
    h.feed(serverPublish('t', 'x', 2, 9));
    h.session.ack(9, 2, h.now);
    h.take();
    h.close();
    h.open();
    const c = h.connack({ sessionPresent: false });
    assert.deepEqual(c.ops, [{ kind: 'deleteIncoming', packetId: 9 }]);
    assert.deepEqual(messages(h.feed(serverPublish('t', 'new', 2, 9))), ['new']);
  });
});

void describe('manual ack ordering', () => {
  void test('acks leave in arrival order whatever the ack() order [MQTT-4.6.0-2/3]', () => {
    const h = new Harness(options({ manualAck: true }));
    h.connect();
    h.feed(serverPublish('t', '1', 1, 1), serverPublish('t', '2', 1, 2), serverPublish('t', '3', 1, 3));
    assert.equal(h.session.ack(3, 1, h.now), true);
    assert.equal(h.take().packets.length, 0);
    h.session.ack(2, 1, h.now);
    assert.equal(h.take().packets.length, 0);
    h.session.ack(1, 1, h.now);
    assert.deepEqual(
      h.take().packets.map((p) => ('packetId' in p ? p.packetId : 0)),
      [1, 2, 3],
    );
  });

  void test('QoS 1 and QoS 2 are ordered separately', () => {
    const h = new Harness(options({ manualAck: true }));
    h.connect();
    h.feed(serverPublish('t', 'a', 2, 1), serverPublish('t', 'b', 1, 2), serverPublish('t', 'c', 2, 3));
    h.session.ack(2, 1, h.now);
    assert.deepEqual(types(h.take()), [4]);
    h.session.ack(3, 2, h.now);
    let s = h.take();
    assert.equal(s.packets.length, 0, 'the PUBREC of 3 waits for 1');
    // ...but 3 is recorded as taken at once: a crash now must not deliver it again (promise 4).
    assert.deepEqual(s.ops, [{ kind: 'putIncoming', packetId: 3 }]);
    h.session.ack(1, 2, h.now);
    s = h.take();
    assert.deepEqual(s.ops, [{ kind: 'putIncoming', packetId: 1 }]);
    assert.deepEqual(s.packets, [
      { type: 5, packetId: 1, reasonCode: 0 },
      { type: 5, packetId: 3, reasonCode: 0 },
    ]);
  });

  void test('an early-acked QoS 2 id (PUBREC held) is forgotten in the store when the session is lost', () => {
    const h = new Harness(options({ manualAck: true }));
    h.connect();
    h.feed(serverPublish('t', 'a', 2, 1), serverPublish('t', 'b', 2, 2));
    h.session.ack(2, 2, h.now);
    assert.deepEqual(h.take().ops, [{ kind: 'putIncoming', packetId: 2 }]);
    h.close();
    h.open();
    assert.deepEqual(h.connack({ sessionPresent: false }).ops, [{ kind: 'deleteIncoming', packetId: 2 }]);
  });

  void test('ack() of an unknown id or the wrong QoS returns false', () => {
    const h = new Harness();
    h.connect();
    h.feed(serverPublish('t', 'a', 1, 1));
    assert.equal(h.session.ack(1, 2, h.now), false);
    assert.equal(h.session.ack(5, 1, h.now), false);
  });
});

void describe('incoming Receive Maximum', () => {
  void test('more unacked QoS 1/2 than we advertised: DISCONNECT 0x93', () => {
    const h = new Harness(options({ connectProperties: { receiveMaximum: 2 }, manualAck: true }));
    const c = h.open();
    assert.equal(c.properties?.receiveMaximum, 2);
    h.connack();
    h.feed(serverPublish('t', '1', 1, 1), serverPublish('t', '2', 2, 2));
    const s = h.feed(serverPublish('t', '3', 1, 3));
    assert.deepEqual(eventTypes(s), ['close']);
    assert.ok(s.packets[0].type === 14 && s.packets[0].reasonCode === 0x93);
  });

  void test('acked messages free the quota; QoS 0 never counts', () => {
    const h = new Harness(options({ connectProperties: { receiveMaximum: 1 } }));
    h.connect();
    h.feed(serverPublish('t', '1', 1, 1));
    h.session.ack(1, 1, h.now);
    h.take();
    assert.deepEqual(eventTypes(h.feed(serverPublish('t', '0', 0))), ['message']);
    assert.deepEqual(eventTypes(h.feed(serverPublish('t', '2', 2, 2))), ['message']);
    h.session.ack(2, 2, h.now);
    h.take();
    // QoS 2 counts until PUBCOMP
    assert.deepEqual(eventTypes(h.feed(serverPublish('t', '3', 1, 3))), ['close']);
  });
});

void describe('incoming topic aliases', () => {
  void test('resolved: topic + alias sets, empty topic + alias uses; reset per connection', () => {
    const h = new Harness(options({ topicAliasMaximum: 5 }));
    assert.equal(h.open().properties?.topicAliasMaximum, 5);
    h.connack();
    let s = h.feed(serverPublish('a/b', '1', 0, undefined, { properties: { topicAlias: 3 } }));
    assert.ok(s.events[0].type === 'message' && s.events[0].packet.topic === 'a/b');
    s = h.feed(serverPublish('', '2', 1, 4, { properties: { topicAlias: 3 } }));
    assert.ok(s.events[0].type === 'message' && s.events[0].packet.topic === 'a/b');
    h.close();
    h.open();
    h.connack({ sessionPresent: true });
    s = h.feed(serverPublish('', '3', 0, undefined, { properties: { topicAlias: 3 } }));
    assert.ok(s.events[0].type === 'close' && s.events[0].reasonCode === 0x82);
  });

  void test('a Topic Alias Maximum set in the connect properties is honoured too', () => {
    const h = new Harness(options({ connectProperties: { topicAliasMaximum: 2 } }));
    assert.equal(h.open().properties?.topicAliasMaximum, 2);
    h.connack();
    const s = h.feed(serverPublish('a', '1', 0, undefined, { properties: { topicAlias: 2 } }));
    assert.deepEqual(eventTypes(s), ['message']);
  });

  void test('alias above our maximum: DISCONNECT 0x94', () => {
    const h = new Harness(options({ topicAliasMaximum: 5 }));
    h.connect();
    const s = h.feed(serverPublish('a', '1', 0, undefined, { properties: { topicAlias: 6 } }));
    assert.ok(s.packets[0].type === 14 && s.packets[0].reasonCode === 0x94);
  });

  void test('alias 0: DISCONNECT 0x94 Topic Alias invalid, like an alias above our maximum [MQTT-3.3.2-8]', () => {
    for (const topic of [
      [0x00, 0x01, 0x61],
      [0x00, 0x00],
    ]) {
      const h = new Harness(options({ topicAliasMaximum: 5 }));
      h.connect();
      // PUBLISH QoS 0, topic 'a' (or empty), properties [Topic Alias = 0], payload '1' (the codec refuses to
      // encode it).
      const body = [...topic, 0x03, 0x23, 0x00, 0x00, 0x31];
      const s = h.feedBytes(new Uint8Array([0x30, body.length, ...body]));
      assert.ok(s.packets[0].type === 14 && s.packets[0].reasonCode === 0x94);
      const close = s.events.find((e) => e.type === 'close');
      assert.ok(close?.type === 'close' && close.reasonCode === 0x94 && !close.fromServer);
      assert.equal(s.events.filter((e) => e.type === 'message').length, 0);
    }
  });

  void test('an alias when we accept none: 0x94', () => {
    const h = new Harness();
    h.connect();
    const s = h.feed(serverPublish('a', '1', 0, undefined, { properties: { topicAlias: 1 } }));
    assert.ok(s.packets[0].type === 14 && s.packets[0].reasonCode === 0x94);
  });

  void test('unknown alias with an empty topic: 0x82', () => {
    const h = new Harness(options({ topicAliasMaximum: 5 }));
    h.connect();
    const s = h.feed(serverPublish('', '1', 0, undefined, { properties: { topicAlias: 2 } }));
    assert.ok(s.packets[0].type === 14 && s.packets[0].reasonCode === 0x82);
  });
});

void describe('the application backlog (MQTT 3.x flood control)', () => {
  void test('full once 1,000 messages wait for the application, with room again after one ack; never on MQTT 5', () => {
    for (const protocolVersion of [4, 5] as const) {
      const h = new Harness(options({ protocolVersion, manualAck: true }));
      h.connect();
      for (let id = 1; id <= 999; id++) h.feed(serverPublish('t', 'x', 1, id));
      assert.equal(h.session.applicationBacklogFull, false);
      h.feed(serverPublish('t', 'x', 1, 1000));
      assert.equal(h.session.applicationBacklogFull, protocolVersion === 4);
      h.session.ack(1, 1, h.now);
      assert.equal(h.session.applicationBacklogFull, false);
    }
  });
});
