/**
 * `publish.single` and `publish.multiple`: connect, publish, wait until every message is acknowledged
 * (QoS 1: PUBACK, QoS 2: PUBCOMP, QoS 0: written), disconnect. Paho's `paho.mqtt.publish`, returning Promises,
 * with a timeout, MQTT 5 properties, and pipelining: `multiple` hands every message to the client at once,
 * which keeps up to `maxInflightMessages` (and the broker's Receive Maximum) in flight instead of waiting one
 * round trip per message as Paho does.
 *
 * ```ts
 * import { publish } from 'steady-mqtt';
 * await publish.single('paho/test/topic', 'payload', { hostname: 'localhost', qos: 1 });
 * await publish.multiple([{ topic: 'a', payload: '1' }, ['b', '2', 1, false]], { hostname: 'localhost' });
 * ```
 */
import type { MQTTMessageInfo } from '../client/message-info.js';
import type { PayloadType } from '../client/payload.js';
import { InvalidArgumentError } from '../errors.js';
import type { ConnectionOptions, PropertiesInit } from './options.js';
import { runHelper } from './run.js';

export { ConnectionLostError, SubscribeRefusedError } from './errors.js';
export type {
  AuthOptions,
  ConnectionOptions,
  HelperTransport,
  PropertiesInit,
  TlsOptions,
  WebSocketOptions,
  WillOptions,
} from './options.js';

/** One message for `multiple()`, as Paho's dict form. */
export interface MessageSpec {
  topic: string;
  payload?: PayloadType;
  /** Default 0. */
  qos?: number;
  /** Default false. */
  retain?: boolean;
  /** MQTT 5 PUBLISH properties, e.g. `{ messageExpiryInterval: 60 }`. */
  properties?: PropertiesInit;
}

/** One message for `multiple()`, as Paho's tuple form `(topic, payload, qos, retain)`. */
export type MessageTuple = readonly [topic: string, payload?: PayloadType, qos?: number, retain?: boolean];

/** `single()`'s options: the message's QoS, retain flag and properties, and how to connect. */
export interface SingleOptions<U = unknown> extends ConnectionOptions<U> {
  qos?: number;
  retain?: boolean;
  properties?: PropertiesInit;
}

function toSpec(message: MessageSpec | MessageTuple, index: number): MessageSpec {
  if (Array.isArray(message)) {
    const [topic, payload, qos, retain] = message as MessageTuple;
    return { topic, payload, qos, retain };
  }
  if (typeof message !== 'object' || message === null || typeof (message as MessageSpec).topic !== 'string') {
    throw new InvalidArgumentError(
      `publish.multiple: message ${index} must be { topic, payload?, qos?, retain?, properties? } or [topic, payload?, qos?, retain?]`,
    );
  }
  return message as MessageSpec;
}

/**
 * Publishes the messages in order on one connection and resolves with their `MQTTMessageInfo`s once every
 * one is acknowledged and the client has disconnected.
 * @throws (rejects) InvalidArgumentError for an empty list or an invalid message; `ConnectionRefusedError`,
 *   `ConnectionError`, `ConnectionLostError`, `TimeoutError`; `PublishError` when the broker refuses a message.
 */
export async function multiple<U = unknown>(
  msgs: readonly (MessageSpec | MessageTuple)[],
  options: ConnectionOptions<U> = {},
): Promise<MQTTMessageInfo[]> {
  if (!Array.isArray(msgs) || msgs.length === 0) {
    throw new InvalidArgumentError('publish.multiple needs a non-empty list of messages');
  }
  const specs = msgs.map(toSpec);
  return await runHelper<MQTTMessageInfo[], U>(options, {
    name: 'publish.multiple',
    connected: async (run) => {
      const infos = specs.map((m) =>
        run.client.publish(m.topic, m.payload ?? null, m.qos ?? 0, m.retain ?? false, m.properties),
      );
      await Promise.all(infos.map((info) => info.waitForPublish()));
      run.finish(infos);
    },
  });
}

/**
 * Publishes one message and resolves with its `MQTTMessageInfo` once it is acknowledged and the client has
 * disconnected. Rejects as `multiple()`.
 */
export async function single<U = unknown>(
  topic: string,
  payload: PayloadType = null,
  options: SingleOptions<U> = {},
): Promise<MQTTMessageInfo> {
  const { qos, retain, properties, ...connection } = options;
  const [info] = await multiple<U>([{ topic, payload, qos, retain, properties }], connection);
  return info;
}
