/**
 * `EngineDriver`: runs the session engine's loop over one transport at a time (see the header of
 * `src/session/types.ts`). For every input: take the engine's output, apply its store operations (awaiting an
 * asynchronous store; nothing is written before the store holds it), write its bytes (batched: one transport
 * write per burst of calls), hand its events to the client, and re-arm one timer for the next deadline.
 *
 * Two dispatch modes:
 *   - live (`loopStart`, `loopForever`): bytes are fed to the engine as they arrive, events are handed over at
 *     once, and the engine's deadline drives a timer;
 *   - held (before a loop runs, manual `loop()`, external loops): incoming bytes are buffered and events held
 *     until `processHeld()` (which `loop()` / `loopRead()` call); no timer runs, `loopMisc()` ticks.
 *
 * The driver never parses or builds packets and never calls user callbacks: it hands typed events (`DriverEvent`)
 * to its one consumer, the `Connection`.
 */
import type { Properties as PacketProperties } from '../packet/types.js';
import type { SessionEngine, SessionEvent, SessionOutput } from '../session/types.js';
import { StoreError } from '../store/errors.js';
import type { Store, StoreOp } from '../store/types.js';
import type { ClientDiagnostics } from '../transport/diagnostics-channels.js';
import { ConnectionError } from '../transport/errors.js';
import type { Transport, TransportOptions } from '../transport/transport.js';
import { isPromise } from './async.js';
import { coalesce } from './coalesce.js';
import type { Runtime, TimerHandle } from './runtime.js';
import { StoreProgress } from './store-progress.js';

/** Why a connection ended, as the engine said it (or 0x80 "Unspecified error" for a lost connection). */
export interface CloseReason {
  reasonCode: number;
  properties: PacketProperties;
  fromServer: boolean;
  /** The engine's protocol error or the transport's error, if any. */
  error: Error | undefined;
}

/**
 * What the driver hands to its consumer, in order. The engine's events and `transport-closed` are held in held
 * mode (until `processHeld()`); the others are handed over at once, whatever the mode.
 */
export type DriverEvent =
  | Exclude<SessionEvent, { type: 'close' }>
  /** The transport closed: the end of the connection for the callbacks (`onDisconnect`) and the loops. */
  | { type: 'transport-closed'; reason: CloseReason }
  /** At once: a transport opened; the engine is told next (and emits CONNECT). */
  | { type: 'transport-opened'; transport: Transport }
  /** At once: the transport is gone (its `transport-closed` may still be held). */
  | { type: 'transport-down' }
  /** At once: outgoing bytes are waiting for `flushWrites()` (external loops: Paho's register-write). */
  | { type: 'writes-pending' }
  /** At once: the waiting bytes were written (Paho's unregister-write). */
  | { type: 'writes-flushed' }
  /** At once: a store operation failed; the connection is closed so nothing unrecorded reaches the broker. */
  | { type: 'store-failed'; error: unknown }
  /** At once: an exception escaped the engine or the consumer while handling a socket or timer event. */
  | { type: 'internal-error'; error: unknown };

/** The driver's own counts, for `Client.stats()`. */
export interface DriverCounters {
  bytesSent: number;
  bytesReceived: number;
  storeBatches: number;
  storeOps: number;
  /** Time spent in (or waiting for) `store.apply()`, in milliseconds. */
  storeTimeMs: number;
}

/** A monotonic clock with sub-millisecond resolution, for the store's time (`performance` is in every runtime). */
const monotonicMs = (): number => performance.now();

/** The one consumer of the driver's events. */
export interface DriverConsumer {
  /** One event; called in order, never re-entrantly for the same batch. */
  handle(event: DriverEvent): void;
}

/** Incoming bytes buffered in held mode before the transport is paused. */
const HELD_INPUT_LIMIT = 4 * 1024 * 1024;
/** Reason code for a connection lost without a DISCONNECT (Paho's mapping of non-server causes). */
const UNSPECIFIED_ERROR = 0x80;

export class EngineDriver {
  readonly #consumer: DriverConsumer;
  readonly #store: Store;
  readonly #runtime: Runtime;
  /** The diagnostics channels (undefined where the platform has none): packets sent and received. */
  readonly #diagnostics: ClientDiagnostics | undefined;
  #storeKey = '';
  #session: SessionEngine | undefined;
  #transport: Transport | undefined;
  #live = false;
  #holdWrites = false;
  #pumping = false;
  #storeBusy = false;
  #outbox: Uint8Array[] = [];
  #pendingOps: StoreOp[] = [];
  #pendingData: Uint8Array[] = [];
  /** Events of commands given in callbacks during pump(), handed over after the current ones. */
  #deferredEvents: SessionEvent[] = [];
  /**
   * Events held while an asynchronous store commits, from an incoming QoS 1 or 2 message on: the next QoS 2
   * message is handed over only once the id of the one before is committed (promise 4's bound, whatever the
   * store), and a QoS 1 message only once the commit under way has finished (its PUBACK would wait behind that
   * commit, acks leaving in arrival order: a page reloaded meanwhile would get the message again).
   */
  #awaitingStore: SessionEvent[] = [];
  #storeError: StoreError | undefined;
  #commitScheduled = false;
  #closeRequested = false;
  #heldInput: Uint8Array[] = [];
  #heldInputBytes = 0;
  #heldEvents: DriverEvent[] = [];
  #closeReason: CloseReason | undefined;
  #timer: TimerHandle | undefined;
  #timerDeadline: number | undefined;
  #inputWaiter: (() => void) | undefined;
  #readPaused = false;
  /** Reading stopped because the application's backlog is full (`SessionEngine.applicationBacklogFull`). */
  #backlogPaused = false;
  /** A `messages()` iterator holds its limit (set by the dispatcher): reading stops too, see `#applyBacklog`. */
  #consumerBacklogFull = false;
  #closedWaiters: (() => void)[] = [];
  /** The transport `abandonTransport()` closed, until its close is reported. */
  #abandoned: Transport | undefined;
  /** What `stats()` reports: plain counters, no allocation per message. */
  #bytesSent = 0;
  #bytesReceived = 0;
  #storeBatches = 0;
  #storeOps = 0;
  #storeTimeMs = 0;
  /** How many store operations were taken and committed (`MQTTMessageInfo.waitForStored()`). */
  readonly storeProgress = new StoreProgress();

  /**
   * The store's first failure. From then on the driver writes nothing and opens no connection, and the client
   * refuses new QoS 1/2 messages with this error: the engine's state is no longer what the store holds.
   */
  get storeError(): StoreError | undefined {
    return this.#storeError;
  }

  /** Bytes written to and read from transports, and the store's batches, operations and time (ms). */
  counters(): DriverCounters {
    return {
      bytesSent: this.#bytesSent,
      bytesReceived: this.#bytesReceived,
      storeBatches: this.#storeBatches,
      storeOps: this.#storeOps,
      storeTimeMs: this.#storeTimeMs,
    };
  }

  constructor(consumer: DriverConsumer, store: Store, runtime: Runtime, diagnostics?: ClientDiagnostics) {
    this.#consumer = consumer;
    this.#store = store;
    this.#runtime = runtime;
    this.#diagnostics = diagnostics;
  }

  /** The current time on the engine's clock (monotonic milliseconds). */
  now(): number {
    return this.#runtime.now();
  }

  get session(): SessionEngine | undefined {
    return this.#session;
  }

  /** Installs a (new) engine; only while no transport is open. */
  setSession(session: SessionEngine, storeKey: string): void {
    this.commitPending(); // what is pending belongs to the key it was made under
    this.#session = session;
    this.#storeKey = storeKey;
    session.packetObserver = this.#diagnostics?.packetReceived;
  }

  get transport(): Transport | undefined {
    return this.#transport;
  }

  /** True when events are handed over at once and the deadline timer runs. */
  get live(): boolean {
    return this.#live;
  }

  /** Switches between live and held dispatch. Going live hands over everything held, in order. */
  setLive(live: boolean): void {
    if (this.#live === live) return;
    this.#live = live;
    if (live) this.processHeld(false);
    else this.#clearTimer();
  }

  /** Holds outgoing bytes until `flushWrites()` (external loops). */
  setHoldWrites(hold: boolean): void {
    this.#holdWrites = hold;
    if (!hold && this.#outbox.length > 0) this.flushWrites();
  }

  /** True when bytes wait to be written (Paho's `want_write()`). */
  get wantWrite(): boolean {
    return this.#outbox.length > 0 || this.#pendingData.length > 0;
  }

  /** True when events or input wait for `processHeld()`. */
  get hasHeldWork(): boolean {
    return this.#heldInput.length > 0 || this.#heldEvents.length > 0;
  }

  /**
   * Opens a transport and, once open, tells the engine (which emits CONNECT). The `transport-opened` event is
   * handed over first (`onSocketOpen` runs there). Rejects with the transport's `ConnectionError`.
   */
  async open(options: Omit<TransportOptions, 'handlers'>): Promise<void> {
    const session = this.#requireSession();
    if (this.#storeError !== undefined) {
      // Never fall back to memory: a session whose store failed is not resumed from what the engine remembers.
      throw new ConnectionError(
        'the session store failed: no connection is opened; create the client again on a working store',
        { cause: this.#storeError },
      );
    }
    const transport: Transport = await this.#runtime.openTransport({
      ...options,
      handlers: {
        onData: (chunk) => this.#guard(() => this.#onData(chunk)),
        onClose: (error) => {
          if (transport === this.#transport) this.#guard(() => this.#onClose(error));
        },
        onDrain: () => this.#guard(() => this.#onDrain()),
      },
    });
    this.#transport = transport;
    this.#closeReason = undefined;
    this.#readPaused = false;
    this.#backlogPaused = false;
    this.#consumer.handle({ type: 'transport-opened', transport });
    session.connectionOpened(this.now());
    this.pump();
  }

  /** Resolves when the current transport has closed (at once when there is none). */
  whenClosed(): Promise<void> {
    if (this.#transport === undefined) return Promise.resolve();
    return new Promise((resolve) => this.#closedWaiters.push(resolve));
  }

  /**
   * Closes the transport gracefully: the pending store operations are applied and the pending bytes written
   * first (after an asynchronous store has finished).
   */
  closeTransport(): void {
    if (this.#transport === undefined) return;
    this.#closeRequested = true;
    this.#commit();
    if (this.#storeBusy) return; // closed when the store is done (see #commit)
    this.#closeRequested = false;
    this.#writeOutbox();
    this.#transport.close();
  }

  /** Closes the transport at once. */
  destroyTransport(error?: ConnectionError): void {
    this.#transport?.destroy(error);
  }

  /**
   * `reinitialise()`: closes the transport at once and drops what was held for the consumer. The connection
   * belonged to the client as it was: its close, which the transport reports later, is cleaned up here but not
   * handed over, so it cannot end a loop started after the reset.
   */
  abandonTransport(): void {
    this.#heldEvents = [];
    const transport = this.#transport;
    if (transport === undefined) return;
    this.#abandoned = transport;
    transport.destroy();
  }

  /**
   * Runs a user command on the engine, then processes its output. `arg` is handed to `command`, so that a hot
   * command (publish) can be one function made once instead of a closure per call.
   */
  run<T, A = undefined>(command: (session: SessionEngine, now: number, arg: A) => T, arg?: A): T {
    const session = this.#requireSession();
    const result = command(session, this.now(), arg as A);
    if (this.#pumping) {
      // A command given in a callback while pump() hands over events (an auto-ack, a publish in onMessage):
      // take its output now, so that it is committed before the command returns; its events follow the ones
      // being handed over, as they did when the outer pump() took them.
      const output = session.takeOutput();
      this.storeProgress.queued += output.storeOps.length;
      for (const op of output.storeOps) this.#pendingOps.push(op);
      for (const chunk of output.data) this.#pendingData.push(chunk);
      for (const event of output.events) this.#deferredEvents.push(event);
      if (output.storeOps.length > 0 || output.data.length > 0) this.#scheduleCommit();
    } else {
      this.pump();
    }
    // What a command implies is in a durable store when it returns (its bytes still go out with the burst): a
    // message accepted by publish() survives a crash from then on (design.md, promise 1), and an incoming QoS 2
    // id is recorded when ack() (or the auto-ack after onMessage) returns, before the next message is handed
    // over (promise 4). Batching them until a microtask let a crash in between lose accepted messages, or
    // deliver a whole burst of QoS 2 messages twice. A volatile store (MemoryStore) keeps neither promise across
    // a crash, whenever it is written: the operations of commands with no bytes to send yet (messages queued
    // behind the in-flight window) wait for the commit that pump() scheduled for the end of this turn (one
    // apply() for them), which still comes before their bytes are written (#commit) and before the store is
    // read again (commitPending() before a load), so nothing the process can see changes. A command with bytes
    // commits now, so that a burst's first messages do not wait for the apply() of the whole queue (issue 16).
    if (this.#store.volatile !== true || this.#pendingData.length > 0) this.#commit();
    this.#applyBacklog(); // an ack() may have made room
    return result;
  }

  /** Applies the store operations still pending (a volatile store's, before the end of the turn) now. */
  commitPending(): void {
    this.#commit();
  }

  /**
   * The dispatcher's word that a `messages()` iterator is full (or has room again): a message already
   * acknowledged must not be dropped for want of room, so the client reads no more until the consumer pulls.
   */
  setConsumerBacklogFull(full: boolean): void {
    this.#consumerBacklogFull = full;
    this.#applyBacklog();
  }

  /** Stops reading while the application's backlog is full, and reads again once it has room. */
  #applyBacklog(): void {
    const transport = this.#transport;
    if (transport === undefined) return;
    const full = this.#consumerBacklogFull || this.#session?.applicationBacklogFull === true;
    if (full === this.#backlogPaused) return;
    this.#backlogPaused = full;
    if (full) transport.pause();
    else if (!this.#readPaused) transport.resume();
  }

  /** Ticks the engine if its deadline has passed (Paho's `loop_misc()`). */
  tickIfDue(): void {
    const session = this.#session;
    if (session === undefined) return;
    const deadline = session.nextDeadline();
    const now = this.now();
    if (deadline !== undefined && deadline <= now) {
      session.tick(now);
      this.pump();
    }
  }

  /** The engine's next deadline, if any. */
  nextDeadline(): number | undefined {
    return this.#session?.nextDeadline();
  }

  /**
   * Feeds buffered input to the engine and hands over held events (manual and external loops). With `tick`,
   * also ticks the engine when its deadline has passed.
   */
  processHeld(tick = true): void {
    const input = this.#heldInput;
    this.#heldInput = [];
    this.#heldInputBytes = 0;
    const session = this.#session;
    if (session !== undefined) {
      for (const chunk of input) session.receive(chunk, this.now());
      if (input.length > 0) this.pump();
    }
    if (tick) this.tickIfDue();
    const events = this.#heldEvents;
    this.#heldEvents = [];
    for (const event of events) this.#consumer.handle(event);
    if (this.#readPaused && this.#transport !== undefined && !this.#transport.writableNeedDrain) {
      this.#readPaused = false;
      if (!this.#backlogPaused) this.#transport.resume();
    }
    this.#applyBacklog();
    this.#rearm();
  }

  /** Resolves when input arrives, the deadline passes, or after `timeoutMs` (manual `loop()`). */
  waitForInput(timeoutMs: number): Promise<void> {
    if (this.hasHeldWork) return Promise.resolve();
    const deadline = this.nextDeadline();
    const untilDeadline = deadline === undefined ? timeoutMs : Math.max(0, deadline - this.now());
    const waitMs = Math.min(timeoutMs, untilDeadline);
    return new Promise((resolve) => {
      const runtime = this.#runtime;
      const timer = runtime.setTimeout(done, waitMs);
      const waiter = (): void => done();
      this.#inputWaiter = waiter;
      function done(): void {
        runtime.clearTimeout(timer);
        resolve();
      }
    });
  }

  /** Applies the pending store operations, then writes every waiting byte now, as one batch. */
  flushWrites(): void {
    this.#commit();
    this.#writeOutbox();
  }

  #writeOutbox(): void {
    if (this.#outbox.length === 0) return;
    const chunks = this.#outbox;
    this.#outbox = [];
    const transport = this.#transport;
    if (transport !== undefined && transport.isOpen) {
      for (const chunk of chunks) this.#bytesSent += chunk.length;
      this.#diagnostics?.packetsSent(chunks);
      const writable = transport.write(coalesce(chunks));
      if (!writable) {
        // The engine holds new QoS 0 messages under the queue limits until the socket drains (see #onDrain).
        this.#session?.transportWritable(false, this.now());
        if (!this.#readPaused) {
          // Back-pressure: stop reading (and so acknowledging) until the socket drains.
          this.#readPaused = true;
          transport.pause();
        }
      }
    }
    if (this.#holdWrites) this.#consumer.handle({ type: 'writes-flushed' });
  }

  /** Stops the timer; the driver stays usable. */
  stop(): void {
    this.#clearTimer();
    this.#inputWaiter?.();
  }

  /**
   * Processes the engine's output until there is none. Events are handed over at once; store operations and
   * bytes are collected and committed once per burst of calls (`#commit`, from a microtask): the store gets
   * one `apply()` per batch, then the transport one write. A command given in a callback meanwhile is taken
   * and committed by `run()`; its events are handed over here, after the current ones.
   */
  pump(): void {
    const session = this.#session;
    if (session === undefined || this.#pumping) return;
    this.#pumping = true;
    try {
      for (;;) {
        const deferred = this.#deferredEvents;
        if (deferred.length > 0) {
          this.#deferredEvents = [];
          this.#handOver(deferred);
        }
        const output = session.takeOutput();
        if (output.storeOps.length === 0 && output.data.length === 0 && output.events.length === 0) {
          if (this.#deferredEvents.length === 0) break;
          continue;
        }
        this.#collect(output);
      }
    } finally {
      this.#pumping = false;
    }
    this.#rearm();
  }

  #collect(output: SessionOutput): void {
    if (
      output.storeOps.length > 0 &&
      this.#pendingOps.length === 0 &&
      this.#pendingData.length > 0 &&
      !this.#storeBusy &&
      this.#storeError === undefined
    ) {
      // Bytes that need no commit (a QoS 1 PUBACK...) go out now rather than wait for the commit of these ops.
      this.#toOutbox(this.#pendingData);
      this.#pendingData = [];
    }
    this.storeProgress.queued += output.storeOps.length;
    for (const op of output.storeOps) this.#pendingOps.push(op);
    for (const chunk of output.data) this.#pendingData.push(chunk);
    if (output.storeOps.length > 0 || output.data.length > 0) this.#scheduleCommit();
    this.#handOver(output.events);
  }

  #handOver(events: readonly SessionEvent[]): void {
    for (let i = 0; i < events.length; i++) {
      const event = events[i];
      if (
        this.#awaitingStore.length > 0 ||
        (this.#storeBusy && event.type === 'message' && event.packet.qos > 0)
      ) {
        // A page closing now could otherwise lose the ids of every QoS 2 message handed over meanwhile, and the
        // PUBACKs of QoS 1 messages (queued behind the commit), and get them all again. Later events wait too,
        // so that the order is kept; the end of the commit under way releases them.
        for (let j = i; j < events.length; j++) this.#awaitingStore.push(events[j]);
        return;
      }
      if (event.type === 'close') {
        this.#closeReason = {
          reasonCode: event.reasonCode,
          properties: event.properties,
          fromServer: event.fromServer,
          error: event.error,
        };
        this.closeTransport();
      } else {
        this.#deliver(event);
      }
    }
  }

  #scheduleCommit(): void {
    if (this.#commitScheduled) return;
    this.#commitScheduled = true;
    queueMicrotask(() => {
      this.#commitScheduled = false;
      // The outbox holds only bytes whose operations are applied: they go out before a long apply() of more.
      if (!this.#holdWrites) this.#writeOutbox();
      this.#commit();
      if (!this.#holdWrites) this.#writeOutbox();
    });
  }

  /**
   * Write-ahead: applies the pending store operations, and only then moves the bytes they imply to the outbox.
   * With an asynchronous store, later batches wait for the earlier one, so the order of bytes is kept.
   */
  #commit(): void {
    if (this.#storeError !== undefined) {
      // The store failed: what the engine holds is no longer what the store holds. Nothing more is written.
      this.#pendingOps = [];
      this.#pendingData = [];
      return;
    }
    if (this.#storeBusy) return;
    // Every command commits, and most find nothing new: no fresh arrays then.
    if (this.#pendingOps.length === 0 && this.#pendingData.length === 0) return;
    const ops = this.#pendingOps;
    const data = this.#pendingData;
    this.#pendingOps = [];
    this.#pendingData = [];
    if (ops.length > 0) {
      // The connection these bytes belong to: an asynchronous store may finish after it closed.
      const transport = this.#transport;
      let result: void | Promise<void>;
      this.#storeBatches++;
      this.#storeOps += ops.length;
      const started = monotonicMs();
      try {
        result = this.#store.apply(this.#storeKey, ops);
      } catch (error) {
        this.#storeTimeMs += monotonicMs() - started;
        this.#storeFailure(error);
        return;
      }
      if (!isPromise(result)) {
        this.#storeTimeMs += monotonicMs() - started;
        this.storeProgress.advance(ops.length);
      } else {
        this.#storeBusy = true;
        result.then(
          () => {
            this.#storeTimeMs += monotonicMs() - started;
            this.#storeBusy = false;
            this.storeProgress.advance(ops.length);
            // Bytes of a connection that closed meanwhile are dropped, as #onClose drops the outbox: the engine
            // sends again what the next connection needs, after its CONNECT.
            if (this.#transport !== transport) data.length = 0;
            this.#toOutbox(data);
            // These bytes are durable now: out before the next batch's (slower) commit, not after it.
            if (!this.#holdWrites && !this.#closeRequested) this.#writeOutbox();
            this.#releaseAwaiting();
            if (this.#pendingOps.length > 0 || this.#pendingData.length > 0) this.#commit();
            if (this.#storeBusy) return;
            if (this.#closeRequested) this.closeTransport();
            else if (!this.#holdWrites) this.#writeOutbox();
          },
          (error: unknown) => {
            this.#storeBusy = false;
            this.#storeFailure(error);
          },
        );
        return;
      }
    }
    this.#toOutbox(data);
  }

  /** Hands over the events held for the store (until the next QoS 2 message that finds it busy). */
  #releaseAwaiting(): void {
    if (this.#awaitingStore.length === 0) return;
    this.#deferredEvents = [...this.#awaitingStore, ...this.#deferredEvents];
    this.#awaitingStore = [];
    this.pump();
  }

  #storeFailure(error: unknown): void {
    this.#storeError ??=
      error instanceof StoreError
        ? error
        : new StoreError(
            `the session store failed: ${error instanceof Error ? error.message : String(error)}`,
            {
              cause: error,
            },
          );
    this.#pendingOps = [];
    this.#pendingData = [];
    this.#awaitingStore = []; // unacknowledged: the broker sends them again to a client on a working store
    this.storeProgress.fail(this.#storeError);
    this.#consumer.handle({ type: 'store-failed', error });
    this.destroyTransport(
      new ConnectionError('the session store failed; connection closed', { cause: error }),
    );
  }

  #toOutbox(chunks: Uint8Array[]): void {
    if (chunks.length === 0) return;
    const wasEmpty = this.#outbox.length === 0;
    for (const chunk of chunks) this.#outbox.push(chunk);
    if (this.#holdWrites && wasEmpty) this.#consumer.handle({ type: 'writes-pending' });
  }

  #deliver(event: DriverEvent): void {
    if (this.#live) this.#consumer.handle(event);
    else this.#heldEvents.push(event);
  }

  #onData(chunk: Uint8Array): void {
    const session = this.#session;
    if (session === undefined) return;
    this.#bytesReceived += chunk.length;
    if (this.#live) {
      session.receive(chunk, this.now());
      this.pump();
      // Everything this chunk caused (acks, replies published in onMessage) is known now: write it at once, not
      // after whatever microtasks the application queued meanwhile (round-trip latency).
      if (!this.#holdWrites) this.flushWrites();
      this.#applyBacklog();
      return;
    }
    this.#heldInput.push(chunk);
    this.#heldInputBytes += chunk.length;
    if (this.#heldInputBytes > HELD_INPUT_LIMIT && !this.#readPaused) {
      this.#readPaused = true;
      this.#transport?.pause();
    }
    this.#wakeWaiter();
  }

  #onClose(error: ConnectionError | undefined): void {
    const abandoned = this.#abandoned !== undefined && this.#abandoned === this.#transport;
    this.#abandoned = undefined;
    this.#transport = undefined;
    this.#outbox = [];
    this.#pendingData = [];
    this.#closeRequested = false;
    this.#clearTimer();
    const session = this.#session;
    // Bytes that arrived before the close are fed first, so the engine sees them in order.
    const input = this.#heldInput;
    this.#heldInput = [];
    this.#heldInputBytes = 0;
    if (session !== undefined) {
      for (const chunk of input) session.receive(chunk, this.now());
      session.connectionClosed(this.now());
      this.pump();
    }
    const reason: CloseReason = this.#closeReason ?? {
      reasonCode: UNSPECIFIED_ERROR,
      properties: {},
      fromServer: false,
      error,
    };
    if (reason.error === undefined && error !== undefined) reason.error = error;
    this.#closeReason = undefined;
    this.#consumer.handle({ type: 'transport-down' });
    if (!abandoned) this.#deliver({ type: 'transport-closed', reason });
    this.#wakeWaiter();
    const waiters = this.#closedWaiters;
    this.#closedWaiters = [];
    for (const resolve of waiters) resolve();
  }

  #onDrain(): void {
    const session = this.#session;
    if (session !== undefined) {
      session.transportWritable(true, this.now());
      this.pump(); // what waited for the drain goes out with the next burst
    }
    if (this.#readPaused && this.#heldInputBytes <= HELD_INPUT_LIMIT) {
      this.#readPaused = false;
      if (!this.#backlogPaused) this.#transport?.resume();
    }
  }

  #wakeWaiter(): void {
    const waiter = this.#inputWaiter;
    this.#inputWaiter = undefined;
    waiter?.();
  }

  #rearm(): void {
    if (!this.#live || this.#session === undefined) {
      this.#clearTimer();
      return;
    }
    const deadline = this.#session.nextDeadline();
    // The keepalive deadline moves later with every write: a timer armed for an earlier deadline is kept (when it
    // fires, `tickIfDue()` does nothing before the deadline and this re-arms it), so a burst of writes does not
    // cost a clearTimeout/setTimeout pair each.
    if (deadline === this.#timerDeadline) return;
    const armed = this.#timerDeadline;
    if (deadline !== undefined && armed !== undefined && armed <= deadline) return;
    this.#clearTimer();
    if (deadline === undefined) return;
    this.#timerDeadline = deadline;
    this.#timer = this.#runtime.setTimeout(
      () => {
        this.#timer = undefined;
        this.#timerDeadline = undefined;
        // Read pending socket data first, so a slow callback cannot cause a false keepalive timeout.
        this.#runtime.defer(() => {
          if (!this.#live) return;
          this.#guard(() => {
            this.tickIfDue();
            this.#rearm();
          });
        });
      },
      Math.max(0, deadline - this.now()),
    );
    // Node: the keepalive timer alone does not keep the process alive. Browsers' timers are numbers.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  #clearTimer(): void {
    if (this.#timer !== undefined) this.#runtime.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerDeadline = undefined;
  }

  /**
   * Socket and timer events run here: an exception must not escape into Node's event loop (it would crash
   * the host process). It is reported, and the connection is dropped, as its state can no longer be trusted.
   */
  #guard(handler: () => void): void {
    try {
      handler();
    } catch (error) {
      try {
        this.#consumer.handle({ type: 'internal-error', error });
      } finally {
        this.destroyTransport(new ConnectionError('internal error; connection closed', { cause: error }));
      }
    }
  }

  #requireSession(): SessionEngine {
    if (this.#session === undefined) throw new Error('EngineDriver: no session engine installed');
    return this.#session;
  }
}
