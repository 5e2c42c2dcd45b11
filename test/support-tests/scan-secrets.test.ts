import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURE_AUTH_DATA, FIXTURE_PASSWORD } from '../support/secrets.js';

const root = join(import.meta.dirname, '..', '..');
const fixture = join('test', 'support-tests', 'fixtures', 'secret-leak.fixture.ts');

/** Runs the fixture the way `npm run test:secrets` runs a test file, with `env` added. */
function runFixture(env: Record<string, string>) {
  return spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      './test/support/fail-on-unhandled.ts',
      '--import',
      './test/support/scan-secrets.ts',
      '--test',
      '--test-reporter=tap',
      fixture,
    ],
    {
      cwd: root,
      // Without NODE_TEST_CONTEXT, which would make the inner runner report to this one instead of exiting; without
      // the outer scan's variables, so the inner runner is a scan of its own.
      env: {
        ...Object.fromEntries(
          Object.entries(process.env).filter(
            ([k]) => k !== 'NODE_TEST_CONTEXT' && !k.startsWith('STEADY_SCAN'),
          ),
        ),
        ...env,
      },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
}

void describe('the secrets scan', () => {
  void it('passes a file whose clients log nothing secret', () => {
    const run = runFixture({ STEADY_LEAK_TEXT: 'an ordinary failure' });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.doesNotMatch(run.stdout + run.stderr, /fixture secrets seen/);
  });

  void it('fails a file whose tests pass but whose client logs a password, and says where', () => {
    const run = runFixture({ STEADY_LEAK_TEXT: FIXTURE_PASSWORD });
    assert.equal(run.status, 1);
    assert.match(
      run.stdout + run.stderr,
      /fixture secrets seen in .*secret-leak\.fixture\.ts:\n#? +a log line \(level 8\) shows fixture-pw-5f1c9e0b: Caught exception in onPreConnect/,
    );
  });

  void it('finds the hex and base64 forms of a secret', () => {
    for (const form of [
      Buffer.from(FIXTURE_AUTH_DATA).toString('hex'),
      Buffer.from(FIXTURE_AUTH_DATA).toString('base64'),
    ]) {
      const run = runFixture({ STEADY_LEAK_TEXT: form });
      assert.equal(run.status, 1, `${form}: ${run.stdout}${run.stderr}`);
    }
  });

  void it('fails the file when a child process it spawned (test/fault/children.ts) logs one', () => {
    const run = runFixture({ STEADY_LEAK_TEXT: FIXTURE_PASSWORD, STEADY_LEAK_IN_CHILD: '1' });
    assert.equal(run.status, 1);
    assert.match(
      run.stdout + run.stderr,
      /secret-leak\.ts: a log line \(level 8\) shows fixture-pw-5f1c9e0b/,
    );
  });
});
