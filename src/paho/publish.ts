/**
 * `paho.mqtt.publish` in the facade: `single` and `multiple` with Paho's keyword arguments (snake_case keys
 * in the last argument), over `steady-mqtt`'s helpers.
 *
 * ```ts
 * import { publish } from 'steady-mqtt/paho';
 * await publish.single('paho/test/topic', 'payload', { hostname: 'localhost', qos: 1 });
 * ```
 */
import type { PayloadType } from '../client/payload.js';
import * as camel from '../simple/publish.js';
import type { SingleOptions } from '../simple/publish.js';
import { toFacade, toOptions } from './adapter.js';
import { MESSAGE_SPEC, MULTIPLE_OPTIONS, SINGLE_OPTIONS } from './table.js';
import type {
  PahoMQTTMessageInfo,
  PahoMessageSpec,
  PahoMultipleOptions,
  PahoSingleOptions,
} from './types.js';

/** `publish.single(topic, payload=None, **kwargs)`: resolves once acknowledged and disconnected. */
export async function single<U = unknown>(
  topic: string,
  payload: PayloadType = null,
  kwargs: PahoSingleOptions<U> = {},
): Promise<PahoMQTTMessageInfo> {
  const options = toOptions(kwargs, SINGLE_OPTIONS) as SingleOptions<U>;
  return toFacade(await camel.single<U>(topic, payload, options)) as PahoMQTTMessageInfo;
}

/** `publish.multiple(msgs, **kwargs)`: dicts `{ topic, payload, qos, retain }` or tuples, in order, pipelined. */
export async function multiple<U = unknown>(
  msgs: readonly (PahoMessageSpec | camel.MessageTuple)[],
  kwargs: PahoMultipleOptions<U> = {},
): Promise<PahoMQTTMessageInfo[]> {
  // Not an array: left for the helper to reject with its message.
  const messages: readonly (camel.MessageSpec | camel.MessageTuple)[] = Array.isArray(msgs)
    ? msgs.map((m: PahoMessageSpec | camel.MessageTuple): camel.MessageSpec | camel.MessageTuple =>
        Array.isArray(m)
          ? (m as camel.MessageTuple)
          : (toOptions(m, MESSAGE_SPEC) as unknown as camel.MessageSpec),
      )
    : (msgs as unknown as camel.MessageSpec[]);
  const options = toOptions(kwargs, MULTIPLE_OPTIONS) as camel.ConnectionOptions<U>;
  return toFacade(await camel.multiple<U>(messages, options)) as PahoMQTTMessageInfo[];
}
