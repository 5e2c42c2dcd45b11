/**
 * MQTT.js 5's child process: the benchmark roles driven through `mqtt.connectAsync()`, the 'message' event and
 * a callback per QoS 1/2 publish, as MQTT.js's own documentation writes them.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { noop, type BenchClient, type BenchClientOptions } from './bench-client.js';
import { runChild } from './roles/main.js';
import type { QoS } from '../protocol.js';

const PUBLISH_OPTIONS = [{ qos: 0 }, { qos: 1 }, { qos: 2 }] as const;

class MqttJsBenchClient implements BenchClient {
  onMessage: (topic: string, payload: Uint8Array) => void = noop;
  onAcked: () => void = noop;
  readonly #options: BenchClientOptions;
  #client: MqttClient | undefined;
  readonly #ackCallback = (error?: Error): void => {
    if (error !== undefined && error !== null) throw error;
    this.onAcked();
  };

  constructor(options: BenchClientOptions) {
    if (options.store !== 'memory') throw new Error('the MQTT.js peer only has a memory store');
    this.#options = options;
  }

  async connect(): Promise<void> {
    const o = this.#options;
    const client = await mqtt.connectAsync({
      host: o.host,
      port: o.port,
      protocol: 'mqtt',
      protocolVersion: 4,
      clientId: o.clientId,
      clean: o.cleanSession,
      keepalive: 60,
      reconnectPeriod: 0,
    });
    client.on('message', (topic, payload) => this.onMessage(topic, payload));
    this.#client = client;
  }

  async subscribe(filter: string, qos: QoS): Promise<void> {
    await this.#connected().subscribeAsync(filter, { qos });
  }

  publish(topic: string, payload: Buffer, qos: QoS): void {
    if (qos === 0) this.#connected().publish(topic, payload, PUBLISH_OPTIONS[0]);
    else this.#connected().publish(topic, payload, PUBLISH_OPTIONS[qos], this.#ackCallback);
  }

  async end(): Promise<void> {
    await this.#connected().endAsync();
  }

  #connected(): MqttClient {
    if (this.#client === undefined) throw new Error('not connected');
    return this.#client;
  }
}

runChild((options) => new MqttJsBenchClient(options));
