/** MemoryStore: keyed sessions, atomic batches, seq order, copies in and out. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StoreError } from '../../src/store/errors.js';
import { MemoryStore } from '../../src/store/memory-store.js';
import type { OutgoingRecord, StoreOp } from '../../src/store/types.js';

const rec = (seq: number, packetId: number, state: OutgoingRecord['state'] = 'queued'): OutgoingRecord => ({
  seq,
  packetId,
  qos: 1,
  topic: 't',
  payload: new Uint8Array([seq]),
  retain: false,
  state,
});

void describe('MemoryStore', () => {
  void test('an unknown key loads as an empty session', () => {
    const s = new MemoryStore();
    assert.deepEqual(s.load('x'), { outgoing: [], incomingQos2: [], subscriptions: [] });
  });

  void test('applies every op kind', () => {
    const s = new MemoryStore();
    const identity = {
      broker: 'mqtt://h:1883',
      clientId: 'c',
      protocolVersion: 5 as const,
      sessionExpiryInterval: 60,
    };
    s.apply('k', [
      { kind: 'setIdentity', identity },
      { kind: 'putOutgoing', record: rec(1, 1) },
      { kind: 'putOutgoing', record: rec(2, 2) },
      { kind: 'setOutgoingState', packetId: 1, state: 'sent' },
      { kind: 'putIncoming', packetId: 9 },
      { kind: 'putIncoming', packetId: 10 },
      { kind: 'deleteIncoming', packetId: 9 },
      { kind: 'putSubscription', subscription: { topicFilter: 'a/#', qos: 1 } },
      { kind: 'putSubscription', subscription: { topicFilter: 'b', qos: 0 } },
      { kind: 'deleteSubscription', topicFilter: 'b' },
      { kind: 'deleteOutgoing', packetId: 2 },
    ]);
    const l = s.load('k');
    assert.deepEqual(l.identity, identity);
    assert.deepEqual(l.outgoing, [rec(1, 1, 'sent')]);
    assert.deepEqual(l.incomingQos2, [10]);
    assert.deepEqual(l.subscriptions, [{ topicFilter: 'a/#', qos: 1 }]);
  });

  void test('outgoing records load in seq order, whatever the put order or packet ids', () => {
    const s = new MemoryStore();
    s.apply('k', [{ kind: 'putOutgoing', record: rec(3, 1) }]);
    s.apply('k', [
      { kind: 'putOutgoing', record: rec(1, 65535) },
      { kind: 'putOutgoing', record: rec(2, 7) },
    ]);
    assert.deepEqual(
      s.load('k').outgoing.map((r) => r.seq),
      [1, 2, 3],
    );
  });

  void test('clear discards the whole session, later ops in the batch apply', () => {
    const s = new MemoryStore();
    s.apply('k', [
      { kind: 'putOutgoing', record: rec(1, 1) },
      { kind: 'putIncoming', packetId: 3 },
    ]);
    s.apply('k', [{ kind: 'clear' }, { kind: 'putOutgoing', record: rec(2, 2) }]);
    const l = s.load('k');
    assert.deepEqual(
      l.outgoing.map((r) => r.packetId),
      [2],
    );
    assert.deepEqual(l.incomingQos2, []);
    assert.equal(l.identity, undefined);
  });

  void test('sessions are separate per key', () => {
    const s = new MemoryStore();
    s.apply('a', [{ kind: 'putIncoming', packetId: 1 }]);
    assert.deepEqual(s.load('b').incomingQos2, []);
  });

  void test('atomic: an invalid op anywhere in the batch applies nothing', () => {
    const s = new MemoryStore();
    s.apply('k', [{ kind: 'putOutgoing', record: rec(1, 1) }]);
    const bad: StoreOp[][] = [
      [
        { kind: 'deleteOutgoing', packetId: 1 },
        { kind: 'putIncoming', packetId: 0 },
      ],
      [
        { kind: 'deleteOutgoing', packetId: 1 },
        { kind: 'setOutgoingState', packetId: 5, state: 'sent' },
      ],
      [
        { kind: 'deleteOutgoing', packetId: 1 },
        { kind: 'putOutgoing', record: { ...rec(2, 2), qos: 0 as 1 } },
      ],
      [
        { kind: 'deleteOutgoing', packetId: 1 },
        { kind: 'setOutgoingState', packetId: 1, state: 'bogus' as 'sent' },
      ],
      [{ kind: 'deleteOutgoing', packetId: 1 }, { kind: 'nope' } as unknown as StoreOp],
      // a state change for a record deleted earlier in the same batch
      [
        { kind: 'deleteOutgoing', packetId: 1 },
        { kind: 'setOutgoingState', packetId: 1, state: 'sent' },
      ],
    ];
    for (const ops of bad) {
      assert.throws(() => s.apply('k', ops), StoreError);
      assert.deepEqual(
        s.load('k').outgoing.map((r) => r.packetId),
        [1],
      );
    }
  });

  void test('a state change for a record put earlier in the same batch is valid', () => {
    const s = new MemoryStore();
    s.apply('k', [
      { kind: 'putOutgoing', record: rec(1, 1) },
      { kind: 'setOutgoingState', packetId: 1, state: 'pubrec' },
    ]);
    assert.equal(s.load('k').outgoing[0].state, 'pubrec');
  });

  void test('deleting what is absent is not an error', () => {
    const s = new MemoryStore();
    assert.doesNotThrow(() =>
      s.apply('k', [
        { kind: 'deleteOutgoing', packetId: 4 },
        { kind: 'deleteIncoming', packetId: 4 },
        { kind: 'deleteSubscription', topicFilter: 'x' },
      ]),
    );
  });

  void test('records are copied in and out', () => {
    const s = new MemoryStore();
    const r = rec(1, 1);
    s.apply('k', [{ kind: 'putOutgoing', record: r }]);
    r.state = 'pubrec';
    const l = s.load('k');
    assert.equal(l.outgoing[0].state, 'queued');
    l.outgoing[0].state = 'sent';
    assert.equal(s.load('k').outgoing[0].state, 'queued');
  });

  void test('a re-put of a packet id replaces the record', () => {
    const s = new MemoryStore();
    s.apply('k', [
      { kind: 'putOutgoing', record: rec(1, 1) },
      { kind: 'putOutgoing', record: rec(5, 1, 'sent') },
    ]);
    assert.deepEqual(s.load('k').outgoing, [rec(5, 1, 'sent')]);
  });

  void test('closed: every method throws StoreError', () => {
    const s = new MemoryStore();
    s.close();
    assert.throws(() => s.load('k'), StoreError);
    assert.throws(() => s.apply('k', [{ kind: 'clear' }]), StoreError);
  });
});
