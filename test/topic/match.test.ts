import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { topicMatchesSub } from '../../src/topic/index.js';
import { filterArb, referenceMatch, topicArb } from './reference.js';

function yes(filter: string, topic: string): void {
  assert.equal(topicMatchesSub(filter, topic), true, `${filter} should match ${topic}`);
}
function no(filter: string, topic: string): void {
  assert.equal(topicMatchesSub(filter, topic), false, `${filter} should not match ${topic}`);
}

void describe('topicMatchesSub: the specification examples (MQTT 5.0 section 4.7)', () => {
  void test('multi-level wildcard: sport/tennis/player1/#', () => {
    yes('sport/tennis/player1/#', 'sport/tennis/player1');
    yes('sport/tennis/player1/#', 'sport/tennis/player1/ranking');
    yes('sport/tennis/player1/#', 'sport/tennis/player1/score/wimbledon');
    no('sport/tennis/player1/#', 'sport/tennis/player2');
    no('sport/tennis/player1/#', 'sport/tennis');
    yes('sport/#', 'sport');
    yes('#', 'sport/tennis/player1');
  });

  void test('single-level wildcard: sport/tennis/+, sport/+', () => {
    yes('sport/tennis/+', 'sport/tennis/player1');
    yes('sport/tennis/+', 'sport/tennis/player2');
    no('sport/tennis/+', 'sport/tennis/player1/ranking');
    no('sport/+', 'sport');
    yes('sport/+', 'sport/');
    yes('sport/+/player1', 'sport/tennis/player1');
    yes('+/tennis/#', 'sport/tennis/player1/ranking');
  });

  void test('/finance matches +/+ and /+ but not +', () => {
    yes('+/+', '/finance');
    yes('/+', '/finance');
    no('+', '/finance');
  });

  void test('topics beginning with $ [MQTT-4.7.2-1]', () => {
    no('#', '$SYS/broker/uptime');
    no('+/monitor/Clients', '$SYS/monitor/Clients');
    yes('$SYS/#', '$SYS/monitor/Clients');
    yes('$SYS/#', '$SYS');
    yes('$SYS/monitor/+', '$SYS/monitor/Clients');
    no('+', '$SYS');
    no('#', '$');
    yes('$', '$');
    // Only the first level is special.
    yes('foo/#', 'foo/$bar');
    yes('foo/+/baz', 'foo/$bar/baz');
  });

  void test('topics are case-sensitive, and a leading / makes a different topic', () => {
    no('ACCOUNTS', 'Accounts');
    yes('Accounts payable', 'Accounts payable');
    no('/finance', 'finance');
    no('finance', '/finance');
  });
});

void describe("topicMatchesSub: Paho's matcher cases", () => {
  const matching: [string, string][] = [
    ['foo/bar', 'foo/bar'],
    ['foo/+', 'foo/bar'],
    ['foo/+/baz', 'foo/bar/baz'],
    ['foo/+/#', 'foo/bar/baz'],
    ['A/B/+/#', 'A/B/B/C'],
    ['#', 'foo/bar/baz'],
    ['#', '/foo/bar'],
    ['/#', '/foo/bar'],
    ['$SYS/bar', '$SYS/bar'],
    ['foo/#', 'foo/$bar'],
    ['foo/+/baz', 'foo/$bar/baz'],
  ];
  const notMatching: [string, string][] = [
    ['test/6/#', 'test/3'],
    ['foo/bar', 'foo'],
    ['foo/+', 'foo/bar/baz'],
    ['foo/+/baz', 'foo/bar/bar'],
    ['foo/+/#', 'fo2/bar/baz'],
    ['/#', 'foo/bar'],
    ['#', '$SYS/bar'],
    ['$BOB/bar', '$SYS/bar'],
  ];
  for (const [filter, topic] of matching) void test(`${filter} matches ${topic}`, () => yes(filter, topic));
  for (const [filter, topic] of notMatching)
    void test(`${filter} does not match ${topic}`, () => no(filter, topic));
});

void describe('topicMatchesSub: empty levels and edges (Mosquitto util_topic cases)', () => {
  void test('+ matches an empty level anywhere', () => {
    yes('foo/+/bar', 'foo//bar');
    yes('foo/+/+/baz', 'foo///baz');
    yes('foo/bar/+', 'foo/bar/');
    yes('+/+', '/');
    yes('/+', '/');
    yes('+/', '/');
    no('+', '/');
  });

  void test('# matches the parent level, and nothing when the prefix differs', () => {
    yes('foo/#', 'foo');
    yes('foo/#', 'foo/');
    yes('foo/#', 'foo//');
    yes('foo/bar/#', 'foo/bar');
    no('foo/bar/#', 'foo');
    no('foo/#', 'fo');
    no('foo/#', 'foobar');
    yes('/#', '/');
    yes('#', '/');
    yes('+/#', 'foo');
    yes('+/#', '/');
  });

  void test('literal levels must match whole levels', () => {
    no('foo', 'foobar');
    no('foobar', 'foo');
    no('foo/bar', 'foo/ba');
    no('foo/ba', 'foo/bar');
    no('foo/bar', 'foo/bar/');
    no('foo/bar/', 'foo/bar');
    yes('foo//bar', 'foo//bar');
  });

  void test('shared subscriptions match by their inner filter', () => {
    yes('$share/g/a/+', 'a/b');
    yes('$share/g/#', 'a/b/c');
    yes('$share/g/a/#', 'a');
    no('$share/g/a/+', 'a/b/c');
    no('$share/g/a/+', '$share/g/a/b'); // the inner filter "a/+" does not match this topic
    no('$share/g/#', '$SYS/x'); // the $ rule applies to the inner filter
    yes('$share/g/$SYS/#', '$SYS/x');
  });

  void test('invalid filters and topic names match nothing', () => {
    no('', '');
    no('#', ''); // empty topic name
    no('a/#/b', 'a/x/b');
    no('a+', 'a+');
    no('sport/tennis#', 'sport/tennis#');
    no('a/+', 'a/+'); // a topic name cannot contain a wildcard
    no('#', 'a/#');
    no('$share//a', 'a');
    no('$share/g', 'g');
    no('#', 'a\u0000');
  });
});

void describe('topicMatchesSub: properties', () => {
  void test('agrees with a split-based reference matcher on generated filters and topics', () => {
    fc.assert(
      fc.property(filterArb, topicArb, (filter, topic) => {
        assert.equal(topicMatchesSub(filter, topic), referenceMatch(filter, topic), `${filter} vs ${topic}`);
      }),
      { numRuns: 20000 },
    );
  });

  void test('a topic name matches itself as a filter, and "#" matches every topic not starting with $', () => {
    fc.assert(
      fc.property(topicArb, (topic) => {
        assert.equal(topicMatchesSub(topic, topic), true);
        assert.equal(topicMatchesSub('#', topic), !topic.startsWith('$'));
      }),
    );
  });

  void test('replacing any level of a topic by + still matches; appending /# still matches', () => {
    fc.assert(
      fc.property(topicArb, fc.nat(), (topic, n) => {
        const levels = topic.split('/');
        const i = n % levels.length;
        if (i === 0 && topic.startsWith('$')) return;
        levels[i] = '+';
        assert.equal(topicMatchesSub(levels.join('/'), topic), true);
        assert.equal(topicMatchesSub(`${topic}/#`, topic), true);
      }),
    );
  });
});
