import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type BetterSqlite3 from 'better-sqlite3';
import { SqliteStore, StoreError, type SqliteDurability } from '../../src/sqlite.js';
import { loadBetterSqlite3 } from '../../src/store/sqlite/better-sqlite3-driver.js';
import type { StoreOp } from '../../src/store/types.js';

const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'steady-mqtt-sqlite-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of dirs) {
    try {
      chmodSync(dir, 0o700);
    } catch {
      // already gone
    }
    rmSync(dir, { recursive: true, force: true });
  }
});

function put(seq: number, packetId: number): StoreOp {
  const payload = new Uint8Array([seq & 0xff]);
  return {
    kind: 'putOutgoing',
    record: { seq, packetId, qos: 1, topic: 't', payload, retain: false, state: 'sent' },
  };
}

function storeError(pattern: RegExp, causeCode?: string): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof StoreError, `expected a StoreError, got ${String(err)}`);
    assert.equal(err.code, 'ERR_MQTT_STORE');
    assert.match(err.message, pattern);
    if (causeCode !== undefined) assert.equal(err.causeCode, causeCode);
    return true;
  };
}

void describe('SqliteStore', () => {
  void test('survives SIGKILL of its process right after apply() returned: every reported batch, none torn', async () => {
    const dir = tempDir();
    const path = join(dir, 'killed.db');
    const batchSize = 10;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(fixtures, 'sqlite-kill-child.ts'), path, String(batchSize)],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let reported = 0;
    let buffered = '';
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_code, signal) => resolve(signal)),
    );
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) reported = Math.max(reported, Number(line));
      if (reported >= 200) child.kill('SIGKILL');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const signal = await exited;
    clearTimeout(timer);
    assert.equal(signal, 'SIGKILL');
    assert.ok(reported >= 200, `the child reported ${reported} batches before it died`);
    assert.ok(existsSync(`${path}-wal`), 'the commits were still in the WAL (no clean close)');

    const store = new SqliteStore(path);
    try {
      const { outgoing, incomingQos2 } = store.load('killed');
      const perBatch = new Map<string, number>();
      for (const r of outgoing) perBatch.set(r.topic, (perBatch.get(r.topic) ?? 0) + 1);
      for (let b = 1; b <= reported; b++)
        assert.equal(perBatch.get(`b/${b}`), batchSize, `batch ${b} is complete`);
      for (const [topic, n] of perBatch) assert.equal(n, batchSize, `${topic} is whole (atomic), not torn`);
      assert.ok(incomingQos2.length >= reported);
      assert.deepEqual(
        outgoing.map((r) => r.seq),
        outgoing.map((_, i) => i + 1),
        'seq order, no gap',
      );
    } finally {
      store.close();
    }
  });

  void test('a corrupt file gives a StoreError (garbage file, and damaged pages of a real store)', () => {
    const dir = tempDir();
    const garbage = join(dir, 'garbage.db');
    writeFileSync(garbage, Buffer.alloc(16384, 0x5a));
    assert.throws(
      () => new SqliteStore(garbage),
      storeError(/cannot open the session store .*not a database/, 'SQLITE_NOTADB'),
    );

    const damaged = join(dir, 'damaged.db');
    const store = new SqliteStore(damaged);
    store.apply(
      'k',
      Array.from({ length: 200 }, (_, i) => put(i + 1, i + 1)),
    );
    store.close();
    const bytes = readFileSync(damaged);
    bytes.fill(0xff, 4096); // every page but the first (the header and sqlite_schema)
    writeFileSync(damaged, bytes);
    assert.throws(
      () => {
        const s = new SqliteStore(damaged);
        try {
          s.load('k');
        } finally {
          s.close();
        }
      },
      storeError(/malformed|corrupt/i),
    );
  });

  void test('a missing folder gives a StoreError; so does a read-only one (/proc, and a chmod 500 folder unless root)', (t) => {
    const dir = tempDir();
    assert.throws(
      () => new SqliteStore(join(dir, 'no', 'such', 'dir', 'x.db')),
      storeError(/cannot open the session store/),
    );
    if (process.platform === 'linux') {
      // Writable by nobody, root included.
      assert.throws(
        () => new SqliteStore('/proc/steady-mqtt-test.db'),
        storeError(/cannot open/, 'SQLITE_CANTOPEN'),
      );
    }
    if (process.getuid?.() === 0) {
      t.diagnostic('running as root: a chmod 500 folder is writable anyway, that part is not checked');
      return;
    }
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    chmodSync(ro, 0o500);
    assert.throws(() => new SqliteStore(join(ro, 'x.db')), storeError(/cannot open the session store/));
  });

  void test('a database that is not a session store, or from a newer version, is refused', () => {
    const dir = tempDir();
    const foreign = join(dir, 'foreign.db');
    const raw = new Database(foreign);
    raw.exec('CREATE TABLE users (id INTEGER PRIMARY KEY)');
    raw.close();
    assert.throws(() => new SqliteStore(foreign), storeError(/not a steady-mqtt session store/));

    const future = join(dir, 'future.db');
    new SqliteStore(future).close();
    const raw2 = new Database(future);
    raw2.prepare(`UPDATE steady_mqtt_meta SET value = '99' WHERE name = 'schema_version'`).run();
    raw2.close();
    assert.throws(
      () => new SqliteStore(future),
      storeError(/newer steady-mqtt \(session store schema version 99; this version reads up to 1\)/),
    );
  });

  void test('durability settings reach SQLite (WAL, synchronous, busy timeout); the default is normal', () => {
    const dir = tempDir();
    const expected: Record<SqliteDurability, number> = { off: 0, normal: 1, full: 2 };
    for (const durability of ['off', 'normal', 'full'] as const) {
      const store = new SqliteStore(join(dir, `${durability}.db`), { durability, busyTimeoutMs: 1234 });
      assert.deepEqual(store.settings(), {
        journalMode: 'wal',
        synchronous: expected[durability],
        busyTimeoutMs: 1234,
        schemaVersion: 1,
      });
      assert.equal(store.durability, durability);
      store.close();
    }
    const byDefault = new SqliteStore(join(dir, 'default.db'));
    assert.deepEqual(byDefault.settings(), {
      journalMode: 'wal',
      synchronous: 1,
      busyTimeoutMs: 5000,
      schemaVersion: 1,
    });
    byDefault.close();
    // WAL is a property of the file: another connection sees it.
    const raw = new Database(join(dir, 'default.db'));
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    raw.close();
    assert.throws(
      () => new SqliteStore(join(dir, 'x.db'), { durability: 'extra' as 'full' }),
      storeError(/durability extra/),
    );
    assert.throws(
      () => new SqliteStore(join(dir, 'x.db'), { busyTimeoutMs: -1 }),
      storeError(/busyTimeoutMs/),
    );
  });

  void test('one file, several keys, two stores on it at once; listSessions and deleteSession', () => {
    const path = join(tempDir(), 'shared.db');
    const one = new SqliteStore(path);
    const two = new SqliteStore(path);
    try {
      const identity = {
        broker: 'mqtt://localhost:1883',
        clientId: 'alpha',
        protocolVersion: 5 as const,
        sessionExpiryInterval: 60,
      };
      for (let i = 1; i <= 20; i++) {
        one.apply('alpha', [put(i, i)]);
        two.apply('beta', [put(i, i), { kind: 'putIncoming', packetId: i }]);
      }
      one.apply('alpha', [{ kind: 'setIdentity', identity }]);
      two.apply('gamma', [{ kind: 'putSubscription', subscription: { topicFilter: '#', qos: 1 } }]);
      assert.equal(two.load('alpha').outgoing.length, 20);
      assert.equal(one.load('beta').incomingQos2.length, 20);
      assert.deepEqual(one.listSessions(), [
        { key: 'alpha', identity, outgoing: 20, incomingQos2: 0, subscriptions: 0 },
        { key: 'beta', outgoing: 20, incomingQos2: 20, subscriptions: 0 },
        { key: 'gamma', outgoing: 0, incomingQos2: 0, subscriptions: 1 },
      ]);
      assert.equal(two.deleteSession('beta'), true);
      assert.equal(two.deleteSession('beta'), false);
      assert.deepEqual(
        one.listSessions().map((s) => s.key),
        ['alpha', 'gamma'],
      );
      assert.equal(one.load('alpha').outgoing.length, 20);
    } finally {
      one.close();
      two.close();
    }
  });

  void test('a file locked by another connection gives a StoreError (SQLITE_BUSY) after busyTimeoutMs, then works', () => {
    const path = join(tempDir(), 'locked.db');
    const store = new SqliteStore(path, { busyTimeoutMs: 50 });
    const other = new Database(path);
    try {
      other.exec('BEGIN IMMEDIATE');
      other.prepare(`INSERT INTO incoming_qos2 (session_key, packet_id) VALUES ('k', 1)`).run();
      assert.throws(
        () => store.apply('k', [put(1, 1)]),
        storeError(/could not apply 1 op\(s\) to session "k".*locked/, 'SQLITE_BUSY'),
      );
      other.exec('ROLLBACK');
      store.apply('k', [put(1, 1)]);
      assert.equal(store.load('k').outgoing.length, 1);
    } finally {
      other.close();
      store.close();
    }
  });

  void test('a statement failing inside the transaction (simulated disk error) rolls the whole batch back', () => {
    const path = join(tempDir(), 'trigger.db');
    const store = new SqliteStore(path);
    try {
      store.apply('k', [put(1, 1), { kind: 'putIncoming', packetId: 5 }]);
      const before = store.load('k');
      const raw = new Database(path);
      raw.exec(`CREATE TRIGGER fail BEFORE INSERT ON incoming_qos2 WHEN NEW.packet_id = 666
                BEGIN SELECT RAISE(ABORT, 'simulated failure'); END`);
      raw.close();
      const batch: StoreOp[] = [
        { kind: 'deleteOutgoing', packetId: 1 },
        put(2, 2),
        { kind: 'putIncoming', packetId: 666 },
      ];
      assert.throws(
        () => store.apply('k', batch),
        storeError(/simulated failure/, 'SQLITE_CONSTRAINT_TRIGGER'),
      );
      assert.deepEqual(store.load('k'), before);
    } finally {
      store.close();
    }
  });

  void test('every method but close() throws a StoreError once closed; close() is idempotent', () => {
    const store = new SqliteStore(join(tempDir(), 'closed.db'));
    store.close();
    store.close();
    assert.throws(() => store.apply('k', [put(1, 1)]), storeError(/apply\(\) on a closed SqliteStore/));
    assert.throws(() => store.load('k'), storeError(/load\(\) on a closed SqliteStore/));
    assert.throws(() => store.listSessions(), storeError(/closed/));
    assert.throws(() => store.deleteSession('k'), storeError(/closed/));
    assert.throws(() => store.settings(), storeError(/closed/));
  });

  void test('a missing better-sqlite3 is a StoreError that says what to install', () => {
    assert.throws(
      () => loadBetterSqlite3('better-sqlite3-that-is-not-installed'),
      storeError(/npm install better-sqlite3@12/, 'MODULE_NOT_FOUND'),
    );
    assert.equal(typeof loadBetterSqlite3(), 'function');
  });

  void test('better-sqlite3 is loaded by the first new SqliteStore, not by importing', async () => {
    const imports = [
      join(repoRoot, 'src/store/types.ts'),
      join(repoRoot, 'src/store/memory-store.ts'),
      join(repoRoot, 'src/index.ts'),
    ];
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(fixtures, 'lazy-load-child.ts'), ...imports.filter((f) => existsSync(f))],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (out += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(code, 0);
    const report = JSON.parse(out) as Record<string, boolean>;
    for (const [step, loaded] of Object.entries(report))
      assert.equal(loaded, step === 'after new SqliteStore', step);
  });
});
