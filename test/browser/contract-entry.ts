/**
 * The store contract (test/store/store-contract.ts, the same file Node runs) in a browser, on the real
 * IndexedDB: bundled by test/browser/indexeddb.test.ts with `node:test`, `node:assert/strict` and `Buffer`
 * replaced by the small shims in ./shims/. The page calls `runContract()` and reports each test's outcome.
 */
import { IndexedDbStore } from '../../src/indexeddb.js';
import { runStoreContract } from '../store/store-contract.js';
import { runRegistered } from './shims/node-test.js';

let databases = 0;

function deleteDatabase(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.deleteDatabase(name);
    request.onsuccess = () => resolve();
    request.onerror = () => reject(request.error ?? new Error(`cannot delete ${name}`));
  });
}

runStoreContract('IndexedDbStore (Chromium)', () => {
  const name = `contract-${++databases}`;
  let current = new IndexedDbStore({ name, durability: 'strict' });
  return Promise.resolve({
    store: current,
    reopen: async () => {
      await current.close();
      current = new IndexedDbStore({ name, durability: 'strict' });
      return current;
    },
    cleanup: async () => {
      await current.close();
      await deleteDatabase(name);
    },
  });
});

(globalThis as { runContract?: typeof runRegistered }).runContract = runRegistered;
