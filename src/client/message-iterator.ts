/**
 * The bounded async iterator behind `Client.messages()`: messages are pushed by the client's dispatch and
 * pulled with `for await`. When the consumer falls behind by more than `limit` messages the oldest one is
 * dropped (and reported), so a stalled consumer cannot grow memory without bound.
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
  readonly #filter: ((topic: string) => boolean) | undefined;
  #buffer: MQTTMessage[] = [];
  #pulls: ((result: IteratorResult<MQTTMessage>) => void)[] = [];
  #done = false;
  readonly #wait: WaitOptions;
  readonly #onAbort = (): void => this.end();

  constructor(options: {
    limit: number;
    filter?: (topic: string) => boolean;
    onDrop: (message: MQTTMessage) => void;
    onEnd: (iterator: MessageIterator) => void;
    /** Checked by `checkWaitOptions()`. */
    wait?: WaitOptions;
  }) {
    this.#limit = options.limit;
    this.#filter = options.filter;
    this.#onDrop = options.onDrop;
    this.#onEnd = options.onEnd;
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
    if (this.#buffer.length > this.#limit) {
      const dropped = this.#buffer.shift();
      if (dropped !== undefined) this.#onDrop(dropped);
    }
  }

  /** Ends the iteration once the buffered messages are consumed. */
  end(): void {
    if (this.#done) return;
    this.#done = true;
    this.#wait.signal?.removeEventListener('abort', this.#onAbort);
    for (const pull of this.#pulls) pull({ value: undefined, done: true });
    this.#pulls = [];
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
    const message = this.#buffer.shift();
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
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<MQTTMessage> {
    return this;
  }
}
