/**
 * The few `Buffer` uses of test/store/store-contract.ts, for its browser run (esbuild injects this as the
 * global `Buffer`): `Buffer.from(text | bytes)`, whose result is a subclass of Uint8Array (as Node's Buffer is)
 * that prints as UTF-8.
 */
class Bytes extends Uint8Array {
  override toString(): string {
    return new TextDecoder().decode(this);
  }
}

export const Buffer = {
  from(source: string | ArrayLike<number>): Bytes {
    const bytes = typeof source === 'string' ? new TextEncoder().encode(source) : Uint8Array.from(source);
    const copy = new Bytes(bytes.length);
    copy.set(bytes);
    return copy;
  },
};
