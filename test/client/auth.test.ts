/**
 * MQTT 5 enhanced authentication (section 4.12) through the Client, against the scripted fake broker (Mosquitto
 * 2.0.11 has no enhanced-auth method without a plugin): a SCRAM-like two-step exchange during CONNECT (with the
 * `authenticator` option, and by hand from `onAuth` with `client.auth()`), refusals (CONNACK 0x87 / 0x8C), and a
 * re-authentication while connected.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CallbackAPIVersion,
  Client,
  InvalidArgumentError,
  MQTTErrorCode,
  MQTTProtocolVersion,
  type AuthChallenge,
} from '../../src/index.js';
import { PacketType, type AuthPacket } from '../../src/packet/types.js';
import { FakeBroker, type FakeConnection } from '../support/fake-broker.js';
import { FIXTURE_AUTH_DATA } from '../support/secrets.js';
import { recordingClient, waitUntil, within } from './helpers.js';

const METHOD = 'SCRAM-SHA-256';
const utf8 = new TextEncoder();
const text = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);
const CONNECT_PROPERTIES = {
  authenticationMethod: METHOD,
  authenticationData: utf8.encode(`${FIXTURE_AUTH_DATA}/client-first`),
};

let broker: FakeBroker;
void before(async () => {
  broker = await FakeBroker.start();
});
void after(async () => {
  await broker.close();
});

/** The broker's challenge: AUTH 0x18 with the method and `data`. */
function challenge(connection: FakeConnection, data: string): void {
  connection.send({
    type: PacketType.AUTH,
    reasonCode: 0x18,
    properties: { authenticationMethod: METHOD, authenticationData: utf8.encode(data) },
  });
}

/** The two-step exchange seen from the broker, up to (not including) its verdict. */
async function brokerExchange(connection: FakeConnection): Promise<AuthPacket[]> {
  const connect = await connection.expect(PacketType.CONNECT);
  assert.equal(connect.properties?.authenticationMethod, METHOD);
  assert.equal(text(connect.properties?.authenticationData), `${FIXTURE_AUTH_DATA}/client-first`);
  challenge(connection, `${FIXTURE_AUTH_DATA}/server-first`);
  const first = await connection.expect(PacketType.AUTH);
  challenge(connection, `${FIXTURE_AUTH_DATA}/server-final`);
  const second = await connection.expect(PacketType.AUTH);
  return [first, second];
}

/** A SCRAM-like authenticator: answers each server message with a deterministic client message. */
const scram = (seen: AuthChallenge[]) => async (c: AuthChallenge) => {
  seen.push(c);
  await Promise.resolve(); // answers asynchronously, as a real hash would
  return utf8.encode(
    text(c.data) === `${FIXTURE_AUTH_DATA}/server-first`
      ? `${FIXTURE_AUTH_DATA}/client-final`
      : `${FIXTURE_AUTH_DATA}/client-proof`,
  );
};

void describe('MQTT 5 enhanced authentication (fake broker)', () => {
  void it('a two-step exchange during CONNECT, answered by the authenticator option', async () => {
    const seen: AuthChallenge[] = [];
    const r = recordingClient(MQTTProtocolVersion.MQTTv5, {
      reconnectOnFailure: false,
      authenticator: scram(seen),
    });
    const auths: { rc: number; data: string }[] = [];
    r.client.onAuth = (_c, _u, rc, properties) => {
      auths.push({ rc: rc.value, data: text(properties.authenticationData) });
    };
    r.client.loopStart();
    void r.client.connect(broker.host, broker.port, 60, '', 0, true, CONNECT_PROPERTIES);
    const connection = await broker.nextConnection();
    const [first, second] = await brokerExchange(connection);
    for (const packet of [first, second]) {
      assert.equal(packet.reasonCode, 0x18); // [MQTT-4.12.0-3]
      assert.equal(packet.properties?.authenticationMethod, METHOD); // [MQTT-4.12.0-5]
    }
    assert.equal(text(first.properties?.authenticationData), `${FIXTURE_AUTH_DATA}/client-final`);
    assert.equal(text(second.properties?.authenticationData), `${FIXTURE_AUTH_DATA}/client-proof`);
    connection.send({
      type: PacketType.CONNACK,
      sessionPresent: false,
      reasonCode: 0,
      properties: {
        authenticationMethod: METHOD,
        authenticationData: utf8.encode(`${FIXTURE_AUTH_DATA}/server-ok`),
      },
    });
    await waitUntil(() => r.connacks.length === 1, 5000, 'CONNACK');
    assert.deepEqual(r.connacks[0], { rc: 0, sessionPresent: false });
    assert.deepEqual(auths, [
      { rc: 0x18, data: `${FIXTURE_AUTH_DATA}/server-first` },
      { rc: 0x18, data: `${FIXTURE_AUTH_DATA}/server-final` },
    ]);
    assert.deepEqual(
      seen.map((c) => ({ method: c.method, data: text(c.data), reasonCode: c.reasonCode })),
      [
        { method: METHOD, data: `${FIXTURE_AUTH_DATA}/server-first`, reasonCode: 0x18 },
        { method: METHOD, data: `${FIXTURE_AUTH_DATA}/server-final`, reasonCode: 0x18 },
      ],
    );
    r.client.disconnect();
    await connection.expect(PacketType.DISCONNECT);
    r.client.loopStop();
  });

  void it('the same exchange answered by hand: onAuth calls client.auth(0x18, ...)', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv5, { reconnectOnFailure: false });
    r.client.onAuth = (client, _u, rc, properties) => {
      if (rc.value !== 0x18) return;
      const answer =
        text(properties.authenticationData) === `${FIXTURE_AUTH_DATA}/server-first`
          ? `${FIXTURE_AUTH_DATA}/client-final`
          : `${FIXTURE_AUTH_DATA}/client-proof`;
      // The method is filled in from the CONNECT properties.
      assert.equal(
        client.auth(0x18, { authenticationData: utf8.encode(answer) }),
        MQTTErrorCode.MQTT_ERR_SUCCESS,
      );
    };
    r.client.loopStart();
    void r.client.connect(broker.host, broker.port, 60, '', 0, true, CONNECT_PROPERTIES);
    const connection = await broker.nextConnection();
    const [first, second] = await brokerExchange(connection);
    assert.equal(text(first.properties?.authenticationData), `${FIXTURE_AUTH_DATA}/client-final`);
    assert.equal(text(second.properties?.authenticationData), `${FIXTURE_AUTH_DATA}/client-proof`);
    assert.equal(second.properties?.authenticationMethod, METHOD);
    connection.send({
      type: PacketType.CONNACK,
      sessionPresent: false,
      reasonCode: 0,
      properties: { authenticationMethod: METHOD },
    });
    await waitUntil(() => r.connacks.length === 1, 5000, 'CONNACK');
    r.client.disconnect();
    await connection.expect(PacketType.DISCONNECT);
    r.client.loopStop();
  });

  for (const refusal of [
    { code: 0x87, name: 'Not authorized', afterExchange: true },
    { code: 0x8c, name: 'Bad authentication method', afterExchange: false },
  ]) {
    void it(`a refused authentication: CONNACK 0x${refusal.code.toString(16)} reaches onConnect, then onDisconnect`, async () => {
      const r = recordingClient(MQTTProtocolVersion.MQTTv5, {
        reconnectOnFailure: false,
        authenticator: scram([]),
      });
      r.client.loopStart();
      const connack = r.client.connectAndWait(broker.host, broker.port, 60, '', 0, true, CONNECT_PROPERTIES);
      const connection = await broker.nextConnection();
      if (refusal.afterExchange) await brokerExchange(connection);
      else await connection.expect(PacketType.CONNECT);
      connection.send({ type: PacketType.CONNACK, sessionPresent: false, reasonCode: refusal.code });
      await assert.rejects(within(connack, 5000, 'connectAndWait'), /./);
      await waitUntil(() => r.disconnects.length === 1, 5000, 'onDisconnect');
      assert.deepEqual(r.connacks, [{ rc: refusal.code, sessionPresent: false }]);
      assert.equal(r.disconnects[0]?.rc, refusal.code);
      assert.ok(r.logs.some((l) => l.message.includes(refusal.name)));
      await connection.closed;
      assert.equal(r.client.isConnected(), false);
      r.client.loopStop();
    });
  }

  void it('re-authentication while connected: AUTH 0x19, a challenge, then AUTH 0x00 Success', async () => {
    const seen: AuthChallenge[] = [];
    const r = recordingClient(MQTTProtocolVersion.MQTTv5, {
      reconnectOnFailure: false,
      authenticator: scram(seen),
    });
    const auths: number[] = [];
    r.client.onAuth = (_c, _u, rc) => {
      auths.push(rc.value);
    };
    r.client.loopStart();
    void r.client.connect(broker.host, broker.port, 60, '', 0, true, { authenticationMethod: METHOD });
    const connection = await broker.nextConnection();
    await connection.accept({ properties: { authenticationMethod: METHOD } });
    await waitUntil(() => r.connacks.length === 1, 5000, 'CONNACK');

    const rc = r.client.auth(0x19, { authenticationData: utf8.encode(`${FIXTURE_AUTH_DATA}/client-first`) });
    assert.equal(rc, MQTTErrorCode.MQTT_ERR_SUCCESS);
    const reauth = await connection.expect(PacketType.AUTH);
    assert.equal(reauth.reasonCode, 0x19); // [MQTT-4.12.1-1]
    assert.equal(reauth.properties?.authenticationMethod, METHOD);
    assert.equal(text(reauth.properties?.authenticationData), `${FIXTURE_AUTH_DATA}/client-first`);
    challenge(connection, `${FIXTURE_AUTH_DATA}/server-first`);
    const answer = await connection.expect(PacketType.AUTH);
    assert.equal(answer.reasonCode, 0x18);
    assert.equal(text(answer.properties?.authenticationData), `${FIXTURE_AUTH_DATA}/client-final`);
    connection.send({ type: PacketType.AUTH, reasonCode: 0, properties: { authenticationMethod: METHOD } });
    await waitUntil(() => auths.length === 2, 5000, 'AUTH Success');
    assert.deepEqual(auths, [0x18, 0]);
    assert.equal(r.client.isConnected(), true);
    // Still usable after the re-authentication.
    const info = r.client.publish('after/reauth', 'x', 1);
    const publish = await connection.expect(PacketType.PUBLISH);
    connection.send({ type: PacketType.PUBACK, packetId: publish.packetId ?? 0, reasonCode: 0 });
    await within(info.waitForPublish(5000), 5000, 'PUBACK');
    r.client.disconnect();
    await connection.expect(PacketType.DISCONNECT);
    r.client.loopStop();
  });

  void it('a failing authenticator closes the connection with DISCONNECT 0x80 and logs why', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv5, {
      reconnectOnFailure: false,
      authenticator: () => Promise.reject(new Error('no key')),
    });
    r.client.loopStart();
    void r.client.connect(broker.host, broker.port, 60, '', 0, true, CONNECT_PROPERTIES);
    const connection = await broker.nextConnection();
    await connection.expect(PacketType.CONNECT);
    challenge(connection, `${FIXTURE_AUTH_DATA}/server-first`);
    const disconnect = await connection.expect(PacketType.DISCONNECT);
    assert.equal(disconnect.reasonCode, 0x80);
    await waitUntil(() => r.disconnects.length === 1, 5000, 'onDisconnect');
    assert.ok(r.logs.some((l) => l.message.includes('authenticator failed') && l.message.includes('no key')));
    r.client.loopStop();
  });

  void it('auth() refuses what the protocol forbids, and returns NO_CONN without a connection', () => {
    const v311 = new Client(CallbackAPIVersion.VERSION2, { protocol: MQTTProtocolVersion.MQTTv311 });
    assert.throws(() => v311.auth(0x19), InvalidArgumentError);
    assert.throws(
      () => new Client(CallbackAPIVersion.VERSION2, { authenticator: () => new Uint8Array() }),
      InvalidArgumentError,
    );
    const v5 = new Client(CallbackAPIVersion.VERSION2, { protocol: MQTTProtocolVersion.MQTTv5 });
    assert.throws(() => v5.auth(0x19), InvalidArgumentError); // no Authentication Method [MQTT-4.12.0-7]
    v5.connectAsync('127.0.0.1', 1, 60, '', 0, true, { authenticationMethod: METHOD });
    assert.equal(v5.auth(0x19), MQTTErrorCode.MQTT_ERR_NO_CONN);
    assert.throws(() => v5.auth(0x00), InvalidArgumentError);
    assert.throws(() => v5.auth(0x18, { authenticationMethod: 'PLAIN' }), InvalidArgumentError);
  });
});
