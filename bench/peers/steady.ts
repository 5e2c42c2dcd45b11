/**
 * steady-mqtt's child process: the benchmark roles driven through steady-mqtt's Paho-shaped `Client`
 * (`loopStart()`, `onMessage`, `onPublish`, `maxInflightMessagesSet()`), with a `MemoryStore` or a `SqliteStore`.
 */
import { join } from 'node:path';
import { CallbackAPIVersion, Client, MQTTProtocolVersion, type Store } from '../../src/index.js';
import { SqliteStore } from '../../src/sqlite.js';
import { noop, type BenchClient, type BenchClientOptions } from './bench-client.js';
import { runChild } from './roles/main.js';
import type { QoS } from '../protocol.js';

class SteadyBenchClient implements BenchClient {
  onMessage: (topic: string, payload: Uint8Array) => void = noop;
  onAcked: () => void = noop;
  readonly #client: Client;
  readonly #options: BenchClientOptions;
  readonly #store: Store | undefined;
  readonly #subscribed = new Map<number, () => void>();
  #connected: { resolve: () => void; reject: (error: Error) => void } | undefined;

  constructor(options: BenchClientOptions) {
    this.#options = options;
    if (options.store === 'sqlite') {
      if (options.storeDir === undefined) throw new Error('a sqlite store needs storeDir');
      this.#store = new SqliteStore(join(options.storeDir, `${options.clientId}.db`));
    }
    const client = new Client(CallbackAPIVersion.VERSION2, {
      clientId: options.clientId,
      protocol: MQTTProtocolVersion.MQTTv311,
      cleanSession: options.cleanSession,
      reconnectOnFailure: false,
      ...(this.#store === undefined ? {} : { store: this.#store }),
    });
    if (options.window !== null) client.maxInflightMessagesSet(options.window);
    client.onConnect = (_c, _u, _flags, reasonCode) => {
      if (reasonCode.isFailure) this.#connected?.reject(new Error(`CONNACK ${reasonCode.getName()}`));
      else this.#connected?.resolve();
      this.#connected = undefined;
    };
    client.onDisconnect = (_c, _u, _flags, reasonCode) => {
      this.#connected?.reject(new Error(`disconnected before CONNACK: ${reasonCode.getName()}`));
      this.#connected = undefined;
    };
    client.onMessage = (_c, _u, message) => this.onMessage(message.topic, message.payload);
    client.onPublish = () => this.onAcked();
    client.onSubscribe = (_c, _u, mid) => {
      const resolve = this.#subscribed.get(mid);
      this.#subscribed.delete(mid);
      resolve?.();
    };
    this.#client = client;
  }

  async connect(): Promise<void> {
    const connected = new Promise<void>((resolve, reject) => {
      this.#connected = { resolve, reject };
    });
    await this.#client.connect(this.#options.host, this.#options.port, 60);
    this.#client.loopStart();
    await connected;
  }

  subscribe(filter: string, qos: QoS): Promise<void> {
    return new Promise((resolve) => {
      const [, mid] = this.#client.subscribe(filter, qos);
      this.#subscribed.set(mid, resolve);
    });
  }

  publish(topic: string, payload: Buffer, qos: QoS): void {
    this.#client.publish(topic, payload, qos);
  }

  publishMany(topic: string, payload: Buffer, qos: QoS, count: number): void {
    // A baseline built from a commit before publishMany() publishes the batch one message at a time.
    if (typeof this.#client.publishMany !== 'function') {
      for (let i = 0; i < count; i++) this.#client.publish(topic, payload, qos);
      return;
    }
    const batch = new Array<[string, Buffer, QoS]>(count);
    for (let i = 0; i < count; i++) batch[i] = [topic, payload, qos];
    this.#client.publishMany(batch);
  }

  async end(): Promise<void> {
    await this.#client.disconnectAndWait();
    this.#client.loopStop();
    await this.#store?.close();
  }
}

runChild((options) => new SteadyBenchClient(options));
