/**
 * PUBLISH encoding for the outgoing flows: topic aliases (automatic, or the user's own) and the broker's Maximum
 * Packet Size. An alias mapping is recorded only once its packet is known to be written, so a refused or invalid
 * packet never leaves the broker and us disagreeing about an alias.
 */
import { PacketType, type Properties, type PublishPacket, type QoS } from '../packet/types.js';
import { SplitPacket, type Output } from './output.js';
import type { OutgoingAliases } from './topic-alias.js';

/**
 * Payloads from this size on are sent as they are after the packet's header instead of being copied into one
 * buffer with it: the copy costs more than the extra chunk, and a large payload is then in memory once, not twice.
 */
export const ZERO_COPY_PAYLOAD_BYTES = 16 * 1024;

export function publishPacket(
  topic: string,
  payload: Uint8Array,
  qos: QoS,
  retain: boolean,
  dup: boolean,
  packetId: number,
  properties: Properties | undefined,
): PublishPacket {
  const p: PublishPacket = { type: PacketType.PUBLISH, topic, payload, qos, retain, dup };
  if (qos !== 0) p.packetId = packetId;
  if (properties !== undefined) p.properties = properties;
  return p;
}

function withoutAlias(properties: Properties): Properties | undefined {
  const { topicAlias: _omit, ...rest } = properties;
  return Object.keys(rest).length === 0 ? undefined : rest;
}

export class PublishEncoder {
  readonly #out: Output;
  readonly #aliases: OutgoingAliases;
  readonly #autoTopicAlias: boolean;

  constructor(out: Output, aliases: OutgoingAliases, autoTopicAlias: boolean) {
    this.#out = out;
    this.#aliases = aliases;
    this.#autoTopicAlias = autoTopicAlias;
  }

  /**
   * The PUBLISH bytes, or undefined when they exceed the broker's Maximum Packet Size, which a client MUST NOT
   * send [MQTT-3.2.2-15]. Throws InvalidArgumentError for properties the codec refuses.
   *
   * Aliases, MQTT 5, when the broker's Topic Alias Maximum allows them on this connection [MQTT-3.3.2-9]:
   * - the user's Topic Alias: sent with the topic (which sets the mapping), or with an empty topic when this
   *   connection already maps that alias to that topic; dropped when above the broker's maximum (a message
   *   stored on an earlier connection);
   * - automatic (`autoTopicAlias`): the first PUBLISH to a topic carries the topic and a new alias, later ones an
   *   empty topic and the alias.
   */
  encode(
    topic: string,
    payload: Uint8Array,
    qos: QoS,
    retain: boolean,
    dup: boolean,
    packetId: number,
    properties: Properties | undefined,
  ): Uint8Array | SplitPacket | undefined {
    let wireTopic = topic;
    let props = properties;
    let mapAlias = 0; // a mapping to record once the packet is accepted
    const aliases = this.#aliases;
    const userAlias = properties?.topicAlias;
    if (aliases.max > 0) {
      if (userAlias !== undefined) {
        if (userAlias > aliases.max) props = withoutAlias(properties as Properties);
        else if (aliases.topicOf(userAlias) === topic) wireTopic = '';
        else mapAlias = userAlias;
      } else if (this.#autoTopicAlias) {
        const known = aliases.lookup(topic);
        if (known !== 0) {
          wireTopic = '';
          props = { ...properties, topicAlias: known };
        } else {
          mapAlias = aliases.nextFree();
          if (mapAlias !== 0) props = { ...properties, topicAlias: mapAlias };
        }
      }
    } else if (userAlias !== undefined) {
      // No aliases on this connection (MQTT 3.x, or a broker maximum of 0): the plain topic.
      props = withoutAlias(properties as Properties);
    }
    const packet = publishPacket(wireTopic, payload, qos, retain, dup, packetId, props);
    const bytes =
      payload.length >= ZERO_COPY_PAYLOAD_BYTES
        ? new SplitPacket(this.#out.encodePublishHeader(packet), payload)
        : this.#out.encode(packet);
    if (bytes.length > this.#out.maxPacketSize) return undefined;
    if (mapAlias !== 0) aliases.record(topic, mapAlias);
    return bytes;
  }
}
