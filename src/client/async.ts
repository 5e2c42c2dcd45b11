/** The two helpers every file of the client needs around Promises it does not await. */

/** Does nothing: the handler of a Promise whose rejection is reported elsewhere. */
export const noop = (): void => undefined;

/** A thenable: a store's `apply()`/`load()` or a callback that went asynchronous. */
export function isPromise(value: unknown): value is Promise<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}
