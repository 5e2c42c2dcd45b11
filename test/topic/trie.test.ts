import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { InvalidTopicError, SubscriptionTrie, topicMatchesSub } from '../../src/topic/index.js';
import { filterArb, topicArb } from './reference.js';

function sorted(values: string[]): string[] {
  return [...values].sort();
}

/** A trie whose value for each filter is the filter itself, so match() returns the matching filters. */
function trieOf(filters: string[]): SubscriptionTrie<string> {
  const trie = new SubscriptionTrie<string>();
  for (const f of filters) trie.set(f, f);
  return trie;
}

void describe('SubscriptionTrie: map operations', () => {
  void test('set, get, has, size, overwrite', () => {
    const trie = new SubscriptionTrie<number>();
    assert.equal(trie.size, 0);
    assert.equal(trie.set('a/b', 1), trie, 'set returns the trie');
    trie.set('a/+', 2).set('#', 3);
    assert.equal(trie.size, 3);
    assert.equal(trie.get('a/b'), 1);
    assert.equal(trie.get('a/+'), 2);
    assert.equal(trie.get('a/c'), undefined, 'get is exact, not matching');
    assert.equal(trie.has('#'), true);
    assert.equal(trie.has('a'), false);
    trie.set('a/b', 10);
    assert.equal(trie.size, 3);
    assert.equal(trie.get('a/b'), 10);
    assert.deepEqual(trie.match('a/b').sort(), [10, 2, 3].sort());
  });

  void test('delete removes one filter, returns whether it existed, and prunes', () => {
    const trie = trieOf(['a/b/c', 'a/b', 'a/+/c', 'a/#', '$share/g/a/b']);
    assert.equal(trie.delete('a/b/c'), true);
    assert.equal(trie.delete('a/b/c'), false);
    assert.equal(trie.delete('x/y'), false);
    assert.equal(trie.delete('a/+/+'), false, 'a path that exists in part');
    assert.equal(trie.size, 4);
    assert.deepEqual(sorted(trie.match('a/b/c')), ['a/#', 'a/+/c']);
    assert.equal(trie.delete('a/b'), true);
    assert.deepEqual(sorted(trie.match('a/b')), ['$share/g/a/b', 'a/#']);
    assert.equal(trie.delete('$share/g/a/b'), true);
    assert.deepEqual(trie.match('a/b'), ['a/#']);
    for (const f of ['a/+/c', 'a/#']) assert.equal(trie.delete(f), true);
    assert.equal(trie.size, 0);
    assert.deepEqual(trie.match('a/b/c'), []);
    // A pruned trie still works.
    trie.set('a/b/c', 'again');
    assert.deepEqual(trie.match('a/b/c'), ['again']);
  });

  void test('clear empties it', () => {
    const trie = trieOf(['a', 'b/#', '+']);
    trie.clear();
    assert.equal(trie.size, 0);
    assert.equal(trie.has('a'), false);
    assert.deepEqual(trie.match('a'), []);
    trie.set('a', 'a');
    assert.deepEqual(trie.match('a'), ['a']);
  });

  void test('entries and iteration list the stored filters in insertion order', () => {
    const trie = new SubscriptionTrie<number>().set('b', 1).set('a/#', 2);
    assert.deepEqual(
      [...trie],
      [
        ['b', 1],
        ['a/#', 2],
      ],
    );
    assert.deepEqual(
      [...trie.entries()],
      [
        ['b', 1],
        ['a/#', 2],
      ],
    );
  });

  void test('set throws InvalidTopicError for an invalid filter and stores nothing', () => {
    const trie = new SubscriptionTrie<number>();
    for (const bad of ['', 'a/#/b', 'a+', '$share//a', '$share/g', 'a\u0000']) {
      assert.throws(() => trie.set(bad, 1), InvalidTopicError, JSON.stringify(bad));
    }
    assert.equal(trie.size, 0);
  });
});

void describe('SubscriptionTrie: match', () => {
  void test('the specification examples', () => {
    const trie = trieOf([
      'sport/tennis/player1/#',
      'sport/tennis/+',
      'sport/#',
      'sport/+',
      '+/+',
      '/+',
      '+',
      '#',
      '$SYS/#',
      '$SYS/monitor/+',
      '+/monitor/Clients',
    ]);
    assert.deepEqual(
      sorted(trie.match('sport/tennis/player1')),
      sorted(['sport/tennis/player1/#', 'sport/tennis/+', 'sport/#', '#']),
    );
    assert.deepEqual(
      sorted(trie.match('sport/tennis/player1/ranking')),
      sorted(['sport/tennis/player1/#', 'sport/#', '#']),
    );
    assert.deepEqual(sorted(trie.match('sport')), sorted(['sport/#', '+', '#']));
    assert.deepEqual(sorted(trie.match('sport/')), sorted(['sport/#', 'sport/+', '+/+', '#']));
    assert.deepEqual(sorted(trie.match('/finance')), sorted(['+/+', '/+', '#']));
    assert.deepEqual(sorted(trie.match('$SYS/monitor/Clients')), sorted(['$SYS/#', '$SYS/monitor/+']));
    assert.deepEqual(trie.match('$SYS'), ['$SYS/#']);
  });

  void test('the $ rule: no leading wildcard matches a $ topic, deeper wildcards do', () => {
    const trie = trieOf(['#', '+', '+/#', '+/x', '$SYS/#', 'a/#', 'a/+']);
    assert.deepEqual(trie.match('$SYS/x'), ['$SYS/#']);
    assert.deepEqual(trie.match('$other'), []);
    assert.deepEqual(sorted(trie.match('a/$x')), sorted(['#', '+/#', 'a/#', 'a/+']));
  });

  void test('each matching filter once; the same value under two matching filters twice (as Paho calls it)', () => {
    const trie = new SubscriptionTrie<string>();
    trie.set('a/#', 'cb').set('a/+', 'cb').set('#', 'other');
    assert.deepEqual(sorted(trie.match('a/b')), ['cb', 'cb', 'other']);
    assert.deepEqual(sorted(trie.match('a')), ['cb', 'other']); // "a/#" matches "a" once, "a/+" does not
  });

  void test('shared subscriptions are separate entries matching by their inner filter', () => {
    const trie = trieOf(['a/b', '$share/g1/a/b', '$share/g2/a/b', '$share/g1/a/+', '$share/g1/#']);
    assert.deepEqual(
      sorted(trie.match('a/b')),
      sorted(['a/b', '$share/g1/a/b', '$share/g2/a/b', '$share/g1/a/+', '$share/g1/#']),
    );
    assert.deepEqual(trie.match('$SYS/x'), []);
    assert.equal(trie.get('$share/g2/a/b'), '$share/g2/a/b');
  });

  void test('empty levels', () => {
    const trie = trieOf(['foo//bar', 'foo/+/bar', '+/+', '/#', 'foo/bar/+']);
    assert.deepEqual(sorted(trie.match('foo//bar')), sorted(['foo//bar', 'foo/+/bar']));
    assert.deepEqual(sorted(trie.match('/')), sorted(['+/+', '/#']));
    assert.deepEqual(sorted(trie.match('foo/bar/')), sorted(['foo/bar/+']));
  });

  void test('an invalid topic name matches nothing', () => {
    const trie = trieOf(['#', '+', 'a/+']);
    assert.deepEqual(trie.match(''), []);
    assert.deepEqual(trie.match('a/+'), []);
    assert.deepEqual(trie.match('a/#'), []);
  });
});

void describe('SubscriptionTrie: properties', () => {
  void test('match() returns exactly the filters topicMatchesSub accepts, each once', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(filterArb, { maxLength: 25 }),
        fc.array(topicArb, { minLength: 1, maxLength: 10 }),
        (filters, topics) => {
          const trie = trieOf(filters);
          for (const topic of topics) {
            const expected = filters.filter((f) => topicMatchesSub(f, topic));
            assert.deepEqual(sorted(trie.match(topic)), sorted(expected), topic);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  void test('after random deletions, match() still agrees and size is right', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(filterArb, { maxLength: 25 }),
        fc.array(fc.boolean(), { minLength: 25, maxLength: 25 }),
        fc.array(topicArb, { minLength: 1, maxLength: 10 }),
        (filters, remove, topics) => {
          const trie = trieOf(filters);
          const kept = filters.filter((f, i) => {
            if (remove[i]) {
              assert.equal(trie.delete(f), true);
              return false;
            }
            return true;
          });
          assert.equal(trie.size, kept.length);
          for (const topic of topics) {
            assert.deepEqual(
              sorted(trie.match(topic)),
              sorted(kept.filter((f) => topicMatchesSub(f, topic))),
            );
          }
          for (const f of kept) trie.delete(f);
          assert.equal(trie.size, 0);
          for (const topic of topics) assert.deepEqual(trie.match(topic), []);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
