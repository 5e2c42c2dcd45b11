/**
 * Payload conversion for `publish()` and `willSet()`: Paho accepts str (UTF-8), bytes, int/float (sent as
 * their decimal text) or None (empty).
 */
import { InvalidArgumentError } from '../errors.js';

/** The largest payload MQTT can carry: the largest remaining length (268,435,455 bytes). */
export const MAX_PAYLOAD_BYTES = 268_435_455;

/** What `publish()` accepts as a payload. */
export type PayloadType = string | Uint8Array | ArrayBuffer | number | null | undefined;

const utf8 = new TextEncoder();

/** Converts a payload to bytes; throws `InvalidArgumentError` for another type or one over 268,435,455 bytes. */
export function toPayloadBytes(payload: PayloadType): Uint8Array {
  let bytes: Uint8Array;
  if (payload === null || payload === undefined) bytes = new Uint8Array(0);
  else if (typeof payload === 'string') bytes = utf8.encode(payload);
  else if (payload instanceof Uint8Array) bytes = payload;
  else if (payload instanceof ArrayBuffer) bytes = new Uint8Array(payload);
  else if (typeof payload === 'number') {
    if (!Number.isFinite(payload))
      throw new InvalidArgumentError(`a number payload must be finite, got ${payload}`);
    bytes = utf8.encode(String(payload));
  } else {
    throw new InvalidArgumentError(
      `payload must be a string, Uint8Array/Buffer, ArrayBuffer, number, null or undefined; got ${typeof payload}`,
    );
  }
  if (bytes.length > MAX_PAYLOAD_BYTES) {
    throw new InvalidArgumentError(
      `payload is ${bytes.length} bytes; MQTT allows at most ${MAX_PAYLOAD_BYTES} bytes per message`,
    );
  }
  return bytes;
}
