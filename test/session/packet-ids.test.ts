/** Packet identifier allocation: 1 upwards, wrap 65535 -> 1, skip ids in use, never hand out one in flight. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PacketIds } from '../../src/session/packet-ids.js';

void describe('PacketIds', () => {
  void test('a new session starts at 1 and counts up', () => {
    const ids = new PacketIds();
    assert.deepEqual([ids.allocate(), ids.allocate(), ids.allocate()], [1, 2, 3]);
    assert.equal(ids.size, 3);
  });

  void test('a released id is not reused before the counter comes round', () => {
    const ids = new PacketIds();
    ids.allocate();
    ids.release(1);
    assert.equal(ids.allocate(), 2);
  });

  void test('wraps 65535 -> 1 and skips ids in use', () => {
    const ids = new PacketIds();
    assert.equal(ids.allocate(), 1); // stays in use
    for (let i = 2; i <= 65535; i++) {
      const id = ids.allocate();
      assert.equal(id, i);
      if (i !== 3) ids.release(id); // 3 stays in use too
    }
    assert.equal(ids.allocate(), 2);
    assert.equal(ids.allocate(), 4);
  });

  void test('transient ids (QoS 0 mids) advance the counter without reserving', () => {
    const ids = new PacketIds();
    assert.equal(ids.transient(), 1);
    assert.equal(ids.allocate(), 2);
    assert.equal(ids.size, 1);
    assert.equal(ids.isUsed(1), false);
  });

  void test('all 65535 in use: 0', () => {
    const ids = new PacketIds();
    for (let i = 1; i <= 65535; i++) ids.allocate();
    assert.equal(ids.allocate(), 0);
    assert.equal(ids.transient(), 0);
    ids.release(40000);
    assert.equal(ids.allocate(), 40000);
  });

  void test('restored ids are marked and the counter continues after the highest', () => {
    const ids = new PacketIds();
    ids.mark(7);
    ids.mark(9);
    ids.startAfter(9);
    assert.equal(ids.allocate(), 10);
    ids.startAfter(65535);
    assert.equal(ids.allocate(), 1);
  });
  void test('matches a plain set of ids across pages, through wrap-around, releases and restores', () => {
    const ids = new PacketIds();
    const model = new Set<number>();
    let seed = 12345;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    for (let step = 0; step < 200_000; step++) {
      const r = random();
      if (r < 0.5 || model.size === 0) {
        const id = ids.allocate();
        assert.ok(id >= 1 && id <= 65535 && !model.has(id), `step ${step}: ${id}`);
        model.add(id);
      } else if (r < 0.98) {
        // Release the oldest-ish id, as acknowledgements mostly do; sometimes a random one.
        const first = model.values().next().value as number;
        const id = r < 0.9 ? first : Math.floor(random() * 65535) + 1;
        ids.release(id);
        model.delete(id);
      } else {
        const id = Math.floor(random() * 65535) + 1;
        ids.mark(id);
        model.add(id);
      }
      assert.equal(ids.size, model.size);
    }
    for (let id = 1; id <= 65535; id++) assert.equal(ids.isUsed(id), model.has(id), `id ${id}`);
  });
});
