/**
 * The raw Node peer: a minimal MQTT 3.1.1 client written here on `node:net` (packets: `raw-packets.ts`), with an
 * in-flight window of 100 for QoS 1/2 (publishes beyond it wait in an array, in order). It shows what Node
 * itself allows: no session state, no store, no validation, no reconnect, no keep-alive timer. Writes made in
 * one tick go out together (`cork()`, `uncork()` on the next tick), as a Node program would batch them.
 */
import { connect, type Socket } from 'node:net';
import type { QoS } from '../protocol.js';
import { noop, type BenchClient, type BenchClientOptions } from './bench-client.js';
import * as P from './raw-packets.js';
import { runChild } from './roles/main.js';

const DEFAULT_WINDOW = 100;

interface Waiting {
  topic: Buffer;
  payload: Uint8Array;
  qos: QoS;
}

class RawBenchClient implements BenchClient {
  onMessage: (topic: string, payload: Uint8Array) => void = noop;
  onAcked: () => void = noop;
  readonly #options: BenchClientOptions;
  readonly #window: number;
  readonly #reader = new P.PacketReader();
  readonly #inUse = new Set<number>();
  readonly #waiting: Waiting[] = [];
  readonly #subacks = new Map<number, () => void>();
  readonly #topics = new Map<string, Buffer>();
  #socket: Socket | undefined;
  #corked = false;
  #nextId = 0;
  #inflight = 0;
  #waitingHead = 0;
  #connack: (() => void) | undefined;
  #failed: ((error: Error) => void) | undefined;

  constructor(options: BenchClientOptions) {
    if (options.store !== 'memory') throw new Error('the raw peer only has a memory store');
    this.#options = options;
    const w = options.window ?? DEFAULT_WINDOW;
    this.#window = w === 0 ? 65_535 : Math.min(w, 65_535);
  }

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#connack = resolve;
      this.#failed = reject;
      const socket = connect({ host: this.#options.host, port: this.#options.port, noDelay: true });
      socket.on('connect', () =>
        this.#write(P.connectPacket(this.#options.clientId, this.#options.cleanSession, 60)),
      );
      socket.on('data', (chunk: Buffer) => this.#reader.push(chunk, (p) => this.#onPacket(p)));
      socket.on('error', (error) => this.#failed?.(error));
      socket.on('close', () => this.#failed?.(new Error('connection closed')));
      this.#socket = socket;
    });
  }

  subscribe(filter: string, qos: QoS): Promise<void> {
    return new Promise((resolve) => {
      const id = this.#takeId();
      this.#subacks.set(id, resolve);
      this.#write(P.subscribePacket(id, filter, qos));
    });
  }

  publish(topic: string, payload: Buffer, qos: QoS): void {
    let encoded = this.#topics.get(topic);
    if (encoded === undefined) {
      encoded = P.encodedTopic(topic);
      this.#topics.set(topic, encoded);
    }
    if (qos === 0) this.#write(P.publishPacket(encoded, payload, 0, 0));
    else if (this.#inflight < this.#window && this.#waitingHead === this.#waiting.length) {
      this.#send(encoded, payload, qos);
    } else this.#waiting.push({ topic: encoded, payload, qos });
  }

  end(): Promise<void> {
    return new Promise((resolve) => {
      const socket = this.#socket;
      if (socket === undefined || socket.destroyed) return resolve();
      this.#failed = undefined;
      socket.once('close', () => resolve());
      socket.end(P.DISCONNECT);
    });
  }

  #send(topic: Buffer, payload: Uint8Array, qos: QoS): void {
    this.#inflight++;
    this.#write(P.publishPacket(topic, payload, qos, this.#takeId()));
  }

  #takeId(): number {
    do this.#nextId = this.#nextId === 65_535 ? 1 : this.#nextId + 1;
    while (this.#inUse.has(this.#nextId));
    this.#inUse.add(this.#nextId);
    return this.#nextId;
  }

  #completed(id: number): void {
    this.#inUse.delete(id);
    this.#inflight--;
    while (this.#inflight < this.#window && this.#waitingHead < this.#waiting.length) {
      const next = this.#waiting[this.#waitingHead++];
      this.#send(next.topic, next.payload, next.qos);
    }
    if (this.#waitingHead === this.#waiting.length && this.#waitingHead > 0) {
      this.#waiting.length = 0;
      this.#waitingHead = 0;
    }
    this.onAcked();
  }

  #onPacket({ first, body }: P.RawPacket): void {
    const type = first >> 4;
    const id = body.length >= 2 ? body.readUInt16BE(0) : 0;
    switch (type) {
      case P.PUBLISH:
        return this.#onPublish(first, body);
      case P.PUBACK:
      case P.PUBCOMP:
        return this.#completed(id);
      case P.PUBREC:
        return this.#write(P.ackPacket(P.PUBREL, id));
      case P.PUBREL:
        return this.#write(P.ackPacket(P.PUBCOMP, id));
      case P.SUBACK: {
        this.#inUse.delete(id);
        const done = this.#subacks.get(id);
        this.#subacks.delete(id);
        return done?.();
      }
      case P.CONNACK:
        if (body[1] !== 0) this.#failed?.(new Error(`CONNACK return code ${body[1]}`));
        else this.#connack?.();
        this.#connack = undefined;
        return;
    }
  }

  #onPublish(first: number, body: Buffer): void {
    const qos = (first >> 1) & 3;
    const topicLength = body.readUInt16BE(0);
    const topic = body.toString('utf8', 2, 2 + topicLength);
    let at = 2 + topicLength;
    if (qos > 0) {
      const id = body.readUInt16BE(at);
      at += 2;
      this.#write(P.ackPacket(qos === 1 ? P.PUBACK : P.PUBREC, id));
    }
    this.onMessage(topic, body.subarray(at));
  }

  #write(bytes: Buffer): void {
    const socket = this.#socket;
    if (socket === undefined) return;
    if (!this.#corked) {
      this.#corked = true;
      socket.cork();
      process.nextTick(() => {
        this.#corked = false;
        socket.uncork();
      });
    }
    socket.write(bytes);
  }
}

runChild((options) => new RawBenchClient(options));
