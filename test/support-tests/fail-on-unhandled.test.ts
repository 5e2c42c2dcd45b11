import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const root = join(import.meta.dirname, '..', '..');
const fixture = join('test', 'support-tests', 'fixtures', 'late-rejection.fixture.ts');

/** Runs the fixture the way scripts/test.mjs runs a test file. */
function runFixture() {
  return spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      './test/support/fail-on-unhandled.ts',
      '--test',
      '--test-reporter=tap',
      fixture,
    ],
    {
      cwd: root,
      // Without NODE_TEST_CONTEXT, which would make the inner runner report to this one instead of exiting.
      env: Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_TEST_CONTEXT')),
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
}

void describe('the test runner', () => {
  void it('fails a file whose tests pass but which leaves an unhandled rejection, and shows where it came from', () => {
    const run = runFixture();
    assert.equal(run.status, 1);
    const output = run.stdout + run.stderr;
    assert.match(
      output,
      /unhandled rejection in .*late-rejection\.fixture\.ts: Error: a rejection after the test ended/,
    );
    // The stack of the rejection (node:test alone names only its message).
    assert.match(output, /at .*late-rejection\.fixture\.ts:\d+:\d+/);
  });
});
