/**
 * `node:assert/strict` for the browser run of the store contract: `ok`, `equal`, `deepStrictEqual` (over what the
 * contract compares: primitives, arrays, plain objects, Uint8Arrays) and `rejects` (with a predicate or a
 * class). Only what test/store/store-contract.ts uses.
 */
class AssertionError extends Error {
  override name = 'AssertionError';
}

function show(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (v instanceof Uint8Array ? `bytes(${v.join(',')})` : v));
  } catch {
    return String(value);
  }
}

function ok(value: unknown, message?: string): asserts value {
  if (!value) throw new AssertionError(message ?? `expected a truthy value, got ${show(value)}`);
}

function equal(actual: unknown, expected: unknown, message?: string): void {
  if (!Object.is(actual, expected)) {
    throw new AssertionError(message ?? `expected ${show(expected)}, got ${show(actual)}`);
  }
}

function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    if (!(a instanceof Uint8Array && b instanceof Uint8Array) || a.length !== b.length) return false;
    return a.every((byte, i) => byte === b[i]);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!(Array.isArray(a) && Array.isArray(b)) || a.length !== b.length) return false;
    return a.every((item, i) => same(item, b[i]));
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const keysA = Object.keys(a).sort();
  const keysB = Object.keys(b).sort();
  if (!same(keysA, keysB)) return false;
  return keysA.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function deepStrictEqual(actual: unknown, expected: unknown, message?: string): void {
  if (!same(actual, expected)) {
    throw new AssertionError(
      message ?? `not deep-equal:\n  actual   ${show(actual)}\n  expected ${show(expected)}`,
    );
  }
}

type Check = ((error: unknown) => boolean) | (abstract new (...args: never[]) => unknown);

async function rejects(work: Promise<unknown> | (() => Promise<unknown>), check?: Check): Promise<void> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (error) {
    if (check === undefined) return;
    if (check.prototype !== undefined && error instanceof (check as abstract new () => unknown)) return;
    if ((check as (error: unknown) => boolean)(error) === true) return;
    throw new AssertionError(`the rejection ${show(String(error))} does not pass the check`);
  }
  throw new AssertionError('missing expected rejection');
}

const assert = { ok, equal, deepStrictEqual, rejects };
export default assert;
