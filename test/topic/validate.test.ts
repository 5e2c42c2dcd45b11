import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { MqttError } from '../../src/errors.js';
import {
  InvalidTopicError,
  isValidTopicFilter,
  isValidTopicName,
  MAX_TOPIC_BYTES,
  parseSharedSubscription,
  validateTopicFilter,
  validateTopicName,
} from '../../src/topic/index.js';

function assertInvalidName(topic: unknown, pattern: RegExp, options?: { allowEmpty?: boolean }): void {
  assert.equal(isValidTopicName(topic as string, options), false);
  assert.throws(
    () => validateTopicName(topic as string, options),
    (err: unknown) => {
      assert.ok(err instanceof InvalidTopicError);
      assert.ok(err instanceof MqttError);
      assert.equal(err.code, 'ERR_MQTT_INVALID_TOPIC');
      assert.equal(err.name, 'InvalidTopicError');
      assert.equal(err.kind, 'name');
      assert.equal(err.topic, topic);
      assert.match(err.message, /^Invalid topic name /);
      assert.match(err.message, pattern);
      return true;
    },
  );
}

function assertInvalidFilter(filter: unknown, pattern: RegExp): void {
  assert.equal(isValidTopicFilter(filter as string), false);
  assert.throws(
    () => validateTopicFilter(filter as string),
    (err: unknown) => {
      assert.ok(err instanceof InvalidTopicError);
      assert.equal(err.code, 'ERR_MQTT_INVALID_TOPIC');
      assert.equal(err.kind, 'filter');
      assert.equal(err.topic, filter);
      assert.match(err.message, /^Invalid topic filter /);
      assert.match(err.message, pattern);
      return true;
    },
  );
}

function assertValidName(topic: string, options?: { allowEmpty?: boolean }): void {
  assert.equal(isValidTopicName(topic, options), true, JSON.stringify(topic));
  validateTopicName(topic, options);
}

function assertValidFilter(filter: string): void {
  assert.equal(isValidTopicFilter(filter), true, JSON.stringify(filter));
  validateTopicFilter(filter);
}

void describe('validateTopicName', () => {
  void test('accepts ordinary names, including the specification examples', () => {
    for (const topic of [
      'a',
      'sport/tennis/player1',
      'sport/tennis/player1/ranking',
      '/finance',
      'finance',
      '/',
      '//',
      'sport/',
      'Accounts payable',
      'ACCOUNTS',
      '$SYS/broker/uptime',
      '$share/g/a', // a topic name may look like anything without a wildcard
      'température/°C',
      'emoji/😀',
      ' ',
    ]) {
      assertValidName(topic);
    }
  });

  void test('rejects control characters (SHOULD NOT in the spec; Mosquitto 2 closes the connection for them)', () => {
    assertInvalidName('a\u0001b', /control character U\+0001 at index 1/);
    assertInvalidName('a\tb', /control character U\+0009/);
    assertInvalidName('x\u009f', /control character U\+009F/);
    assert.throws(() => validateTopicFilter('a/\n/#'), /control character U\+000A at index 2/);
  });

  void test('rejects an empty name, saying where an empty name is allowed', () => {
    assertInvalidName('', /at least one character.*topic alias/);
  });

  void test('allowEmpty accepts the empty name (MQTT 5 topic alias) and still checks the rest', () => {
    assertValidName('', { allowEmpty: true });
    assertInvalidName('a/+', /wildcard/, { allowEmpty: true });
  });

  void test("rejects the single-level wildcard '+'", () => {
    assertInvalidName('sport/+/player1', /wildcard '\+' at index 6.*only allowed in subscription filters/);
    assertInvalidName('+', /wildcard '\+'/);
    assertInvalidName('a+b', /wildcard '\+' at index 1/);
  });

  void test("rejects the multi-level wildcard '#'", () => {
    assertInvalidName('sport/#', /wildcard '#' at index 6/);
    assertInvalidName('#', /wildcard '#'/);
    assertInvalidName('a#b', /wildcard '#' at index 1/);
  });

  void test('rejects U+0000', () => {
    assertInvalidName('a\u0000b', /null character U\+0000 at index 1/);
    assertInvalidName('\u0000', /U\+0000/);
  });

  void test('rejects a lone high surrogate, a lone low surrogate and a reversed pair', () => {
    assertInvalidName('a\uD83D', /unpaired UTF-16 surrogate U\+D83D at index 1.*well-formed/);
    assertInvalidName('a\uD83Db', /unpaired UTF-16 surrogate U\+D83D at index 1/);
    assertInvalidName('\uDE00x', /unpaired UTF-16 surrogate U\+DE00 at index 0/);
    assertInvalidName('\uDE00\uD83D', /unpaired UTF-16 surrogate U\+DE00/);
    assertValidName('\uD83D\uDE00');
  });

  void test('rejects a name over 65535 UTF-8 bytes, counting multi-byte characters', () => {
    assert.equal(MAX_TOPIC_BYTES, 65535);
    assertValidName('a'.repeat(65535));
    assertInvalidName('a'.repeat(65536), /65536 bytes long in UTF-8; the maximum is 65535 bytes/);
    // '€' is 3 bytes: 21845 of them is 65535 bytes, 21846 is over.
    assertValidName('€'.repeat(21845));
    assertInvalidName('€'.repeat(21846), /65538 bytes/);
    // '😀' is 2 UTF-16 code units and 4 bytes.
    assertValidName('😀'.repeat(16383) + 'abc');
    assertInvalidName('😀'.repeat(16384), /65536 bytes/);
    assertValidName('é'.repeat(32767) + 'a'); // 2-byte characters
    assertInvalidName('é'.repeat(32768), /65536 bytes/);
  });

  void test('the message shows a long topic shortened', () => {
    assert.throws(
      () => validateTopicName('x'.repeat(100) + '#'),
      (err: unknown) => err instanceof InvalidTopicError && err.message.includes('x'.repeat(80) + '…"'),
    );
  });

  void test('rejects a value that is not a string (from untyped callers)', () => {
    assertInvalidName(undefined, /must be a string, not undefined/);
    assertInvalidName(null, /must be a string, not null/);
    assertInvalidName(42, /must be a string, not number/);
  });
});

void describe('validateTopicFilter', () => {
  void test('accepts the specification examples and other valid filters', () => {
    for (const filter of [
      '#',
      '+',
      'sport/tennis/player1/#',
      'sport/tennis/#',
      'sport/#',
      'sport/tennis/+',
      'sport/+',
      '+/tennis/#',
      'sport/+/player1',
      '+/+',
      '/+',
      '/finance',
      '$SYS/#',
      '$SYS/monitor/+',
      '+/monitor/Clients',
      '/',
      '//',
      '/#',
      '+/#',
      '+/+/+',
      'a//+//#',
      'a/b',
      'emoji/😀/+',
      '$share', // no "/": an ordinary filter
      '$sharex/a/#', // not the "$share/" prefix
      '$share/group/a/b',
      '$share/group/#',
      '$share/group/+/b',
      '$share/g//',
      '$share/g/$SYS/#',
    ]) {
      assertValidFilter(filter);
    }
  });

  void test('rejects an empty filter', () => {
    assertInvalidFilter('', /at least one character/);
  });

  void test("rejects '#' that is not the last level: sport/tennis/#/ranking, #/a, ##", () => {
    assertInvalidFilter('sport/tennis/#/ranking', /'#' at index 13.*last character/);
    assertInvalidFilter('#/a', /'#' at index 0/);
    assertInvalidFilter('##', /'#' at index 0/);
    assertInvalidFilter('a/#/', /'#' at index 2/);
  });

  void test("rejects '#' sharing a level: sport/tennis#, a#, a/#b", () => {
    assertInvalidFilter('sport/tennis#', /'#' at index 12.*on its own or follow a '\/'/);
    assertInvalidFilter('a#', /'#' at index 1/);
    assertInvalidFilter('a/#b', /'#' at index 2/);
  });

  void test("rejects '+' sharing a level: sport+, +a, a+/b, a/+b, ++", () => {
    assertInvalidFilter('sport+', /'\+' at index 5 does not fill a whole level/);
    assertInvalidFilter('+a', /'\+' at index 0/);
    assertInvalidFilter('a+/b', /'\+' at index 1/);
    assertInvalidFilter('a/+b', /'\+' at index 2/);
    assertInvalidFilter('++', /'\+' at index 0/);
    assertInvalidFilter('+#', /'\+' at index 0/);
  });

  void test('rejects U+0000 and lone surrogates', () => {
    assertInvalidFilter('a/\u0000/#', /U\+0000 at index 2/);
    assertInvalidFilter('a/\uD800/+', /unpaired UTF-16 surrogate U\+D800 at index 2/);
    assertInvalidFilter('\uDFFF', /unpaired UTF-16 surrogate U\+DFFF at index 0/);
  });

  void test('rejects a filter over 65535 UTF-8 bytes', () => {
    assertValidFilter('a'.repeat(65533) + '/#');
    assertInvalidFilter('a'.repeat(65534) + '/#', /65536 bytes/);
    assertInvalidFilter('€'.repeat(21846), /65538 bytes/);
  });

  void test('shared subscriptions: rejects an empty share name', () => {
    assertInvalidFilter('$share//a', /non-empty share name/);
    assertInvalidFilter('$share/', /non-empty share name/);
  });

  void test('shared subscriptions: rejects a share name with + or #', () => {
    assertInvalidFilter('$share/g+/a', /share name .* must not contain '\+' or '#'.*index 8/);
    assertInvalidFilter('$share/+/a', /must not contain '\+' or '#'/);
    assertInvalidFilter('$share/#', /must not contain '\+' or '#'/);
    assertInvalidFilter('$share/a#b/c', /must not contain '\+' or '#'/);
  });

  void test('shared subscriptions: rejects a missing or empty filter after the share name', () => {
    assertInvalidFilter('$share/group', /non-empty topic filter after the share name/);
    assertInvalidFilter('$share/group/', /non-empty topic filter after the share name/);
  });

  void test('shared subscriptions: checks the inner filter and the share name characters', () => {
    assertInvalidFilter('$share/g/a+', /'\+' at index 10/);
    assertInvalidFilter('$share/g/#/a', /'#' at index 9/);
    assertInvalidFilter('$share/g\u0000/a', /U\+0000 at index 8/);
  });

  void test('rejects a value that is not a string', () => {
    assertInvalidFilter(undefined, /must be a string, not undefined/);
    assertInvalidFilter({}, /must be a string, not object/);
  });
});

void describe('parseSharedSubscription', () => {
  void test('splits $share/{group}/{filter}', () => {
    assert.deepEqual(parseSharedSubscription('$share/group/a/b'), { group: 'group', filter: 'a/b' });
    assert.deepEqual(parseSharedSubscription('$share/g/#'), { group: 'g', filter: '#' });
    assert.deepEqual(parseSharedSubscription('$share/g/+/x'), { group: 'g', filter: '+/x' });
    assert.deepEqual(parseSharedSubscription('$share/g//'), { group: 'g', filter: '/' });
  });

  void test('returns undefined for ordinary and malformed filters', () => {
    for (const filter of [
      'a/b',
      '#',
      '$share',
      '$sharex/g/a',
      '$SYS/#',
      '$share/',
      '$share//a',
      '$share/g',
      '$share/g/',
      '$share/g+/a',
      '$share/#',
    ]) {
      assert.equal(parseSharedSubscription(filter), undefined, filter);
    }
  });
});

// ---- properties -----------------------------------------------------------------------------------------

/** A reference validity rule written from the specification's words, level by level. */
function referenceFilterValid(filter: string): boolean {
  if (filter.length === 0) return false;
  let levels = filter.split('/');
  if (filter.startsWith('$share/')) {
    const group = levels[1];
    const inner = levels.slice(2).join('/');
    if (group === '' || group.includes('+') || group.includes('#') || levels.length < 3 || inner === '')
      return false;
    levels = levels.slice(2);
  }
  return levels.every(
    (level, i) =>
      (!level.includes('+') && !level.includes('#')) ||
      level === '+' ||
      (level === '#' && i === levels.length - 1),
  );
}

const pieces = fc.constantFrom('a', 'b', '/', '+', '#', '$', '$share/', 'é', '😀');
const strings = fc.array(pieces, { maxLength: 12 }).map((parts) => parts.join(''));

void describe('properties', () => {
  void test('isValidTopicFilter agrees with a level-by-level reference', () => {
    fc.assert(
      fc.property(strings, (s) => {
        assert.equal(isValidTopicFilter(s), referenceFilterValid(s), JSON.stringify(s));
      }),
      { numRuns: 5000 },
    );
  });

  void test('isValidTopicName is "non-empty and no wildcard" for well-formed short strings', () => {
    fc.assert(
      fc.property(strings, (s) => {
        assert.equal(isValidTopicName(s), s.length > 0 && !s.includes('+') && !s.includes('#'));
      }),
      { numRuns: 5000 },
    );
  });

  void test('validate* throws exactly when isValid* is false, for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 20 }), (s) => {
        let nameThrew = false;
        let filterThrew = false;
        try {
          validateTopicName(s);
        } catch (err) {
          assert.ok(err instanceof InvalidTopicError);
          nameThrew = true;
        }
        try {
          validateTopicFilter(s);
        } catch (err) {
          assert.ok(err instanceof InvalidTopicError);
          filterThrew = true;
        }
        assert.equal(nameThrew, !isValidTopicName(s));
        assert.equal(filterThrew, !isValidTopicFilter(s));
        // A valid topic name is always a valid filter.
        if (!nameThrew) assert.equal(filterThrew, false);
      }),
      { numRuns: 3000 },
    );
  });

  void test('lone surrogates are rejected wherever they are', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 10 }),
        fc.integer({ min: 0xd800, max: 0xdfff }),
        fc.string({ maxLength: 10 }),
        (before, unit, after) => {
          const s = before.replace(/[+#]/g, 'x') + String.fromCharCode(unit) + after.replace(/[+#]/g, 'x');
          const wellFormed = (s as string & { isWellFormed(): boolean }).isWellFormed();
          assert.equal(isValidTopicName(s), wellFormed && !s.includes('\u0000'));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
