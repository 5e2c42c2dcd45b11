/**
 * Topic filter matching (MQTT 3.1.1 and 5.0 section 4.7), the equivalent of Paho's `topic_matches_sub`.
 */
import { isValidTopicFilter, isValidTopicName, parseSharedSubscription } from './validate.js';

const SLASH = 0x2f;
const PLUS = 0x2b;
const HASH = 0x23;
const DOLLAR = 0x24;

/**
 * Matches a valid filter, from index `fi`, against a valid topic name. Both strings are walked level by level in
 * place, with no splitting.
 */
function matchFrom(filter: string, fi: number, topic: string): boolean {
  const fn = filter.length;
  const tn = topic.length;
  // [MQTT-4.7.2-1]: a topic starting with '$' is not matched by a filter starting with a wildcard.
  const first = filter.charCodeAt(fi);
  if (topic.charCodeAt(0) === DOLLAR && (first === PLUS || first === HASH)) return false;
  let ti = 0;
  for (;;) {
    // Both indexes are at the start of a level.
    const fc = filter.charCodeAt(fi);
    if (fc === HASH) return true; // '#' matches this level and everything below it
    if (fc === PLUS) {
      fi++;
      while (ti < tn && topic.charCodeAt(ti) !== SLASH) ti++;
    } else {
      while (fi < fn) {
        const c = filter.charCodeAt(fi);
        if (c === SLASH) break;
        if (ti >= tn || topic.charCodeAt(ti) !== c) return false;
        fi++;
        ti++;
      }
      if (ti < tn && topic.charCodeAt(ti) !== SLASH) return false;
    }
    // Both at a '/' or at the end.
    if (fi === fn) return ti === tn;
    if (ti === tn) {
      // The topic ended and the filter goes on: only a final "/#" still matches ("sport/#" matches "sport").
      return fi + 2 === fn && filter.charCodeAt(fi + 1) === HASH;
    }
    fi++;
    ti++;
  }
}

/**
 * True when the topic name `topic` matches the subscription filter `filter`:
 * - `+` matches exactly one level, an empty one included (`+/+` matches `/finance`);
 * - `#` matches any number of levels, zero included (`sport/#` matches `sport`);
 * - a topic starting with `$` (`$SYS/...`) is not matched by a filter starting with `+` or `#` [MQTT-4.7.2-1];
 * - a shared subscription `$share/{group}/{filter}` matches as its inner filter does.
 *
 * An invalid filter or an invalid topic name (empty, or a name containing a wildcard) matches nothing: this
 * returns false rather than throwing (Paho's `topic_matches_sub` never raises either).
 */
export function topicMatchesSub(filter: string, topic: string): boolean {
  if (!isValidTopicFilter(filter) || !isValidTopicName(topic)) return false;
  const shared = parseSharedSubscription(filter);
  return matchFrom(filter, shared === undefined ? 0 : filter.length - shared.filter.length, topic);
}
