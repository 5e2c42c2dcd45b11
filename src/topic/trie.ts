/**
 * A map from topic filters to values that finds, for a topic name, every value whose filter matches it. The
 * client uses it for per-filter message callbacks (Paho's `message_callback_add`), so `match()` runs once per
 * incoming message: it walks one trie path per matching wildcard branch and never tests filters one by one.
 */
import { isValidTopicName, parseSharedSubscription, validateTopicFilter } from './validate.js';

const DOLLAR = 0x24;

class Node<T> {
  /** Children by literal level (which may be the empty string). */
  children: Map<string, Node<T>> | undefined;
  plus: Node<T> | undefined;
  hash: Node<T> | undefined;
  /**
   * The values of the filters ending here, by their full filter string. Usually one entry; a plain filter and
   * shared subscriptions with the same inner filter (`a/b`, `$share/g1/a/b`, `$share/g2/a/b`) share the node.
   */
  entries: Map<string, T> | undefined;

  isEmpty(): boolean {
    return (
      this.entries === undefined &&
      this.children === undefined &&
      this.plus === undefined &&
      this.hash === undefined
    );
  }
}

function levelsOf(filter: string): string[] {
  const shared = parseSharedSubscription(filter);
  return (shared === undefined ? filter : shared.filter).split('/');
}

/** The result of a match on an empty trie (frozen: callers only read it). */
const NONE: readonly unknown[] = Object.freeze([]);

export class SubscriptionTrie<T> {
  private root = new Node<T>();
  private readonly byFilter = new Map<string, T>();

  /** The number of filters stored. */
  get size(): number {
    return this.byFilter.size;
  }

  /**
   * Stores `value` for `filter`, replacing any value it had. Throws `InvalidTopicError` for an invalid filter.
   * A shared subscription `$share/{group}/{filter}` is its own entry and matches as its inner filter.
   */
  set(filter: string, value: T): this {
    validateTopicFilter(filter);
    let node = this.root;
    for (const level of levelsOf(filter)) {
      let next: Node<T> | undefined;
      if (level === '+') next = node.plus ??= new Node<T>();
      else if (level === '#') next = node.hash ??= new Node<T>();
      else {
        node.children ??= new Map();
        next = node.children.get(level);
        if (next === undefined) {
          next = new Node<T>();
          node.children.set(level, next);
        }
      }
      node = next;
    }
    (node.entries ??= new Map()).set(filter, value);
    this.byFilter.set(filter, value);
    return this;
  }

  /** The value stored for exactly this filter string (no matching). */
  get(filter: string): T | undefined {
    return this.byFilter.get(filter);
  }

  /** Whether a value is stored for exactly this filter string (no matching). */
  has(filter: string): boolean {
    return this.byFilter.has(filter);
  }

  /** Removes the value stored for exactly this filter string; false when there was none. */
  delete(filter: string): boolean {
    if (!this.byFilter.delete(filter)) return false;
    const path: { parent: Node<T>; level: string }[] = [];
    let node = this.root;
    for (const level of levelsOf(filter)) {
      const next = level === '+' ? node.plus : level === '#' ? node.hash : node.children?.get(level);
      if (next === undefined) return true; // unreachable: byFilter and the trie agree
      path.push({ parent: node, level });
      node = next;
    }
    node.entries?.delete(filter);
    if (node.entries?.size === 0) node.entries = undefined;
    // Prune the nodes left empty, deepest first.
    for (let i = path.length - 1; i >= 0 && node.isEmpty(); i--) {
      const { parent, level } = path[i];
      if (level === '+') parent.plus = undefined;
      else if (level === '#') parent.hash = undefined;
      else {
        parent.children?.delete(level);
        if (parent.children?.size === 0) parent.children = undefined;
      }
      node = parent;
    }
    return true;
  }

  /** Removes every filter. */
  clear(): void {
    this.root = new Node<T>();
    this.byFilter.clear();
  }

  /** The stored `[filter, value]` pairs, in insertion order. */
  entries(): IterableIterator<[string, T]> {
    return this.byFilter.entries();
  }

  [Symbol.iterator](): IterableIterator<[string, T]> {
    return this.byFilter.entries();
  }

  /**
   * The values of every stored filter that matches the topic name `topic`, one per matching filter (a value
   * stored under two matching filters appears twice, as Paho calls such a callback twice). Honours the `$` rule:
   * a topic starting with `$` is not matched by a filter starting with `+` or `#` [MQTT-4.7.2-1]. The order is
   * deterministic: at each level, the literal branch, then `+`, then `#`. An invalid topic name (empty, with a
   * wildcard, U+0000 or a lone surrogate) matches nothing, as in `topicMatchesSub`.
   */
  match(topic: string): T[] {
    // Called for every message: with no filter stored (the usual case) nothing is allocated.
    if (this.byFilter.size === 0) return NONE as T[];
    const out: T[] = [];
    if (!isValidTopicName(topic)) return out;
    const levels = topic.split('/');
    this.collect(this.root, levels, 0, topic.charCodeAt(0) === DOLLAR, out);
    return out;
  }

  private collect(node: Node<T>, levels: string[], i: number, dollar: boolean, out: T[]): void {
    if (i === levels.length) {
      if (node.entries !== undefined) for (const value of node.entries.values()) out.push(value);
      // "sport/#" also matches "sport".
      if (node.hash?.entries !== undefined) for (const value of node.hash.entries.values()) out.push(value);
      return;
    }
    const child = node.children?.get(levels[i]);
    if (child !== undefined) this.collect(child, levels, i + 1, dollar, out);
    if (i === 0 && dollar) return;
    if (node.plus !== undefined) this.collect(node.plus, levels, i + 1, dollar, out);
    if (node.hash?.entries !== undefined) for (const value of node.hash.entries.values()) out.push(value);
  }
}
