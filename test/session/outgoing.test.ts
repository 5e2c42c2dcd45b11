/** Outgoing QoS 0/1/2 flows, the window, the queue, resends after reconnect, and outgoing topic aliases. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError } from '../../src/errors.js';
import { MQTTErrorCode } from '../../src/session/error-code.js';
import { InvalidTopicError } from '../../src/topic/errors.js';
import { dec, eventTypes, Harness, options, publishes, types } from './helpers.js';

const SUCCESS = MQTTErrorCode.MQTT_ERR_SUCCESS;

void describe('QoS 0 out', () => {
  void test('connected: written at once with a published event', () => {
    const h = new Harness();
    h.connect();
    const t = h.publish('a/b', 'hello', 0);
    assert.deepEqual(t, { mid: 1, rc: SUCCESS });
    const s = h.take();
    assert.equal(s.ops.length, 0);
    const [p] = publishes(s);
    assert.equal(p.topic, 'a/b');
    assert.equal(p.qos, 0);
    assert.equal(p.packetId, undefined);
    assert.equal(dec.decode(p.payload), 'hello');
    assert.ok(s.events[0].type === 'published' && s.events[0].mid === 1 && s.events[0].reasonCode === 0);
  });

  void test('disconnected: queued and written on connect, in order', () => {
    const h = new Harness();
    const a = h.publish('t', '1', 0);
    const b = h.publish('t', '2', 0);
    assert.deepEqual([a.mid, b.mid], [1, 2]);
    assert.equal(h.take().data.length, 0);
    h.open();
    const s = h.connack();
    assert.deepEqual(
      publishes(s).map((p) => dec.decode(p.payload)),
      ['1', '2'],
    );
    assert.deepEqual(eventTypes(s), ['connack', 'published', 'published']);
  });

  void test('offline QoS 0 queue is bounded: reject', () => {
    const h = new Harness(options({ maxQueuedMessages: 2 }));
    assert.equal(h.publish('t', '1').rc, SUCCESS);
    assert.equal(h.publish('t', '2').rc, SUCCESS);
    assert.equal(h.publish('t', '3').rc, MQTTErrorCode.MQTT_ERR_QUEUE_SIZE);
  });

  void test('retain flag and MQTT 5 properties pass through', () => {
    const h = new Harness();
    h.connect();
    h.publish('t', 'x', 0, {
      retain: true,
      properties: { contentType: 'text/plain', userProperties: [['a', 'b']] },
    });
    const [p] = publishes(h.take());
    assert.equal(p.retain, true);
    assert.equal(p.properties?.contentType, 'text/plain');
  });
});

void describe('QoS 1 out', () => {
  void test('putOutgoing sent + PUBLISH, then PUBACK -> deleteOutgoing + published', () => {
    const h = new Harness();
    h.connect();
    const t = h.publish('t', 'x', 1);
    assert.deepEqual(t, { mid: 1, rc: SUCCESS });
    let s = h.take();
    assert.equal(s.ops.length, 1);
    const op = s.ops[0];
    assert.ok(op.kind === 'putOutgoing');
    assert.equal(op.record.state, 'sent');
    assert.equal(op.record.packetId, 1);
    assert.equal(op.record.seq, 1);
    const [p] = publishes(s);
    assert.equal(p.packetId, 1);
    assert.equal(p.dup, false);
    s = h.feed({ type: 4, packetId: 1, reasonCode: 0 });
    assert.deepEqual(s.ops, [{ kind: 'deleteOutgoing', packetId: 1 }]);
    assert.ok(s.events[0].type === 'published' && s.events[0].mid === 1 && s.events[0].reasonCode === 0);
  });

  void test('a negative PUBACK is reported with its code', () => {
    const h = new Harness();
    h.connect();
    h.publish('t', 'x', 1);
    h.take();
    const s = h.feed({ type: 4, packetId: 1, reasonCode: 0x87, properties: { reasonString: 'denied' } });
    assert.ok(s.events[0].type === 'published');
    assert.equal(s.events[0].reasonCode, 0x87);
    assert.equal(s.events[0].properties.reasonString, 'denied');
  });

  void test('a PUBACK for an unknown id is ignored', () => {
    const h = new Harness();
    h.connect();
    const s = h.feed({ type: 4, packetId: 9, reasonCode: 0 });
    assert.equal(s.events.length + s.ops.length + s.packets.length, 0);
    assert.equal(h.session.state, 'connected');
  });

  void test('disconnected: putOutgoing queued, sent on connect', () => {
    const h = new Harness();
    h.publish('t', 'x', 1);
    let s = h.take();
    assert.ok(s.ops[0].kind === 'putOutgoing' && s.ops[0].record.state === 'queued');
    assert.equal(s.data.length, 0);
    h.open();
    s = h.connack();
    assert.deepEqual(s.ops, [{ kind: 'setOutgoingState', packetId: 1, state: 'sent' }]);
    assert.equal(publishes(s)[0].dup, false);
  });
});

void describe('QoS 2 out', () => {
  void test('PUBLISH, PUBREC -> setOutgoingState pubrec + PUBREL, PUBCOMP -> delete + published', () => {
    const h = new Harness();
    h.connect();
    h.publish('t', 'x', 2);
    h.take();
    let s = h.feed({ type: 5, packetId: 1, reasonCode: 0 });
    assert.deepEqual(s.ops, [{ kind: 'setOutgoingState', packetId: 1, state: 'pubrec' }]);
    assert.deepEqual(types(s), [6]);
    assert.equal(s.events.length, 0);
    // write-ahead: the op and the PUBREL are in the same output
    assert.equal(s.data.length, 1);
    s = h.feed({ type: 7, packetId: 1, reasonCode: 0 });
    assert.deepEqual(s.ops, [{ kind: 'deleteOutgoing', packetId: 1 }]);
    assert.ok(s.events[0].type === 'published' && s.events[0].reasonCode === 0);
  });

  void test('PUBREC >= 0x80: no PUBREL, the flow ends with the failure code', () => {
    const h = new Harness();
    h.connect();
    h.publish('t', 'x', 2);
    h.take();
    const s = h.feed({ type: 5, packetId: 1, reasonCode: 0x97 });
    assert.equal(s.packets.length, 0);
    assert.deepEqual(s.ops, [{ kind: 'deleteOutgoing', packetId: 1 }]);
    assert.ok(s.events[0].type === 'published' && s.events[0].reasonCode === 0x97);
  });

  void test('unknown PUBREC on v5: PUBREL 0x92', () => {
    const h = new Harness();
    h.connect();
    const s = h.feed({ type: 5, packetId: 7, reasonCode: 0 });
    assert.ok(s.packets[0].type === 6 && s.packets[0].packetId === 7 && s.packets[0].reasonCode === 0x92);
  });

  void test('unknown PUBREC on 3.1.1: PUBREL too, so a broker that kept a lost session frees the id', () => {
    const h = new Harness(options({ protocolVersion: 4 }));
    h.connect();
    const s = h.feed({ type: 5, packetId: 7, reasonCode: 0 });
    assert.deepEqual(types(s), [6]);
    assert.ok(s.packets[0].type === 6 && s.packets[0].packetId === 7);
    assert.equal(s.ops.length, 0);
  });

  void test('unknown PUBREC with a failure reason on v5: no PUBREL (the refusal ended the flow), still connected', () => {
    const h = new Harness();
    h.connect();
    const s = h.feed({ type: 5, packetId: 7, reasonCode: 0x80 });
    assert.equal(s.packets.length, 0);
    assert.ok(!s.events.some((e) => e.type === 'close'));
  });

  void test('duplicate PUBREC: PUBREL again, no second op', () => {
    const h = new Harness();
    h.connect();
    h.publish('t', 'x', 2);
    h.take();
    h.feed({ type: 5, packetId: 1, reasonCode: 0 });
    const s = h.feed({ type: 5, packetId: 1, reasonCode: 0 });
    assert.deepEqual(types(s), [6]);
    assert.equal(s.ops.length, 0);
  });

  void test('PUBACK instead of PUBREC (RabbitMQ 3.10): completes downgraded, frees the id and the slot', () => {
    const h = new Harness(options({ protocolVersion: 4, maxInflightMessages: 1 }));
    h.connect();
    h.publish('t', 'a', 2);
    h.publish('t', 'b', 2); // waits behind the window of 1
    assert.deepEqual(
      publishes(h.take()).map((p) => p.packetId),
      [1],
    );
    const s = h.feed({ type: 4, packetId: 1, reasonCode: 0 });
    assert.deepEqual(s.ops, [
      { kind: 'deleteOutgoing', packetId: 1 },
      { kind: 'setOutgoingState', packetId: 2, state: 'sent' },
    ]);
    // no PUBREL for it; the next message takes the freed slot
    assert.deepEqual(
      s.packets.map((p) => [p.type, 'packetId' in p ? p.packetId : undefined]),
      [[3, 2]],
    );
    const published = s.events.find((e) => e.type === 'published');
    assert.ok(published?.type === 'published' && published.mid === 1 && published.downgraded === true);
    // a later reconnect resends nothing for it: it is finished
    h.close();
    h.open();
    const again = h.connack({ sessionPresent: true });
    assert.ok(!publishes(again).some((p) => p.packetId === 1));
  });

  void test('PUBACK after PUBREC is still ignored (only a PUBLISH not yet PUBREC-ed can be downgraded)', () => {
    const h = new Harness();
    h.connect();
    h.publish('t', 'x', 2);
    h.take();
    h.feed({ type: 5, packetId: 1, reasonCode: 0 });
    const s = h.feed({ type: 4, packetId: 1, reasonCode: 0 });
    assert.equal(s.ops.length, 0);
    assert.ok(!s.events.some((e) => e.type === 'published'));
  });

  void test('PUBCOMP before PUBREC is ignored', () => {
    const h = new Harness();
    h.connect();
    h.publish('t', 'x', 2);
    h.take();
    const s = h.feed({ type: 7, packetId: 1, reasonCode: 0 });
    assert.equal(s.events.length, 0);
  });

  void test('MQTT 3.1.1 QoS 2 with a clean session', () => {
    const h = new Harness(options({ protocolVersion: 4, cleanStart: true }));
    h.connect();
    h.publish('t', 'x', 2);
    assert.equal(publishes(h.take())[0].qos, 2);
    assert.deepEqual(types(h.feed({ type: 5, packetId: 1, reasonCode: 0 })), [6]);
    assert.equal(eventTypes(h.feed({ type: 7, packetId: 1, reasonCode: 0 }))[0], 'published');
  });
});

void describe('publish() validation', () => {
  void test('invalid input throws before any state change', () => {
    const h = new Harness();
    h.connect();
    assert.throws(() => h.publish('a/+', 'x', 1), InvalidTopicError);
    assert.throws(() => h.publish('', 'x', 1), InvalidTopicError);
    assert.throws(
      () => h.session.publish({ topic: 'a', payload: new Uint8Array(), qos: 3 as 0, retain: false }, h.now),
      InvalidArgumentError,
    );
    assert.throws(
      () =>
        h.session.publish(
          { topic: 'a', payload: 'x' as unknown as Uint8Array, qos: 0, retain: false },
          h.now,
        ),
      InvalidArgumentError,
    );
    const s = h.take();
    assert.equal(s.ops.length + s.data.length + s.events.length, 0);
    // The next id is still 1.
    assert.equal(h.publish('a', 'x', 1).mid, 1);
  });

  void test('properties the codec refuses throw at publish(), connected or not, with no state change', () => {
    const bad = { properties: { sessionExpiryInterval: 5 } }; // not a PUBLISH property
    const h = new Harness(options({ autoTopicAlias: true }));
    assert.throws(() => h.publish('t', 'x', 1, bad), InvalidArgumentError);
    assert.equal(h.take().ops.length, 0);
    h.connect({ properties: { topicAliasMaximum: 3 } });
    assert.throws(() => h.publish('t', 'x', 1, bad), InvalidArgumentError);
    assert.throws(() => h.publish('t', 'x', 0, bad), InvalidArgumentError);
    const s = h.take();
    assert.equal(s.ops.length + s.data.length + s.events.length, 0);
    // no packet id leaked, no alias left behind
    assert.equal(h.publish('t', 'x', 1).mid, 1);
    assert.deepEqual(
      publishes(h.take()).map((p) => [p.topic, p.properties?.topicAlias]),
      [['t', 1]],
    );
  });

  void test("payload above the broker's Maximum Packet Size: PAYLOAD_SIZE, nothing queued", () => {
    const h = new Harness();
    h.connect({ properties: { maximumPacketSize: 100 } });
    assert.deepEqual(h.publish('t', 'x'.repeat(200), 1), { mid: 0, rc: MQTTErrorCode.MQTT_ERR_PAYLOAD_SIZE });
    assert.deepEqual(h.publish('t', 'x'.repeat(200), 0), { mid: 0, rc: MQTTErrorCode.MQTT_ERR_PAYLOAD_SIZE });
    const s = h.take();
    assert.equal(s.ops.length + s.data.length, 0);
    // known limit also applies while offline
    h.close();
    assert.equal(h.publish('t', 'x'.repeat(200), 1).rc, MQTTErrorCode.MQTT_ERR_PAYLOAD_SIZE);
    assert.equal(h.publish('t', 'x'.repeat(10), 1).rc, SUCCESS);
  });

  void test('a queued message that turns out too large for the broker is refused with 0x95', () => {
    const h = new Harness();
    h.publish('t', 'x'.repeat(200), 1);
    h.take();
    h.open();
    const s = h.connack({ properties: { maximumPacketSize: 100 } });
    assert.equal(publishes(s).length, 0);
    assert.deepEqual(s.ops, [{ kind: 'deleteOutgoing', packetId: 1 }]);
    const e = s.events.find((x) => x.type === 'published');
    assert.ok(e?.type === 'published' && e.reasonCode === 0x95);
  });

  void test('QoS above the broker Maximum QoS is refused with NOT_SUPPORTED; retain when not available too', () => {
    const h = new Harness();
    h.connect({ properties: { maximumQoS: 1, retainAvailable: 0 } });
    assert.deepEqual(h.publish('t', 'x', 2), { mid: 0, rc: MQTTErrorCode.MQTT_ERR_NOT_SUPPORTED });
    assert.deepEqual(h.publish('t', 'x', 0, { retain: true }), {
      mid: 0,
      rc: MQTTErrorCode.MQTT_ERR_NOT_SUPPORTED,
    });
    assert.equal(h.publish('t', 'x', 1).rc, SUCCESS);
  });

  void test('a QoS 2 message queued offline is refused with 0x9B when the broker allows QoS 1 only', () => {
    const h = new Harness();
    h.publish('t', 'x', 2);
    h.take();
    h.open();
    const s = h.connack({ properties: { maximumQoS: 1 } });
    assert.equal(publishes(s).length, 0);
    const e = s.events.find((x) => x.type === 'published');
    assert.ok(e?.type === 'published' && e.reasonCode === 0x9b);
  });

  void test('empty topic with an alias must name an alias set on this connection', () => {
    const h = new Harness();
    h.connect({ properties: { topicAliasMaximum: 5 } });
    assert.throws(() => h.publish('', 'x', 0, { properties: { topicAlias: 1 } }), InvalidArgumentError);
    assert.throws(() => h.publish('a', 'x', 0, { properties: { topicAlias: 6 } }), InvalidArgumentError);
    h.publish('a', 'x', 0, { properties: { topicAlias: 1 } });
    h.publish('', 'y', 1, { properties: { topicAlias: 1 } });
    const s = h.take();
    const [p1, p2] = publishes(s);
    assert.equal(p1.topic, 'a');
    assert.equal(p1.properties?.topicAlias, 1);
    assert.equal(p2.topic, '');
    assert.equal(p2.properties?.topicAlias, 1);
    // the store has the real topic
    const put = s.ops.find((o) => o.kind === 'putOutgoing');
    assert.ok(put?.kind === 'putOutgoing' && put.record.topic === 'a');
  });
});

void describe('in-flight window', () => {
  void test('maxInflightMessages holds the rest in the queue; acks let them out in order', () => {
    const h = new Harness(options({ maxInflightMessages: 2 }));
    h.connect();
    for (let i = 1; i <= 5; i++) h.publish('t', String(i), 1);
    let s = h.take();
    assert.deepEqual(
      publishes(s).map((p) => p.packetId),
      [1, 2],
    );
    assert.deepEqual(
      s.ops.map((o) => (o.kind === 'putOutgoing' ? o.record.state : o.kind)),
      ['sent', 'sent', 'queued', 'queued', 'queued'],
    );
    s = h.feed({ type: 4, packetId: 1, reasonCode: 0 });
    assert.deepEqual(
      publishes(s).map((p) => p.packetId),
      [3],
    );
    assert.deepEqual(s.ops, [
      { kind: 'deleteOutgoing', packetId: 1 },
      { kind: 'setOutgoingState', packetId: 3, state: 'sent' },
    ]);
    s = h.feed({ type: 4, packetId: 2, reasonCode: 0 }, { type: 4, packetId: 3, reasonCode: 0 });
    assert.deepEqual(
      publishes(s).map((p) => p.packetId),
      [4, 5],
    );
  });

  void test("the broker's Receive Maximum caps the window on first send", () => {
    const h = new Harness(options({ maxInflightMessages: 10 }));
    for (let i = 1; i <= 5; i++) h.publish('t', String(i), 2);
    h.open();
    const s = h.connack({ properties: { receiveMaximum: 3 } });
    assert.deepEqual(
      publishes(s).map((p) => p.packetId),
      [1, 2, 3],
    );
    // QoS 2 holds its slot until PUBCOMP, not PUBREC.
    let t = h.feed({ type: 5, packetId: 1, reasonCode: 0 });
    assert.equal(publishes(t).length, 0);
    t = h.feed({ type: 7, packetId: 1, reasonCode: 0 });
    assert.deepEqual(
      publishes(t).map((p) => p.packetId),
      [4],
    );
  });

  void test('maxInflightMessages 0 = only the broker limit', () => {
    const h = new Harness(options({ maxInflightMessages: 0 }));
    for (let i = 1; i <= 30; i++) h.publish('t', String(i), 1);
    h.open();
    assert.equal(publishes(h.connack()).length, 30);
  });

  void test('QoS 0 waits behind QoS 1 held by the window (publish order is kept)', () => {
    const h = new Harness(options({ maxInflightMessages: 1 }));
    h.connect();
    h.publish('t', 'a', 1);
    h.publish('t', 'b', 1);
    h.publish('t', 'c', 0);
    let s = h.take();
    assert.deepEqual(
      publishes(s).map((p) => dec.decode(p.payload)),
      ['a'],
    );
    s = h.feed({ type: 4, packetId: 1, reasonCode: 0 });
    assert.deepEqual(
      publishes(s).map((p) => dec.decode(p.payload)),
      ['b', 'c'],
    );
  });
});

void describe('QoS 2 window (maxInflightQos2)', () => {
  void test('caps QoS 2 on the wire within the window; a held QoS 2 holds later messages (order kept)', () => {
    const h = new Harness(options({ maxInflightMessages: 10, maxInflightQos2: 2 }));
    h.connect();
    for (const [payload, qos] of [
      ['a', 2],
      ['b', 1],
      ['c', 2],
      ['d', 2],
      ['e', 1],
    ] as const) {
      h.publish('t', payload, qos);
    }
    let s = h.take();
    // a and c fill the QoS 2 window; d waits, and e (published after d) waits behind it.
    assert.deepEqual(
      publishes(s).map((p) => dec.decode(p.payload)),
      ['a', 'b', 'c'],
    );
    s = h.feed({ type: 5, packetId: 1, reasonCode: 0 }); // PUBREC: a still holds its QoS 2 slot
    assert.deepEqual(types(s), [6]);
    s = h.feed({ type: 7, packetId: 1, reasonCode: 0 }); // PUBCOMP frees it
    assert.deepEqual(
      publishes(s).map((p) => dec.decode(p.payload)),
      ['d', 'e'],
    );
  });

  void test('PUBREL resends after a reconnect count in the QoS 2 window', () => {
    const h = new Harness(options({ maxInflightMessages: 10, maxInflightQos2: 1 }));
    h.connect();
    h.publish('t', 'a', 2);
    h.take();
    h.feed({ type: 5, packetId: 1, reasonCode: 0 }); // a: PUBREC received, PUBREL sent
    h.publish('t', 'b', 2); // waits: a holds the only QoS 2 slot
    assert.equal(publishes(h.take()).length, 0);
    h.close();
    h.open();
    let s = h.connack({ sessionPresent: true });
    assert.deepEqual(types(s), [6]); // the PUBREL of a; b still waits
    s = h.feed({ type: 7, packetId: 1, reasonCode: 0 });
    assert.deepEqual(
      publishes(s).map((p) => dec.decode(p.payload)),
      ['b'],
    );
  });

  void test("never above the window or the broker's Receive Maximum", () => {
    const h = new Harness(options({ maxInflightMessages: 10, maxInflightQos2: 5, protocolVersion: 5 }));
    for (let i = 1; i <= 6; i++) h.publish('t', String(i), 2);
    h.open();
    const s = h.connack({ properties: { receiveMaximum: 3 } });
    assert.equal(publishes(s).length, 3);
  });

  void test('0 = no separate limit', () => {
    const h = new Harness(options({ maxInflightMessages: 8, maxInflightQos2: 0 }));
    h.connect();
    for (let i = 1; i <= 10; i++) h.publish('t', String(i), 2);
    assert.equal(publishes(h.take()).length, 8);
  });
});

void describe('a congested transport (transportWritable)', () => {
  void test('with a queue limit, QoS 0 waits in the queue under that limit and leaves in order on drain', () => {
    const h = new Harness(options({ maxQueuedMessages: 4 }));
    h.connect();
    h.session.transportWritable(false, h.now);
    const tickets = ['a', 'b', 'c'].map((p) => h.publish('t', p, 0));
    // QoS 1 behind the waiting QoS 0 waits too (publish order is kept), and counts against the limit.
    tickets.push(h.publish('t', 'q1', 1), h.publish('t', 'd', 0));
    assert.deepEqual(
      tickets.map((t) => t.rc),
      [SUCCESS, SUCCESS, SUCCESS, SUCCESS, MQTTErrorCode.MQTT_ERR_QUEUE_SIZE],
    );
    let s = h.take();
    assert.equal(s.data.length, 0);
    assert.deepEqual(eventTypes(s), []);
    h.session.transportWritable(true, h.now);
    s = h.take();
    assert.deepEqual(
      publishes(s).map((p) => dec.decode(p.payload)),
      ['a', 'b', 'c', 'q1'],
    );
    assert.deepEqual(eventTypes(s), ['published', 'published', 'published']);
  });

  void test("'drop-oldest' drops the oldest waiting QoS 0 message", () => {
    const h = new Harness(options({ maxQueuedMessages: 2, queueFullPolicy: 'drop-oldest' }));
    h.connect();
    h.session.transportWritable(false, h.now);
    for (const p of ['a', 'b', 'c']) assert.equal(h.publish('t', p, 0).rc, SUCCESS);
    const dropped = h.take().events.filter((e) => e.type === 'dropped');
    assert.equal(dropped.length, 1);
    h.session.transportWritable(true, h.now);
    assert.deepEqual(
      publishes(h.take()).map((p) => dec.decode(p.payload)),
      ['b', 'c'],
    );
  });

  void test('without maxQueuedMessages, QoS 0 goes to the transport as before', () => {
    const h = new Harness(options({ maxQueuedBytes: 1 << 20 }));
    h.connect();
    h.session.transportWritable(false, h.now);
    h.publish('t', 'a', 0);
    assert.equal(publishes(h.take()).length, 1);
  });

  void test('a new connection starts writable', () => {
    const h = new Harness(options({ maxQueuedMessages: 10 }));
    h.connect();
    h.session.transportWritable(false, h.now);
    h.close();
    h.open();
    h.connack();
    h.publish('t', 'a', 0);
    assert.equal(publishes(h.take()).length, 1);
  });
});

void describe('large payloads', () => {
  const publishBytes = (h: Harness, payload: Uint8Array, qos: 0 | 1 | 2) =>
    h.session.publish({ topic: 'big/t', payload, qos, retain: false }, h.now);

  void test('a payload of 16 KiB or more is emitted as it is after the header (no copy), QoS 0 to 2', () => {
    for (const version of [4, 5] as const) {
      const h = new Harness(options({ protocolVersion: version }));
      h.connect();
      for (const qos of [0, 1, 2] as const) {
        const payload = new Uint8Array(20_000).fill(qos + 1);
        publishBytes(h, payload, qos);
        const s = h.take();
        assert.equal(s.data.length, 2);
        assert.equal(s.data[1], payload); // the caller's buffer itself
        const [p] = publishes(s);
        assert.equal(p.qos, qos);
        assert.deepEqual(p.payload, payload);
      }
    }
  });

  void test('a resend after a reconnect carries DUP and the same payload, still without a copy', () => {
    const h = new Harness(options({ protocolVersion: 4 }));
    h.connect();
    const payload = new Uint8Array(30_000).fill(7);
    publishBytes(h, payload, 1);
    h.take();
    h.close();
    h.open();
    const s = h.connack({ sessionPresent: true });
    const [p] = publishes(s);
    assert.equal(p.dup, true);
    assert.ok(s.data.includes(payload));
    assert.deepEqual(p.payload, payload);
  });

  void test("the broker's Maximum Packet Size counts the payload of a split packet", () => {
    const h = new Harness(options());
    h.open();
    h.connack({ properties: { maximumPacketSize: 20_000 } });
    assert.equal(publishBytes(h, new Uint8Array(20_000), 1).rc, MQTTErrorCode.MQTT_ERR_PAYLOAD_SIZE);
    assert.equal(publishBytes(h, new Uint8Array(19_000), 1).rc, SUCCESS);
  });
});

void describe('queue limits', () => {
  void test("'reject': QUEUE_SIZE when maxQueuedMessages is reached; in-flight messages do not count", () => {
    const h = new Harness(options({ maxInflightMessages: 1, maxQueuedMessages: 2 }));
    h.connect();
    assert.equal(h.publish('t', '1', 1).rc, SUCCESS); // in flight
    assert.equal(h.publish('t', '2', 1).rc, SUCCESS);
    assert.equal(h.publish('t', '3', 1).rc, SUCCESS);
    assert.deepEqual(h.publish('t', '4', 1), { mid: 0, rc: MQTTErrorCode.MQTT_ERR_QUEUE_SIZE });
    assert.equal(h.publish('t', '4', 0).rc, MQTTErrorCode.MQTT_ERR_QUEUE_SIZE);
    assert.equal(h.session.queuedMessages, 2);
  });

  void test("'reject' by bytes", () => {
    const h = new Harness(options({ maxQueuedBytes: 10 }));
    assert.equal(h.publish('t', '12345', 1).rc, SUCCESS);
    assert.equal(h.publish('t', '12345', 1).rc, SUCCESS);
    assert.equal(h.publish('t', '1', 1).rc, MQTTErrorCode.MQTT_ERR_QUEUE_SIZE);
    assert.equal(h.publish('t', '12345678901', 0).rc, MQTTErrorCode.MQTT_ERR_QUEUE_SIZE);
  });

  void test("'drop-oldest': the oldest queued message is dropped (dropped event, deleteOutgoing)", () => {
    const h = new Harness(options({ maxQueuedMessages: 2, queueFullPolicy: 'drop-oldest' }));
    h.publish('t', '1', 1);
    h.publish('t', '2', 0);
    h.take();
    const t = h.publish('t', '3', 1);
    assert.equal(t.rc, SUCCESS);
    let s = h.take();
    assert.deepEqual(s.ops[0], { kind: 'deleteOutgoing', packetId: 1 });
    assert.ok(
      s.events[0].type === 'dropped' &&
        s.events[0].mid === 1 &&
        s.events[0].rc === MQTTErrorCode.MQTT_ERR_QUEUE_SIZE,
    );
    h.publish('t', '4', 1);
    s = h.take();
    assert.ok(s.events[0].type === 'dropped' && s.events[0].mid === 2);
    h.open();
    s = h.connack();
    assert.deepEqual(
      publishes(s).map((p) => dec.decode(p.payload)),
      ['3', '4'],
    );
  });

  void test("'drop-oldest' never drops a message already sent (waiting for its resend)", () => {
    const h = new Harness(options({ maxQueuedMessages: 1, queueFullPolicy: 'drop-oldest' }));
    h.connect();
    h.publish('t', '1', 1); // sent
    h.close();
    h.publish('t', '2', 1);
    h.take();
    h.publish('t', '3', 1);
    const s = h.take();
    assert.ok(s.events[0].type === 'dropped' && s.events[0].mid === 2);
    h.open();
    const c = h.connack({ sessionPresent: true });
    assert.deepEqual(
      publishes(c).map((p) => [p.packetId, p.dup]),
      [
        [1, true],
        [3, false],
      ],
    );
  });
});

void describe('reconnect', () => {
  void test('session present: resend in seq order, DUP=1 for unacked PUBLISH, PUBREL for PUBREC-ed, then queued', () => {
    const h = new Harness();
    h.connect();
    h.publish('t', 'a', 1); // 1 sent
    h.publish('t', 'b', 2); // 2 sent -> pubrec
    h.publish('t', 'c', 2); // 3 sent
    h.take();
    h.feed({ type: 5, packetId: 2, reasonCode: 0 });
    h.close();
    assert.equal(h.session.state, 'disconnected');
    h.publish('t', 'd', 1); // 4 queued
    h.take();
    h.open();
    const s = h.connack({ sessionPresent: true });
    assert.deepEqual(
      s.packets.map((p) =>
        p.type === 3
          ? `PUBLISH ${p.packetId} dup=${p.dup}`
          : `${p.type} ${'packetId' in p ? p.packetId : ''}`,
      ),
      ['PUBLISH 1 dup=true', '6 2', 'PUBLISH 3 dup=true', 'PUBLISH 4 dup=false'],
    );
    // never a PUBLISH for 2 after its PUBREC
    assert.ok(!publishes(s).some((p) => p.packetId === 2));
    assert.deepEqual(s.ops, [{ kind: 'setOutgoingState', packetId: 4, state: 'sent' }]);
  });

  void test('session present: resends stay within the Receive Maximum', () => {
    const h = new Harness(options({ maxInflightMessages: 10 }));
    h.connect();
    for (let i = 0; i < 6; i++) h.publish('t', String(i), 1);
    h.take();
    h.close();
    h.open();
    const s = h.connack({ sessionPresent: true, properties: { receiveMaximum: 2 } });
    assert.deepEqual(
      publishes(s).map((p) => [p.packetId, p.dup]),
      [
        [1, true],
        [2, true],
      ],
    );
    const t = h.feed({ type: 4, packetId: 1, reasonCode: 0 });
    assert.deepEqual(
      publishes(t).map((p) => [p.packetId, p.dup]),
      [[3, true]],
    );
  });

  void test('session present: resends stay within maxInflightMessages', () => {
    const h = new Harness(options({ maxInflightMessages: 3, maxQueuedMessages: 0 }));
    h.connect({ properties: { receiveMaximum: 100 } });
    for (let i = 0; i < 12; i++) h.publish('t', String(i), 1);
    h.take();
    h.close();
    h.open();
    assert.equal(publishes(h.connack({ sessionPresent: true })).length, 3);
  });

  void test('session lost (present = 0): unacked messages published again as new, PUBREL-state too', () => {
    const h = new Harness();
    h.connect();
    h.publish('t', 'a', 1);
    h.publish('t', 'b', 2);
    h.take();
    h.feed({ type: 5, packetId: 2, reasonCode: 0 });
    h.close();
    h.open();
    const s = h.connack({ sessionPresent: false });
    assert.deepEqual(s.ops, [
      { kind: 'setOutgoingState', packetId: 1, state: 'queued' },
      { kind: 'setOutgoingState', packetId: 2, state: 'queued' },
      { kind: 'setOutgoingState', packetId: 1, state: 'sent' },
      { kind: 'setOutgoingState', packetId: 2, state: 'sent' },
    ]);
    assert.deepEqual(
      publishes(s).map((p) => [p.packetId, p.dup, dec.decode(p.payload)]),
      [
        [1, false, 'a'],
        [2, false, 'b'],
      ],
    );
    assert.ok(s.events[0].type === 'connack' && s.events[0].sessionPresent === false);
    // the flow of 2 starts over
    assert.deepEqual(types(h.feed({ type: 5, packetId: 2, reasonCode: 0 })), [6]);
  });

  void test('clean start: clear op, sent messages discarded (dropped), queued ones re-put and sent', () => {
    const h = new Harness(options({ cleanStart: true }));
    h.connect();
    h.publish('t', 'a', 1); // sent
    h.take();
    h.close();
    h.publish('t', 'b', 1); // queued
    h.take();
    h.open();
    const s = h.connack();
    assert.equal(s.ops[0].kind, 'clear');
    assert.ok(
      s.ops[1].kind === 'putOutgoing' && s.ops[1].record.packetId === 2 && s.ops[1].record.state === 'queued',
    );
    assert.deepEqual(s.ops[2], { kind: 'setOutgoingState', packetId: 2, state: 'sent' });
    assert.deepEqual(
      publishes(s).map((p) => p.packetId),
      [2],
    );
    const dropped = s.events.find((e) => e.type === 'dropped');
    assert.ok(
      dropped?.type === 'dropped' && dropped.mid === 1 && dropped.rc === MQTTErrorCode.MQTT_ERR_CONN_LOST,
    );
  });

  void test('DUP on resend of a QoS 2 PUBLISH not yet PUBREC-ed, then the flow completes', () => {
    const h = new Harness(options({ protocolVersion: 4 }));
    h.connect();
    h.publish('t', 'x', 2);
    h.take();
    h.close();
    h.open();
    const s = h.connack({ sessionPresent: true });
    assert.deepEqual(
      publishes(s).map((p) => [p.packetId, p.dup, p.qos]),
      [[1, true, 2]],
    );
    assert.deepEqual(types(h.feed({ type: 5, packetId: 1, reasonCode: 0 })), [6]);
    h.close();
    h.open();
    assert.deepEqual(types(h.connack({ sessionPresent: true })), [6]); // PUBREL resend only
    const e = h.feed({ type: 7, packetId: 1, reasonCode: 0 });
    assert.equal(eventTypes(e)[0], 'published');
  });

  void test('a PUBACK for a message not yet resent after reconnect frees it', () => {
    const h = new Harness(options({ maxInflightMessages: 1 }));
    h.connect();
    h.publish('t', 'a', 1);
    h.publish('t', 'b', 1);
    h.take();
    h.close();
    h.open();
    h.connack({ sessionPresent: true }); // resends 1
    const s = h.feed({ type: 4, packetId: 1, reasonCode: 0 });
    assert.deepEqual(
      publishes(s).map((p) => [p.packetId, p.dup]),
      [[2, false]],
    );
  });
});

void describe('packet ids', () => {
  void test('start at 1, count up, shared by QoS 0 mids, SUBSCRIBE and UNSUBSCRIBE', () => {
    const h = new Harness();
    h.connect();
    assert.equal(h.publish('t', 'x', 1).mid, 1);
    assert.equal(h.publish('t', 'x', 0).mid, 2);
    assert.equal(h.session.subscribe([{ topicFilter: 'a', qos: 0 }], undefined, h.now), 3);
    assert.equal(h.session.unsubscribe(['a'], undefined, h.now), 4);
    assert.equal(h.publish('t', 'x', 2).mid, 5);
  });

  void test('an acked id is free again but not reused before the counter comes round', () => {
    const h = new Harness();
    h.connect();
    h.publish('t', 'x', 1);
    h.take();
    h.feed({ type: 4, packetId: 1, reasonCode: 0 });
    assert.equal(h.publish('t', 'x', 1).mid, 2);
  });
});

void describe('outgoing topic aliases', () => {
  void test('autoTopicAlias: topic + alias first, then empty topic + alias; reset per connection', () => {
    const h = new Harness(options({ autoTopicAlias: true }));
    h.connect({ properties: { topicAliasMaximum: 2 } });
    h.publish('a/long/topic', '1', 0);
    h.publish('a/long/topic', '2', 1);
    h.publish('b', '3', 0);
    h.publish('c', '4', 0); // no alias left
    const s = h.take();
    assert.deepEqual(
      publishes(s).map((p) => [p.topic, p.properties?.topicAlias]),
      [
        ['a/long/topic', 1],
        ['', 1],
        ['b', 2],
        ['c', undefined],
      ],
    );
    // The stored record keeps the topic.
    const put = s.ops.find((o) => o.kind === 'putOutgoing');
    assert.ok(
      put?.kind === 'putOutgoing' &&
        put.record.topic === 'a/long/topic' &&
        put.record.properties === undefined,
    );
    h.close();
    h.open();
    const r = h.connack({ sessionPresent: true, properties: { topicAliasMaximum: 2 } });
    // resend on the new connection sets the alias again
    assert.deepEqual(
      publishes(r).map((p) => [p.topic, p.properties?.topicAlias, p.dup]),
      [['a/long/topic', 1, true]],
    );
  });

  void test('no aliases when the broker allows none', () => {
    const h = new Harness(options({ autoTopicAlias: true }));
    h.connect();
    h.publish('a', '1', 0);
    h.publish('a', '2', 0);
    assert.deepEqual(
      publishes(h.take()).map((p) => [p.topic, p.properties?.topicAlias]),
      [
        ['a', undefined],
        ['a', undefined],
      ],
    );
  });
});

void describe('packet ids through the engine', () => {
  void test('an id still in flight is skipped when the counter wraps 65535 -> 1', () => {
    const rec = (seq: number, packetId: number) =>
      ({
        seq,
        packetId,
        qos: 1,
        topic: 't',
        payload: new Uint8Array(),
        retain: false,
        state: 'sent',
      }) as const;
    // Restored with ids 65534, 65535 and 1 in flight: the counter continues after 65535, wraps, skips 1.
    const h = new Harness(options(), {
      outgoing: [rec(1, 65534), rec(2, 65535), rec(3, 1)],
      incomingQos2: [],
      subscriptions: [],
    });
    h.connect({ sessionPresent: true });
    assert.equal(h.publish('t', 'x', 1).mid, 2);
    assert.equal(h.publish('t', 'x', 0).mid, 3);
    h.feed({ type: 4, packetId: 65535, reasonCode: 0 });
    assert.equal(h.publish('t', 'x', 2).mid, 4);
  });
});
