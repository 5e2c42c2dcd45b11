/**
 * Every input a fuzzing run kept (test/fuzz/regressions/<target>/*.hex: the bytes that once broke an
 * invariant, minimised) replayed through its target, which must now hold every invariant. Plus a short,
 * seeded fuzzing run of each target, so the fuzzer itself keeps working.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it as test } from 'node:test';
import { decoderTarget } from './decoder-target.js';
import { engineTarget } from './engine-target.js';
import { fuzz, readHexDir } from './fuzzer.js';
import { minimise } from './minimise.js';

const targets = [decoderTarget, engineTarget];

void describe('fuzz regression vectors', () => {
  for (const target of targets) {
    const vectors = readHexDir(join(import.meta.dirname, 'regressions', target.name));
    void test(`${target.name}: ${vectors.length} kept inputs hold every invariant`, () => {
      for (const input of vectors) target.run(input);
    });
  }

  void test('the engine target has kept inputs (the two crashes fixed in a47df00)', () => {
    assert.ok(readHexDir(join(import.meta.dirname, 'regressions', 'engine')).length >= 2);
  });
});

void describe('fuzzer', () => {
  for (const target of targets) {
    void test(`${target.name}: a 3-second seeded run grows the corpus past the seeds and finds no crash`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'steady-fuzz-'));
      try {
        const stats = fuzz({
          target,
          deadline: Date.now() + 3000,
          crashDir: join(dir, 'crashes'),
          corpusDir: join(dir, 'corpus'),
          seed: 12345,
          reportMs: 60_000,
          report: () => undefined,
        });
        assert.equal(stats.crashes, 0);
        assert.ok(stats.executions > 0);
        assert.ok(stats.corpus > 0 && stats.features > 0);
        assert.ok(stats.coverage !== undefined && stats.coverage.functionsHit > 0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }

  void test('a failing input is kept, minimised, with stack traces back on once the run ends', () => {
    const dir = mkdtempSync(join(tmpdir(), 'steady-fuzz-'));
    const limit = Error.stackTraceLimit;
    const stacksSeen: number[] = [];
    // Fails on any input holding 0x42 (the seed has one); its error records the stack limit it ran under.
    const failing = {
      name: 'failing',
      seeds: () => [Uint8Array.of(1, 0x42, 2)],
      run: (input: Uint8Array): void => {
        if (!input.includes(0x42)) return;
        stacksSeen.push(Error.stackTraceLimit);
        throw new Error('holds 0x42');
      },
    };
    try {
      const stats = fuzz({
        target: failing,
        deadline: Date.now() + 300,
        crashDir: join(dir, 'crashes'),
        corpusDir: join(dir, 'corpus'),
        seed: 1,
        reportMs: 60_000,
        report: () => undefined,
      });
      assert.equal(stats.crashes, 1);
      assert.deepEqual(
        readHexDir(join(dir, 'crashes')).map((b) => Array.from(b)),
        [[0x42]],
      );
      // Inputs ran without stacks; the failure was run again with them to be reported and minimised.
      assert.ok(stacksSeen.includes(0) && stacksSeen.includes(limit));
      assert.equal(Error.stackTraceLimit, limit);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  void test('minimise shrinks an input to the bytes its failure needs', () => {
    const input = Uint8Array.from([9, 9, 9, 0x42, 9, 9, 0x43, 9, 9, 9, 9]);
    const fails = (b: Uint8Array): boolean => {
      const i = b.indexOf(0x42);
      return i >= 0 && b.indexOf(0x43, i) > i;
    };
    assert.deepEqual(Array.from(minimise(input, fails)), [0x42, 0x43]);
  });
});
