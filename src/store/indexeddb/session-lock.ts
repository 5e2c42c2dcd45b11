/**
 * One tab per session: `IndexedDbStore` holds a Web Lock (`navigator.locks`) named after the database and the
 * session key while it uses the session, so a second tab of the same origin opening the same session is refused
 * (`SessionLockedError`) instead of interleaving its writes with the first tab's. The lock is released by
 * `close()`, and by the browser when the tab that holds it closes, reloads or crashes.
 */
import { StoreError } from '../errors.js';

/**
 * The session is in use by another tab or worker of the same origin (it holds the session's Web Lock). Nothing
 * was read or written; the store stays usable for other sessions. Close the other tab (or its client) and retry.
 */
export class SessionLockedError extends StoreError {
  /** The Web Lock's name: `steady-mqtt:<database>:<session key>`. */
  readonly lockName: string;

  constructor(lockName: string) {
    super(
      `the session is in use by another tab or worker (Web Lock '${lockName}' is held): ` +
        'one session key can be used by one page at a time',
    );
    this.name = 'SessionLockedError';
    this.lockName = lockName;
  }
}

/** The part of the Web Locks API the store uses (`navigator.locks`). */
export interface SessionLockManager {
  request(
    name: string,
    options: { ifAvailable: boolean },
    callback: (lock: unknown) => Promise<void> | undefined,
  ): Promise<unknown>;
}

/** A held lock: `release()` lets it go and resolves once the lock manager has released it. */
export interface HeldLock {
  release(): Promise<void>;
}

/** The lock name of a session. */
export function lockName(database: string, key: string): string {
  return `steady-mqtt:${database}:${key}`;
}

/**
 * Takes the lock `name` if no one holds it. Rejects with `SessionLockedError` when another holder has it, with a
 * `StoreError` when the lock manager fails.
 */
export function acquireLock(locks: SessionLockManager, name: string): Promise<HeldLock> {
  return new Promise((resolve, reject) => {
    let releaseLock: () => void = () => undefined;
    const held = new Promise<void>((release) => (releaseLock = release));
    let request: Promise<unknown>;
    try {
      request = locks.request(name, { ifAvailable: true }, (lock) => {
        if (lock === null) {
          reject(new SessionLockedError(name));
          return undefined;
        }
        resolve({
          release: () => {
            releaseLock();
            return request.then(
              () => undefined,
              () => undefined,
            );
          },
        });
        return held; // the lock is held until this settles
      });
    } catch (error) {
      reject(new StoreError(`cannot take the Web Lock '${name}'`, { cause: error }));
      return;
    }
    request.catch((error: unknown) =>
      reject(new StoreError(`cannot take the Web Lock '${name}'`, { cause: error })),
    );
  });
}

/** The runtime's lock manager (`navigator.locks`), or undefined where there is none (Node 20). */
export function defaultLockManager(): SessionLockManager | undefined {
  const nav = (globalThis as { navigator?: { locks?: SessionLockManager } }).navigator;
  return nav?.locks;
}
