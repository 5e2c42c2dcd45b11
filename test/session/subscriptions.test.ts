/** SUBSCRIBE / UNSUBSCRIBE: queued offline, matched by id, held and persisted, re-subscribed when lost. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError } from '../../src/errors.js';
import type { SubscribePacket, UnsubscribePacket } from '../../src/packet/types.js';
import { InvalidTopicError } from '../../src/topic/errors.js';
import { eventTypes, Harness, options, serverPublish, types } from './helpers.js';

void describe('subscribe', () => {
  void test('connected: SUBSCRIBE now; SUBACK -> putSubscription (granted only) + subscribed', () => {
    const h = new Harness();
    h.connect();
    const mid = h.session.subscribe(
      [
        { topicFilter: 'a/#', qos: 1, noLocal: true },
        { topicFilter: 'b', qos: 2 },
      ],
      { subscriptionIdentifiers: [7] },
      h.now,
    );
    assert.equal(mid, 1);
    let s = h.take();
    const sub = s.packets[0] as SubscribePacket;
    assert.equal(sub.type, 8);
    assert.equal(sub.packetId, 1);
    assert.deepEqual(
      sub.subscriptions.map((x) => x.topicFilter),
      ['a/#', 'b'],
    );
    assert.deepEqual(sub.properties?.subscriptionIdentifiers, [7]);
    s = h.feed({ type: 9, packetId: 1, reasonCodes: [1, 0x87] });
    assert.deepEqual(s.ops, [
      {
        kind: 'putSubscription',
        subscription: {
          topicFilter: 'a/#',
          qos: 1,
          noLocal: true,
          properties: { subscriptionIdentifiers: [7] },
        },
      },
    ]);
    const e = s.events[0];
    assert.ok(e.type === 'subscribed' && e.mid === 1);
    assert.deepEqual(e.reasonCodes, [1, 0x87]);
  });

  void test('disconnected: kept and sent after CONNACK; unacked ones are sent again on the next connection', () => {
    const h = new Harness();
    const mid = h.session.subscribe([{ topicFilter: 'x', qos: 0 }], undefined, h.now);
    assert.equal(h.take().data.length, 0);
    h.open();
    let s = h.connack();
    assert.deepEqual(types(s), [8]);
    h.close();
    h.open();
    s = h.connack({ sessionPresent: true });
    assert.deepEqual(types(s), [8]);
    assert.equal((s.packets[0] as SubscribePacket).packetId, mid);
    s = h.feed({ type: 9, packetId: mid, reasonCodes: [0] });
    assert.deepEqual(eventTypes(s), ['subscribed']);
    h.close();
    h.open();
    assert.deepEqual(types(h.connack({ sessionPresent: true })), []);
  });

  void test('SUBACK for an unknown id is ignored', () => {
    const h = new Harness();
    h.connect();
    const s = h.feed({ type: 9, packetId: 4, reasonCodes: [0] });
    assert.equal(s.events.length + s.ops.length, 0);
  });

  void test('invalid input throws', () => {
    const h = new Harness();
    assert.throws(() => h.session.subscribe([], undefined, h.now), InvalidArgumentError);
    assert.throws(
      () => h.session.subscribe([{ topicFilter: 'a/#/b', qos: 0 }], undefined, h.now),
      InvalidTopicError,
    );
    assert.throws(
      () => h.session.subscribe([{ topicFilter: 'a', qos: 3 as 0 }], undefined, h.now),
      InvalidArgumentError,
    );
    assert.throws(
      () => h.session.subscribe([{ topicFilter: '$share/g/a', qos: 0, noLocal: true }], undefined, h.now),
      InvalidArgumentError,
    );
    assert.throws(() => h.session.unsubscribe([], undefined, h.now), InvalidArgumentError);
    assert.throws(() => h.session.unsubscribe(['a/#/b'], undefined, h.now), InvalidTopicError);
    assert.throws(
      () => h.session.subscribe([{ topicFilter: 'a', qos: 0 }], { topicAlias: 1 }, h.now),
      InvalidArgumentError,
    );
    assert.throws(
      () => h.session.subscribe([{ topicFilter: 'a', qos: 0 }], { subscriptionIdentifiers: [0] }, h.now),
      InvalidArgumentError,
    );
    assert.equal(h.take().ops.length, 0);
    assert.equal(h.session.subscribe([{ topicFilter: 'a', qos: 0 }], undefined, h.now), 1);
  });

  void test('MQTT 3.1.1: SUBACK 0x80 is a failure, not held', () => {
    const h = new Harness(options({ protocolVersion: 4 }));
    h.connect();
    h.session.subscribe([{ topicFilter: 'a', qos: 1 }], undefined, h.now);
    h.take();
    const s = h.feed({ type: 9, packetId: 1, reasonCodes: [0x80] });
    assert.equal(s.ops.length, 0);
    assert.ok(s.events[0].type === 'subscribed' && s.events[0].reasonCodes[0] === 0x80);
  });

  void test('subscribeBatchSize: a subscribe() with more filters is refused before anything is sent', () => {
    const h = new Harness(options({ subscribeBatchSize: 2 }));
    h.connect();
    const three = ['a', 'b', 'c'].map((topicFilter) => ({ topicFilter, qos: 0 as const }));
    assert.throws(() => h.session.subscribe(three, undefined, h.now), /3 topic filters in one subscribe\(\)/);
    const s = h.take();
    assert.equal(s.packets.length, 0);
    assert.equal(s.ops.length, 0);
    assert.ok(h.session.subscribe(three.slice(0, 2), undefined, h.now) > 0, 'two are fine');
  });
});

void describe('unsubscribe', () => {
  void test('UNSUBSCRIBE; UNSUBACK -> deleteSubscription + unsubscribed', () => {
    const h = new Harness();
    h.connect();
    h.session.subscribe([{ topicFilter: 'a', qos: 0 }], undefined, h.now);
    h.take();
    h.feed({ type: 9, packetId: 1, reasonCodes: [0] });
    const mid = h.session.unsubscribe(['a', 'zz'], undefined, h.now);
    const u = h.take().packets[0] as UnsubscribePacket;
    assert.deepEqual(u.topicFilters, ['a', 'zz']);
    const s = h.feed({ type: 11, packetId: mid, reasonCodes: [0, 0x11] });
    assert.deepEqual(s.ops, [{ kind: 'deleteSubscription', topicFilter: 'a' }]);
    assert.ok(s.events[0].type === 'unsubscribed' && s.events[0].mid === mid);
  });

  void test('MQTT 3.1.1: UNSUBACK without codes removes all', () => {
    const h = new Harness(options({ protocolVersion: 4 }));
    h.connect();
    h.session.subscribe([{ topicFilter: 'a', qos: 0 }], undefined, h.now);
    h.take();
    h.feed({ type: 9, packetId: 1, reasonCodes: [0] });
    h.session.unsubscribe(['a'], undefined, h.now);
    h.take();
    const s = h.feed({ type: 11, packetId: 2, reasonCodes: [] });
    assert.deepEqual(s.ops, [{ kind: 'deleteSubscription', topicFilter: 'a' }]);
    assert.ok(s.events[0].type === 'unsubscribed');
  });
});

void describe('re-subscription', () => {
  function subscribed(h: Harness): void {
    h.connect();
    h.session.subscribe([{ topicFilter: 'a', qos: 1 }], undefined, h.now);
    h.session.subscribe([{ topicFilter: 'b', qos: 2 }], { subscriptionIdentifiers: [3] }, h.now);
    h.take();
    h.feed({ type: 9, packetId: 1, reasonCodes: [1] }, { type: 9, packetId: 2, reasonCodes: [2] });
    h.close();
  }

  void test('session lost + resubscribe: held subscriptions sent again (grouped by properties), no events', () => {
    const h = new Harness(options({ resubscribe: true }));
    subscribed(h);
    h.open();
    let s = h.connack({ sessionPresent: false });
    const subs = s.packets.filter((p): p is SubscribePacket => p.type === 8);
    assert.deepEqual(
      subs.map((p) => [
        p.subscriptions.map((x) => `${x.topicFilter}:${x.qos}`),
        p.properties?.subscriptionIdentifiers,
      ]),
      [
        [['a:1'], undefined],
        [['b:2'], [3]],
      ],
    );
    s = h.feed(
      { type: 9, packetId: subs[0].packetId, reasonCodes: [1] },
      { type: 9, packetId: subs[1].packetId, reasonCodes: [0x87] },
    );
    assert.equal(s.events.length, 0);
    // a refused re-subscription is no longer held
    assert.deepEqual(s.ops.at(-1), { kind: 'deleteSubscription', topicFilter: 'b' });
  });

  void test('subscribeBatchSize: re-subscriptions go out in packets of at most that many filters', () => {
    const h = new Harness(options({ resubscribe: true, subscribeBatchSize: 2 }));
    h.connect();
    const filters = ['f/1', 'f/2', 'f/3', 'f/4', 'f/5'];
    const mid = h.session.subscribe(
      filters.map((topicFilter) => ({ topicFilter, qos: 1 as const })).slice(0, 2),
      undefined,
      h.now,
    );
    const mid2 = h.session.subscribe(
      filters.map((topicFilter) => ({ topicFilter, qos: 1 as const })).slice(2, 4),
      undefined,
      h.now,
    );
    const mid3 = h.session.subscribe([{ topicFilter: 'f/5', qos: 1 }], undefined, h.now);
    h.take();
    h.feed(
      { type: 9, packetId: mid, reasonCodes: [1, 1] },
      { type: 9, packetId: mid2, reasonCodes: [1, 1] },
      { type: 9, packetId: mid3, reasonCodes: [1] },
    );
    h.close();
    h.open();
    const s = h.connack({ sessionPresent: false });
    const subs = s.packets.filter((p): p is SubscribePacket => p.type === 8);
    assert.deepEqual(
      subs.map((p) => p.subscriptions.map((x) => x.topicFilter)),
      [['f/1', 'f/2'], ['f/3', 'f/4'], ['f/5']],
    );
  });

  void test('an UNSUBSCRIBE made offline is sent after the re-subscription, so it wins', () => {
    const h = new Harness(options({ resubscribe: true }));
    subscribed(h);
    const mid = h.session.unsubscribe(['a'], undefined, h.now);
    h.open();
    const s = h.connack({ sessionPresent: false });
    assert.deepEqual(types(s), [8, 8, 10]);
    const un = h.feed({ type: 11, packetId: mid, reasonCodes: [0] });
    assert.deepEqual(un.ops, [{ kind: 'deleteSubscription', topicFilter: 'a' }]);
  });

  void test('session lost without resubscribe: held subscriptions forgotten', () => {
    const h = new Harness(options({ resubscribe: false }));
    subscribed(h);
    h.open();
    const s = h.connack({ sessionPresent: false });
    assert.deepEqual(types(s), []);
    assert.deepEqual(s.ops, [
      { kind: 'deleteSubscription', topicFilter: 'a' },
      { kind: 'deleteSubscription', topicFilter: 'b' },
    ]);
  });

  void test('session present: nothing re-subscribed', () => {
    const h = new Harness(options({ resubscribe: true }));
    subscribed(h);
    h.open();
    assert.deepEqual(types(h.connack({ sessionPresent: true })), []);
  });

  void test('clean start on a reconnect + resubscribe: clear, subscriptions put back and re-subscribed', () => {
    const h = new Harness(options({ resubscribe: true, cleanStart: true }));
    subscribed(h);
    h.open();
    const s = h.connack();
    assert.deepEqual(
      s.ops.map((o) => o.kind),
      ['clear', 'putSubscription', 'putSubscription'],
    );
    assert.deepEqual(types(s), [8, 8]);
  });
});

void describe('Subscription Identifiers on incoming PUBLISH (MQTT 5)', () => {
  const withId = serverPublish('t', 'x', 0, undefined, { properties: { subscriptionIdentifiers: [7] } });

  void test('none was ever subscribed with: Protocol Error, DISCONNECT 0x82', () => {
    const h = new Harness();
    h.connect();
    h.session.subscribe([{ topicFilter: 't', qos: 0 }], undefined, h.now);
    h.take();
    const s = h.feed(withId);
    assert.ok(s.packets[0].type === 14 && s.packets[0].reasonCode === 0x82);
    assert.ok(!s.events.some((e) => e.type === 'message'));
  });

  void test('after a SUBSCRIBE with one: delivered, also on a resumed connection; not after a new session', () => {
    const h = new Harness(options({ cleanStart: 'first-only', resubscribe: false }));
    h.connect();
    const mid = h.session.subscribe([{ topicFilter: 't', qos: 0 }], { subscriptionIdentifiers: [7] }, h.now);
    h.feed({ type: 9, packetId: mid, reasonCodes: [0] });
    assert.deepEqual(eventTypes(h.feed(withId)), ['message']);
    h.close();
    h.connect({ sessionPresent: true });
    assert.deepEqual(eventTypes(h.feed(withId)), ['message']);
    // The broker lost the session (Session Present 0) and nothing is re-subscribed: it holds no identifier.
    h.close();
    h.connect({ sessionPresent: false });
    const s = h.feed(withId);
    assert.ok(s.packets.some((p) => p.type === 14 && p.reasonCode === 0x82));
  });

  void test('a SUBSCRIBE with one re-sent on a new session (resubscribe): delivered', () => {
    const h = new Harness(options({ cleanStart: 'first-only' }));
    h.connect();
    const mid = h.session.subscribe([{ topicFilter: 't', qos: 0 }], { subscriptionIdentifiers: [7] }, h.now);
    h.feed({ type: 9, packetId: mid, reasonCodes: [0] });
    h.close();
    const s = h.connect({ sessionPresent: false });
    assert.ok(s.packets.some((p) => p.type === 8));
    assert.deepEqual(eventTypes(h.feed(withId)), ['message']);
  });

  void test('a session resumed with a history this process does not know: delivered', () => {
    const h = new Harness(options({ cleanStart: false }));
    h.connect({ sessionPresent: true });
    assert.deepEqual(eventTypes(h.feed(withId)), ['message']);
  });
});

void describe('subscriptionIdentifierOf (the dispatch of messages to per-filter callbacks)', () => {
  void test('the granted identifier of each filter of a SUBSCRIBE; replaced, dropped, refused', () => {
    const h = new Harness();
    h.connect();
    const a = h.session.subscribe(
      [
        { topicFilter: 'a/#', qos: 1 },
        { topicFilter: 'b', qos: 1 },
      ],
      { subscriptionIdentifiers: [3] },
      h.now,
    );
    assert.equal(h.session.subscriptionIdentifierOf('a/#'), undefined, 'not before the SUBACK');
    h.feed({ type: 9, packetId: a, reasonCodes: [1, 0x80] });
    assert.equal(h.session.subscriptionIdentifierOf('a/#'), 3);
    assert.equal(h.session.subscriptionIdentifierOf('b'), undefined, 'refused: no subscription');
    assert.equal(h.session.subscriptionIdentifierOf('a/+'), undefined, 'exact filters only');
    // [MQTT-3.8.4-3]: a new SUBSCRIBE of the same filter replaces the subscription, identifier included.
    const again = h.session.subscribe([{ topicFilter: 'a/#', qos: 0 }], undefined, h.now);
    h.feed({ type: 9, packetId: again, reasonCodes: [0] });
    assert.equal(h.session.subscriptionIdentifierOf('a/#'), undefined);
    const other = h.session.subscribe(
      [{ topicFilter: 'a/#', qos: 0 }],
      { subscriptionIdentifiers: [9] },
      h.now,
    );
    h.feed({ type: 9, packetId: other, reasonCodes: [0] });
    assert.equal(h.session.subscriptionIdentifierOf('a/#'), 9);
    const unsubscribe = h.session.unsubscribe(['a/#'], undefined, h.now);
    h.feed({ type: 11, packetId: unsubscribe, reasonCodes: [0] });
    assert.equal(h.session.subscriptionIdentifierOf('a/#'), undefined);
  });
});

void test('subscriptionIdentifierOf: the identifiers of a session restored from the store', () => {
  const h = new Harness(options(), {
    outgoing: [],
    incomingQos2: [],
    subscriptions: [{ topicFilter: 'x/+', qos: 1, properties: { subscriptionIdentifiers: [12] } }],
  });
  assert.equal(h.session.subscriptionIdentifierOf('x/+'), 12);
});
