/**
 * The contract of the sans-IO session engine (`Session` in `session.ts`).
 *
 * The engine takes bytes, user commands and "now" (milliseconds from any monotonic clock), and produces, in
 * order: store operations, bytes to send, events for the client, and its next deadline. It never touches a
 * socket, a timer, the clock or a user callback (only the synchronous `authentication` hooks, pure computations of
 * enhanced authentication); the client (`src/client/`) does all of that.
 *
 * The client's loop, for every input:
 *   1. call one input method (`connectionOpened`, `receive`, `tick`, `publish`, ...);
 *   2. `const out = session.takeOutput()`;
 *   3. apply `out.storeOps` to the store (await it if it returns a Promise) [write-ahead];
 *   4. write `out.data` to the transport (in order, ideally one write per event-loop turn);
 *   5. dispatch `out.events` to user callbacks, in order;
 *   6. re-arm one timer for `session.nextDeadline()`.
 */
import type {
  Packet,
  Properties,
  ProtocolVersion,
  PublishPacket,
  QoS,
  Subscription,
  Will,
} from '../packet/types.js';
import type { MqttError } from '../errors.js';
import type { SessionIdentity, StoreOp } from '../store/types.js';
import type { MQTTErrorCode } from './error-code.js';

/**
 * The two synchronous calls the engine makes to the client's authenticator (`Authenticator` in src/client):
 * pure computations on data the engine holds, which it needs at the moment it builds a CONNECT or accepts a
 * CONNACK, before anything else is sent.
 */
export interface AuthenticationHooks {
  /** The Authentication Data of each CONNECT (a new exchange per connection), replacing the properties' own. */
  start?(): Uint8Array;
  /**
   * Checks the broker's Authentication Data that ends an exchange (a successful CONNACK, a re-authentication's
   * AUTH 0x00); throws to refuse it, and the engine closes the connection with DISCONNECT 0x80.
   */
  verify?(data: Uint8Array | undefined): void;
}

export interface SessionOptions {
  protocolVersion: ProtocolVersion;
  /**
   * Numbers in [0, 1) for the random MQTT 3.1 client id: the client passes its runtime's; a direct user of the
   * engine that gives none gets `Math.random` (`initialClientId` in connect.ts, the engine's one use of it).
   */
  random?: () => number;
  /** May be empty: the broker assigns one (3.1.1 with clean session, 5.0); adopted from the CONNACK. */
  clientId: string;
  /**
   * true: start a new session on every connect; false: resume the stored session;
   * 'first-only' (Paho's MQTT 5 default): clean on the first successful connect, resume afterwards.
   */
  cleanStart: boolean | 'first-only';
  /** Seconds; 0 turns keepalive off. A Server Keep Alive in the CONNACK replaces it [MQTT-3.2.2-21]. */
  keepalive: number;
  username?: string;
  password?: Uint8Array;
  will?: Will;
  /** MQTT 5 CONNECT properties as the user set them (session expiry, receive maximum, auth method...). */
  connectProperties?: Properties;
  /** MQTT 5 enhanced authentication run by the client's authenticator (with an Authentication Method only). */
  authentication?: AuthenticationHooks;
  bridgeMode?: boolean;
  /** Outgoing QoS 1/2 messages in flight at once; 0 = no local limit. The broker's Receive Maximum also caps it. */
  maxInflightMessages: number;
  /**
   * QoS 2 messages in flight at once, within `maxInflightMessages`; 0 or absent = no separate limit. An MQTT 3.x
   * broker has no Receive Maximum to announce, and Mosquitto drops QoS 2 PUBLISHes beyond its own in-flight
   * limit (20 by default) from a 3.x client: the client sets 20 there by default (docs/benchmarks.md, sweep).
   */
  maxInflightQos2?: number;
  /** Messages held while offline or behind the window (QoS 0 queued offline included); 0 = unlimited. */
  maxQueuedMessages: number;
  /** Payload bytes held in the queue; 0 = unlimited. */
  maxQueuedBytes: number;
  /** What `publish()` does when the queue is full. */
  queueFullPolicy: 'reject' | 'drop-oldest';
  /** Incoming QoS 1/2 are acknowledged only when `ack()` is called. */
  manualAck: boolean;
  /** Re-subscribe to the held subscriptions when the broker answers "session not present". */
  resubscribe: boolean;
  /**
   * Topic filters per re-subscription SUBSCRIBE packet, for brokers that limit them (AWS IoT Core: 8). Absent or
   * 0: 64. The client checks it; `subscribe()` sends what the application passed, in one packet.
   */
  subscribeBatchSize?: number;
  /** Largest packet accepted from the broker (bytes); sent as Maximum Packet Size on MQTT 5. */
  maximumPacketSize?: number;
  /** Milliseconds to wait for CONNACK after CONNECT; 0 = wait forever. */
  connackTimeoutMs: number;
  /** Milliseconds to wait for PINGRESP (any incoming byte) after PINGREQ; default keepalive. */
  pingTimeoutMs?: number;
  /** Incoming topic aliases accepted (MQTT 5 Topic Alias Maximum in CONNECT); 0 = none. */
  topicAliasMaximum: number;
  /** Assign outgoing topic aliases automatically within the broker's Topic Alias Maximum (MQTT 5). */
  autoTopicAlias: boolean;
  /**
   * Optional (added by the engine's author): the identity to keep in the store. When set, a successful CONNACK
   * emits a `setIdentity` op, with `clientId` replaced by the id in use (the broker's Assigned Client Identifier
   * once adopted), on the first CONNACK, after every `clear` (a clean start wipes the identity too) and whenever
   * the client id changes.
   */
  identity?: SessionIdentity;
}

/** What the application publishes. */
export interface OutgoingMessage {
  topic: string;
  payload: Uint8Array;
  qos: QoS;
  retain: boolean;
  properties?: Properties;
}

/** The result of `Session.publish()`: the message id and Paho's return code. */
export interface PublishTicket {
  /** The packet identifier for QoS 1/2; a counter value for QoS 0 (Paho's behaviour). */
  mid: number;
  /** SUCCESS when accepted (sent or queued), QUEUE_SIZE when full with 'reject', PAYLOAD_SIZE when too large. */
  rc: MQTTErrorCode;
}

export type SessionEvent =
  /**
   * A CONNACK arrived, success or refusal (a refusal is followed by a `close` event). `reasonCode` is as on the
   * wire: the MQTT 3.x return code (0..5) on 3.x, the MQTT 5 reason code on 5.0; the `close` after a refusal
   * carries the MQTT 5 equivalent.
   */
  | { type: 'connack'; reasonCode: number; sessionPresent: boolean; properties: Properties }
  /** An application message; topic aliases already resolved. QoS 1/2 wait for `ack()` (auto or manual). */
  | { type: 'message'; packet: PublishPacket }
  /**
   * An outgoing message finished: QoS 0 when its bytes were emitted, QoS 1 on PUBACK, QoS 2 on PUBCOMP, on a
   * PUBREC with a failure reason (no PUBREL then), or on a PUBACK before any PUBREC (`downgraded`). `reasonCode` >= 0x80 means the broker refused it, or the
   * engine could not send it to this broker: 0x95 larger than its Maximum Packet Size, 0x9B above its Maximum
   * QoS, 0x9A retain not available (a message queued before the CONNACK told us).
   */
  | {
      type: 'published';
      mid: number;
      /** The message's QoS (what the acknowledgement was: none, PUBACK, or PUBREC/PUBCOMP). */
      qos: QoS;
      reasonCode: number;
      properties: Properties;
      /** A QoS 2 message the broker answered with PUBACK: it took it at QoS 1 (delivered at least once). */
      downgraded?: boolean;
    }
  /**
   * A message left without being acknowledged: queue full with 'drop-oldest' (rc QUEUE_SIZE, never sent), or a
   * clean start discarded the old session's unacknowledged messages (rc CONN_LOST).
   */
  | { type: 'dropped'; mid: number; rc: MQTTErrorCode }
  | { type: 'subscribed'; mid: number; reasonCodes: number[]; properties: Properties }
  | { type: 'unsubscribed'; mid: number; reasonCodes: number[]; properties: Properties }
  /** The broker sent AUTH (MQTT 5 enhanced authentication); answer with `Session.auth()`. */
  | { type: 'auth'; reasonCode: number; properties: Properties }
  /**
   * The connection must be closed now, after writing the data already output. `reasonCode` is the MQTT 5
   * reason (0x8D keepalive timeout, 0x81 malformed, a server DISCONNECT's code...); `fromServer` is true when
   * the broker sent DISCONNECT. `error` explains a protocol violation.
   */
  | { type: 'close'; reasonCode: number; properties: Properties; fromServer: boolean; error?: MqttError }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; message: string };

export interface SessionOutput {
  storeOps: StoreOp[];
  data: Uint8Array[];
  events: SessionEvent[];
}

export type SessionState = 'disconnected' | 'connecting' | 'connected' | 'disconnecting';

/**
 * The engine's public surface (implemented by `Session`). Inputs never throw for protocol problems (they
 * become `close` events); they throw `InvalidArgumentError` for invalid user input, before any state changes.
 */
/** What the engine counts, for `Client.stats()`: a snapshot, a fresh object at each call. */
export interface EngineStats {
  /** PUBLISH packets sent for the first time (a resend is not counted), by QoS 0, 1, 2. */
  publishesSent: [number, number, number];
  /** Application messages handed to the client, by QoS (a QoS 2 duplicate the flow suppresses is not). */
  messagesReceived: [number, number, number];
  /** Outgoing QoS 1/2 messages on the wire, waiting for their acknowledgement. */
  inflightOutgoing: number;
  /** Incoming QoS 1/2 messages not yet fully acknowledged (a manual ack owed, a QoS 2 flow not released). */
  inflightIncoming: number;
  /** Messages never sent yet (offline, behind the window, or congested), and their payload bytes. */
  queuedMessages: number;
  queuedBytes: number;
  /** Packet identifiers taken by messages, SUBSCRIBEs and UNSUBSCRIBEs. */
  packetIdsInUse: number;
  /** From the last answered PINGREQ to its PINGRESP (ms); undefined before the first. */
  lastPingRoundTripMs: number | undefined;
  /** From the first send of the last timed QoS 1 message to its PUBACK (ms); one message is timed at a time. */
  lastPublishRoundTripMs: number | undefined;
}

export interface SessionEngine {
  readonly state: SessionState;
  /** The client id in use (the broker's Assigned Client Identifier once adopted). */
  readonly clientId: string;
  /** The keepalive in force (seconds), after any Server Keep Alive. */
  readonly keepalive: number;
  /** MQTT 3.x: the application holds so many unacknowledged messages that the transport should stop reading. */
  readonly applicationBacklogFull: boolean;
  /**
   * Called with each packet decoded from the broker, and its size on the wire, before the engine handles it
   * (the client's `steady-mqtt:packet:receive` channel); undefined for none. It must not throw.
   */
  packetObserver: ((packet: Packet, size: number) => void) | undefined;

  /** The transport is open: emits CONNECT. */
  connectionOpened(now: number): void;
  /** Bytes from the transport, split anywhere. */
  receive(data: Uint8Array, now: number): void;
  /** The transport closed for any reason. In-flight messages wait for the next connection. */
  connectionClosed(now: number): void;
  /** Timers: PINGREQ when idle, ping timeout, CONNACK timeout. Call at or after `nextDeadline()`. */
  tick(now: number): void;
  /**
   * The transport's send buffer is full (`false`) or has drained (`true`). While it is full and
   * `maxQueuedMessages` is set, new QoS 0 messages wait in the queue under its limits instead of piling up in the
   * transport; they are sent once it drains. A new connection starts writable.
   */
  transportWritable(writable: boolean, now: number): void;

  publish(message: OutgoingMessage, now: number): PublishTicket;
  /** Returns the mid; sent now when connected, else when the next connection is up. */
  subscribe(subscriptions: Subscription[], properties: Properties | undefined, now: number): number;
  unsubscribe(topicFilters: string[], properties: Properties | undefined, now: number): number;
  /** The Subscription Identifier (MQTT 5) of the granted subscription to exactly `topicFilter`, if any. */
  subscriptionIdentifierOf(topicFilter: string): number | undefined;
  /** The application has taken incoming message `packetId` (QoS 1: PUBACK; QoS 2: record the id, PUBREC). */
  ack(packetId: number, qos: QoS, now: number): boolean;
  /** Sends DISCONNECT (reason and properties on MQTT 5) and then asks for the close. */
  disconnect(reasonCode: number, properties: Properties | undefined, now: number): void;
  /** Sends AUTH (MQTT 5 enhanced authentication, or re-authentication when connected). */
  auth(reasonCode: number, properties: Properties, now: number): void;
  /**
   * New options for the next connections, keeping everything the engine holds (unacknowledged and queued
   * messages, QoS 0 included, pending SUBSCRIBE/UNSUBSCRIBE, incoming QoS 2 ids, packet ids). Only while
   * disconnected. Throws `InvalidArgumentError` for invalid options and `SessionReconfigureError` for what
   * cannot change (the protocol version, `autoTopicAlias`, the client id while a session is held), before
   * anything changed.
   */
  reconfigure(options: SessionOptions): void;

  takeOutput(): SessionOutput;
  /** What the engine counts (see `EngineStats`). */
  stats(): EngineStats;
  /** The time at which `tick()` must next be called, or undefined when nothing is pending. */
  nextDeadline(): number | undefined;
}
