/**
 * The small interface every peer's child process drives: the scenario code (`roles/`) is written once against
 * it, so each library runs exactly the same workload. An adapter does what a user of that library would write,
 * nothing more: one callback per event, payloads passed as the library takes them.
 */
import type { QoS, StoreKind } from '../protocol.js';

export interface BenchClientOptions {
  host: string;
  port: number;
  clientId: string;
  /** The client's own in-flight limit for QoS 1/2 where it has one (0 = no limit, null = the library's default). */
  window: number | null;
  cleanSession: boolean;
  store: StoreKind;
  /** Folder for the SQLite file when `store` is 'sqlite'. */
  storeDir?: string;
}

export interface BenchClient {
  /** Connects (MQTT 3.1.1) and resolves on a successful CONNACK. */
  connect(): Promise<void>;
  /** Subscribes and resolves on the SUBACK. */
  subscribe(filter: string, qos: QoS): Promise<void>;
  /** Publishes; the completion of a QoS 1/2 publish (PUBACK / PUBCOMP) calls `onAcked`. */
  publish(topic: string, payload: Buffer, qos: QoS): void;
  /** Publishes `count` copies in one call, where the library has a batch call (steady-mqtt's `publishMany`). */
  publishMany?(topic: string, payload: Buffer, qos: QoS, count: number): void;
  /** Called for every incoming application message. */
  onMessage: (topic: string, payload: Uint8Array) => void;
  /** Called once per completed QoS 1/2 publish. */
  onAcked: () => void;
  /** Disconnects gracefully (everything written first) and resolves when the connection is closed. */
  end(): Promise<void>;
}

export type BenchClientFactory = (options: BenchClientOptions) => BenchClient;

export const noop = (): void => undefined;
