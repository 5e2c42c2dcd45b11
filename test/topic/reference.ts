// Oracles and generators shared by the topic tests (not a test file itself).
import fc from 'fast-check';
import { isValidTopicFilter, isValidTopicName } from '../../src/topic/index.js';

/** A straightforward split-based matcher written from the specification, as an oracle. */
export function referenceMatch(filter: string, topic: string): boolean {
  if (!isValidTopicFilter(filter) || !isValidTopicName(topic)) return false;
  if (filter.startsWith('$share/')) filter = filter.split('/').slice(2).join('/');
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  const rec = (i: number, j: number): boolean => {
    if (i === f.length) return j === t.length;
    if (f[i] === '#') return true;
    if (j === t.length) return false;
    return (f[i] === '+' || f[i] === t[j]) && rec(i + 1, j + 1);
  };
  return rec(0, 0);
}

export const topicLevel = fc.constantFrom('a', 'b', 'ab', '', '$', '$SYS', 'é', '😀');
export const topicArb = fc
  .array(topicLevel, { minLength: 1, maxLength: 6 })
  .map((levels) => levels.join('/'))
  .filter((topic) => topic !== ''); // one empty level would be the empty (invalid) topic name
export const filterArb = fc
  .tuple(
    fc.boolean(),
    fc.array(fc.oneof(topicLevel, fc.constant('+')), { minLength: 0, maxLength: 6 }),
    fc.boolean(),
  )
  .map(([shared, levels, hash]) => {
    const all = hash ? [...levels, '#'] : levels;
    const joined = all.join('/');
    const inner = joined === '' ? '#' : joined; // one empty level would be the empty filter
    return shared ? `$share/grp/${inner}` : inner;
  });
