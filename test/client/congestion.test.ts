/**
 * A broker that stops reading: with a queue limit, QoS 0 messages published while the socket is congested wait
 * in the client's queue under that limit (refused beyond it) instead of piling up in the socket buffer, and every
 * accepted one is delivered, in order, once the broker reads again. A scripted broker is needed to stop reading
 * on demand.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { MQTTErrorCode, MQTTProtocolVersion, type MQTTMessageInfo } from '../../src/index.js';
import { PacketType, type PublishPacket } from '../../src/packet/types.js';
import { FakeBroker } from '../support/fake-broker.js';
import { recordingClient, waitUntil } from './helpers.js';

let fake: FakeBroker;
void before(async () => {
  fake = await FakeBroker.start();
});
void after(async () => {
  await fake.close();
});

const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

void it('holds QoS 0 under maxQueuedMessages while the broker does not read, then delivers every accepted one in order', async () => {
  const r = recordingClient(MQTTProtocolVersion.MQTTv311, { reconnectOnFailure: false });
  r.client.maxQueuedMessagesSet(200);
  r.client.loopStart();
  void r.client.connect(fake.host, fake.port);
  const connection = await fake.nextConnection();
  await connection.accept();
  await waitUntil(() => r.connacks.length === 1, 5000, 'CONNACK');
  connection.socket.pause(); // the broker stops reading: the kernel buffers fill, then the client's socket
  const infos: MQTTMessageInfo[] = [];
  const acceptedIndexes: number[] = [];
  // Bounded: at most 100 turns of 200 x 4 KiB (80 MB), stopping at the first refusal plus one more turn.
  let refusedAt = -1;
  for (let turn = 0; turn < 100 && (refusedAt < 0 || turn <= refusedAt + 1); turn++) {
    for (let i = 0; i < 200; i++) {
      const payload = new Uint8Array(4096);
      new DataView(payload.buffer).setUint32(0, infos.length);
      const info = r.client.publish('congestion/t', payload, 0);
      if (info.rc === MQTTErrorCode.MQTT_ERR_SUCCESS) acceptedIndexes.push(infos.length);
      infos.push(info);
      if (info.rc === MQTTErrorCode.MQTT_ERR_QUEUE_SIZE && refusedAt < 0) refusedAt = turn;
    }
    await yieldTurn();
  }
  assert.ok(refusedAt >= 0, 'the queue limit was reached while the broker did not read');
  const accepted = infos.filter((info) => info.rc === MQTTErrorCode.MQTT_ERR_SUCCESS).length;
  const refused = infos.length - accepted;
  assert.ok(refused > 0);

  connection.socket.resume();
  await waitUntil(
    () => connection.received.filter((p) => p.type === PacketType.PUBLISH).length >= accepted,
    20_000,
    `${accepted} PUBLISH packets at the broker`,
  );
  const publishes = connection.received.filter((p): p is PublishPacket => p.type === PacketType.PUBLISH);
  assert.equal(publishes.length, accepted);
  const order = publishes.map((p) => new DataView(p.payload.buffer, p.payload.byteOffset).getUint32(0));
  assert.deepEqual(order, acceptedIndexes);
  await waitUntil(
    () => infos.every((info) => info.rc !== MQTTErrorCode.MQTT_ERR_SUCCESS || info.isPublished()),
    5000,
    'every accepted message published',
  );
  r.client.loopStop();
  connection.destroy();
});
