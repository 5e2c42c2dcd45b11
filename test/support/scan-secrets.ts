/**
 * The secrets scan (issue 15: no password, authentication data or payload in a log line or an error), preloaded
 * into every test process by scripts/test.mjs (and into the child processes the fault and cluster tests spawn,
 * see test/fault/children.ts). It wraps, from outside, the one place every client's log line goes through
 * (`Dispatcher.log`, called at every level, debug included, whether or not the test set `onLog` or a logger) and
 * the places an error leaves the client for its Promises and callbacks (a failed connection attempt, a closed
 * transport, a client closed for good). Each line and each error's message and stack is looked for the fixture
 * secrets of test/support/secrets.ts as it passes; at exit, any found fails the process (the test file) with
 * where it was seen. Nothing is kept but the findings, so a flood test costs a few string searches per line.
 *
 * A child process cannot fail its parent's file by itself: it also appends its findings to a file named after
 * its parent's process id, which the parent reads at its own exit.
 */
import { appendFileSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Dispatcher } from '../../src/client/dispatcher.js';
import { findSecret } from './secrets.js';

const findings: string[] = [];

function scan(text: string, where: string): void {
  const form = findSecret(text);
  if (form !== undefined && findings.length < 20) findings.push(`${where} shows ${form}: ${text}`);
}

function scanError(error: unknown, where: string): void {
  if (error instanceof Error) scan(`${String(error)}\n${error.stack ?? ''}`, where);
  else scan(String(error), where);
}

const prototype = Dispatcher.prototype;
// The originals are called with the Dispatcher as `this` (`.call(this, ...)`) below.
// eslint-disable-next-line @typescript-eslint/unbound-method
const { log, connectFailed, transportClosed, closedForGood } = prototype;
prototype.log = function scannedLog(this: Dispatcher<unknown, unknown>, level, message): void {
  scan(message, `a log line (level ${level})`);
  log.call(this, level, message);
};
prototype.connectFailed = function scannedConnectFailed(
  this: Dispatcher<unknown, unknown>,
  error,
  byLoop,
): void {
  scanError(error, 'a failed connection attempt');
  connectFailed.call(this, error, byLoop);
};
prototype.transportClosed = function scannedTransportClosed(
  this: Dispatcher<unknown, unknown>,
  reason,
): void {
  if (reason.error !== undefined) scanError(reason.error, 'the error that closed a connection');
  transportClosed.call(this, reason);
};
prototype.closedForGood = function scannedClosedForGood(this: Dispatcher<unknown, unknown>, error): void {
  scanError(error, 'the error a closed client rejects with');
  closedForGood.call(this, error);
};

/** Where this process's children report (see the file comment). */
function reportFileOf(pid: number): string {
  return join(tmpdir(), `steady-mqtt-secrets-${pid}.txt`);
}

// How test/fault/children.ts knows to preload this file into the processes it spawns, and how a child knows
// that its parent reads its report.
const parentScans = process.env.STEADY_SCAN_SECRETS_PID === String(process.ppid);
process.env.STEADY_SCAN_SECRETS_PRELOAD = fileURLToPath(import.meta.url);
process.env.STEADY_SCAN_SECRETS_PID = String(process.pid);

process.on('exit', () => {
  const own = reportFileOf(process.pid);
  try {
    findings.push(
      ...readFileSync(own, 'utf8')
        .split('\n')
        .filter((line) => line !== ''),
    );
    rmSync(own, { force: true });
  } catch {
    // No child reported.
  }
  if (findings.length === 0) return;
  const where = process.argv[1] ?? 'a test process';
  const lines = findings.map((f) => f.replaceAll('\n', ' | '));
  process.stderr.write(`\nfixture secrets seen in ${where}:\n${lines.map((l) => `  ${l}`).join('\n')}\n`);
  if (parentScans) {
    try {
      appendFileSync(reportFileOf(process.ppid), lines.map((l) => `${where}: ${l}\n`).join(''));
    } catch {
      // Best effort: the exit code below fails this process anyway.
    }
  }
  process.exitCode = 1;
});
