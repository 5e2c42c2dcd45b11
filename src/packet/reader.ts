/**
 * A cursor over the bytes of one packet body. Every read is bounds-checked against `end`: a field that runs
 * past it means the Remaining Length and the content disagree, a Malformed Packet (0x81).
 */
import { malformed } from './errors.js';
import { readUtf8 } from './utf8.js';

const EMPTY = new Uint8Array(0);

export class Reader {
  buf: Uint8Array = EMPTY;
  pos = 0;
  end = 0;

  /** Points the reader at `buf[start..end)`. */
  reset(buf: Uint8Array, start: number, end: number): void {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }

  /** Drops the reference to the last packet's bytes so they can be collected. */
  release(): void {
    this.buf = EMPTY;
    this.pos = 0;
    this.end = 0;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  u8(): number {
    if (this.pos >= this.end) throw tooShort();
    return this.buf[this.pos++];
  }

  u16(): number {
    const p = this.pos;
    if (p + 2 > this.end) throw tooShort();
    this.pos = p + 2;
    return (this.buf[p] << 8) | this.buf[p + 1];
  }

  u32(): number {
    const p = this.pos;
    if (p + 4 > this.end) throw tooShort();
    this.pos = p + 4;
    const b = this.buf;
    return b[p] * 0x1000000 + ((b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]);
  }

  /** A Variable Byte Integer (§1.5.5): at most four bytes, in the fewest bytes possible [MQTT-1.5.5-1]. */
  vbi(): number {
    let value = 0;
    let multiplier = 1;
    for (let i = 0; i < 4; i++) {
      const byte = this.u8();
      value += (byte & 0x7f) * multiplier;
      if ((byte & 0x80) === 0) {
        if (byte === 0 && i > 0)
          throw malformed('a Variable Byte Integer is not in its shortest form [MQTT-1.5.5-1]');
        return value;
      }
      multiplier *= 128;
    }
    throw malformed('a Variable Byte Integer is longer than four bytes');
  }

  /** A UTF-8 Encoded String (§1.5.4). */
  string(): string {
    const len = this.u16();
    const p = this.pos;
    if (p + len > this.end) throw tooShort();
    this.pos = p + len;
    return readUtf8(this.buf, p, p + len);
  }

  /** Binary Data (§1.5.6): a view into the packet's bytes, not a copy. */
  binary(): Uint8Array {
    const len = this.u16();
    const p = this.pos;
    if (p + len > this.end) throw tooShort();
    this.pos = p + len;
    return this.buf.subarray(p, p + len);
  }

  /** Everything up to the end of the packet (a PUBLISH payload): a view, not a copy. */
  rest(): Uint8Array {
    const p = this.pos;
    this.pos = this.end;
    return this.buf.subarray(p, this.end);
  }

  /** Throws unless every byte of the packet was consumed. */
  expectEnd(what: string): void {
    if (this.pos !== this.end)
      throw malformed(`${what} has ${this.end - this.pos} bytes after its last field`);
  }
}

function tooShort(): Error {
  return malformed('the packet ends inside a field: its Remaining Length is too short for its content');
}
