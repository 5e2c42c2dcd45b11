/**
 * The store contract on `IndexedDbStore` in Node, over fake-indexeddb (an in-memory IndexedDB): each fixture
 * has its own database name, and `reopen` opens a new store on the same database, so the suite also checks what
 * survives a close. The same suite runs in Chromium on the real IndexedDB: test/browser/store-contract.test.ts.
 */
import 'fake-indexeddb/auto';
import { IndexedDbStore } from '../../src/indexeddb.js';
import { runStoreContract } from './store-contract.js';

let databases = 0;

runStoreContract('IndexedDbStore (fake-indexeddb)', () => {
  const name = `contract-${++databases}`;
  let current = new IndexedDbStore({ name });
  return Promise.resolve({
    store: current,
    reopen: async () => {
      await current.close();
      current = new IndexedDbStore({ name });
      return current;
    },
    cleanup: async () => {
      await current.close();
      await new Promise<void>((resolve, reject) => {
        const request = indexedDB.deleteDatabase(name);
        request.onsuccess = () => resolve();
        request.onerror = () => reject(request.error ?? new Error(`cannot delete ${name}`));
      });
    },
  });
});
