/**
 * What the client takes from its environment: a clock, timers, a source of random numbers and a way to open a
 * transport. The default is the platform's; client-level tests pass a fake clock and an in-memory transport
 * through the internal `RUNTIME` option (a symbol: not part of `ClientOptions`, invisible to users).
 */
import { openTransport, type Transport, type TransportOptions } from '../transport/transport.js';

/** An opaque timer handle, as the runtime's `setTimeout` returns it. */
export type TimerHandle = object | number;

export interface Runtime {
  /** Monotonic milliseconds (the engine's clock). */
  now(): number;
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
  /** Runs `callback` after pending I/O (Node's `setImmediate`; the next macrotask in a browser). */
  defer(callback: () => void): void;
  /** A number in [0, 1): the reconnect jitter. */
  random(): number;
  openTransport(options: TransportOptions): Promise<Transport>;
}

const defer: (callback: () => void) => void =
  typeof setImmediate === 'function'
    ? (callback) => setImmediate(callback)
    : (callback) => setTimeout(callback, 0);

export const platformRuntime: Runtime = {
  now: () => performance.now(),
  setTimeout: (callback, delayMs) => setTimeout(callback, delayMs),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  defer,
  random: Math.random,
  openTransport,
};

/** The internal option key of a `Runtime` (tests only). */
export const RUNTIME: unique symbol = Symbol('steady-mqtt runtime');

/** The runtime named in `options`, or the platform's. */
export function runtimeOf(options: object): Runtime {
  const given = (options as { [RUNTIME]?: Runtime })[RUNTIME];
  return given ?? platformRuntime;
}
