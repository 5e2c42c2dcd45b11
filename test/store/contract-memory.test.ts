import { MemoryStore } from '../../src/store/memory-store.js';
import { runStoreContract } from './store-contract.js';

runStoreContract('MemoryStore', () => {
  const store = new MemoryStore();
  return Promise.resolve({ store, cleanup: () => Promise.resolve(store.close()) });
});
