/**
 * The facade's runtime, driven by the mapping table: each steady-mqtt object handed to facade code is wrapped
 * in a `Proxy` that answers the table's Paho names by reading, writing or calling the camelCase member; each
 * facade object handed back to steady-mqtt is unwrapped. Functions crossing the boundary are wrapped the same
 * way, so a callback set as `client.on_message` receives the facade client and a facade `MQTTMessage`.
 *
 * It adds no behaviour: no state besides the caches that keep one facade per object.
 */
import { Client } from '../client/client.js';
import { InvalidArgumentError } from '../errors.js';
import { NotSupportedError } from '../client/errors.js';
import { ConnectFlags, DisconnectFlags } from '../client/flags.js';
import { MQTTMessageInfo } from '../client/message-info.js';
import { MQTTMessage } from '../client/mqtt-message.js';
import { Properties } from '../client/properties.js';
import { ReasonCode } from '../client/reason-code.js';
import { SubscribeOptions } from '../client/subscribe-options.js';
import {
  CLIENT,
  CONNECT_FLAGS,
  DISCONNECT_FLAGS,
  MESSAGE,
  MESSAGE_INFO,
  PROPERTIES,
  REASON_CODE,
  SUBSCRIBE_OPTIONS,
} from './table.js';

type AnyFunction = (...args: unknown[]) => unknown;
type Entry =
  | string
  | { readonly name: string; readonly args: (...args: never[]) => unknown }
  | { readonly name: string; readonly append: string }
  | { readonly name: string; readonly kwargs: KwTable };
/** A name table: Paho name → entry. */
export type Table = { readonly [paho: string]: Entry };
/** A keyword-argument table: Paho keyword → option name or nested table. */
export type KwTable = {
  readonly [paho: string]: string | { readonly name: string; readonly kwargs: KwTable };
};

/** Which table wraps instances of which class (the most specific classes first). */
const CLASSES: readonly [new (...args: never[]) => object, Table][] = [
  [Client, CLIENT],
  [MQTTMessageInfo, MESSAGE_INFO],
  [MQTTMessage, MESSAGE],
  [Properties, PROPERTIES],
  [SubscribeOptions, SUBSCRIBE_OPTIONS],
  [ReasonCode, REASON_CODE],
  [ConnectFlags, CONNECT_FLAGS],
  [DisconnectFlags, DISCONNECT_FLAGS],
];

/** Names every facade forwards to its object: conversions and JSON, so printing and comparing work. */
const FORWARDED = new Set(['toString', 'valueOf', 'toJSON']);

const facadeOf = new WeakMap<object, object>();
const targetOf = new WeakMap<object, object>();
const toTargetFunction = new WeakMap<AnyFunction, AnyFunction>();
const userFunctionOf = new WeakMap<AnyFunction, AnyFunction>();

function tableOf(value: object): Table | undefined {
  for (const [type, table] of CLASSES) if (value instanceof type) return table;
  return undefined;
}

function isObject(value: unknown): value is Record<PropertyKey, unknown> {
  return typeof value === 'object' && value !== null;
}

/** A steady-mqtt value as facade code sees it. */
export function toFacade(value: unknown): unknown {
  if (typeof value === 'function') return userFunctionOf.get(value as AnyFunction) ?? value;
  if (!isObject(value)) return value;
  if (Array.isArray(value)) return value.map(toFacade);
  const cached = facadeOf.get(value);
  if (cached !== undefined) return cached;
  const table = tableOf(value);
  if (table === undefined) return value;
  const facade = new Proxy(value, handler(table));
  facadeOf.set(value, facade);
  targetOf.set(facade, value);
  return facade;
}

/** A facade value as steady-mqtt needs it: facades unwrapped, functions made to receive facades. */
export function toTarget(value: unknown): unknown {
  if (typeof value === 'function') return targetFunction(value as AnyFunction);
  if (!isObject(value)) return value;
  const target = targetOf.get(value);
  if (target !== undefined) return target;
  if (Array.isArray(value)) return value.map(toTarget);
  return value;
}

function targetFunction(fn: AnyFunction): AnyFunction {
  const known = toTargetFunction.get(fn);
  if (known !== undefined) return known;
  // Own members go along: an authenticator's `method`, `start()` and `verify()` (see `Authenticator`).
  const wrapped = Object.assign((...args: unknown[]): unknown => toTarget(fn(...args.map(toFacade))), fn);
  toTargetFunction.set(fn, wrapped);
  userFunctionOf.set(wrapped, fn);
  return wrapped;
}

/**
 * The methods whose Promise resolves with objects the facade wraps (an `MQTTMessage`, `ReasonCode`s). Only
 * these: a Promise the client marks handled (`connect()`'s, which may be left unawaited) is returned as it is,
 * as a derived one would be an unhandled rejection.
 */
const WRAPPED_PROMISES = new Set(['request', 'subscribeAndWait', 'unsubscribeAndWait']);

/** Calls `target[name]` with facade arguments, returning a facade result. */
function call(target: object, name: string, paho: string, args: unknown[]): unknown {
  const method = Reflect.get(target, name) as unknown;
  if (typeof method !== 'function') {
    throw new NotSupportedError(`${paho}() is not available in this build of steady-mqtt yet`);
  }
  const result = (method as AnyFunction).apply(target, args.map(toTarget));
  if (WRAPPED_PROMISES.has(name) && result instanceof Promise) return result.then(toFacade);
  return toFacade(result);
}

/** Converts Python keyword arguments (snake_case keys) to steady-mqtt options, following `table`. */
export function toOptions(kwargs: unknown, table: KwTable): Record<string, unknown> {
  if (!isObject(kwargs)) return {};
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(kwargs)) {
    if (value === undefined || value === null) continue; // Python's None: the default
    const entry = table[key];
    if (entry === undefined)
      options[key] = toTarget(value); // the option check names what is allowed
    else if (typeof entry === 'string') options[entry] = toTarget(value);
    else options[entry.name] = toOptions(value, entry.kwargs);
  }
  return options;
}

/** The Paho names of the MQTT 5 properties: the `PROPERTIES` entries that are not methods. */
const PAHO_PROPERTY_NAMES = Object.keys(PROPERTIES).filter(
  (name) => name !== 'packetType' && /^[A-Z]/.test(name),
);

function unknownPahoProperty(name: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `${name} is not an MQTT 5 property; the properties are ${PAHO_PROPERTY_NAMES.join(', ')}`,
  );
}

function handler(table: Table): ProxyHandler<Record<PropertyKey, unknown>> {
  return {
    get(target, key) {
      if (typeof key === 'symbol' || FORWARDED.has(key)) {
        const value: unknown = Reflect.get(target, key);
        return typeof value === 'function' ? (value as AnyFunction).bind(target) : value;
      }
      const entry = Object.hasOwn(table, key) ? table[key] : undefined;
      if (entry === undefined) return undefined;
      if (typeof entry !== 'string') {
        if ('args' in entry) {
          const adapt = entry.args as (...args: unknown[]) => unknown[];
          return (...args: unknown[]) => call(target, entry.name, key, adapt(...args));
        }
        return toFacade(Reflect.get(target, entry.name));
      }
      const value: unknown = Reflect.get(target, entry);
      // A method lives on the prototype; a callback slot (`onConnect`) is an own property.
      if (typeof value === 'function' && !Object.hasOwn(target, entry)) {
        return (...args: unknown[]) => call(target, entry, key, args);
      }
      if (value === undefined && !(entry in target)) {
        return (...args: unknown[]) => call(target, entry, key, args);
      }
      return toFacade(value);
    },
    set(target, key, value) {
      if (typeof key === 'symbol') return false;
      if (!Object.hasOwn(table, key)) {
        // Paho raises for an unknown property name (`p.UserProperties = ...`, a typo): so do we, naming them.
        if (table === PROPERTIES) throw unknownPahoProperty(key);
        return false;
      }
      const entry = table[key];
      if (typeof entry === 'string') return Reflect.set(target, entry, toTarget(value));
      if ('append' in entry) {
        const items =
          Array.isArray(value) && (Array.isArray(value[0]) || entry.append === 'addSubscriptionIdentifier')
            ? (value as unknown[])
            : [value];
        for (const item of items) call(target, entry.append, key, Array.isArray(item) ? item : [item]);
        return true;
      }
      return false;
    },
    has(_target, key) {
      return typeof key === 'string' && Object.hasOwn(table, key);
    },
  };
}

/**
 * A facade constructor for `Target`: `new` builds the steady-mqtt object from the converted arguments and
 * returns its facade; `instanceof` recognises the facades; static members (constants) are copied.
 */
export function facadeConstructor(
  Target: new (...args: never[]) => object,
  adaptArgs: (...args: unknown[]) => unknown[] = (...args) => args,
): unknown {
  const construct = Target as unknown as new (...args: unknown[]) => object;
  function Facade(...args: unknown[]): unknown {
    return toFacade(new construct(...adaptArgs(...args).map(toTarget)));
  }
  for (const key of Object.getOwnPropertyNames(Target)) {
    if (key === 'prototype' || key === 'length' || key === 'name') continue;
    const value = Reflect.get(Target, key) as unknown;
    if (typeof value !== 'function') Object.defineProperty(Facade, key, { value, enumerable: true });
  }
  Object.defineProperty(Facade, 'name', { value: Target.name });
  Object.defineProperty(Facade, Symbol.hasInstance, {
    value: (candidate: unknown) => isObject(candidate) && targetOf.get(candidate) instanceof Target,
  });
  return Facade;
}

/** A facade for a steady-mqtt function: arguments unwrapped, the result wrapped. */
export function facadeFunction(fn: AnyFunction): AnyFunction {
  return (...args: unknown[]) => toFacade(fn(...args.map(toTarget)));
}
