/** What a fuzz target is, and the helpers both targets use. */
import { isDeepStrictEqual } from 'node:util';
import { MalformedPacketError } from '../../src/packet/errors.js';
import type { ProtocolVersion } from '../../src/packet/types.js';
import { ProtocolViolationError } from '../../src/session/errors.js';

export interface FuzzTarget {
  name: string;
  /** The starting corpus: the golden vectors, framed the way `run` reads its input. */
  seeds(): Uint8Array[];
  /** Runs one input. Returns normally when every invariant held; throws `InvariantError` otherwise. */
  run(input: Uint8Array): void;
}

/** An invariant of the code under test did not hold for an input: the fuzzer keeps that input. */
export class InvariantError extends Error {
  override name = 'InvariantError';
}

/** The only errors bad input may raise. */
export function isExpectedInputError(err: unknown): boolean {
  return err instanceof MalformedPacketError || err instanceof ProtocolViolationError;
}

export function unexpected(what: string, err: unknown): InvariantError {
  const detail = err instanceof Error ? `${err.name}: ${err.message}\n${err.stack ?? ''}` : String(err);
  return new InvariantError(`${what} threw ${detail}`);
}

/** The protocol level an input byte selects. */
export function versionOf(byte: number | undefined): ProtocolVersion {
  return ([3, 4, 5] as const)[(byte ?? 0) % 3];
}

/** The selector byte that `versionOf` maps to `version`. */
export function versionByte(version: ProtocolVersion): number {
  return version - 3;
}

/**
 * Splits `bytes` into chunks whose sizes come from `seed` (one-byte chunks included), so the decoder sees
 * packets split anywhere, deterministically for a given input.
 */
export function chunks(bytes: Uint8Array, seed: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  let state = (seed * 2654435761) >>> 0 || 1;
  let pos = 0;
  while (pos < bytes.length) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    // seed 0 keeps the input whole; otherwise sizes 1..(seed % 64 + 1)
    const size = seed === 0 ? bytes.length : 1 + (state % ((seed % 64) + 1));
    out.push(bytes.subarray(pos, pos + size));
    pos += size;
  }
  return out;
}

/** Structural equality for decoded packets (Uint8Array views compare by content). */
export function samePacket(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(plain(a), plain(b));
}

function plain(value: unknown): unknown {
  if (value instanceof Uint8Array) return Array.from(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = plain(v);
    return out;
  }
  return value;
}
