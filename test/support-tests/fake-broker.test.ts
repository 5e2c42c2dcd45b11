/** The scripted fake broker decodes what a client sends and answers with our codec. */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { encode } from '../../src/packet/encode.js';
import { PacketDecoder } from '../../src/packet/decoder.js';
import { PacketType, type Packet } from '../../src/packet/types.js';
import { FakeBroker } from '../support/fake-broker.js';

void test('answers a CONNECT with a CONNACK and hands packets to the test in order', async () => {
  const broker = await FakeBroker.start();
  const socket = connect(broker.port, broker.host);
  const got: Packet[] = [];
  const decoder = new PacketDecoder({ protocolVersion: 5, onPacket: (p) => got.push(p) });
  socket.on('data', (chunk: Buffer) => decoder.push(chunk));
  try {
    socket.write(
      encode(
        { type: PacketType.CONNECT, protocolVersion: 5, cleanStart: true, keepalive: 10, clientId: 'c1' },
        5,
      ),
    );
    const connection = await broker.nextConnection();
    const connect = await connection.accept({ properties: { receiveMaximum: 3 } });
    assert.equal(connect.clientId, 'c1');
    assert.equal(connection.protocolVersion, 5);

    socket.write(encode({ type: PacketType.PINGREQ }, 5));
    await connection.expect(PacketType.PINGREQ);
    await assert.rejects(connection.next(50), /no packet within 50 ms/);

    for (let i = 0; i < 50 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(got[0], {
      type: PacketType.CONNACK,
      sessionPresent: false,
      reasonCode: 0,
      properties: { receiveMaximum: 3 },
    });

    socket.write(Uint8Array.from([0x30 | 0x06, 0x00])); // PUBLISH with QoS 3: malformed
    await assert.rejects(connection.next(), /QoS|malformed|Malformed/i);
  } finally {
    socket.destroy();
    await broker.close();
  }
});
