/** CONNECT contents per version and option; CONNACK handling; refusals; pre-CONNACK rules; AUTH. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError } from '../../src/errors.js';
import { ProtocolViolationError } from '../../src/session/errors.js';
import { Session } from '../../src/session/session.js';
import {
  bytes,
  eventTypes,
  Harness,
  options,
  publishes,
  serverPublish,
  type Step,
  types,
} from './helpers.js';

void describe('CONNECT', () => {
  void test('MQTT 5 defaults: only what the user set, nothing equal to a spec default', () => {
    const h = new Harness(options({ cleanStart: true }));
    const c = h.open();
    assert.equal(c.protocolVersion, 5);
    assert.equal(c.cleanStart, true);
    assert.equal(c.keepalive, 60);
    assert.equal(c.clientId, 'c1');
    assert.equal(c.properties, undefined);
    assert.equal(c.will, undefined);
    assert.equal(c.username, undefined);
    assert.equal(c.password, undefined);
    assert.equal(h.session.state, 'connecting');
  });

  void test('MQTT 5 properties: user properties kept, defaults dropped, feature properties added', () => {
    const h = new Harness(
      options({
        connectProperties: {
          sessionExpiryInterval: 3600,
          receiveMaximum: 65535, // the default: not written
          requestProblemInformation: 1, // the default: not written
          userProperties: [['k', 'v']],
        },
        topicAliasMaximum: 10,
        maximumPacketSize: 4096,
      }),
    );
    const c = h.open();
    assert.deepEqual(c.properties, {
      sessionExpiryInterval: 3600,
      userProperties: [['k', 'v']],
      topicAliasMaximum: 10,
      maximumPacketSize: 4096,
    });
  });

  void test('will, username and password, bridge mode', () => {
    const will = {
      topic: 'w/t',
      payload: bytes('bye'),
      qos: 1 as const,
      retain: true,
      properties: { willDelayInterval: 5 },
    };
    const h = new Harness(options({ will, username: 'u', password: bytes('p'), bridgeMode: true }));
    const c = h.open();
    assert.equal(c.will?.topic, 'w/t');
    assert.equal(c.will?.qos, 1);
    assert.equal(c.will?.retain, true);
    assert.deepEqual(c.will?.properties, { willDelayInterval: 5 });
    assert.equal(c.username, 'u');
    assert.deepEqual([...(c.password ?? [])], [...bytes('p')]);
    assert.equal(c.bridgeMode, true);
  });

  void test('MQTT 3.1.1: clean session flag, no properties', () => {
    const h = new Harness(
      options({ protocolVersion: 4, cleanStart: false, connectProperties: { sessionExpiryInterval: 10 } }),
    );
    const c = h.open();
    assert.equal(c.protocolVersion, 4);
    assert.equal(c.cleanStart, false);
    assert.equal(c.properties, undefined);
  });

  void test('MQTT 3.1: an empty client id becomes a random 22-character one; longer than 23 is refused', () => {
    const h = new Harness(options({ protocolVersion: 3, clientId: '', cleanStart: true }));
    const c = h.open();
    assert.equal(c.protocolVersion, 3);
    assert.match(c.clientId, /^[0-9A-Za-z]{22}$/);
    assert.equal(h.session.clientId, c.clientId);
    assert.throws(
      () => new Session(options({ protocolVersion: 3, clientId: 'x'.repeat(24) })),
      InvalidArgumentError,
    );
  });

  void test('MQTT 3.1.1: empty client id with cleanStart false is refused at construction', () => {
    assert.throws(
      () => new Session(options({ protocolVersion: 4, clientId: '', cleanStart: false })),
      InvalidArgumentError,
    );
    // MQTT 5 allows it: the broker assigns an id.
    assert.doesNotThrow(() => new Session(options({ protocolVersion: 5, clientId: '', cleanStart: false })));
  });

  void test('MQTT 3.x: a password without a username is refused', () => {
    assert.throws(
      () => new Session(options({ protocolVersion: 4, password: bytes('p') })),
      InvalidArgumentError,
    );
    assert.doesNotThrow(() => new Session(options({ protocolVersion: 5, password: bytes('p') })));
  });

  void test('invalid options throw InvalidArgumentError', () => {
    assert.throws(() => new Session(options({ keepalive: -1 })), InvalidArgumentError);
    assert.throws(() => new Session(options({ keepalive: 70000 })), InvalidArgumentError);
    assert.throws(() => new Session(options({ maxInflightMessages: -1 })), InvalidArgumentError);
    assert.throws(
      () => new Session(options({ connectProperties: { receiveMaximum: 0 } })),
      InvalidArgumentError,
    );
    assert.throws(
      () => new Session(options({ will: { topic: 'a/#', payload: bytes(''), qos: 0, retain: false } })),
    );
    // a property CONNECT cannot carry: refused at construction, not at connect
    assert.throws(() => new Session(options({ connectProperties: { topicAlias: 1 } })), InvalidArgumentError);
  });

  void test("cleanStart 'first-only': clean until the first successful CONNACK, then resume", () => {
    const h = new Harness(options({ cleanStart: 'first-only' }));
    assert.equal(h.open().cleanStart, true);
    h.close(); // no CONNACK: still the first
    assert.equal(h.open().cleanStart, true);
    h.connack();
    h.close();
    assert.equal(h.open().cleanStart, false);
  });

  void test("MQTT 3.1.1, empty client id, 'first-only': clean on every connect (nothing to resume)", () => {
    const h = new Harness(options({ protocolVersion: 4, clientId: '', cleanStart: 'first-only' }));
    h.connect();
    h.close();
    assert.equal(h.open().cleanStart, true);
  });

  void test('cleanStart true: clean every time; false: never', () => {
    const t = new Harness(options({ cleanStart: true }));
    t.connect();
    t.close();
    assert.equal(t.open().cleanStart, true);
    const f = new Harness(options({ cleanStart: false }));
    assert.equal(f.open().cleanStart, false);
  });
});

void describe('CONNACK', () => {
  void test('success: connack event, state connected, keepalive and client id adopted', () => {
    const h = new Harness(options({ clientId: '' }));
    h.open();
    const s = h.connack({ properties: { serverKeepAlive: 30, assignedClientIdentifier: 'auto-1' } });
    assert.deepEqual(eventTypes(s), ['connack']);
    const e = s.events[0];
    assert.equal(e.type === 'connack' && e.sessionPresent, false);
    assert.equal(h.session.state, 'connected');
    assert.equal(h.session.keepalive, 30);
    assert.equal(h.session.clientId, 'auto-1');
    // Next CONNECT uses the assigned id and the user's keepalive again.
    h.close();
    const c = h.open();
    assert.equal(c.clientId, 'auto-1');
    assert.equal(c.keepalive, 60);
  });

  void test('an Assigned Client Identifier for a client that gave its own id: Protocol Error, DISCONNECT 0x82', () => {
    const h = new Harness(options({ clientId: 'mine' }));
    h.open();
    const s = h.connack({ properties: { assignedClientIdentifier: 'theirs' } });
    assert.ok(s.packets[0].type === 14 && s.packets[0].reasonCode === 0x82);
    const close = s.events.find((e) => e.type === 'close');
    assert.ok(
      close?.type === 'close' && close.reasonCode === 0x82 && close.error instanceof ProtocolViolationError,
    );
    assert.equal(h.session.clientId, 'mine');
    assert.ok(!s.events.some((e) => e.type === 'connack'));
  });

  void test('the same id echoed as Assigned Client Identifier is accepted', () => {
    const h = new Harness(options({ clientId: 'mine' }));
    h.open();
    h.connack({ properties: { assignedClientIdentifier: 'mine' } });
    assert.equal(h.session.state, 'connected');
  });

  for (const size of [1, 3]) {
    void test(`a CONNACK Maximum Packet Size of ${size} (below an acknowledgement): close with 0x95`, () => {
      const h = new Harness();
      h.open();
      const s = h.connack({ properties: { maximumPacketSize: size } });
      // The 3-byte DISCONNECT 0x95 fits a limit of 3 only [MQTT-3.2.2-15].
      assert.deepEqual(types(s), size >= 3 ? [14] : []);
      const close = s.events.find((e) => e.type === 'close');
      assert.ok(
        close?.type === 'close' && close.reasonCode === 0x95 && close.error instanceof ProtocolViolationError,
      );
    });
  }

  void test('a CONNACK Maximum Packet Size of 4 is enough: connected', () => {
    const h = new Harness();
    h.open();
    h.connack({ properties: { maximumPacketSize: 4 } });
    assert.equal(h.session.state, 'connected');
  });

  void test('refusal on MQTT 5: connack then close with the reason', () => {
    const h = new Harness();
    h.open();
    const s = h.connack({ reasonCode: 0x87, properties: { reasonString: 'nope' } });
    assert.deepEqual(eventTypes(s), ['connack', 'close']);
    const close = s.events[1];
    assert.ok(close.type === 'close');
    assert.equal(close.reasonCode, 0x87);
    assert.equal(close.fromServer, false);
    assert.equal(h.session.state, 'disconnecting');
    assert.equal(s.packets.length, 0);
  });

  void test('refusal on MQTT 3.1.1: connack keeps the return code, close has the MQTT 5 equivalent', () => {
    const h = new Harness(options({ protocolVersion: 4 }));
    h.open();
    const s = h.connack({ reasonCode: 5 });
    assert.ok(s.events[0].type === 'connack' && s.events[0].reasonCode === 5);
    assert.ok(s.events[1].type === 'close' && s.events[1].reasonCode === 0x87);
  });

  void test('a packet other than CONNACK/AUTH before CONNACK is a protocol error (DISCONNECT 0x82 on v5)', () => {
    const h = new Harness();
    h.open();
    const s = h.feed(serverPublish('a', 'x', 0));
    assert.deepEqual(types(s), [14]);
    assert.ok(s.packets[0].type === 14 && s.packets[0].reasonCode === 0x82);
    assert.ok(
      s.events[0].type === 'close' && s.events[0].reasonCode === 0x82 && s.events[0].error !== undefined,
    );
  });

  void test('on 3.1.1 a protocol error closes without DISCONNECT', () => {
    const h = new Harness(options({ protocolVersion: 4 }));
    h.open();
    const s = h.feed({ type: 13 });
    assert.equal(s.packets.length, 0);
    assert.ok(s.events[0].type === 'close' && s.events[0].reasonCode === 0x82);
  });

  void test('a server DISCONNECT before CONNACK is reported with its own reason (lenient: no DISCONNECT back)', () => {
    const h = new Harness();
    h.open();
    const s = h.feed({ type: 14, reasonCode: 0x9c, properties: { serverReference: 'other:1883' } });
    assert.equal(s.packets.length, 0);
    const e = s.events[0];
    assert.ok(e.type === 'close' && e.fromServer && e.reasonCode === 0x9c);
    assert.equal(e.properties.serverReference, 'other:1883');
  });

  void test('a second CONNACK is a protocol error', () => {
    const h = new Harness();
    h.connect();
    const s = h.connack();
    assert.deepEqual(eventTypes(s), ['close']);
  });

  void test('session present in answer to a clean start is a protocol error', () => {
    const h = new Harness(options({ cleanStart: true }));
    h.open();
    const s = h.connack({ sessionPresent: true });
    assert.deepEqual(eventTypes(s), ['close']);
    assert.deepEqual(types(s), [14]);
  });

  void test('CONNACK timeout closes', () => {
    const h = new Harness(options({ connackTimeoutMs: 5000 }));
    h.open();
    assert.equal(h.session.nextDeadline(), 6000);
    assert.equal(h.tick(5999).events.length, 0);
    const s = h.tick(6000);
    assert.ok(s.events[0].type === 'close' && s.events[0].error?.code === 'ERR_MQTT_TIMEOUT');
    assert.equal(h.session.nextDeadline(), undefined);
  });

  void test('no CONNACK timeout when 0', () => {
    const h = new Harness(options({ connackTimeoutMs: 0 }));
    h.open();
    assert.equal(h.session.nextDeadline(), undefined);
  });

  void test('input after close is ignored until the transport closes', () => {
    const h = new Harness();
    h.open();
    h.connack({ reasonCode: 0x86 });
    const s = h.connack();
    assert.equal(s.events.length, 0);
    h.close();
    assert.equal(h.session.state, 'disconnected');
  });
});

void describe('DISCONNECT', () => {
  void test('disconnect(): DISCONNECT bytes (short form) then close reason 0', () => {
    const h = new Harness();
    h.connect();
    h.session.disconnect(0, undefined, h.now);
    const s = h.take();
    assert.equal(s.data.length, 1);
    assert.deepEqual([...s.data[0]], [0xe0, 0x00]);
    assert.ok(s.events[0].type === 'close' && s.events[0].reasonCode === 0 && !s.events[0].fromServer);
    assert.equal(h.session.state, 'disconnecting');
  });

  void test('disconnect() with a reason and properties on v5', () => {
    const h = new Harness(options({ connectProperties: { sessionExpiryInterval: 10 } }));
    h.connect();
    h.session.disconnect(0x04, { sessionExpiryInterval: 0 }, h.now);
    const s = h.take();
    assert.ok(s.packets[0].type === 14 && s.packets[0].reasonCode === 0x04);
  });

  void test('[MQTT-3.14.2-2] non-zero session expiry in DISCONNECT after 0 in CONNECT is refused', () => {
    const h = new Harness();
    h.connect();
    assert.throws(() => h.session.disconnect(0, { sessionExpiryInterval: 5 }, h.now), InvalidArgumentError);
  });

  void test('disconnect() on 3.1.1: a plain DISCONNECT', () => {
    const h = new Harness(options({ protocolVersion: 4 }));
    h.connect();
    h.session.disconnect(0, undefined, h.now);
    assert.deepEqual([...h.take().data[0]], [0xe0, 0x00]);
  });

  void test('server DISCONNECT: close fromServer with its reason and properties', () => {
    const h = new Harness();
    h.connect();
    const s = h.feed({ type: 14, reasonCode: 0x8b, properties: { reasonString: 'bye' } });
    assert.equal(s.packets.length, 0);
    const e = s.events[0];
    assert.ok(e.type === 'close');
    assert.equal(e.reasonCode, 0x8b);
    assert.equal(e.fromServer, true);
    assert.equal(e.properties.reasonString, 'bye');
  });

  void test('disconnect() while disconnected does nothing', () => {
    const h = new Harness();
    h.session.disconnect(0, undefined, h.now);
    const s = h.take();
    assert.equal(s.data.length + s.events.length, 0);
  });
});

void describe('AUTH', () => {
  void test('enhanced authentication during connect, then re-authentication', () => {
    const h = new Harness(
      options({ connectProperties: { authenticationMethod: 'SCRAM', authenticationData: bytes('first') } }),
    );
    const c = h.open();
    assert.equal(c.properties?.authenticationMethod, 'SCRAM');
    let s = h.feed({
      type: 15,
      reasonCode: 0x18,
      properties: { authenticationMethod: 'SCRAM', authenticationData: bytes('chal') },
    });
    assert.ok(s.events[0].type === 'auth' && s.events[0].reasonCode === 0x18);
    h.session.auth(0x18, { authenticationData: bytes('resp') }, h.now);
    s = h.take();
    assert.ok(s.packets[0].type === 15);
    assert.equal(s.packets[0].reasonCode, 0x18);
    assert.equal(s.packets[0].properties?.authenticationMethod, 'SCRAM');
    h.connack({ properties: { authenticationMethod: 'SCRAM' } });
    assert.equal(h.session.state, 'connected');
    h.session.auth(0x19, { authenticationData: bytes('again') }, h.now);
    s = h.take();
    assert.ok(s.packets[0].type === 15 && s.packets[0].reasonCode === 0x19);
    s = h.feed({ type: 15, reasonCode: 0, properties: { authenticationMethod: 'SCRAM' } });
    assert.ok(s.events[0].type === 'auth' && s.events[0].reasonCode === 0);
  });

  void test('AUTH from a broker when none was asked for is a protocol error', () => {
    const h = new Harness();
    h.open();
    const s = h.feed({ type: 15, reasonCode: 0x18, properties: { authenticationMethod: 'X' } });
    assert.deepEqual(eventTypes(s), ['close']);
  });

  void test('a broker AUTH with a reason or method the spec forbids is a protocol error [MQTT-4.12.0-2/5]', () => {
    const scram = options({ connectProperties: { authenticationMethod: 'SCRAM' } });
    // 0x00 during CONNECT: success is a CONNACK.
    let h = new Harness(scram);
    h.open();
    let s = h.feed({ type: 15, reasonCode: 0, properties: { authenticationMethod: 'SCRAM' } });
    assert.deepEqual(eventTypes(s), ['close']);
    // 0x19 is the client's reason code, even when connected.
    h = new Harness(scram);
    h.connect();
    s = h.feed({ type: 15, reasonCode: 0x19, properties: { authenticationMethod: 'SCRAM' } });
    assert.deepEqual(eventTypes(s), ['close']);
    // Another method than the CONNECT's.
    h = new Harness(scram);
    h.open();
    s = h.feed({ type: 15, reasonCode: 0x18, properties: { authenticationMethod: 'PLAIN' } });
    assert.deepEqual(eventTypes(s), ['close']);
    const close = s.events[0];
    assert.ok(close.type === 'close' && close.reasonCode === 0x82);
  });

  void test('auth() without a CONNECT method, or with another method, throws', () => {
    const h = new Harness();
    h.connect();
    assert.throws(() => h.session.auth(0x19, { authenticationMethod: 'X' }, h.now), InvalidArgumentError);
    const m = new Harness(options({ connectProperties: { authenticationMethod: 'A' } }));
    m.connect();
    assert.throws(() => m.session.auth(0x19, { authenticationMethod: 'B' }, m.now), InvalidArgumentError);
    assert.throws(() => m.session.auth(0x00, {}, m.now), InvalidArgumentError);
  });

  void test('auth() on 3.1.1 throws', () => {
    const h = new Harness(options({ protocolVersion: 4 }));
    assert.throws(() => h.session.auth(0x18, {}, h.now), InvalidArgumentError);
  });
});

void describe('malformed input', () => {
  void test('DISCONNECT 0x81 then close with that reason', () => {
    const h = new Harness();
    h.connect();
    // PUBACK with remaining length 1: too short for its packet id.
    const s = h.feedBytes(new Uint8Array([0x40, 0x01, 0x00]));
    assert.deepEqual(types(s), [14]);
    assert.ok(s.packets[0].type === 14);
    assert.equal(s.packets[0].reasonCode, 0x81);
    assert.ok(s.events[0].type === 'close' && s.events[0].reasonCode === 0x81);
    assert.equal(s.events[0].error?.code, 'ERR_MQTT_MALFORMED_PACKET');
  });

  void test('a reason only a server sends (0x84 for a CONNECT) goes out as DISCONNECT 0x82', () => {
    // Found by the engine fuzzer: a CONNECT from the broker with an unknown protocol level made the decoder's
    // 0x84 Unsupported Protocol Version the DISCONNECT's reason, which DISCONNECT does not allow, and the
    // encoder's InvalidArgumentError escaped receive().
    const h = new Harness();
    h.connect();
    const connect = [
      0x10, 0x0d, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x09, 0x02, 0x00, 0x3c, 0x00, 0x01, 0x61,
    ];
    let s: Step | undefined;
    assert.doesNotThrow(() => {
      s = h.feedBytes(new Uint8Array(connect));
    });
    assert.ok(s !== undefined);
    assert.deepEqual(types(s), [14]);
    assert.ok(s.packets[0].type === 14 && s.packets[0].reasonCode === 0x82);
    const close = s.events.at(-1);
    assert.ok(close?.type === 'close' && close.reasonCode === 0x84);
    assert.equal(close.error?.code, 'ERR_MQTT_MALFORMED_PACKET');
  });

  void test('packets before the malformed one in the same chunk are handled', () => {
    const h = new Harness();
    h.connect();
    const good = [0x30, 0x05, 0x00, 0x01, 0x61, 0x00, 0x78]; // QoS 0 PUBLISH 'a' with 'x' (v5: 0 props)
    const s = h.feedBytes(new Uint8Array([...good, 0x40, 0x01, 0x00]));
    assert.deepEqual(eventTypes(s), ['message', 'close']);
  });

  void test('a packet above our maximum packet size: DISCONNECT 0x95', () => {
    const h = new Harness(options({ maximumPacketSize: 64 }));
    h.connect();
    const s = h.feed(serverPublish('t', 'x'.repeat(100), 0));
    assert.ok(s.packets[0].type === 14 && s.packets[0].reasonCode === 0x95);
    assert.ok(s.events.at(-1)?.type === 'close');
  });

  void test('publishes queued after close are not written', () => {
    const h = new Harness();
    h.connect();
    h.feedBytes(new Uint8Array([0x40, 0x01, 0x00]));
    h.publish('a', 'x', 1);
    assert.equal(publishes(h.take()).length, 0);
  });
});
