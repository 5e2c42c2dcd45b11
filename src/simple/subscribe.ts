/**
 * `subscribe.simple` and `subscribe.callback`: Paho's `paho.mqtt.subscribe`, returning Promises, with a
 * timeout, MQTT 5 subscribe options and properties, and typed errors. Subscriptions are made in `onConnect`,
 * so they are renewed if the helper reconnects (`reconnect: true`).
 *
 * ```ts
 * import { subscribe } from 'steady-mqtt';
 * const msg = await subscribe.simple('paho/test/topic', { hostname: 'localhost', timeoutMs: 5000 });
 * console.log(msg.topic, msg.payloadString());
 * ```
 */
import type { OnMessage } from '../client/callbacks.js';
import type { Client } from '../client/client.js';
import type { MQTTMessage } from '../client/mqtt-message.js';
import type { SubscribeOptions, SubscribeOptionsInit } from '../client/subscribe-options.js';
import { InvalidArgumentError } from '../errors.js';
import { SubscribeRefusedError } from './errors.js';
import type { ConnectionOptions, PropertiesInit } from './options.js';
import { runHelper, type HelperRun } from './run.js';

export { ConnectionLostError, SubscribeRefusedError } from './errors.js';
export type { ConnectionOptions } from './options.js';

/** The options of both subscribe helpers. */
export interface SubscribeHelperOptions<U = unknown> extends ConnectionOptions<U> {
  /** QoS for every topic (default 0). Ignored when `subscribeOptions` is given. */
  qos?: number;
  /** MQTT 5 subscribe options for every topic (`noLocal`, `retainAsPublished`, `retainHandling`, `qos`). */
  subscribeOptions?: SubscribeOptions | SubscribeOptionsInit;
  /** MQTT 5 SUBSCRIBE properties (e.g. `{ subscriptionIdentifiers: [1], userProperties: [['k', 'v']] }`). */
  subscribeProperties?: PropertiesInit;
  /** MQTT 3.x clean session (default true); ignored on MQTT 5 (use `cleanStart`). */
  cleanSession?: boolean;
}

/** `simple()`'s options. */
export interface SimpleOptions<U = unknown> extends SubscribeHelperOptions<U> {
  /** How many messages to wait for (default 1): 1 resolves with one message, more with a list. */
  msgCount?: number;
  /** Include retained messages (default true); false skips messages with the retain flag. */
  retained?: boolean;
}

/** `callback()`'s options. */
export interface CallbackOptions<U = unknown> extends SubscribeHelperOptions<U> {
  /** Passed to the callback as its second argument. */
  userdata?: U;
}

function topicList(name: string, topics: string | readonly string[]): string[] {
  const list =
    typeof topics === 'string'
      ? [topics]
      : Array.isArray(topics)
        ? [...(topics as readonly string[])]
        : undefined;
  if (list === undefined || list.length === 0 || !list.every((t) => typeof t === 'string')) {
    throw new InvalidArgumentError(`${name}: topics must be a topic filter or a non-empty list of them`);
  }
  return list;
}

/** Subscribes on every CONNACK and fails the call when the broker refuses a filter. */
function subscribeOnConnect<T, U>(
  run: HelperRun<T, U>,
  topics: string[],
  options: SubscribeHelperOptions<U>,
): void {
  const { client } = run;
  const spec = options.subscribeOptions ?? options.qos ?? 0;
  let mid: number | undefined;
  client.onConnect = (c, _userdata, _flags, reasonCode) => {
    if (reasonCode.isFailure) return; // the runner rejects with ConnectionRefusedError
    [, mid] = c.subscribe(
      topics.map((topic) => [topic, spec] as const),
      undefined,
      undefined,
      options.subscribeProperties,
    );
  };
  client.onSubscribe = (_c, _userdata, subackMid, reasonCodes) => {
    if (subackMid === mid && reasonCodes.some((code) => code.isFailure)) {
      run.fail(new SubscribeRefusedError(topics, reasonCodes));
    }
  };
}

/**
 * Subscribes to `topics` and resolves with the first message (or, with `msgCount > 1`, the list of the first
 * `msgCount` messages), after disconnecting.
 * @throws (rejects) `ConnectionRefusedError`, `ConnectionError`, `ConnectionLostError`, `SubscribeRefusedError`,
 *   `TimeoutError` (`timeoutMs`), `InvalidArgumentError`.
 */
export function simple<U = unknown>(
  topics: string | readonly string[],
  options?: SimpleOptions<U> & { msgCount?: 1 },
): Promise<MQTTMessage>;
export function simple<U = unknown>(
  topics: string | readonly string[],
  options: SimpleOptions<U>,
): Promise<MQTTMessage | MQTTMessage[]>;
export async function simple<U = unknown>(
  topics: string | readonly string[],
  options: SimpleOptions<U> = {},
): Promise<MQTTMessage | MQTTMessage[]> {
  const list = topicList('subscribe.simple', topics);
  const msgCount = options.msgCount ?? 1;
  if (!Number.isInteger(msgCount) || msgCount < 1) {
    throw new InvalidArgumentError(
      `subscribe.simple: msgCount must be an integer >= 1, got ${String(msgCount)}`,
    );
  }
  const retained = options.retained ?? true;
  const received: MQTTMessage[] = [];
  return await runHelper<MQTTMessage | MQTTMessage[], U>(options, {
    name: 'subscribe.simple',
    cleanSession: options.cleanSession ?? true,
    setup: (run) => {
      subscribeOnConnect(run, list, options);
      run.client.onMessage = (_c, _userdata, message) => {
        if (run.settled || (message.retain && !retained)) return;
        received.push(message);
        if (received.length === msgCount) run.finish(msgCount === 1 ? received[0] : received);
      };
    },
  });
}

/**
 * Subscribes to `topics` and calls `callback(client, userdata, message)` for every message; resolves when the
 * callback calls `client.disconnect()`. Rejects as `simple()`.
 */
export async function callback<U = unknown>(
  // The client is typed without its userdata type, so `(client: Client, userdata: T, ...)` fits.
  callback: (client: Client, userdata: U, message: MQTTMessage) => void | Promise<void>,
  topics: string | readonly string[],
  options: CallbackOptions<U> = {},
): Promise<void> {
  if (typeof callback !== 'function') {
    throw new InvalidArgumentError('subscribe.callback needs a callback function as its first argument');
  }
  const list = topicList('subscribe.callback', topics);
  return await runHelper<void, U>(options, {
    name: 'subscribe.callback',
    userdata: options.userdata,
    cleanSession: options.cleanSession ?? true,
    onNormalClose: () => undefined,
    setup: (run) => {
      subscribeOnConnect(run, list, options);
      run.client.onMessage = callback as unknown as OnMessage<U>;
    },
  });
}
