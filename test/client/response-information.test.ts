/**
 * `request()` under the broker's Response Information (MQTT 5 section 4.10.1), which Mosquitto never sends: a
 * scripted broker announces it in the CONNACK, and the client's response topic goes under it. Also: a request
 * made before the CONNACK with a broker-assigned client id is refused with a clear ClientStateError.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClientStateError, MQTTProtocolVersion } from '../../src/index.js';
import { PacketType } from '../../src/packet/types.js';
import { FakeBroker } from '../support/fake-broker.js';
import { recordingClient, waitUntil, within } from './helpers.js';

let broker: FakeBroker;
void before(async () => {
  broker = await FakeBroker.start();
});
void after(async () => {
  await broker.close();
});

void describe('request() and Response Information', () => {
  void it('subscribes to a topic under the Response Information and publishes it as the Response Topic', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv5, { reconnectOnFailure: false });
    r.client.loopStart();
    void r.client.connect(broker.host, broker.port, 60, '', 0, true, { requestResponseInformation: 1 });
    const connection = await broker.nextConnection();
    const connect = await connection.expect(PacketType.CONNECT);
    assert.equal(connect.properties?.requestResponseInformation, 1);
    connection.send({
      type: PacketType.CONNACK,
      sessionPresent: false,
      reasonCode: 0,
      properties: { responseInformation: 'replies/for-you' },
    });
    await waitUntil(() => r.connacks.length === 1, 5000, 'CONNACK');
    const pending = r.client.request('svc/time', 'now?', { qos: 0 });
    const subscribe = await connection.expect(PacketType.SUBSCRIBE);
    assert.equal(subscribe.subscriptions[0]?.topicFilter, 'replies/for-you/responses');
    connection.send({ type: PacketType.SUBACK, packetId: subscribe.packetId, reasonCodes: [2] });
    const publish = await connection.expect(PacketType.PUBLISH);
    assert.equal(publish.topic, 'svc/time');
    assert.equal(publish.properties?.responseTopic, 'replies/for-you/responses');
    const correlationData = publish.properties?.correlationData;
    assert.ok(correlationData instanceof Uint8Array);
    connection.send({
      type: PacketType.PUBLISH,
      topic: 'replies/for-you/responses',
      qos: 0,
      retain: false,
      dup: false,
      payload: new TextEncoder().encode('noon'),
      properties: { correlationData },
    });
    const response = await within(pending, 5000, 'the response');
    assert.equal(response.payloadString(), 'noon');
    r.client.disconnect();
    await within(r.client.disconnectAndWait(), 5000, 'disconnect');
    r.client.loopStop();
  });

  void it('refuses a request before the broker assigned the client id', async () => {
    const r = recordingClient(MQTTProtocolVersion.MQTTv5, { clientId: '' });
    await assert.rejects(r.client.request('svc/x', 'y'), ClientStateError);
  });
});
