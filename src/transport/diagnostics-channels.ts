/**
 * The client's `node:diagnostics_channel` channels (docs/observability.md): connections, packets both ways, the
 * store's batches and errors, for tracing, metrics or a log that the application attaches from outside.
 *
 * Node-only, like everything the platform module (`platform.ts`) offers, and reached only through it: the
 * browser build puts `platform-browser.ts` in its place, which has no diagnostics, so none of this file is in
 * a browser bundle (the client's hooks are then one `undefined` check each). It lives beside the platform module
 * for that reason; it reads MQTT only through the codec's `readFrame()`.
 *
 * A message is built only when its channel has a subscriber (`hasSubscribers`), so an unobserved client pays a
 * property read per event. Payloads and store operations are passed by reference, never copied: a subscriber
 * must not modify them.
 */
import { channel, type Channel } from 'node:diagnostics_channel';
import { readFrame } from '../packet/frame.js';
import {
  PACKET_NAMES,
  PacketType,
  type Packet,
  type Properties as PacketProperties,
  type ProtocolVersion,
} from '../packet/types.js';
import type { Store, StoreOp } from '../store/types.js';

/** The channel names, by what they report. */
export const diagnosticsChannels = {
  connect: 'steady-mqtt:connect',
  connack: 'steady-mqtt:connack',
  disconnect: 'steady-mqtt:disconnect',
  reconnect: 'steady-mqtt:reconnect',
  packetSend: 'steady-mqtt:packet:send',
  packetReceive: 'steady-mqtt:packet:receive',
  store: 'steady-mqtt:store',
  error: 'steady-mqtt:error',
} as const;

/** What every message carries: which client published it. */
export interface ClientDiagnostic {
  /** The `Client` that published the message (for a `steady-mqtt/paho` client, the `Client` behind it). */
  client: unknown;
  /** Its client id at the time (the broker's Assigned Client Identifier once adopted). */
  clientId: string;
}

/** `steady-mqtt:connect`: a connection attempt to one broker begins (its transport opens next, then CONNECT). */
export interface ConnectDiagnostic extends ClientDiagnostic {
  /** The broker, as a URL (`mqtt://127.0.0.1:1883`, `wss://host/mqtt`). */
  url: string;
  protocol: ProtocolVersion;
}

/** `steady-mqtt:connack`: the broker's CONNACK (a refusal too). */
export interface ConnackDiagnostic extends ClientDiagnostic {
  /** The CONNACK's reason code (MQTT 5) or return code (3.x), as received. */
  reasonCode: number;
  sessionPresent: boolean;
  /** Its MQTT 5 properties (empty on 3.x), by reference. */
  properties: PacketProperties;
  /**
   * From the `connect` message to this one (opening the transport, TLS and WebSocket handshakes included), in
   * milliseconds of the client's monotonic clock.
   */
  durationMs: number;
}

/** `steady-mqtt:disconnect`: a connection ended, whoever ended it. */
export interface DisconnectDiagnostic extends ClientDiagnostic {
  /** The DISCONNECT's reason code (sent or received), or 0x80 for a connection lost without one. */
  reasonCode: number;
  /** The broker sent the DISCONNECT. */
  fromServer: boolean;
  properties: PacketProperties;
  /** The protocol or transport error that ended it, if any. */
  error: Error | undefined;
}

/** `steady-mqtt:reconnect`: a background loop will try again. */
export interface ReconnectDiagnostic extends ClientDiagnostic {
  /** The retry's number since the last stable connection (up 10 s after its CONNACK; 0 for the first). */
  attempt: number;
  /** The back-off delay before it, in milliseconds. */
  delayMs: number;
}

/** `steady-mqtt:packet:send` and `steady-mqtt:packet:receive`: one MQTT control packet. */
export interface PacketDiagnostic extends ClientDiagnostic {
  /** The packet type (`PacketType.PUBLISH` ...). */
  type: PacketType;
  /** Its name (`'PUBLISH'`). */
  name: string;
  /** Its size on the wire in bytes, fixed header included. */
  size: number;
  /** Its packet identifier, for the packets that have one (a PUBLISH only at QoS 1 and 2). */
  packetId: number | undefined;
  /** A PUBLISH's payload: a view of the bytes sent or received, not a copy (do not modify it). */
  payload: Uint8Array | undefined;
}

/** `steady-mqtt:store`: one `store.apply()` batch, after it completed or failed. */
export interface StoreDiagnostic extends ClientDiagnostic {
  /** The batch, by reference (do not modify it). */
  operations: readonly StoreOp[];
  /** Time in `apply()` (or until its Promise settled), in milliseconds. */
  durationMs: number;
  /** The store's error, when it failed. */
  error: unknown;
}

/** `steady-mqtt:error`: a failure the client handled (the callbacks and the log hear of it too). */
export interface ErrorDiagnostic extends ClientDiagnostic {
  /**
   * Where: a connection attempt that failed, a connection closed by a protocol or transport error, the store,
   * or an internal error (the connection was closed).
   */
  source: 'connect' | 'connection' | 'store' | 'internal';
  error: unknown;
}

type Channels = Record<keyof typeof diagnosticsChannels, Channel>;

/** Made on first use, once per process (Node keeps one channel object per name anyway). */
let channels: Channels | undefined;

function isPromise(value: void | Promise<void>): value is Promise<void> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}

/** What a client's `Diagnostics` reads of it, when it publishes. */
export interface DiagnosticsSource {
  readonly client: unknown;
  clientId(): string;
  protocol(): ProtocolVersion;
  now(): number;
}

/** What the client calls: `Diagnostics` in Node, Bun and Deno; nothing in browsers (`platform.diagnostics`). */
export type ClientDiagnostics = Pick<
  Diagnostics,
  | 'connect'
  | 'connack'
  | 'disconnect'
  | 'reconnect'
  | 'error'
  | 'packetsSent'
  | 'packetReceived'
  | 'observeStore'
>;

export class Diagnostics {
  readonly #source: DiagnosticsSource;
  readonly #channels: Channels;
  #connectedAt = 0;

  constructor(source: DiagnosticsSource) {
    this.#source = source;
    if (channels === undefined) {
      const made: Partial<Channels> = {};
      for (const [key, name] of Object.entries(diagnosticsChannels))
        made[key as keyof Channels] = channel(name);
      channels = made as Channels;
    }
    this.#channels = channels;
  }

  /** The fields every message has. */
  #base(): ClientDiagnostic {
    return { client: this.#source.client, clientId: this.#source.clientId() };
  }

  connect(url: string): void {
    this.#connectedAt = this.#source.now();
    const channel = this.#channels.connect;
    if (!channel.hasSubscribers) return;
    const message: ConnectDiagnostic = { ...this.#base(), url, protocol: this.#source.protocol() };
    channel.publish(message);
  }

  connack(reasonCode: number, sessionPresent: boolean, properties: PacketProperties): void {
    const channel = this.#channels.connack;
    if (!channel.hasSubscribers) return;
    const durationMs = this.#source.now() - this.#connectedAt;
    const message: ConnackDiagnostic = {
      ...this.#base(),
      reasonCode,
      sessionPresent,
      properties,
      durationMs,
    };
    channel.publish(message);
  }

  disconnect(reasonCode: number, fromServer: boolean, properties: PacketProperties, error?: Error): void {
    const channel = this.#channels.disconnect;
    if (!channel.hasSubscribers) return;
    const message: DisconnectDiagnostic = { ...this.#base(), reasonCode, fromServer, properties, error };
    channel.publish(message);
  }

  reconnect(attempt: number, delayMs: number): void {
    const channel = this.#channels.reconnect;
    if (!channel.hasSubscribers) return;
    const message: ReconnectDiagnostic = { ...this.#base(), attempt, delayMs };
    channel.publish(message);
  }

  error(source: ErrorDiagnostic['source'], error: unknown): void {
    const channel = this.#channels.error;
    if (!channel.hasSubscribers) return;
    const message: ErrorDiagnostic = { ...this.#base(), source, error };
    channel.publish(message);
  }

  /**
   * The chunks of one transport write, as the engine emitted them: each is one packet, except that a PUBLISH
   * with a large payload is its header chunk followed by its payload chunk (`SplitPacket`).
   */
  packetsSent(chunks: readonly Uint8Array[]): void {
    const channel = this.#channels.packetSend;
    if (!channel.hasSubscribers) return;
    const version = this.#source.protocol();
    for (let i = 0; i < chunks.length; i++) {
      const bytes = chunks[i];
      const frame = readFrame(bytes, version);
      let payload: Uint8Array | undefined;
      if (frame.type === PacketType.PUBLISH) {
        payload = frame.size > bytes.length ? chunks[++i] : bytes.subarray(frame.payloadOffset);
      }
      const message: PacketDiagnostic = {
        ...this.#base(),
        type: frame.type,
        name: PACKET_NAMES[frame.type],
        size: frame.size,
        packetId: frame.packetId,
        payload,
      };
      channel.publish(message);
    }
  }

  /** The engine's observer of each decoded packet (`SessionEngine.packetObserver`). */
  readonly packetReceived = (packet: Packet, size: number): void => {
    const channel = this.#channels.packetReceive;
    if (!channel.hasSubscribers) return;
    const message: PacketDiagnostic = {
      ...this.#base(),
      type: packet.type,
      name: PACKET_NAMES[packet.type],
      size,
      packetId: 'packetId' in packet ? packet.packetId : undefined,
      payload: packet.type === PacketType.PUBLISH ? packet.payload : undefined,
    };
    channel.publish(message);
  };

  /**
   * `store` whose `apply()` batches are reported on `steady-mqtt:store` (while someone listens). The wrapper
   * says what `store` says about itself (`volatile`): the driver commits a volatile store once per burst, and a
   * wrapper without it made every `MemoryStore` client commit once per command.
   */
  observeStore(store: Store): Store {
    return new ObservedStore(store, this);
  }

  /** Publishes one finished (or failed) `apply()` batch on `steady-mqtt:store`. */
  storeApplied(operations: readonly StoreOp[], started: number, error: unknown): void {
    const message: StoreDiagnostic = {
      ...this.#base(),
      operations,
      durationMs: performance.now() - started,
      error,
    };
    this.#channels.store.publish(message);
  }

  /** Someone listens on `steady-mqtt:store`. */
  get observingStore(): boolean {
    return this.#channels.store.hasSubscribers;
  }
}

/** A `Store` whose batches are reported by `diagnostics` (its methods on the prototype: no closures per client). */
class ObservedStore implements Store {
  readonly volatile: boolean | undefined;
  readonly #store: Store;
  readonly #diagnostics: Diagnostics;

  constructor(store: Store, diagnostics: Diagnostics) {
    this.volatile = store.volatile;
    this.#store = store;
    this.#diagnostics = diagnostics;
  }

  load(key: string): ReturnType<Store['load']> {
    return this.#store.load(key);
  }

  close(): void | Promise<void> {
    return this.#store.close();
  }

  apply(key: string, operations: readonly StoreOp[]): void | Promise<void> {
    const store = this.#store;
    const diagnostics = this.#diagnostics;
    if (!diagnostics.observingStore) return store.apply(key, operations);
    const started = performance.now();
    let result: void | Promise<void>;
    try {
      result = store.apply(key, operations);
    } catch (error) {
      diagnostics.storeApplied(operations, started, error);
      throw error;
    }
    if (!isPromise(result)) {
      diagnostics.storeApplied(operations, started, undefined);
      return result;
    }
    return result.then(
      () => diagnostics.storeApplied(operations, started, undefined),
      (error: unknown) => {
        diagnostics.storeApplied(operations, started, error);
        throw error;
      },
    );
  }
}
