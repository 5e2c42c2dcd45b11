/** Property tests: decode(encode(p)) deep-equals p for random valid packets of every type, v3, v4 and v5. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { encode, type Packet, type ProtocolVersion } from '../../src/packet/index.js';
import { packetArb } from './arbitraries.js';
import { concat, decodeChunks, normalize } from './helpers.js';

const RUNS = 400;

void describe('round trip', () => {
  for (const version of [3, 4, 5] as ProtocolVersion[]) {
    void test(`v${version}: decode(encode(p)) equals p`, () => {
      fc.assert(
        fc.property(packetArb(version), (p) => {
          const bytes = encode(p, version);
          assert.deepEqual(normalize(decodeChunks([bytes], version)), normalize([p]));
        }),
        { numRuns: RUNS },
      );
    });

    void test(`v${version}: a stream of packets split at random points decodes to the same packets`, () => {
      fc.assert(
        fc.property(
          fc
            .array(packetArb(version), { minLength: 1, maxLength: 8 })
            .filter((ps) => ps.every((p) => p.type !== 1)),
          fc.array(fc.nat(), { maxLength: 10 }),
          (packets: Packet[], cuts: number[]) => {
            const stream = concat(packets.map((p) => encode(p, version)));
            const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
            const chunks: Uint8Array[] = [];
            let last = 0;
            for (const at of points) {
              chunks.push(stream.slice(last, at));
              last = at;
            }
            chunks.push(stream.slice(last));
            assert.deepEqual(normalize(decodeChunks(chunks, version)), normalize(packets));
          },
        ),
        { numRuns: RUNS / 2 },
      );
    });
  }
});
