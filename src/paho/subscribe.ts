/**
 * `paho.mqtt.subscribe` in the facade: `simple` and `callback` with Paho's keyword arguments (snake_case keys
 * in the last argument), over `steady-mqtt`'s helpers. The callback receives the facade client and message.
 *
 * ```ts
 * import { subscribe } from 'steady-mqtt/paho';
 * const msg = await subscribe.simple('paho/test/topic', { hostname: 'localhost' });
 * ```
 */
import type { Client } from '../client/client.js';
import type { MQTTMessage } from '../client/mqtt-message.js';
import * as camel from '../simple/subscribe.js';
import { toFacade, toOptions, toTarget } from './adapter.js';
import { CALLBACK_OPTIONS, SIMPLE_OPTIONS } from './table.js';
import type { PahoCallbackOptions, PahoClient, PahoMQTTMessage, PahoSimpleOptions } from './types.js';

/**
 * `subscribe.simple(topics, **kwargs)`: resolves with one message, or a list when `msg_count > 1`.
 */
export async function simple<U = unknown>(
  topics: string | readonly string[],
  kwargs: PahoSimpleOptions<U> = {},
): Promise<PahoMQTTMessage | PahoMQTTMessage[]> {
  const options = toOptions(kwargs, SIMPLE_OPTIONS) as camel.SimpleOptions<U>;
  const result: MQTTMessage | MQTTMessage[] = await camel.simple<U>(topics, options);
  return toFacade(result) as PahoMQTTMessage | PahoMQTTMessage[];
}

/** `subscribe.callback(callback, topics, **kwargs)`: resolves when the callback calls `client.disconnect()`. */
export async function callback<U = unknown>(
  // The client is typed without its userdata type, so `(client: mqtt.Client, userdata: T, ...)` fits.
  callback: (client: PahoClient, userdata: U, message: PahoMQTTMessage) => unknown,
  topics: string | readonly string[],
  kwargs: PahoCallbackOptions<U> = {},
): Promise<void> {
  const options = toOptions(kwargs, CALLBACK_OPTIONS) as camel.CallbackOptions<U>;
  const target = toTarget(callback) as (client: Client, userdata: U, message: MQTTMessage) => void;
  await camel.callback<U>(target, topics, options);
}
