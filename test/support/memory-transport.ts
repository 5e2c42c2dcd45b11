/**
 * An in-memory transport pair and a fake clock, for client-level tests without sockets or polling: the
 * client's `Runtime` (see `src/client/runtime.ts`) opens a `MemoryTransport` whose other end is a scripted
 * `MemoryBroker` speaking MQTT with our own codec; time moves only when the test calls `clock.advance()`.
 */
import { encode } from '../../src/packet/encode.js';
import { PacketDecoder } from '../../src/packet/decoder.js';
import { PacketType, type Packet, type ProtocolVersion } from '../../src/packet/types.js';
import type { Runtime, TimerHandle } from '../../src/client/runtime.js';
import { ConnectionError } from '../../src/transport/errors.js';
import type { Transport, TransportHandlers, TransportOptions } from '../../src/transport/transport.js';

/** Lets every queued microtask and Promise continuation run (one macrotask turn, not a poll). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

interface FakeTimer {
  at: number;
  seq: number;
  callback: () => void;
}

/** Timers that fire only in `advance()`, in deadline order. */
export class FakeClock {
  #now = 1_000;
  #seq = 0;
  readonly #timers = new Set<FakeTimer>();
  /** The delays asked for, in order (reconnect delays, keepalive...). */
  readonly requested: number[] = [];

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    this.requested.push(delayMs);
    const timer = { at: this.#now + Math.max(0, delayMs), seq: this.#seq++, callback };
    this.#timers.add(timer);
    return timer;
  }

  clearTimeout(handle: TimerHandle): void {
    this.#timers.delete(handle as FakeTimer);
  }

  get pending(): number {
    return this.#timers.size;
  }

  /** Moves time forward by `ms`, firing each timer due on the way and letting what it caused run. */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms;
    for (let fired = 0; fired < 10_000; fired++) {
      let next: FakeTimer | undefined;
      for (const timer of this.#timers) {
        if (
          timer.at <= end &&
          (next === undefined || timer.at < next.at || (timer.at === next.at && timer.seq < next.seq))
        ) {
          next = timer;
        }
      }
      if (next === undefined) break;
      this.#timers.delete(next);
      this.#now = Math.max(this.#now, next.at);
      next.callback();
      await settle();
    }
    this.#now = end;
    await settle();
  }
}

/** The client's end of an in-memory connection. */
class MemoryTransport implements Transport {
  readonly kind = 'memory';
  readonly writableNeedDrain = false;
  isOpen = true;
  readonly #handlers: TransportHandlers;
  readonly #peer: BrokerLink;

  constructor(handlers: TransportHandlers, peer: BrokerLink) {
    this.#handlers = handlers;
    this.#peer = peer;
  }

  get raw(): unknown {
    return this;
  }

  write(chunks: readonly Uint8Array[]): boolean {
    if (!this.isOpen) return true;
    const copies = chunks.map((chunk) => chunk.slice());
    queueMicrotask(() => {
      for (const chunk of copies) this.#peer.receive(chunk);
    });
    return true;
  }

  pause(): void {}
  resume(): void {}

  close(): void {
    this.#end(undefined);
  }

  destroy(error?: ConnectionError): void {
    this.#end(error);
  }

  /** Bytes from the broker. */
  deliver(chunk: Uint8Array): void {
    if (this.isOpen) queueMicrotask(() => this.isOpen && this.#handlers.onData(chunk));
  }

  #end(error: ConnectionError | undefined): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.#peer.closed = true;
    queueMicrotask(() => this.#handlers.onClose(error));
  }

  /** The broker's side went away. */
  cut(error: ConnectionError): void {
    this.#end(error);
  }
}

/** The broker's end of one connection. */
export class BrokerLink {
  readonly received: Packet[] = [];
  closed = false;
  version: ProtocolVersion = 4;
  transport!: MemoryTransport;
  readonly #broker: MemoryBroker;
  readonly #decoder: PacketDecoder;

  constructor(broker: MemoryBroker) {
    this.#broker = broker;
    this.#decoder = new PacketDecoder({ protocolVersion: 4, onPacket: (packet) => this.#onPacket(packet) });
  }

  receive(chunk: Uint8Array): void {
    this.#decoder.push(chunk);
  }

  send(packet: Packet): void {
    this.transport.deliver(encode(packet, this.version));
  }

  /** Cuts the connection as a lost network would. */
  cut(): void {
    this.transport.cut(new ConnectionError('connection cut by the test'));
  }

  #onPacket(packet: Packet): void {
    this.received.push(packet);
    const broker = this.#broker;
    switch (packet.type) {
      case PacketType.CONNECT:
        this.version = this.#decoder.protocolVersion;
        if (broker.answerConnect) {
          this.send({ type: PacketType.CONNACK, sessionPresent: false, reasonCode: broker.connackCode });
        }
        break;
      case PacketType.SUBSCRIBE:
        this.send({
          type: PacketType.SUBACK,
          packetId: packet.packetId,
          reasonCodes: packet.subscriptions.map((s) => s.qos),
        });
        break;
      case PacketType.PUBLISH:
        if (packet.qos === 1 && packet.packetId !== undefined) {
          this.send({ type: PacketType.PUBACK, packetId: packet.packetId, reasonCode: 0 });
        }
        break;
      case PacketType.PINGREQ:
        if (broker.answerPings) this.send({ type: PacketType.PINGRESP });
        break;
      case PacketType.DISCONNECT:
        this.transport.close();
        break;
      default:
        break;
    }
  }
}

/** A scripted broker behind the in-memory transport, and the runtime that reaches it. */
export class MemoryBroker {
  readonly links: BrokerLink[] = [];
  /** Refuse this many transport opens (as an unreachable broker would) before accepting. */
  refuseOpens = 0;
  answerConnect = true;
  /** Answer PINGREQ with PINGRESP (off: a broker gone silent, for the keepalive timeout). */
  answerPings = true;
  connackCode = 0;
  readonly clock = new FakeClock();
  /** The numbers the reconnect jitter draws; cycled. */
  randoms: number[] = [0.5];
  #draws = 0;

  get last(): BrokerLink {
    const link = this.links.at(-1);
    if (link === undefined) throw new Error('no connection was opened');
    return link;
  }

  readonly runtime: Runtime = {
    now: () => this.clock.now(),
    setTimeout: (callback, delayMs) => this.clock.setTimeout(callback, delayMs),
    clearTimeout: (handle) => this.clock.clearTimeout(handle),
    defer: (callback) => {
      this.clock.setTimeout(callback, 0);
    },
    random: () => this.randoms[this.#draws++ % this.randoms.length] ?? 0,
    openTransport: (options: TransportOptions) => this.#open(options),
  };

  #open(options: TransportOptions): Promise<Transport> {
    if (this.refuseOpens > 0) {
      this.refuseOpens--;
      return Promise.reject(
        new ConnectionError(`connection to ${options.host}:${options.port} refused (test)`),
      );
    }
    const link = new BrokerLink(this);
    const transport = new MemoryTransport(options.handlers, link);
    link.transport = transport;
    this.links.push(link);
    return Promise.resolve(transport);
  }
}
