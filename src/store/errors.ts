/**
 * The store's error. Every `Store` implementation throws (or rejects with) a `StoreError` when it cannot do what
 * was asked: the disk is full, the file is locked or corrupt, the store is closed, a batch of ops is invalid.
 * The client reports it to the user and stops accepting new QoS 1/2 messages; it never falls back to memory.
 */
import { MqttError } from '../errors.js';

/** A session store failed. Code `ERR_MQTT_STORE`; `cause` holds the underlying error when there is one. */
export class StoreError extends MqttError {
  /**
   * The `code` of the underlying error when it has a string one: `SQLITE_FULL`, `SQLITE_BUSY`, `SQLITE_CORRUPT`,
   * `SQLITE_NOTADB`, `SQLITE_CANTOPEN`, `MODULE_NOT_FOUND`... `undefined` otherwise.
   */
  readonly causeCode: string | undefined;

  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_MQTT_STORE', message, options);
    this.causeCode = codeOf(options?.cause);
  }
}

function codeOf(cause: unknown): string | undefined {
  if (typeof cause === 'object' && cause !== null && 'code' in cause) {
    return typeof cause.code === 'string' ? cause.code : undefined;
  }
  return undefined;
}
