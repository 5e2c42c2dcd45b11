/**
 * What `IndexedDbStore` does beyond the shared contract (contract-indexeddb.test.ts), in Node over
 * fake-indexeddb: the session lock (here over a small lock manager with the Web Locks `ifAvailable` semantics;
 * the real `navigator.locks` is tested with two Chromium pages in test/browser/indexeddb.test.ts), a database
 * deleted under the store, and its options.
 */
import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  IndexedDbStore,
  SessionLockedError,
  StoreError,
  type SessionLockManager,
} from '../../src/indexeddb.js';

/** Web Locks' exclusive `ifAvailable` requests: the callback gets null when the name is held. */
class Locks implements SessionLockManager {
  readonly held = new Set<string>();

  request(
    name: string,
    _options: { ifAvailable: boolean },
    callback: (lock: unknown) => Promise<void> | undefined,
  ): Promise<unknown> {
    if (this.held.has(name)) return Promise.resolve(callback(null));
    this.held.add(name);
    const done = Promise.resolve(callback({ name }));
    return done.finally(() => this.held.delete(name));
  }
}

let databases = 0;
const freshName = (): string => `indexeddb-store-${++databases}`;

void describe('IndexedDbStore', () => {
  void it('holds a lock per session: a second store on the same session is refused until the first closes', async () => {
    const locks = new Locks();
    const name = freshName();
    const first = new IndexedDbStore({ name, locks });
    await first.apply('c1', [{ kind: 'putIncoming', packetId: 7 }]);
    assert.deepEqual([...locks.held], [`steady-mqtt:${name}:c1`]);
    const second = new IndexedDbStore({ name, locks });
    await assert.rejects(second.load('c1'), (error: unknown) => {
      assert.ok(error instanceof SessionLockedError && error instanceof StoreError);
      assert.equal(error.code, 'ERR_MQTT_STORE');
      assert.equal(error.lockName, `steady-mqtt:${name}:c1`);
      assert.match(error.message, /in use by another tab/);
      return true;
    });
    await assert.rejects(second.apply('c1', [{ kind: 'putIncoming', packetId: 8 }]), SessionLockedError);
    // Another session of the same database is free.
    assert.deepEqual((await second.load('c2')).incomingQos2, []);
    await first.close();
    assert.deepEqual((await second.load('c1')).incomingQos2, [7], 'nothing of the refused batch was written');
    await second.close();
    assert.equal(locks.held.size, 0);
  });

  void it('fails every later call once the database is deleted under it (never keeps going in memory)', async () => {
    const name = freshName();
    const store = new IndexedDbStore({ name, locks: null });
    await store.apply('c', [{ kind: 'putIncoming', packetId: 1 }]);
    await new Promise<void>((resolve, reject) => {
      const request = indexedDB.deleteDatabase(name);
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error ?? new Error('delete failed'));
    });
    await assert.rejects(store.apply('c', [{ kind: 'putIncoming', packetId: 2 }]), StoreError);
    await assert.rejects(store.load('c'), /deleted or upgraded elsewhere/);
    await store.close();
  });

  void it('batches given before the session is read in commit in order', async () => {
    const name = freshName();
    const store = new IndexedDbStore({ name, locks: null });
    const writes = [1, 2, 3].map((i) =>
      store.apply('c', [
        { kind: 'deleteIncoming', packetId: i - 1 || 9 },
        { kind: 'putIncoming', packetId: i },
      ]),
    );
    await Promise.all(writes);
    await store.close();
    const reopened = new IndexedDbStore({ name, locks: null });
    assert.deepEqual((await reopened.load('c')).incomingQos2, [3]);
    await reopened.close();
  });

  void it('refuses bad options with a StoreError', () => {
    assert.throws(
      () => new IndexedDbStore({ durability: 'sometimes' as 'strict' }),
      (error: unknown) => error instanceof StoreError && /durability/.test(error.message),
    );
    assert.throws(() => new IndexedDbStore({ name: '' }), StoreError);
    const store = new IndexedDbStore();
    assert.equal(store.name, 'steady-mqtt');
    assert.equal(store.durability, 'relaxed');
  });
});
