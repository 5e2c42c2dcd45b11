/**
 * SASLprep (RFC 4013), the stringprep profile SCRAM applies to user names and passwords (RFC 5802 §2.2,
 * `Normalize`), as far as it goes without Unicode 3.2's tables:
 *   - printable ASCII (U+0020..U+007E) is returned unchanged, as SASLprep leaves it;
 *   - otherwise non-ASCII spaces (RFC 3454 C.1.2) become U+0020, the characters "commonly mapped to nothing"
 *     (B.1) are removed, the result is normalised to NFKC, and every prohibited character (C.2 to C.9: control
 *     characters, private use, non-characters, surrogates, bidi and tagging controls) is refused with an
 *     `InvalidArgumentError`.
 * Not made: the check for code points unassigned in Unicode 3.2 (RFC 4013 §2.5) and the bidirectional-text
 * rule (§2.4, RFC 3454 §6), both of which need the Unicode 3.2 character tables. A server that makes them refuses
 * such a name or password; one that does not sees the same NFKC form as this client.
 */
import { InvalidArgumentError } from '../errors.js';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** RFC 3454 C.1.2: the non-ASCII space characters, mapped to U+0020. */
const NON_ASCII_SPACE: readonly (readonly [number, number])[] = [
  [0x00a0, 0x00a0],
  [0x1680, 0x1680],
  [0x2000, 0x200b],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
];
/** RFC 3454 B.1: the characters commonly mapped to nothing. */
const MAPPED_TO_NOTHING: readonly (readonly [number, number])[] = [
  [0x00ad, 0x00ad],
  [0x034f, 0x034f],
  [0x1806, 0x1806],
  [0x180b, 0x180d],
  [0x200c, 0x200d],
  [0x2060, 0x2060],
  [0xfe00, 0xfe0f],
  [0xfeff, 0xfeff],
];

/** RFC 3454 C.2.1 to C.9, as code point ranges (inclusive). */
const PROHIBITED: readonly (readonly [number, number])[] = [
  [0x0000, 0x001f], // C.2.1 ASCII control characters
  [0x007f, 0x009f], // C.2.1, C.2.2 control characters
  [0x0340, 0x0341], // C.8 change display properties
  [0x06dd, 0x06dd], // C.2.2
  [0x070f, 0x070f], // C.2.2
  [0x180e, 0x180e], // C.2.2
  [0x200c, 0x200f], // C.2.2, C.8
  [0x2028, 0x202e], // C.2.2, C.8
  [0x2060, 0x2063], // C.2.2
  [0x206a, 0x206f], // C.2.2, C.8
  [0x2ff0, 0x2ffb], // C.7 ideographic description characters
  [0xd800, 0xdfff], // C.5 surrogate code points (a lone surrogate in a JavaScript string)
  [0xe000, 0xf8ff], // C.3 private use
  [0xfdd0, 0xfdef], // C.4 non-character code points
  [0xfeff, 0xfeff], // C.2.2
  [0xfff9, 0xffff], // C.2.2, C.6, C.4
  [0x1d173, 0x1d17a], // C.2.2
  [0xe0001, 0xe0001], // C.9 tagging characters
  [0xe0020, 0xe007f], // C.9
  [0xf0000, 0x10ffff], // C.3 private use (planes 15 and 16)
];

function inRanges(codePoint: number, ranges: readonly (readonly [number, number])[]): boolean {
  return ranges.some(([from, to]) => codePoint >= from && codePoint <= to);
}

function isProhibited(codePoint: number): boolean {
  // C.4: the last two code points of every plane are non-characters.
  return (codePoint & 0xfffe) === 0xfffe || inRanges(codePoint, PROHIBITED);
}

/** RFC 4013 §2.1: non-ASCII spaces become U+0020, the characters of B.1 go. */
function mapCharacters(text: string): string {
  let mapped = '';
  for (const char of text) {
    const codePoint = char.codePointAt(0) ?? 0;
    if (inRanges(codePoint, NON_ASCII_SPACE)) mapped += ' ';
    else if (!inRanges(codePoint, MAPPED_TO_NOTHING)) mapped += char;
  }
  return mapped;
}

/** `text` prepared with SASLprep (see the header); `what` names it in the error ("user name", "password"). */
export function saslprep(text: string, what: string): string {
  if (PRINTABLE_ASCII.test(text)) return text;
  const prepared = mapCharacters(text).normalize('NFKC');
  for (const char of prepared) {
    const codePoint = char.codePointAt(0) ?? 0;
    if (isProhibited(codePoint)) {
      const hex = codePoint.toString(16).toUpperCase().padStart(4, '0');
      throw new InvalidArgumentError(
        `the SCRAM ${what} contains U+${hex}, which SASLprep (RFC 4013) prohibits`,
      );
    }
  }
  return prepared;
}
