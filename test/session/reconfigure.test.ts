/** `Session.reconfigure()`: new connection settings on the same engine, keeping what it holds. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError } from '../../src/errors.js';
import { SessionReconfigureError } from '../../src/session/errors.js';
import { bytes, Harness, options, publishes, types } from './helpers.js';

void describe('Session.reconfigure()', () => {
  void test('while disconnected: the next CONNECT has the new settings; queued QoS 0 and SUBSCRIBE survive', () => {
    const h = new Harness(options({ clientId: 'c1', cleanStart: true }));
    h.connect();
    h.close();
    // Offline: a QoS 0 message, a QoS 1 message and a SUBSCRIBE wait for the next connection.
    h.session.publish({ topic: 'q/0', payload: bytes('zero'), qos: 0, retain: false }, h.now);
    h.session.publish({ topic: 'q/1', payload: bytes('one'), qos: 1, retain: false }, h.now);
    const mid = h.session.subscribe([{ topicFilter: 's/#', qos: 1 }], undefined, h.now);
    h.take();
    h.session.reconfigure(
      options({
        clientId: 'c1',
        cleanStart: true,
        keepalive: 17,
        username: 'u',
        password: bytes('p'),
        will: { topic: 'w', payload: bytes('gone'), qos: 1, retain: false },
        connectProperties: { sessionExpiryInterval: 60 },
        maxInflightMessages: 1,
      }),
    );
    const connect = h.open();
    assert.equal(connect.keepalive, 17);
    assert.equal(connect.username, 'u');
    assert.equal(connect.will?.topic, 'w');
    assert.equal(connect.properties?.sessionExpiryInterval, 60);
    assert.equal(h.session.keepalive, 17);
    const s = h.connack();
    const sent = publishes(s);
    assert.deepEqual(
      sent.map((p) => [p.topic, p.qos]),
      [
        ['q/0', 0],
        ['q/1', 1],
      ],
    );
    const subscribe = s.packets.find((p) => p.type === 8);
    assert.ok(subscribe?.type === 8 && subscribe.packetId === mid);
  });

  void test('the in-flight window follows the new maxInflightMessages', () => {
    const h = new Harness(options({ maxInflightMessages: 10 }));
    h.session.reconfigure(options({ maxInflightMessages: 1 }));
    h.connect();
    h.session.publish({ topic: 'a', payload: bytes('1'), qos: 1, retain: false }, h.now);
    h.session.publish({ topic: 'a', payload: bytes('2'), qos: 1, retain: false }, h.now);
    assert.equal(publishes(h.take()).length, 1);
  });

  void test('a new client id while nothing is held: CONNECT carries it', () => {
    const h = new Harness(options({ clientId: 'old', cleanStart: true }));
    h.session.reconfigure(options({ clientId: 'new', cleanStart: true }));
    assert.equal(h.open().clientId, 'new');
    assert.equal(h.session.clientId, 'new');
  });

  void test('refused with SessionReconfigureError, before anything changed', () => {
    const h = new Harness(options({ clientId: 'c1', keepalive: 60 }));
    assert.throws(() => h.session.reconfigure(options({ protocolVersion: 4 })), SessionReconfigureError);
    assert.throws(() => h.session.reconfigure(options({ autoTopicAlias: true })), SessionReconfigureError);
    // A QoS 1 message is session state: the client id cannot change under it.
    h.session.publish({ topic: 'a', payload: bytes('1'), qos: 1, retain: false }, h.now);
    assert.throws(
      () => h.session.reconfigure(options({ clientId: 'c2', keepalive: 5 })),
      SessionReconfigureError,
    );
    assert.throws(() => h.session.reconfigure(options({ keepalive: -1 })), InvalidArgumentError);
    assert.equal(h.open().keepalive, 60);
    // Not while connecting or connected.
    assert.throws(() => h.session.reconfigure(options({ keepalive: 5 })), SessionReconfigureError);
    h.connack();
    assert.throws(() => h.session.reconfigure(options({ keepalive: 5 })), SessionReconfigureError);
    assert.deepEqual(types(h.close()), []);
    h.session.reconfigure(options({ keepalive: 5 }));
    assert.equal(h.open().keepalive, 5);
  });
});
