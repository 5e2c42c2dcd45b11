/**
 * `MessageIterator` (behind `Client.messages()`) when its consumer falls behind: QoS 1 and 2 messages, already
 * acknowledged to the broker, are never dropped; the iterator reports `full` at its limit, so the client stops
 * reading until the consumer pulls; past the limit only QoS 0 messages are dropped, the oldest first.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MessageIterator } from '../../src/client/message-iterator.js';
import { MQTTMessage } from '../../src/client/mqtt-message.js';
import { PacketType, type QoS } from '../../src/packet/types.js';

function message(n: number, qos: QoS): MQTTMessage {
  const payload = new TextEncoder().encode(String(n));
  const packetId = qos === 0 ? undefined : n;
  return new MQTTMessage(
    { type: PacketType.PUBLISH, topic: 't', payload, qos, retain: false, dup: false, packetId },
    0,
  );
}

function iterator(limit: number) {
  const dropped: string[] = [];
  const fullChanges: boolean[] = [];
  const it = new MessageIterator({
    limit,
    onDrop: (m) => dropped.push(m.payloadString()),
    onEnd: () => undefined,
    onFullChange: (changed) => fullChanges.push(changed.full),
  });
  return { it, dropped, fullChanges };
}

async function drain(it: MessageIterator, count: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const r = await it.next();
    if (r.done === true) break;
    out.push(r.value.payloadString());
  }
  return out;
}

void describe('messages() iterator behind its consumer', () => {
  void it('keeps every QoS 1 and 2 message past its limit, and is full from the limit until a pull', async () => {
    const { it: iter, dropped, fullChanges } = iterator(3);
    for (let n = 1; n <= 6; n++) iter.push(message(n, n % 2 === 0 ? 2 : 1));
    assert.deepEqual(dropped, []);
    assert.equal(iter.full, true);
    assert.deepEqual(fullChanges, [true]);
    assert.deepEqual(await drain(iter, 3), ['1', '2', '3']);
    assert.equal(iter.full, true, 'still 3 waiting');
    assert.deepEqual(await drain(iter, 1), ['4']);
    assert.equal(iter.full, false);
    assert.deepEqual(fullChanges, [true, false]);
    assert.deepEqual(await drain(iter, 2), ['5', '6']);
  });

  void it('past its limit drops the oldest QoS 0 message, never a QoS 1 or 2 one', async () => {
    const { it: iter, dropped } = iterator(3);
    iter.push(message(1, 1));
    iter.push(message(2, 0));
    iter.push(message(3, 2));
    iter.push(message(4, 0)); // over the limit: 2 (the oldest QoS 0) goes
    iter.push(message(5, 1)); // over again: 4 goes
    iter.push(message(6, 1)); // no QoS 0 left: kept
    assert.deepEqual(dropped, ['2', '4']);
    assert.deepEqual(await drain(iter, 4), ['1', '3', '5', '6']);
  });

  void it('a message offered while a consumer waits goes straight to it and never fills the buffer', async () => {
    const { it: iter, fullChanges } = iterator(1);
    const waiting = iter.next();
    iter.push(message(1, 1));
    const taken = await waiting;
    if (taken.done === true) assert.fail('the iterator ended');
    assert.equal(taken.value.payloadString(), '1');
    assert.deepEqual(fullChanges, []);
  });

  void it('is not full once ended (what it holds can still be pulled) nor after return()', async () => {
    const ended = iterator(2);
    ended.it.push(message(1, 1));
    ended.it.push(message(2, 1));
    assert.equal(ended.it.full, true);
    ended.it.end();
    assert.equal(ended.it.full, false);
    assert.deepEqual(ended.fullChanges, [true, false]);
    assert.deepEqual(await drain(ended.it, 3), ['1', '2']);

    const returned = iterator(1);
    returned.it.push(message(1, 2));
    assert.equal(returned.it.full, true);
    await returned.it.return();
    assert.equal(returned.it.full, false);
    assert.deepEqual(await returned.it.next(), { value: undefined, done: true });
  });
});
