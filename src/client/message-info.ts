/**
 * `MQTTMessageInfo`: the handle `publish()` returns, as Paho's class, with what Paho lacks: the broker's reason
 * code, and a `waitForPublish()` Promise that rejects on a negative acknowledgement instead of reporting success.
 */
import { MQTTErrorCode, errorString } from '../session/error-code.js';
import { bounded, checkWaitOptions, rejected, type WaitOptions } from './cancellation.js';
import { PublishError, type ClientStateError } from './errors.js';
import { Properties, PacketTypes } from './properties.js';
import type { ReasonCode } from './reason-code.js';
import type { StoreProgress } from './store-progress.js';

type Waiter = { resolve: () => void; reject: (error: PublishError | ClientStateError) => void };

export class MQTTMessageInfo {
  /** The message id: the packet identifier for QoS 1/2, a counter value for QoS 0. */
  readonly mid: number;
  /**
   * The client's return code: `MQTT_ERR_SUCCESS` when accepted, `MQTT_ERR_QUEUE_SIZE` when the queue was full,
   * `MQTT_ERR_PAYLOAD_SIZE` when too large for the broker; it changes if the message is later dropped.
   */
  rc: MQTTErrorCode;
  /** The broker's reason code once acknowledged (a made-up Success for QoS 0, as Paho). */
  reasonCode: ReasonCode | undefined;
  #properties: Properties | undefined;
  #published = false;
  #failure: PublishError | undefined;
  /** Made on the first `waitForPublish()`: most handles are never waited on. */
  #waiters: Waiter[] | undefined;
  /** Set while the store has not committed this message: its progress, and the count that includes it. */
  #storeProgress: StoreProgress | undefined;
  #storeMark = 0;
  /** The client refused the message at `publish()` (queue full, too large): it was never stored. */
  readonly #refused: PublishError | undefined;

  constructor(mid: number, rc: MQTTErrorCode) {
    this.mid = mid;
    this.rc = rc;
    if (rc !== MQTTErrorCode.MQTT_ERR_SUCCESS) this.#failure = this.#refused = this.#rcError(rc);
  }

  /**
   * True when the message was published at QoS 2 and the broker answered with PUBACK instead of PUBREC (RabbitMQ
   * 3.10, which has no QoS 2): it took the message at QoS 1, so it was delivered at least once, not exactly once.
   * The publish still completes (`isPublished()` true, `reasonCode` the PUBACK's); the client logs a warning.
   */
  readonly downgraded: boolean = false;

  /** The acknowledgement's properties (MQTT 5), once acknowledged (empty until then: made on first read). */
  get properties(): Properties {
    return (this.#properties ??= new Properties(PacketTypes.PUBACK));
  }

  set properties(properties: Properties) {
    this.#properties = properties;
  }

  /**
   * True once the message is published: QoS 0 written, QoS 1 PUBACKed, QoS 2 PUBCOMPed, each with a success
   * code. False while in progress.
   * @throws PublishError when the publish failed (queue full, dropped, refused by the broker), as Paho raises.
   */
  isPublished(): boolean {
    if (this.#failure !== undefined) throw this.#failure;
    return this.#published;
  }

  /**
   * Resolves once the message is published (see `isPublished()`). Rejects with a `PublishError` carrying the
   * broker's `reasonCode` on a negative acknowledgement, or `rc` when the client did not accept or dropped it
   * (`MQTT_ERR_QUEUE_SIZE`...); with a `TimeoutError` after `timeoutMs` (a number, or `{ timeoutMs }`); with the
   * signal's reason when `{ signal }` aborts; with a `ClientStateError` when the client is closed for good
   * first. A timeout or an abort only stops the waiting: a QoS 1/2 message stays in the session. Needs a
   * running loop (`loopStart`, `loopForever`, or calls to `loop()`) to make progress.
   */
  waitForPublish(wait?: number | WaitOptions): Promise<void> {
    let options: WaitOptions;
    try {
      options = checkWaitOptions(typeof wait === 'number' ? { timeoutMs: wait } : wait, 'waitForPublish()');
    } catch (error) {
      return rejected(error);
    }
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#published) return Promise.resolve();
    let waiter: Waiter | undefined;
    const published = new Promise<void>((resolve, reject) => {
      waiter = { resolve, reject };
      (this.#waiters ??= []).push(waiter);
    });
    return bounded(published, options, `the publish of message ${this.mid}`, () => {
      this.#waiters = this.#waiters?.filter((w) => w !== waiter);
    });
  }

  /**
   * Resolves once the session store has committed the message (with `IndexedDbStore`: its transaction's
   * `complete` event): from then on it survives the page, or the process, going away, and is sent again by the
   * next client on the same store and session until the broker acknowledges it. At once for a QoS 0 message
   * (never stored) and with `SqliteStore` (stored before `publish()` returned); with `MemoryStore`, whose
   * operations for a message queued behind the window wait for the commit at the end of the turn
   * (`Store.volatile`), after that commit. Rejects with the `StoreError` when the store failed first (the
   * message is then not stored: it
   * is lost if the page closes), with a `PublishError` when the client did not accept the message, and as
   * `waitForPublish()` on a timeout or an abort, which only stop the waiting.
   */
  waitForStored(wait?: number | WaitOptions): Promise<void> {
    let options: WaitOptions;
    try {
      options = checkWaitOptions(typeof wait === 'number' ? { timeoutMs: wait } : wait, 'waitForStored()');
    } catch (error) {
      return rejected(error);
    }
    if (this.#refused !== undefined) return Promise.reject(this.#refused);
    const progress = this.#storeProgress;
    if (progress === undefined) return Promise.resolve();
    if (this.#storeMark <= progress.applied) {
      this.#storeProgress = undefined; // committed: nothing to keep
      return Promise.resolve();
    }
    const { promise, cancel } = progress.whenApplied(this.#storeMark);
    return bounded(promise, options, `the store's commit of message ${this.mid}`, cancel);
  }

  /** @internal The client: the store has not committed the message yet; `mark` counts its operations in. */
  trackStore(progress: StoreProgress): void {
    if (this.#refused === undefined && progress.queued > progress.applied) {
      this.#storeProgress = progress;
      this.#storeMark = progress.queued;
    }
  }

  /**
   * @internal The client is closed for good: the waiters are rejected with `error`. The handle itself is not
   * settled (a QoS 1/2 message stays in the session, and may yet be published by a later connection).
   */
  rejectWaiters(error: ClientStateError): void {
    const waiters = this.#waiters;
    this.#waiters = undefined;
    waiters?.forEach((waiter) => waiter.reject(error));
  }

  /** Paho 1.x code unpacks the result as `(rc, mid)`. */
  *[Symbol.iterator](): Iterator<number> {
    yield this.rc;
    yield this.mid;
  }

  /** @internal The client records the acknowledgement (or QoS 0 write). */
  settleAcknowledged(reasonCode: ReasonCode, properties: Properties, downgraded?: boolean): void {
    if (this.#published || this.#failure !== undefined) return;
    // Set once, when the acknowledgement arrives: read-only for the application.
    (this as { downgraded: boolean }).downgraded = downgraded === true;
    this.reasonCode = reasonCode;
    this.properties = properties;
    if (reasonCode.isFailure) {
      this.#failure = new PublishError(`the broker refused message ${this.mid}: ${reasonCode.getName()}`, {
        mid: this.mid,
        reasonCode,
      });
      const failure = this.#failure;
      this.#waiters?.forEach((waiter) => waiter.reject(failure));
    } else {
      this.#published = true;
      this.#waiters?.forEach((waiter) => waiter.resolve());
    }
    this.#waiters = undefined;
  }

  /** @internal The client records that the message was dropped without being published. */
  settleDropped(rc: MQTTErrorCode): void {
    if (this.#published || this.#failure !== undefined) return;
    this.rc = rc;
    const failure = this.#rcError(rc);
    this.#failure = failure;
    this.#waiters?.forEach((waiter) => waiter.reject(failure));
    this.#waiters = undefined;
  }

  #rcError(rc: MQTTErrorCode): PublishError {
    return new PublishError(`message ${this.mid} was not published: ${errorString(rc)}`, {
      mid: this.mid,
      rc,
    });
  }
}
