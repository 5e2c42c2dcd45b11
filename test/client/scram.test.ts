/**
 * SCRAM-SHA-256 and SCRAM-SHA-1 (RFC 5802, RFC 7677) as the `authenticator` option: the RFCs' test vectors
 * (their fixed client nonces injected through `createScram`), SASLprep and user-name escaping, malformed server
 * messages, then whole exchanges against the scripted fake broker playing the server side with node:crypto
 * (`test/support/scram-server.ts`): success, a wrong password (CONNACK 0x86 / 0x87), a server signature that
 * does not verify, a broker that skips the exchange, and re-authentication while connected. Mosquitto has no
 * SCRAM (it needs an auth plugin), hence the fake broker.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AuthenticationError,
  ConnectionRefusedError,
  InvalidArgumentError,
  MQTTErrorCode,
  MQTTProtocolVersion,
  scramAuthenticator,
  type ScramMechanism,
} from '../../src/index.js';
import { createScram } from '../../src/client/scram.js';
import * as paho from '../../src/paho.js';
import { PacketType } from '../../src/packet/types.js';
import { FakeBroker, type FakeConnection } from '../support/fake-broker.js';
import { ScramServerExchange, type ScramHash } from '../support/scram-server.js';
import { recordingClient, waitUntil, within } from './helpers.js';
import { FIXTURE_SCRAM_PASSWORD, FIXTURE_WRONG_PASSWORD } from '../support/secrets.js';

const utf8 = new TextEncoder();
const text = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);
const challenge = { method: 'SCRAM-SHA-256', reasonCode: 0x18 };

/** RFC 5802 §5 (SCRAM-SHA-1) and RFC 7677 §3 (SCRAM-SHA-256): user "user", password "pencil". */
const VECTORS: {
  mechanism: ScramMechanism;
  nonce: string;
  serverFirst: string;
  clientFinal: string;
  serverFinal: string;
}[] = [
  {
    mechanism: 'SCRAM-SHA-1',
    nonce: 'fyko+d2lbbFgONRv9qkxdawL',
    serverFirst: 'r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096',
    clientFinal: 'c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=',
    serverFinal: 'v=rmF9pqV8S7suAoZWja4dJRkFsKQ=',
  },
  {
    mechanism: 'SCRAM-SHA-256',
    nonce: 'rOprNGfwEbeRWgbNEkqO',
    serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
    clientFinal:
      'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
  },
];

void describe('SCRAM: the RFC test vectors', () => {
  for (const v of VECTORS) {
    void it(`${v.mechanism}: client-first, client-final and the server signature match the RFC`, async () => {
      const scram = createScram(
        { username: 'user', password: 'pencil', mechanism: v.mechanism },
        () => v.nonce,
      );
      assert.equal(scram.method, v.mechanism);
      assert.equal(text(scram.start()), `n,,n=user,r=${v.nonce}`);
      const final = await scram({ ...challenge, data: utf8.encode(v.serverFirst) });
      assert.equal(text(final), v.clientFinal);
      scram.verify(utf8.encode(v.serverFinal)); // does not throw
      // The same exchange with a server signature one character off fails.
      scram.start();
      await scram({ ...challenge, data: utf8.encode(v.serverFirst) });
      const forged = v.serverFinal.replace(/^v=./, (s) => (s === 'v=A' ? 'v=B' : 'v=A'));
      assert.throws(() => scram.verify(utf8.encode(forged)), AuthenticationError);
    });
  }
});

void describe('SCRAM: names, passwords and malformed server messages', () => {
  const nonce = (): string => 'clientnonce';
  const serverFirst = 'r=clientnonceSERVER,s=c2FsdA==,i=4096';

  void it("escapes ',' and '=' in the user name, and prepares names and passwords with SASLprep", async () => {
    assert.equal(
      text(createScram({ username: 'a,b=c', password: 'p' }, nonce).start()),
      'n,,n=a=2Cb=3Dc,r=clientnonce',
    );
    // RFC 4013 §3's examples: U+00AD is mapped to nothing, U+2168 (Roman nine) becomes "IX" under NFKC; a
    // non-ASCII space becomes U+0020. The proofs then equal those of the prepared strings.
    const finalOf = async (password: string): Promise<string> => {
      const scram = createScram({ username: 'user', password }, nonce);
      scram.start();
      return text(await scram({ ...challenge, data: utf8.encode(serverFirst) }));
    };
    assert.equal(await finalOf('I\u00adX'), await finalOf('IX'));
    assert.equal(await finalOf('\u2168'), await finalOf('IX'));
    assert.equal(await finalOf('a\u00a0b'), await finalOf('a b'));
    assert.notEqual(await finalOf('IX'), await finalOf('IY'));
    for (const bad of ['a\u0007b', 'a\ue000b', 'a\u200eb']) {
      assert.throws(() => createScram({ username: 'user', password: bad }, nonce), InvalidArgumentError);
    }
    assert.throws(() => scramAuthenticator({ username: '', password: 'p' }), InvalidArgumentError);
    assert.throws(
      () => scramAuthenticator({ username: 'u', password: 'p', mechanism: 'SCRAM-MD5' as never }),
      /SCRAM-SHA-256' or 'SCRAM-SHA-1/,
    );
  });

  void it('refuses a server-first that breaks RFC 5802, and a verdict before the exchange ended', async () => {
    for (const [bad, why] of [
      ['r=othernonce,s=c2FsdA==,i=4096', /does not extend the client's nonce/],
      ['r=clientnonce,s=c2FsdA==,i=4096', /does not extend the client's nonce/],
      ['r=clientnonceX,s=c2FsdA==,i=1', /iteration count of '1'/],
      ['r=clientnonceX,s=,i=4096', /has no salt/],
      ['r=clientnonceX,s=*,i=4096', /salt is not base64/],
      ['m=ext,r=clientnonceX,s=c2FsdA==,i=4096', /mandatory extension/],
    ] as const) {
      const scram = createScram({ username: 'user', password: 'pencil' }, nonce);
      scram.start();
      await assert.rejects(
        Promise.resolve(scram({ ...challenge, data: utf8.encode(bad) })),
        (error: unknown) => error instanceof AuthenticationError && why.test(error.message),
      );
    }
    const scram = createScram({ username: 'user', password: 'pencil' }, nonce);
    scram.start();
    assert.throws(() => scram.verify(undefined), /before the exchange ended/);
    await assert.rejects(
      Promise.resolve(scram({ ...challenge, data: utf8.encode(serverFirst) })),
      /did not expect/,
    );
  });
});

void describe('SCRAM against a scripted broker playing the server side', () => {
  let broker: FakeBroker;
  before(async () => {
    broker = await FakeBroker.start();
  });
  after(async () => {
    await broker.close();
  });

  /** Runs the server side of one exchange started by `clientFirst`; returns it once the proof is read. */
  async function serveExchange(
    connection: FakeConnection,
    method: string,
    clientFirst: Uint8Array | undefined,
    server: ScramServerExchange,
  ): Promise<boolean> {
    const serverFirst = server.first(text(clientFirst));
    connection.send({
      type: PacketType.AUTH,
      reasonCode: 0x18,
      properties: { authenticationMethod: method, authenticationData: utf8.encode(serverFirst) },
    });
    const final = await connection.expect(PacketType.AUTH);
    assert.equal(final.reasonCode, 0x18);
    assert.equal(final.properties?.authenticationMethod, method);
    return server.final(text(final.properties?.authenticationData));
  }

  const HASH: Record<ScramMechanism, ScramHash> = { 'SCRAM-SHA-256': 'sha256', 'SCRAM-SHA-1': 'sha1' };

  for (const mechanism of ['SCRAM-SHA-256', 'SCRAM-SHA-1'] as const) {
    void it(`${mechanism}: the broker checks the proof, the client checks the server signature`, async () => {
      const r = recordingClient(MQTTProtocolVersion.MQTTv5, {
        reconnectOnFailure: false,
        authenticator: scramAuthenticator({ username: 'alice', password: FIXTURE_SCRAM_PASSWORD, mechanism }),
      });
      r.client.loopStart();
      const connack = r.client.connectAndWait(broker.host, broker.port);
      const connection = await broker.nextConnection();
      const connect = await connection.expect(PacketType.CONNECT);
      // The method and the client-first come from the authenticator: no connect properties were given.
      assert.equal(connect.properties?.authenticationMethod, mechanism);
      assert.match(text(connect.properties?.authenticationData), /^n,,n=alice,r=[A-Za-z0-9+/]{24}$/);
      const server = new ScramServerExchange({
        username: 'alice',
        password: FIXTURE_SCRAM_PASSWORD,
        hash: HASH[mechanism],
      });
      assert.equal(
        await serveExchange(connection, mechanism, connect.properties?.authenticationData, server),
        true,
      );
      connection.send({
        type: PacketType.CONNACK,
        sessionPresent: false,
        reasonCode: 0,
        properties: { authenticationMethod: mechanism, authenticationData: utf8.encode(server.serverFinal) },
      });
      const result = await within(connack, 5000, 'connectAndWait');
      assert.equal(result.reasonCode.value, 0);
      assert.deepEqual(r.connacks, [{ rc: 0, sessionPresent: false }]);
      r.client.disconnect();
      await connection.expect(PacketType.DISCONNECT);
      r.client.loopStop();
    });
  }

  for (const code of [0x86, 0x87]) {
    void it(`a wrong password: the broker refuses with CONNACK 0x${code.toString(16)}, as a typed refusal`, async () => {
      const r = recordingClient(MQTTProtocolVersion.MQTTv5, {
        reconnectOnFailure: false,
        authenticator: scramAuthenticator({ username: 'alice', password: FIXTURE_WRONG_PASSWORD }),
      });
      r.client.loopStart();
      const connack = r.client.connectAndWait(broker.host, broker.port);
      const connection = await broker.nextConnection();
      const connect = await connection.expect(PacketType.CONNECT);
      const server = new ScramServerExchange({
        username: 'alice',
        password: FIXTURE_SCRAM_PASSWORD,
        hash: 'sha256',
      });
      const method = 'SCRAM-SHA-256';
      assert.equal(
        await serveExchange(connection, method, connect.properties?.authenticationData, server),
        false,
      );
      connection.send({ type: PacketType.CONNACK, sessionPresent: false, reasonCode: code });
      await assert.rejects(
        within(connack, 5000, 'connectAndWait'),
        (error: unknown) => error instanceof ConnectionRefusedError && error.reasonCode.value === code,
      );
      await waitUntil(() => r.disconnects.length === 1, 5000, 'onDisconnect');
      assert.deepEqual(r.connacks, [{ rc: code, sessionPresent: false }]);
      assert.equal(r.disconnects[0]?.rc, code);
      r.client.loopStop();
    });
  }

  for (const broken of ['a forged server signature', 'no exchange at all'] as const) {
    void it(`a broker that accepts with ${broken}: DISCONNECT 0x80, AuthenticationError, nothing sent`, async () => {
      const r = recordingClient(MQTTProtocolVersion.MQTTv5, {
        reconnectOnFailure: false,
        authenticator: scramAuthenticator({ username: 'alice', password: FIXTURE_SCRAM_PASSWORD }),
      });
      r.client.publish('queued/before/connect', 'secret', 1); // must not reach an unverified broker
      r.client.loopStart();
      // Settled before the test looks at it: caught at once.
      const outcome = r.client.connectAndWait(broker.host, broker.port).then(
        () => undefined,
        (error: unknown) => error,
      );
      const connection = await broker.nextConnection();
      const connect = await connection.expect(PacketType.CONNECT);
      let serverFinal = 'v=AAAA';
      if (broken === 'a forged server signature') {
        // A broker that does not know the password: it cannot check the proof, and guesses the signature.
        const impostor = new ScramServerExchange({ username: 'alice', password: 'guess', hash: 'sha256' });
        assert.equal(
          await serveExchange(connection, 'SCRAM-SHA-256', connect.properties?.authenticationData, impostor),
          false,
        );
        serverFinal = `v=${Buffer.alloc(32, 7).toString('base64')}`;
      }
      connection.send({
        type: PacketType.CONNACK,
        sessionPresent: false,
        reasonCode: 0,
        properties: { authenticationMethod: 'SCRAM-SHA-256', authenticationData: utf8.encode(serverFinal) },
      });
      const disconnect = await connection.expect(PacketType.DISCONNECT); // the very next packet: no PUBLISH
      assert.equal(disconnect.reasonCode, 0x80);
      assert.ok((await within(outcome, 5000, 'connectAndWait')) instanceof AuthenticationError);
      await waitUntil(() => r.disconnects.length === 1, 5000, 'onDisconnect');
      assert.deepEqual(r.connacks, []); // onConnect never reported a success
      assert.equal(r.disconnects[0]?.rc, 0x80);
      assert.ok(
        r.logs.some((l) =>
          /SCRAM-SHA-256: the (server signature does not verify|broker accepted)/.test(l.message),
        ),
      );
      assert.equal(r.client.isConnected(), false);
      r.client.loopStop();
    });
  }

  void it("the Paho facade's scram_authenticator drives the CONNECT the same way", async () => {
    const client = new paho.Client(paho.CallbackAPIVersion.VERSION2, {
      protocol: paho.MQTTProtocolVersion.MQTTv5,
      reconnect_on_failure: false,
      authenticator: paho.scram_authenticator({ username: 'alice', password: FIXTURE_SCRAM_PASSWORD }),
    });
    client.loop_start();
    void client.connect(broker.host, broker.port).catch(() => undefined);
    const connection = await broker.nextConnection();
    const connect = await connection.expect(PacketType.CONNECT);
    assert.equal(connect.properties?.authenticationMethod, 'SCRAM-SHA-256');
    assert.match(text(connect.properties?.authenticationData), /^n,,n=alice,r=/);
    connection.end();
    client.loop_stop();
  });

  void it('re-authentication while connected: auth(0x19) runs a new exchange, verified on AUTH 0x00', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv5, {
      reconnectOnFailure: false,
      authenticator: scramAuthenticator({ username: 'alice', password: FIXTURE_SCRAM_PASSWORD }),
    });
    const auths: number[] = [];
    r.client.onAuth = (_c, _u, rc) => {
      auths.push(rc.value);
    };
    const method = 'SCRAM-SHA-256';
    const newServer = (): ScramServerExchange =>
      new ScramServerExchange({ username: 'alice', password: FIXTURE_SCRAM_PASSWORD, hash: 'sha256' });
    r.client.loopStart();
    const connack = r.client.connectAndWait(broker.host, broker.port);
    const connection = await broker.nextConnection();
    const connect = await connection.expect(PacketType.CONNECT);
    const first = newServer();
    assert.equal(
      await serveExchange(connection, method, connect.properties?.authenticationData, first),
      true,
    );
    connection.send({
      type: PacketType.CONNACK,
      sessionPresent: false,
      reasonCode: 0,
      properties: { authenticationMethod: method, authenticationData: utf8.encode(first.serverFinal) },
    });
    await within(connack, 5000, 'connectAndWait');

    for (const outcome of ['verified', 'forged'] as const) {
      assert.equal(r.client.auth(0x19), MQTTErrorCode.MQTT_ERR_SUCCESS);
      const reauth = await connection.expect(PacketType.AUTH);
      assert.equal(reauth.reasonCode, 0x19); // [MQTT-4.12.1-1]
      const clientFirst = text(reauth.properties?.authenticationData);
      assert.match(clientFirst, /^n,,n=alice,r=/);
      assert.notEqual(clientFirst, text(connect.properties?.authenticationData)); // a new client nonce
      const server = newServer();
      assert.equal(
        await serveExchange(connection, method, reauth.properties?.authenticationData, server),
        true,
      );
      const serverFinal = outcome === 'verified' ? server.serverFinal : first.serverFinal; // a replayed one
      connection.send({
        type: PacketType.AUTH,
        reasonCode: 0,
        properties: { authenticationMethod: method, authenticationData: utf8.encode(serverFinal) },
      });
      if (outcome === 'verified') {
        await waitUntil(() => auths.at(-1) === 0, 5000, 'AUTH Success');
        assert.equal(r.client.isConnected(), true);
      } else {
        const disconnect = await connection.expect(PacketType.DISCONNECT);
        assert.equal(disconnect.reasonCode, 0x80);
        await waitUntil(() => r.disconnects.length === 1, 5000, 'onDisconnect');
        assert.equal(r.disconnects[0]?.rc, 0x80);
      }
    }
    assert.deepEqual(auths, [0x18, 0x18, 0, 0x18]); // the forged AUTH 0x00 never reached onAuth
    r.client.loopStop();
  });
});
