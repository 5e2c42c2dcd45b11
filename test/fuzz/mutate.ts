/** Byte-level mutations for the fuzzer, driven by a seeded generator so a run can be repeated. */

/** xorshift32: small, fast and deterministic for a given seed. */
export class Random {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x >>> 0;
    return this.#state;
  }
  /** 0 <= n < bound */
  below(bound: number): number {
    return bound <= 1 ? 0 : this.next() % bound;
  }
}

/** Values that sit on the codec's edges: flag bits, variable byte integer continuations, lengths, ids. */
const INTERESTING = [
  0x00, 0x01, 0x02, 0x7f, 0x80, 0x81, 0xff, 0xfe, 0x10, 0x20, 0x30, 0x3f, 0x40, 0x62, 0x82,
];

/** Inputs are kept small: the targets' packet size limit is 4 KiB, and speed is coverage. */
export const MAX_INPUT = 4096;

export function mutate(input: Uint8Array, corpus: readonly Uint8Array[], rnd: Random): Uint8Array {
  let out: Uint8Array = Uint8Array.from(input);
  const rounds = 1 + rnd.below(4);
  for (let i = 0; i < rounds; i++) out = mutateOnce(out, corpus, rnd);
  return out.length > MAX_INPUT ? out.subarray(0, MAX_INPUT) : out;
}

function mutateOnce(b: Uint8Array, corpus: readonly Uint8Array[], rnd: Random): Uint8Array {
  const at = rnd.below(b.length + 1);
  switch (rnd.below(9)) {
    case 0: // flip one bit
      if (b.length > 0) b[rnd.below(b.length)] ^= 1 << rnd.below(8);
      return b;
    case 1: // an edge value
      if (b.length > 0) b[rnd.below(b.length)] = INTERESTING[rnd.below(INTERESTING.length)];
      return b;
    case 2: // a random byte
      if (b.length > 0) b[rnd.below(b.length)] = rnd.below(256);
      return b;
    case 3: // add or subtract a little (lengths, counts)
      if (b.length > 0) {
        const i = rnd.below(b.length);
        b[i] = (b[i] + rnd.below(9) - 4) & 0xff;
      }
      return b;
    case 4: {
      // insert random bytes
      const n = 1 + rnd.below(8);
      const ins = new Uint8Array(n).map(() => rnd.below(256));
      return join(b.subarray(0, at), ins, b.subarray(at));
    }
    case 5: {
      // delete a range
      const n = 1 + rnd.below(Math.max(1, Math.min(16, b.length - at)));
      return join(b.subarray(0, at), b.subarray(Math.min(b.length, at + n)));
    }
    case 6: {
      // repeat a range (a second packet of the same kind, a longer string)
      if (b.length === 0) return b;
      const from = rnd.below(b.length);
      const n = 1 + rnd.below(Math.min(32, b.length - from));
      return join(b.subarray(0, at), b.subarray(from, from + n), b.subarray(at));
    }
    case 7: {
      // splice in part of another corpus entry (often another whole packet)
      const other = corpus[rnd.below(corpus.length)];
      if (other === undefined || other.length === 0) return b;
      const from = rnd.below(other.length);
      return join(b.subarray(0, at), other.subarray(from), b.subarray(at));
    }
    default: {
      // a 16-bit big-endian edge value (packet ids, string lengths, property lengths)
      if (b.length < 2) return b;
      const i = rnd.below(b.length - 1);
      const v = [0, 1, 0x7fff, 0x8000, 0xffff, b.length][rnd.below(6)];
      b[i] = v >> 8;
      b[i + 1] = v & 0xff;
      return b;
    }
  }
}

function join(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
