/**
 * Normalises the argument forms `subscribe()` accepts (Paho's, on every protocol version) into the engine's
 * `Subscription` list, checking everything before anything is sent:
 *
 *   subscribe('a/b')                          QoS 0
 *   subscribe('a/b', 1)                       QoS 1
 *   subscribe('a/b', new SubscribeOptions(1)) or subscribe('a/b', 0, options)
 *   subscribe(['a/b', 1]) / subscribe(['a/b', options])
 *   subscribe([['a', 0], ['b', options], ...])
 */
import { InvalidArgumentError } from '../errors.js';
import type { Properties as PacketProperties, Subscription } from '../packet/types.js';
import { validateTopicFilter } from '../topic/validate.js';
import { MQTTProtocolVersion } from './enums.js';
import { PacketTypes, Properties, toPacketProperties } from './properties.js';
import { SubscribeOptions, checkQos, type SubscribeOptionsInit } from './subscribe-options.js';

/** QoS or options for one filter. */
export type SubscriptionSpec = number | SubscribeOptions | SubscribeOptionsInit;
/** One `[filter, qos | options]` pair. */
export type SubscriptionPair = readonly [topicFilter: string, spec: SubscriptionSpec];
/** Everything `subscribe()` accepts as its first argument. */
export type SubscribeTopic = string | SubscriptionPair | readonly SubscriptionPair[];

function isPair(value: unknown): value is SubscriptionPair {
  return (
    Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && !Array.isArray(value[1])
  );
}

function toSubscription(
  topicFilter: unknown,
  spec: SubscriptionSpec,
  protocol: MQTTProtocolVersion,
): Subscription {
  if (typeof topicFilter !== 'string') {
    throw new InvalidArgumentError(`a topic filter must be a string, got ${typeof topicFilter}`);
  }
  validateTopicFilter(topicFilter);
  if (typeof spec === 'number') return { topicFilter, qos: checkQos(spec) };
  const options = SubscribeOptions.from(spec);
  if (protocol !== MQTTProtocolVersion.MQTTv5 && options.hasMqtt5Options) {
    throw new InvalidArgumentError(
      `noLocal, retainAsPublished and retainHandling need MQTT 5 (subscribing to "${topicFilter}" on MQTT 3.x); only qos applies`,
    );
  }
  const subscription: Subscription = { topicFilter, qos: options.qos };
  if (protocol === MQTTProtocolVersion.MQTTv5) {
    if (options.noLocal) subscription.noLocal = true;
    if (options.retainAsPublished) subscription.retainAsPublished = true;
    if (options.retainHandling !== 0) subscription.retainHandling = options.retainHandling;
  }
  return subscription;
}

/** The engine's arguments for one `subscribe()` call. */
export interface NormalizedSubscribe {
  subscriptions: Subscription[];
  properties: PacketProperties | undefined;
}

/**
 * Normalises `subscribe(topic, qosOrOptions, optionsOrProperties, properties)`.
 * @throws InvalidArgumentError / InvalidTopicError on any invalid part.
 */
export function normalizeSubscribe(
  topic: SubscribeTopic,
  qosOrOptions: SubscriptionSpec | undefined,
  optionsOrProperties:
    SubscribeOptions | SubscribeOptionsInit | Properties | PacketProperties | null | undefined,
  properties: Properties | PacketProperties | null | undefined,
  protocol: MQTTProtocolVersion,
): NormalizedSubscribe {
  let spec: SubscriptionSpec = qosOrOptions ?? 0;
  let props = properties;
  if (optionsOrProperties instanceof Properties) {
    if (props !== undefined && props !== null) {
      throw new InvalidArgumentError('subscribe() got properties twice (third and fourth arguments)');
    }
    props = optionsOrProperties;
  } else if (optionsOrProperties !== undefined && optionsOrProperties !== null) {
    if (typeof spec === 'number' && spec !== 0) {
      throw new InvalidArgumentError('subscribe() takes a qos or subscribe options, not both');
    }
    if (typeof spec !== 'number') throw new InvalidArgumentError('subscribe() got subscribe options twice');
    spec = optionsOrProperties as SubscribeOptions | SubscribeOptionsInit;
  }
  const packetProperties = toPacketProperties(props, PacketTypes.SUBSCRIBE, protocol);

  let subscriptions: Subscription[];
  if (typeof topic === 'string') {
    subscriptions = [toSubscription(topic, spec, protocol)];
  } else if (isPair(topic)) {
    if (qosOrOptions !== undefined && qosOrOptions !== 0) {
      throw new InvalidArgumentError('with a [filter, qos] pair, give the qos in the pair only');
    }
    subscriptions = [toSubscription(topic[0], topic[1], protocol)];
  } else if (Array.isArray(topic)) {
    if (topic.length === 0) throw new InvalidArgumentError('subscribe() needs at least one topic filter');
    if (qosOrOptions !== undefined && qosOrOptions !== 0) {
      throw new InvalidArgumentError('with a list of [filter, qos] pairs, give each qos in its pair only');
    }
    subscriptions = (topic as readonly unknown[]).map((pair, index) => {
      if (!isPair(pair)) {
        throw new InvalidArgumentError(
          `subscribe() list item ${index} must be a [filter, qos | SubscribeOptions] pair`,
        );
      }
      return toSubscription(pair[0], pair[1], protocol);
    });
  } else {
    throw new InvalidArgumentError(
      `subscribe() takes a filter string, a [filter, qos] pair or a list of pairs; got ${typeof topic}`,
    );
  }
  return { subscriptions, properties: packetProperties };
}

/** Normalises `unsubscribe(topic | topics, properties)`. */
export function normalizeUnsubscribe(
  topic: string | readonly string[],
  properties: Properties | PacketProperties | null | undefined,
  protocol: MQTTProtocolVersion,
): { topicFilters: string[]; properties: PacketProperties | undefined } {
  const filters: unknown[] =
    typeof topic === 'string' ? [topic] : Array.isArray(topic) ? [...(topic as readonly unknown[])] : [topic];
  if (filters.length === 0) throw new InvalidArgumentError('unsubscribe() needs at least one topic filter');
  for (const filter of filters) {
    if (typeof filter !== 'string') {
      throw new InvalidArgumentError(`a topic filter must be a string, got ${typeof filter}`);
    }
    validateTopicFilter(filter);
  }
  return {
    topicFilters: filters as string[],
    properties: toPacketProperties(properties, PacketTypes.UNSUBSCRIBE, protocol),
  };
}

/**
 * `subscribe()`'s parameters: a filter (or list of filters or of `[filter, qos or options]` pairs), a QoS or
 * `SubscribeOptions` for it, and on MQTT 5 the SUBSCRIBE properties last.
 */
export type SubscribeParameters = [
  topic: SubscribeTopic,
  qos?: SubscriptionSpec,
  options?: SubscribeOptions | SubscribeOptionsInit | Properties | PacketProperties | null,
  properties?: Properties | PacketProperties | null,
];
