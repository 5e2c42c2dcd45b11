/**
 * The bounded async iterator behind `Client.messages()`: messages are pushed by the client's dispatch and
 * pulled with `for await`. A QoS 1 or 2 message is never dropped: it was acknowledged to the broker when it
 * was dispatched, so dropping it would lose it. Instead, while `limit` messages wait here the iterator is
 * `full`, and the client stops reading the connection (`onFullChange`) until the consumer pulls: the broker's
 * flood waits in TCP's buffers and the broker's queue. What was already read when reading stopped is kept
 * too, so the buffer can exceed `limit` by one socket read's messages. Past `limit`, the oldest QoS 0
 * message is dropped (and reported): QoS 0 promises nothing, and a consumer that is behind gets newer ones.
 *
 * A `signal` ends the iteration when it aborts (a `next()` waiting then rejects with its reason); `timeoutMs`
 * bounds each `next()` that has to wait (it rejects with a `TimeoutError`; the iterator stays usable). Both may
 * also be given to one `next({ signal, timeoutMs })`.
 */
import { bounded, checkWaitOptions, rejected, type WaitOptions } from './cancellation.js';
import type { MQTTMessage } from './mqtt-message.js';

export class MessageIterator implements AsyncIterableIterator<MQTTMessage> {
  readonly #limit: number;
  readonly #onDrop: (message: MQTTMessage) => void;
  readonly #onEnd: (iterator: MessageIterator) => void;
  readonly #onFullChange: (iterator: MessageIterator) => void;
  readonly #filter: ((topic: string) => boolean) | undefined;
  #buffer: MQTTMessage[] = [];
  /** QoS 0 messages in `#buffer` (the only ones that may be dropped); skips the search when there are none. */
  #bufferedQos0 = 0;
  #full = false;
  #pulls: ((result: IteratorResult<MQTTMessage>) => void)[] = [];
  #done = false;
  readonly #wait: WaitOptions;
  readonly #onAbort = (): void => this.end();

  constructor(options: {
    limit: number;
    filter?: (topic: string) => boolean;
    onDrop: (message: MQTTMessage) => void;
    onEnd: (iterator: MessageIterator) => void;
    /** Called when `full` changes. */
    onFullChange: (iterator: MessageIterator) => void;
    /** Checked by `checkWaitOptions()`. */
    wait?: WaitOptions;
  }) {
    this.#limit = options.limit;
    this.#filter = options.filter;
    this.#onDrop = options.onDrop;
    this.#onEnd = options.onEnd;
    this.#onFullChange = options.onFullChange;
    this.#wait = options.wait ?? {};
    this.#wait.signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** Offers a message; ignored when it does not match the iterator's filter or the iterator ended. */
  push(message: MQTTMessage): void {
    if (this.#done || (this.#filter !== undefined && !this.#filter(message.topic))) return;
    const pull = this.#pulls.shift();
    if (pull !== undefined) {
      pull({ value: message, done: false });
      return;
    }
    this.#buffer.push(message);
    if (message.qos === 0) this.#bufferedQos0++;
    if (this.#buffer.length > this.#limit && this.#bufferedQos0 > 0) {
      const at = this.#buffer.findIndex((m) => m.qos === 0);
      const [dropped] = this.#buffer.splice(at, 1);
      this.#bufferedQos0--;
      this.#onDrop(dropped);
    }
    this.#updateFull();
  }

  /** `limit` messages wait for the consumer: the client reads no more until it pulls (an ended one never is). */
  get full(): boolean {
    return this.#full;
  }

  #updateFull(): void {
    const full = !this.#done && this.#buffer.length >= this.#limit;
    if (full === this.#full) return;
    this.#full = full;
    this.#onFullChange(this);
  }

  #shift(): MQTTMessage | undefined {
    const message = this.#buffer.shift();
    if (message?.qos === 0) this.#bufferedQos0--;
    if (message !== undefined) this.#updateFull();
    return message;
  }

  /** Ends the iteration once the buffered messages are consumed. */
  end(): void {
    if (this.#done) return;
    this.#done = true;
    this.#wait.signal?.removeEventListener('abort', this.#onAbort);
    for (const pull of this.#pulls) pull({ value: undefined, done: true });
    this.#pulls = [];
    this.#updateFull();
    this.#onEnd(this);
  }

  /** The next message; `wait` (default: the iterator's) bounds the wait for one. */
  next(wait?: WaitOptions): Promise<IteratorResult<MQTTMessage>> {
    let options = this.#wait;
    if (wait !== undefined) {
      try {
        options = checkWaitOptions(wait, 'messages().next()');
      } catch (error) {
        return rejected(error);
      }
    }
    const message = this.#shift();
    if (message !== undefined) return Promise.resolve({ value: message, done: false });
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    let pull: ((result: IteratorResult<MQTTMessage>) => void) | undefined;
    const pulled = new Promise<IteratorResult<MQTTMessage>>((resolve) => {
      pull = resolve;
      this.#pulls.push(resolve);
    });
    return bounded(pulled, options, 'messages().next()', () => {
      this.#pulls = this.#pulls.filter((waiting) => waiting !== pull);
    });
  }

  /** Called by `break` in a `for await` loop: stops receiving. */
  return(): Promise<IteratorResult<MQTTMessage>> {
    this.#buffer = [];
    this.#bufferedQos0 = 0;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<MQTTMessage> {
    return this;
  }
}
