/**
 * No password, authentication data or payload in any log line (at every level, debug included), in an error's
 * message or `toString()`, nor in the `toString()` / `inspect()` of a client or an options object. Clients log
 * at debug through a broker that refuses them, accepts them, refuses a publish and breaks the protocol; then
 * everything they printed is scanned for the test secrets.
 */
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { describe, it } from 'node:test';
import { MQTTProtocolVersion, PacketTypes, Properties } from '../../src/index.js';
import { PacketType } from '../../src/packet/types.js';
import { FakeBroker } from '../support/fake-broker.js';
import { recordingClient, waitUntil } from '../client/helpers.js';
import {
  FIXTURE_AUTH_DATA,
  FIXTURE_PASSWORD,
  FIXTURE_URL_PASSWORD,
  SECRET_PAYLOAD_IN,
  SECRET_PAYLOAD_OUT,
  assertNoSecret,
} from '../support/secrets.js';
import { hostileClient, stop } from './helpers.js';

const PASSWORD = FIXTURE_PASSWORD;
const URL_PASSWORD = FIXTURE_URL_PASSWORD;
const AUTH_DATA = FIXTURE_AUTH_DATA;
const PAYLOAD_OUT = SECRET_PAYLOAD_OUT;
const PAYLOAD_IN = SECRET_PAYLOAD_IN;

void describe('secrets stay out of logs, errors and toString()', () => {
  for (const protocol of [MQTTProtocolVersion.MQTTv311, MQTTProtocolVersion.MQTTv5]) {
    const v5 = protocol === MQTTProtocolVersion.MQTTv5;
    void it(`MQTT ${v5 ? '5' : '3.1.1'}: a client logging at debug through refusals and failures`, async () => {
      const broker = await FakeBroker.start();
      const printed: string[] = [];
      const r = hostileClient(protocol);
      const logger = {
        debug: (m: string) => printed.push(m),
        info: (m: string) => printed.push(m),
        warn: (m: string) => printed.push(m),
        error: (m: string) => printed.push(m),
      };
      r.client.enableLogger(logger);
      r.client.usernamePwSet('user', PASSWORD);
      const errors: unknown[] = [];
      try {
        const properties = v5
          ? { authenticationMethod: 'test-method', authenticationData: Buffer.from(AUTH_DATA) }
          : undefined;
        void r.client
          .connect(broker.host, broker.port, 60, '', 0, undefined, properties)
          .catch((e: unknown) => {
            errors.push(e);
          });
        // Refused (bad user name or password), then accepted on the retry.
        const refused = await broker.nextConnection();
        const connect = await refused.accept({ reasonCode: v5 ? 0x86 : 4 });
        assert.equal(
          Buffer.from(connect.password ?? []).toString(),
          PASSWORD,
          'the password did reach the broker',
        );
        const accepted = await broker.nextConnection();
        await accepted.accept();
        await waitUntil(() => r.connacks.some((c) => c.rc === 0), 5000, 'the accepted CONNACK');

        // A publish the broker refuses (MQTT 5) or acknowledges, and a message from the broker.
        const info = r.client.publish('secret/out', PAYLOAD_OUT, 1);
        const publish = await accepted.expect(PacketType.PUBLISH);
        accepted.send({
          type: PacketType.PUBACK,
          packetId: publish.packetId ?? 0,
          reasonCode: v5 ? 0x87 : 0,
        });
        await info.waitForPublish(5000).catch((e: unknown) => errors.push(e));
        accepted.send({
          type: PacketType.PUBLISH,
          topic: 'secret/in',
          payload: Buffer.from(PAYLOAD_IN),
          qos: 1,
          retain: false,
          dup: false,
          packetId: 9,
        });
        await waitUntil(() => r.messages.length === 1, 5000, 'the message');
        assert.equal(r.messages[0].payloadString(), PAYLOAD_IN);
        // A protocol violation, so the error paths log too.
        accepted.sendRaw([0x42, 0x02, 0x00, 0x01]);
        await waitUntil(() => r.disconnects.length >= 2, 5000, 'the close');

        for (const line of [...printed, ...r.logs.map((l) => l.message)]) assertNoSecret(line, 'a log line');
        for (const e of errors) {
          assertNoSecret(String(e), 'an error');
          if (e instanceof Error) assertNoSecret(`${e.message} ${e.stack ?? ''}`, 'an error message');
        }
        assertNoSecret(String(r.messages[0]), 'MQTTMessage.toString()');
        assertNoSecret(inspect(r.client, { depth: 4 }), 'inspect(client)');
        assert.ok(printed.length > 10, 'the client did log');
      } finally {
        await stop(r);
        await broker.close();
      }
    });
  }

  void it('credentials in a connect URL stay out of the log', async () => {
    const broker = await FakeBroker.start();
    const r = recordingClient(MQTTProtocolVersion.MQTTv311);
    try {
      r.client.loopStart();
      void r.client.connect(`mqtt://user:${URL_PASSWORD}@${broker.host}:${broker.port}`);
      const connection = await broker.nextConnection();
      const connect = await connection.accept();
      assert.equal(Buffer.from(connect.password ?? []).toString(), URL_PASSWORD);
      await waitUntil(() => r.connacks.length === 1, 5000, 'CONNACK');
      for (const line of r.logs) assertNoSecret(line.message, 'a log line');
    } finally {
      await stop(r);
      await broker.close();
    }
  });

  void it('CONNECT properties: toString() and inspect() do not show the authentication data', () => {
    const properties = new Properties(PacketTypes.CONNECT, {
      authenticationMethod: 'test-method',
      authenticationData: Buffer.from(AUTH_DATA),
    });
    assertNoSecret(String(properties), 'Properties.toString()');
    assertNoSecret(inspect(properties, { depth: 4 }), 'inspect(Properties)');
    assert.match(String(properties), /authenticationData/);
  });
});
