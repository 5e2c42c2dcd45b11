/**
 * Topic name and topic filter validation (MQTT 3.1.1 section 4.7, MQTT 5.0 sections 4.7 and 4.8.2).
 *
 * These run on every publish and subscribe, so each is a single pass over the string's UTF-16 code units with no
 * allocation on the valid path; an error message is only built when something is wrong.
 *
 * What is checked:
 * - topic names: at least one character (an empty name is allowed only with `allowEmpty`, for an MQTT 5 PUBLISH
 *   that uses a topic alias), no wildcard `+` or `#`, no U+0000, well-formed Unicode (no lone surrogate, which
 *   UTF-8 cannot encode), at most 65 535 bytes once encoded as UTF-8;
 * - topic filters: the same string rules, `+` filling a whole level, `#` filling the last level, and for a shared
 *   subscription `$share/{group}/{filter}` a non-empty group without `/`, `+` or `#` followed by a non-empty
 *   filter. The `$share/` rule is applied whatever the protocol version, as Mosquitto 2 does.
 *
 * - control characters U+0001..U+001F and U+007F..U+009F: the specifications say a sender SHOULD NOT send them
 *   and a receiver MAY treat the packet as malformed (MQTT 5.0 1.5.4, 3.1.1 1.5.3). Mosquitto 2.0.11 does: it
 *   closes the connection, and a QoS 1/2 message whose topic has one would be resent on every reconnect, for
 *   ever. So they are refused before anything is queued.
 *
 * What is not rejected: non-characters (U+FFFE, U+FFFF...), which the specification discourages the same way
 * but no broker seen here refuses.
 */
import { InvalidTopicError } from './errors.js';

/** The largest topic name or filter MQTT can carry: a UTF-8 string's length is a 16-bit integer. */
export const MAX_TOPIC_BYTES = 65_535;

const SHARE_PREFIX = '$share/';

/**
 * Any character that needs a closer look: a wildcard, U+0000, another control character or a surrogate. A
 * regular expression test is several times faster than a charCodeAt loop in V8, so the valid path is one `test`
 * and, for long strings, a length count.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const SUSPECT = /[\0-\u001f\u007f-\u009f#+\uD800-\uDFFF]/;

/** U+0001..U+001F and U+007F..U+009F (U+0000 has its own, stronger rule). */
function isControl(c: number): boolean {
  return (c > 0 && c <= 0x1f) || (c >= 0x7f && c <= 0x9f);
}

function controlProblem(i: number, c: number): string {
  return (
    `it contains the control character ${hex(c)} at index ${i}: a sender SHOULD NOT send one and a receiver MAY ` +
    `treat the packet as malformed (MQTT 5.0 1.5.4); brokers such as Mosquitto close the connection for it`
  );
}

const SLASH = 0x2f;
const PLUS = 0x2b;
const HASH = 0x23;

/** The UTF-8 length of a well-formed string (surrogate pairs count 4 bytes). */
function utf8Length(s: string): number {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if ((c & 0xfc00) === 0xd800) {
      bytes += 4; // a high surrogate: the caller checked that its low surrogate follows
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** A problem with the length of `s`, if its UTF-8 encoding is over the limit. */
function lengthProblem(s: string): string | undefined {
  // Each UTF-16 code unit encodes to at most 3 UTF-8 bytes, so short strings need no counting.
  if (s.length * 3 <= MAX_TOPIC_BYTES) return undefined;
  const bytes = utf8Length(s);
  return bytes > MAX_TOPIC_BYTES
    ? `it is ${bytes} bytes long in UTF-8; the maximum is ${MAX_TOPIC_BYTES} bytes [MQTT-4.7.3-3]`
    : undefined;
}

function hex(c: number): string {
  return 'U+' + c.toString(16).toUpperCase().padStart(4, '0');
}

/**
 * The problem with the code unit at `i`, which is U+0000 or a surrogate, or undefined when it is the high half
 * of a well-formed surrogate pair. Callers skip the low half themselves.
 */
function charProblem(s: string, i: number, c: number): string | undefined {
  if (c === 0) {
    return `it contains the null character U+0000 at index ${i}, which MQTT does not allow in topics [MQTT-4.7.3-2]`;
  }
  if (c <= 0xdbff) {
    const next = s.charCodeAt(i + 1); // NaN past the end
    if (next >= 0xdc00 && next <= 0xdfff) return undefined;
  }
  return (
    `it contains an unpaired UTF-16 surrogate ${hex(c)} at index ${i}, which cannot be encoded as UTF-8; ` +
    `topics must be well-formed Unicode [MQTT-1.5.4-1]`
  );
}

function describe(value: unknown): string {
  if (typeof value !== 'string') return `(a ${value === null ? 'null' : typeof value})`;
  const shown = value.length > 80 ? value.slice(0, 80) + '…' : value;
  return JSON.stringify(shown);
}

// ---- topic names ----------------------------------------------------------------------------------------

function topicNameProblem(topic: unknown, allowEmpty: boolean): string | undefined {
  if (typeof topic !== 'string')
    return `a topic name must be a string, not ${topic === null ? 'null' : typeof topic}`;
  const n = topic.length;
  if (n !== 0 && !SUSPECT.test(topic)) return lengthProblem(topic);
  if (n === 0) {
    return allowEmpty
      ? undefined
      : 'a topic name must be at least one character long [MQTT-4.7.3-1] ' +
          '(an empty topic name is only allowed in an MQTT 5 PUBLISH that carries a topic alias)';
  }
  for (let i = 0; i < n; i++) {
    const c = topic.charCodeAt(i);
    if (c === PLUS || c === HASH) {
      return (
        `it contains the wildcard '${c === PLUS ? '+' : '#'}' at index ${i}; wildcards are only allowed in ` +
        `subscription filters, never in the topic name of a PUBLISH [MQTT-3.3.2-2]`
      );
    }
    if (isControl(c)) return controlProblem(i, c);
    if (c === 0 || (c & 0xf800) === 0xd800) {
      const problem = charProblem(topic, i, c);
      if (problem !== undefined) return problem;
      i++; // the low half of a valid pair
    }
  }
  return lengthProblem(topic);
}

/**
 * Throws `InvalidTopicError` unless `topic` is a valid MQTT topic name: non-empty (unless `allowEmpty`, for an
 * MQTT 5 topic alias), no `+` or `#`, no U+0000, well-formed Unicode, at most 65 535 UTF-8 bytes.
 */
/** The last non-empty name `validateTopicName()` accepted (an empty name depends on `allowEmpty`). */
let lastValidName: string | undefined;

export function validateTopicName(topic: string, options?: { allowEmpty?: boolean }): void {
  // Publishers mostly repeat one topic: the last valid one is not checked again (same string: one compare).
  if (topic === lastValidName) return;
  const problem = topicNameProblem(topic, options?.allowEmpty === true);
  if (problem !== undefined) {
    throw new InvalidTopicError(`Invalid topic name ${describe(topic)}: ${problem}.`, topic, 'name');
  }
  if (topic.length > 0) lastValidName = topic;
}

/** `validateTopicName` as a boolean. */
export function isValidTopicName(topic: string, options?: { allowEmpty?: boolean }): boolean {
  return topicNameProblem(topic, options?.allowEmpty === true) === undefined;
}

// ---- topic filters --------------------------------------------------------------------------------------

/** Wildcard and character rules for a plain (non-shared) filter, `filter.slice(start)`. */
function plainFilterProblem(filter: string, start: number): string | undefined {
  const n = filter.length;
  for (let i = start; i < n; i++) {
    const c = filter.charCodeAt(i);
    if (c === PLUS) {
      const before = i === start || filter.charCodeAt(i - 1) === SLASH;
      const after = i + 1 === n || filter.charCodeAt(i + 1) === SLASH;
      if (!before || !after) {
        return (
          `the single-level wildcard '+' at index ${i} does not fill a whole level; ` +
          `'+' must be a level on its own, as in "a/+/c" or "+/b" [MQTT-4.7.1-2]`
        );
      }
    } else if (c === HASH) {
      const before = i === start || filter.charCodeAt(i - 1) === SLASH;
      if (!before || i + 1 !== n) {
        return (
          `the multi-level wildcard '#' at index ${i} is not the whole last level; ` +
          `'#' must be on its own or follow a '/', and be the last character, as in "a/#" or "#" [MQTT-4.7.1-1]`
        );
      }
    } else if (isControl(c)) {
      return controlProblem(i, c);
    } else if (c === 0 || (c & 0xf800) === 0xd800) {
      const problem = charProblem(filter, i, c);
      if (problem !== undefined) return problem;
      i++;
    }
  }
  return undefined;
}

function topicFilterProblem(filter: unknown): string | undefined {
  if (typeof filter !== 'string') {
    return `a topic filter must be a string, not ${filter === null ? 'null' : typeof filter}`;
  }
  if (filter.length === 0) return 'a topic filter must be at least one character long [MQTT-4.7.3-1]';
  // Without wildcards, control characters or surrogates, only a shared subscription's structure is left to check.
  if (!SUSPECT.test(filter) && !filter.startsWith(SHARE_PREFIX)) return lengthProblem(filter);
  let start = 0;
  if (filter.startsWith(SHARE_PREFIX)) {
    const slash = filter.indexOf('/', SHARE_PREFIX.length);
    const groupEnd = slash === -1 ? filter.length : slash;
    if (groupEnd === SHARE_PREFIX.length) {
      return 'a shared subscription needs a non-empty share name: "$share/{group}/{filter}" [MQTT-4.8.2-1]';
    }
    for (let i = SHARE_PREFIX.length; i < groupEnd; i++) {
      const c = filter.charCodeAt(i);
      if (c === PLUS || c === HASH) {
        return (
          `the share name of a shared subscription must not contain '+' or '#' (found at index ${i}): ` +
          `"$share/{group}/{filter}" [MQTT-4.8.2-1]`
        );
      }
    }
    if (slash === -1 || slash + 1 === filter.length) {
      return (
        'a shared subscription needs a non-empty topic filter after the share name: ' +
        '"$share/{group}/{filter}" [MQTT-4.8.2-2]'
      );
    }
    const groupProblem = plainFilterProblem(filter.slice(0, groupEnd), SHARE_PREFIX.length);
    if (groupProblem !== undefined) return groupProblem;
    start = slash + 1;
  }
  return plainFilterProblem(filter, start) ?? lengthProblem(filter);
}

/**
 * Throws `InvalidTopicError` unless `filter` is a valid MQTT topic filter: non-empty, `+` filling a whole level,
 * `#` filling the last level, no U+0000, well-formed Unicode, at most 65 535 UTF-8 bytes; a shared subscription
 * `$share/{group}/{filter}` must have a non-empty group without `/`, `+`, `#` and a non-empty valid filter.
 */
export function validateTopicFilter(filter: string): void {
  const problem = topicFilterProblem(filter);
  if (problem !== undefined) {
    throw new InvalidTopicError(`Invalid topic filter ${describe(filter)}: ${problem}.`, filter, 'filter');
  }
}

/** `validateTopicFilter` as a boolean. */
export function isValidTopicFilter(filter: string): boolean {
  return topicFilterProblem(filter) === undefined;
}

// ---- shared subscriptions -------------------------------------------------------------------------------

/**
 * Splits a shared subscription `$share/{group}/{filter}` into its share name and inner filter. Returns undefined
 * for a filter that is not a shared subscription, and for a malformed one (empty group, group with `+` or `#`,
 * nothing after the group). The inner filter's own wildcards are not checked here: `validateTopicFilter` does.
 */
export function parseSharedSubscription(filter: string): { group: string; filter: string } | undefined {
  if (!filter.startsWith(SHARE_PREFIX)) return undefined;
  const slash = filter.indexOf('/', SHARE_PREFIX.length);
  if (slash === -1 || slash === SHARE_PREFIX.length || slash + 1 === filter.length) return undefined;
  const group = filter.slice(SHARE_PREFIX.length, slash);
  if (group.includes('+') || group.includes('#')) return undefined;
  return { group, filter: filter.slice(slash + 1) };
}
