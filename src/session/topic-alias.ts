/**
 * MQTT 5 topic aliases (3.3.2.3.4), both directions. Mappings live for one network connection only: the
 * receiver MUST NOT carry them forward to another [MQTT-3.3.2-7], so both maps are reset on every connection.
 * The maps are made on the first alias: most connections use none (MQTT 3.x never does), and an empty `Map`
 * costs about 190 bytes per client (1,000 idle clients: 3 maps of 12 in a connection's heap).
 */
import { ReasonCode } from '../packet/reason-codes.js';

/** Aliases the broker sets on the PUBLISH packets it sends us, within the Topic Alias Maximum we advertised. */
export class IncomingAliases {
  #topics: Map<number, string> | undefined;

  constructor(readonly maximum: number) {}

  reset(): void {
    this.#topics = undefined;
  }

  /**
   * Resolves `alias` for a PUBLISH whose topic is `topic`. Returns the topic name, or a reason code:
   * 0x94 for alias 0 [MQTT-3.3.2-8] or one above the maximum we sent [MQTT-3.3.2-11]; 0x82 for an empty topic
   * with an alias never set on this connection (3.3.4: a Protocol Error).
   */
  resolve(alias: number, topic: string): string | number {
    if (alias === 0 || alias > this.maximum) return ReasonCode.TopicAliasInvalid;
    if (topic.length > 0) {
      (this.#topics ??= new Map<number, string>()).set(alias, topic);
      return topic;
    }
    return this.#topics?.get(alias) ?? ReasonCode.ProtocolError;
  }
}

/**
 * Outgoing aliases. Automatic mode: the first PUBLISH to a topic carries the topic and a new alias, later ones an
 * empty topic and the alias. Aliases are assigned lowest-free-first within the broker's Topic Alias Maximum
 * [MQTT-3.3.2-9]; once all are taken, new topics go without an alias (no eviction, so a mapping never changes
 * under a packet already written).
 */
export class OutgoingAliases {
  /** Made by the first `record()`; both or neither. */
  #byTopic: Map<string, number> | undefined;
  #byAlias: Map<number, string> | undefined;
  #maximum = 0;

  /** A new connection, with the broker's Topic Alias Maximum (0 = aliases not accepted). */
  reset(maximum: number): void {
    this.#byTopic = undefined;
    this.#byAlias = undefined;
    this.#maximum = maximum;
  }

  get max(): number {
    return this.#maximum;
  }

  /** The alias the broker already holds for `topic`, or 0. */
  lookup(topic: string): number {
    return this.#byTopic?.get(topic) ?? 0;
  }

  /** The lowest alias not mapped on this connection, or 0 when all are taken (no eviction). */
  nextFree(): number {
    const byAlias = this.#byAlias;
    if (byAlias === undefined) return this.#maximum > 0 ? 1 : 0;
    if (byAlias.size >= this.#maximum) return 0;
    let alias = 1;
    while (byAlias.has(alias)) alias++;
    return alias;
  }

  /** Records a mapping (automatic, or one the user made with a topic and a Topic Alias property). */
  record(topic: string, alias: number): void {
    const byAlias = (this.#byAlias ??= new Map<number, string>());
    const byTopic = (this.#byTopic ??= new Map<string, number>());
    const previous = byAlias.get(alias);
    if (previous !== undefined) byTopic.delete(previous);
    const old = byTopic.get(topic);
    if (old !== undefined) byAlias.delete(old);
    byAlias.set(alias, topic);
    byTopic.set(topic, alias);
  }

  /** The topic `alias` stands for on this connection. */
  topicOf(alias: number): string | undefined {
    return this.#byAlias?.get(alias);
  }
}
