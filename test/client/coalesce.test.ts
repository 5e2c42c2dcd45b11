/** Write batching: adjacent views are merged without a copy, small runs are joined, large chunks kept as they are. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { coalesce } from '../../src/client/coalesce.js';
import { encode } from '../../src/packet/encode.js';
import { PacketType } from '../../src/packet/types.js';

function concat(chunks: readonly Uint8Array[]): number[] {
  return chunks.flatMap((chunk) => Array.from(chunk));
}

void describe('coalesce', () => {
  void it('sends packets encoded one after another as one view of the codec slab (no copy)', () => {
    const packets = Array.from({ length: 50 }, (_, i) =>
      encode(
        {
          type: PacketType.PUBLISH,
          topic: 'a/b',
          payload: new Uint8Array([i]),
          qos: 0,
          retain: false,
          dup: false,
        },
        4,
      ),
    );
    const out = coalesce(packets);
    assert.deepEqual(concat(out), concat(packets));
    assert.ok(out.length <= 2, `${out.length} chunks`); // one, or two when the slab filled up in between
    assert.equal(out[0].buffer, packets[0].buffer); // a view of the slab, not a copy
  });

  void it('keeps the bytes and their order for any mix of adjacent, separate, small and large chunks', () => {
    const arbitraryChunks = fc.array(
      fc.record({
        size: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 4000, max: 9000 })),
        adjacent: fc.boolean(),
      }),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(arbitraryChunks, (specs) => {
        const backing = new Uint8Array(specs.reduce((n, s) => n + s.size, 0));
        for (let i = 0; i < backing.length; i++) backing[i] = i & 0xff;
        let offset = 0;
        const chunks = specs.map(({ size, adjacent }) => {
          const view = adjacent
            ? backing.subarray(offset, offset + size)
            : Uint8Array.from(backing.subarray(offset, offset + size));
          offset += size;
          return view;
        });
        const out = coalesce(chunks);
        assert.deepEqual(concat(out), concat(chunks));
        assert.ok(out.length <= Math.max(chunks.length, 1));
      }),
      { numRuns: 300 },
    );
  });

  void it('never copies a large chunk', () => {
    const large = new Uint8Array(10_000);
    const out = coalesce([new Uint8Array([1]), large, new Uint8Array([2])]);
    assert.equal(out.length, 3);
    assert.equal(out[1], large);
  });
});
