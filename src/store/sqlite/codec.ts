/**
 * Conversions between store records and SQLite column values: booleans as 0/1, absent optionals as NULL,
 * payloads as BLOBs read back as plain `Uint8Array`s, MQTT 5 properties as JSON with binary values
 * (`correlationData`, `authenticationData`) encoded as `{"$base64": "..."}`.
 */
import { Buffer } from 'node:buffer';
import type { Properties } from '../../packet/types.js';

const BASE64 = '$base64';

/** Properties as a JSON text, or `null` when there are none. */
export function encodeProperties(properties: Properties | undefined): string | null {
  if (properties === undefined) return null;
  const plain: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(properties)) {
    plain[name] = value instanceof Uint8Array ? { [BASE64]: toBuffer(value).toString('base64') } : value;
  }
  return JSON.stringify(plain);
}

/** The inverse of `encodeProperties`. */
export function decodeProperties(json: string): Properties {
  const parsed = JSON.parse(json) as Record<string, unknown>;
  for (const [name, value] of Object.entries(parsed)) {
    if (isBase64Box(value)) parsed[name] = bytes(Buffer.from(value[BASE64], 'base64'));
  }
  return parsed;
}

function isBase64Box(value: unknown): value is { [BASE64]: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as Record<string, unknown>)[BASE64] === 'string' &&
    Object.keys(value).length === 1
  );
}

/** A `Buffer` over the same memory (no copy). */
function toBuffer(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/**
 * A BLOB as read (a `Buffer` from better-sqlite3, a `Uint8Array` from node:sqlite) as a plain `Uint8Array`
 * over the same memory (no copy).
 */
export function bytes(blob: Uint8Array): Uint8Array {
  return blob.constructor === Uint8Array
    ? blob
    : new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength);
}

/** `true`/`false` as 1/0, `undefined` as NULL. */
export function optionalFlag(value: boolean | undefined): number | null {
  return value === undefined ? null : value ? 1 : 0;
}
