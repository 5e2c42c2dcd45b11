/**
 * `MQTTMessage`: an application message handed to `onMessage` and per-filter callbacks, as Paho's class.
 */
import type { Properties as PacketProperties, PublishPacket, QoS } from '../packet/types.js';
import { PacketTypes, Properties } from './properties.js';

const utf8 = new TextDecoder('utf-8', { fatal: false });

export class MQTTMessage {
  /** The topic the message was published to (topic aliases already resolved). */
  readonly topic: string;
  /** The payload bytes, as received. */
  readonly payload: Uint8Array;
  readonly qos: QoS;
  /** True when the broker sent it as a retained message (on subscribing). */
  readonly retain: boolean;
  /** True when the broker marked it as a possible re-delivery. */
  readonly dup: boolean;
  /** The packet identifier (0 for QoS 0): what `Client.ack(mid, qos)` takes in manual-ack mode. */
  readonly mid: number;
  /** When the client received it: `performance.now()` milliseconds, a monotonic clock as Paho's. */
  readonly timestamp: number;

  constructor(packet: PublishPacket, timestamp: number) {
    this.topic = packet.topic;
    this.payload = packet.payload;
    this.qos = packet.qos;
    this.retain = packet.retain;
    this.dup = packet.dup;
    this.mid = packet.packetId ?? 0;
    this.#packetProperties = packet.properties;
    this.timestamp = timestamp;
  }

  #packetProperties: PacketProperties | undefined;
  #properties: Properties | undefined;

  /** The PUBLISH properties (empty on MQTT 3.x); made on first read, as most handlers never look. */
  get properties(): Properties {
    return (this.#properties ??= Properties.fromPacket(PacketTypes.PUBLISH, this.#packetProperties));
  }

  /** The payload decoded as UTF-8 (invalid sequences become U+FFFD rather than throwing). */
  payloadString(): string {
    return utf8.decode(this.payload);
  }

  toString(): string {
    return `MQTTMessage(topic=${this.topic}, qos=${this.qos}, retain=${this.retain}, mid=${this.mid}, ${this.payload.length} bytes)`;
  }
}
