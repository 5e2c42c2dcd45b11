/** Keepalive: PINGREQ after keepalive seconds without sending, close at the ping timeout, activity rules. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { encode } from '../../src/packet/encode.js';
import { eventTypes, Harness, options, serverPublish, types } from './helpers.js';

void describe('keepalive', () => {
  void test('PINGREQ when nothing was sent for keepalive seconds; PINGRESP clears the timeout', () => {
    const h = new Harness(options({ keepalive: 60 }));
    h.connect(); // CONNECT written at 1000
    assert.equal(h.session.nextDeadline(), 61_000);
    assert.equal(h.tick(60_999).packets.length, 0);
    assert.deepEqual(types(h.tick(61_000)), [12]);
    // now waiting for the answer (timeout = keepalive) and the next PINGREQ
    assert.equal(h.session.nextDeadline(), 121_000);
    h.now = 62_000;
    h.feed({ type: 13 });
    assert.equal(h.session.nextDeadline(), 121_000);
    assert.deepEqual(types(h.tick(121_000)), [12]);
    assert.equal(h.session.state, 'connected');
  });

  void test('sending anything postpones the PINGREQ; receiving does not', () => {
    const h = new Harness(options({ keepalive: 10 }));
    h.connect();
    h.now = 5000;
    h.publish('t', 'x', 0);
    h.take();
    assert.equal(h.session.nextDeadline(), 15_000);
    h.now = 9000;
    h.feed(serverPublish('t', 'x', 0));
    assert.equal(h.session.nextDeadline(), 15_000);
    assert.deepEqual(types(h.tick(15_000)), [12]);
  });

  void test('no byte within the ping timeout after PINGREQ: close 0x8D', () => {
    const h = new Harness(options({ keepalive: 10 }));
    h.connect();
    h.tick(11_000); // PINGREQ
    assert.equal(h.session.nextDeadline(), 21_000);
    const s = h.tick(21_000);
    assert.deepEqual(eventTypes(s), ['close']);
    const e = s.events[0];
    assert.ok(e.type === 'close' && e.reasonCode === 0x8d && e.error?.code === 'ERR_MQTT_TIMEOUT');
    assert.equal(s.packets.length, 0, 'the client does not send DISCONNECT 0x8D');
    assert.equal(h.session.nextDeadline(), undefined);
  });

  void test('pingTimeoutMs shorter than the keepalive', () => {
    const h = new Harness(options({ keepalive: 60, pingTimeoutMs: 5000 }));
    h.connect();
    h.tick(61_000);
    assert.equal(h.session.nextDeadline(), 66_000);
    assert.deepEqual(eventTypes(h.tick(66_000)), ['close']);
  });

  void test('receiving part of a large packet counts as activity (Paho #914)', () => {
    const h = new Harness(options({ keepalive: 10 }));
    h.connect();
    h.tick(11_000); // PINGREQ
    const big = encode(serverPublish('t', 'x'.repeat(10_000), 0), 5);
    h.now = 20_000;
    assert.equal(h.feedBytes(big.subarray(0, 100)).events.length, 0);
    // 21 000 passes: bytes arrived at 20 000, so the timeout is 30 000; another PINGREQ goes out at 21 000.
    let s = h.tick(21_000);
    assert.deepEqual(types(s), [12]);
    assert.equal(s.events.length, 0);
    h.now = 29_000;
    h.feedBytes(big.subarray(100, 5000));
    s = h.tick(30_000);
    assert.equal(s.events.length, 0);
    h.now = 35_000;
    s = h.feedBytes(big.subarray(5000));
    assert.deepEqual(eventTypes(s), ['message']);
    h.feed({ type: 13 });
    assert.equal(h.session.nextDeadline(), 31_000); // the next PINGREQ: last sent at 21 000, + 10 s
  });

  void test('keepalive 0: no deadline', () => {
    const h = new Harness(options({ keepalive: 0 }));
    h.connect();
    assert.equal(h.session.nextDeadline(), undefined);
    assert.equal(h.tick(10_000_000).data.length, 0);
  });

  void test('Server Keep Alive replaces ours [MQTT-3.2.2-21]', () => {
    const h = new Harness(options({ keepalive: 60 }));
    h.open();
    h.connack({ properties: { serverKeepAlive: 5 } });
    assert.equal(h.session.keepalive, 5);
    assert.equal(h.session.nextDeadline(), 6000);
    const h0 = new Harness(options({ keepalive: 60 }));
    h0.open();
    h0.connack({ properties: { serverKeepAlive: 0 } });
    assert.equal(h0.session.nextDeadline(), undefined);
  });

  void test('no deadline while disconnected', () => {
    const h = new Harness();
    assert.equal(h.session.nextDeadline(), undefined);
    h.connect();
    h.close();
    assert.equal(h.session.nextDeadline(), undefined);
  });
});
