// Runs the existing test files (not copies) under Bun and Deno, from the devDependencies `bun` and `deno`,
// each with its own runner over the same node:test files: `bun test` and `deno test`.
// Usage: node scripts/test-runtimes.mjs [bun|deno ...]   (default both; npm run test:runtimes)
// The files left out on a runtime, and why, are listed below and in docs/runtimes.md.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The folders whose test files every runtime runs. */
const FOLDERS = ['test/packet', 'test/topic', 'test/session', 'test/client', 'test/transport', 'test/paho'];
/** Outside those folders: the store contract (MemoryStore, and SqliteStore on node:sqlite). */
const FILES = ['test/store/contract-memory.test.ts', 'test/store/contract-sqlite.test.ts'];

/** What a runtime cannot run, and why (each was run and seen to fail for that reason). */
const LEFT_OUT = {
  both: {
    // 'a blocked event loop past the ping deadline is not a false keepalive timeout': after the block, Bun and
    // Deno run the overdue ping timer before the socket's PINGRESP is read (Node reads it first), so the client
    // closes the connection as a keepalive timeout and reconnects. A real difference, documented in
    // docs/runtimes.md; the file's other cases pass there.
    'test/client/fake-broker.test.ts': 'a blocked event loop ends the connection as a ping timeout',
    // Asserts Node's exact TLS error codes and alert texts (CERT_HAS_EXPIRED, certificate-required, SNI
    // details); Bun's and Deno's node:tls report the same failures with other codes and messages.
    'test/transport/tls.test.ts': "TLS error codes and texts are Node's",
  },
  bun: {
    // Asserts that consecutive packets share the codec slab's memory in one write (an optimisation measured on
    // Node); Bun's socket copies or pools differently.
    'test/client/coalesce.test.ts': "a zero-copy detail of Node's sockets",
    // wss:// with tlsSetContext(): Bun's ws client does not take a SecureContext, so the self-signed test CA
    // is not trusted there.
    'test/client/transports.test.ts': 'ws does not take a SecureContext on Bun',
  },
  deno: {},
};

const RUNTIMES = {
  bun: (files) => ['node_modules/.bin/bun', ['test', '--timeout', '60000', ...files]],
  deno: (files) => [
    'node_modules/.bin/deno',
    ['test', '-A', '--unstable-sloppy-imports', '--no-check', '--quiet', ...files],
  ],
};

function testFiles(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...testFiles(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const chosen = process.argv.slice(2);
const names = chosen.length > 0 ? chosen : Object.keys(RUNTIMES);
let failed = false;
for (const name of names) {
  const command = RUNTIMES[name];
  if (command === undefined) throw new Error(`unknown runtime ${name}; use bun or deno`);
  const leftOut = { ...LEFT_OUT.both, ...LEFT_OUT[name] };
  const files = [...FOLDERS.flatMap(testFiles), ...FILES].filter((f) => !(f in leftOut));
  const [bin, args] = command(files);
  if (!existsSync(bin)) throw new Error(`${bin} is missing: npm ci installs it (devDependency ${name})`);
  console.log(`\n== ${name}: ${files.length} test files (left out: ${Object.keys(leftOut).join(', ')})`);
  const result = spawnSync(bin, args, { stdio: 'inherit', env: { ...process.env, NO_COLOR: '1' } });
  if (result.status !== 0) {
    console.error(`== ${name}: FAILED (exit ${result.status ?? result.signal})`);
    failed = true;
  } else console.log(`== ${name}: passed`);
}
process.exit(failed ? 1 : 0);
