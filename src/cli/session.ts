/**
 * One CLI connection: the `Client` built from the common flags (with the SQLite store of `--persist`),
 * connected with the background loop, and three ways it can end: `done` (the command finished), `failed`
 * (lost connection, refused message, -W timeout) and a clean `close()` that disconnects and stops the loop.
 */
import type { Client } from '../client/client.js';
import { TimeoutError } from '../client/errors.js';
import type { Store } from '../store/types.js';
import { ConnectionLostError } from '../simple/errors.js';
import { createHelperClient } from '../simple/run.js';
import type { CommonConfig } from './config.js';

const CLOSE_WAIT_MS = 2_000;

/** A connected CLI client and the Promise that rejects when the run must stop with an error. */
export interface CliSession {
  readonly client: Client;
  /** Rejects on a lost connection or a timeout; never resolves. */
  readonly failure: Promise<never>;
  /** Ends the run with an error (e.g. a refused subscription). */
  fail(error: Error): void;
  /** Disconnects (with the -D disconnect properties) and stops the loop; bounded. */
  close(): Promise<void>;
}

async function openStore(path: string): Promise<Store> {
  const { SqliteStore } = await import('../sqlite.js');
  return new SqliteStore(path);
}

/**
 * Builds the client and connects. Rejects with the client's `ConnectionRefusedError` (the broker's reason),
 * `ConnectionError` (unreachable), `TimeoutError` (-W) or a store error.
 */
export async function openSession(config: CommonConfig, name: string): Promise<CliSession> {
  const store = config.persist === undefined ? undefined : await openStore(config.persist);
  const connection = { ...config.connection, clientOptions: store === undefined ? {} : { store } };
  const client = createHelperClient(connection, { name, cleanSession: config.cleanSession });
  let closing = false;
  let reject: (error: Error) => void = () => undefined;
  const failure = new Promise<never>((_resolve, rejectFailure) => {
    reject = rejectFailure;
  });
  failure.catch(() => undefined);
  const timer =
    config.timeoutMs === undefined
      ? undefined
      : setTimeout(() => reject(new TimeoutError('Timed out')), config.timeoutMs);
  const { hostname = 'localhost', port = 1883 } = config.connection;
  client.onDisconnect = (_c, _u, flags, reasonCode) => {
    if (!closing)
      reject(new ConnectionLostError(hostname, port, reasonCode, flags.isDisconnectPacketFromServer));
  };
  const session: CliSession = {
    client,
    failure,
    fail: (error) => reject(error),
    close: async () => {
      closing = true;
      if (timer !== undefined) clearTimeout(timer);
      let wait: ReturnType<typeof setTimeout> | undefined;
      const closed = client
        .disconnectAndWait(0, config.properties.disconnect)
        .then(() => true)
        .catch(() => true);
      const late = new Promise<boolean>((resolve) => {
        wait = setTimeout(() => resolve(false), CLOSE_WAIT_MS);
      });
      const clean = await Promise.race([closed, late]);
      clearTimeout(wait);
      client.loopStop();
      if (!clean) client.reinitialise();
      await store?.close();
    },
  };
  client.loopStart();
  try {
    const { hostname: host = 'localhost', keepalive = 60, cleanStart, connectProperties } = config.connection;
    await Promise.race([
      client.connectAndWait(host, port, keepalive, '', 0, cleanStart, connectProperties),
      failure,
    ]);
  } catch (error) {
    await session.close();
    throw error;
  }
  return session;
}
