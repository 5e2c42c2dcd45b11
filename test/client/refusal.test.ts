/**
 * A broker that refuses every connection (anonymous access off): the refusal reaches `onConnect` as a
 * `ReasonCode` (MQTT 3.x return codes converted), `onDisconnect` follows, `connectAndWait()` rejects with a
 * `ConnectionRefusedError`, and the background loop keeps retrying with back-off.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConnectionRefusedError } from '../../src/index.js';
import { startBroker, type Broker } from '../support/mosquitto.js';
import { PROTOCOLS, recordingClient, shutdown, waitUntil, within } from './helpers.js';

let broker: Broker;
void before(async () => {
  broker = await startBroker({ config: 'allow_anonymous false' });
});
void after(async () => {
  await broker.stop();
});

void describe('a refused connection', () => {
  for (const { name, version } of PROTOCOLS) {
    void it(`reaches onConnect and onDisconnect, and is retried (${name})`, async () => {
      const r = recordingClient(version);
      r.client.reconnectDelaySet(0.05, 0.1);
      r.client.loopStart();
      await assert.rejects(
        within(r.client.connectAndWait(broker.host, broker.port), 5000, 'refusal'),
        (error: unknown) => {
          assert.ok(error instanceof ConnectionRefusedError);
          // 3.x "not authorised" (5) is converted to 0x87; MQTT 5 brokers send 0x87 or 0x86 themselves.
          assert.ok([0x86, 0x87].includes(error.reasonCode.value), error.reasonCode.toString());
          return true;
        },
      );
      await waitUntil(() => r.connacks.length >= 2 && r.disconnects.length >= 2, 5000, 'retries');
      assert.ok(r.connacks.every((c) => c.rc === 0x87 || c.rc === 0x86));
      assert.equal(r.client.isConnected(), false);
      await shutdown(r);
    });
  }
});
