/**
 * The callback signatures, as Paho 2.x with `CallbackAPIVersion.VERSION2`, on every protocol version: reason
 * codes are `ReasonCode` objects and properties are `Properties` (empty on MQTT 3.x). Written over the type `C`
 * of the client passed first, so that the dispatcher can call them without importing `Client` (the public
 * names, `OnConnect<U>` and the rest, are these with `C = Client<U>`: see `callbacks.ts`).
 *
 * A callback may return a Promise; a rejection is handled like a thrown exception: it is caught, logged at
 * `MQTT_LOG_ERR` (see `Client.onLog` and `enableLogger`) and passed to `onCallbackError`. With
 * `client.suppressExceptions = false`, the manual `loop()` (and `loopRead()`) also rethrows it.
 */
import type { LogLevel } from './enums.js';
import type { ConnectFlags, DisconnectFlags } from './flags.js';
import type { MQTTMessage } from './mqtt-message.js';
import type { Properties } from './properties.js';
import type { ReasonCode } from './reason-code.js';

/** Whatever a callback returns is ignored, except a Promise, whose rejection is logged. */
type Result = unknown;

/** On CONNACK, success or refusal (check `reasonCode.isFailure`); a refusal is followed by `onDisconnect`. */
export type OnConnectOf<C, U> = (
  client: C,
  userdata: U,
  flags: ConnectFlags,
  reasonCode: ReasonCode,
  properties: Properties,
) => Result;

/** A connection attempt made by `loopStart()`/`loopForever()` failed before MQTT started (refused, timeout). */
export type OnConnectFailOf<C, U> = (client: C, userdata: U) => Result;

/** The connection closed: after `disconnect()`, a server DISCONNECT, a keepalive timeout or a lost connection. */
export type OnDisconnectOf<C, U> = (
  client: C,
  userdata: U,
  flags: DisconnectFlags,
  reasonCode: ReasonCode,
  properties: Properties,
) => Result;

/** An application message (QoS 2: once, when the flow allows it). */
export type OnMessageOf<C, U> = (client: C, userdata: U, message: MQTTMessage) => Result;

/** An outgoing message completed: QoS 0 written, QoS 1 PUBACK, QoS 2 PUBCOMP (or a refusing PUBREC). */
export type OnPublishOf<C, U> = (
  client: C,
  userdata: U,
  mid: number,
  reasonCode: ReasonCode,
  properties: Properties,
) => Result;

/** On SUBACK: one reason code per filter (the granted QoS, or a failure). */
export type OnSubscribeOf<C, U> = (
  client: C,
  userdata: U,
  mid: number,
  reasonCodeList: ReasonCode[],
  properties: Properties,
) => Result;

/** On UNSUBACK: one reason code per filter on MQTT 5, an empty list on 3.x. */
export type OnUnsubscribeOf<C, U> = OnSubscribeOf<C, U>;

/** Every log line of the client (its exceptions are swallowed). */
export type OnLogOf<C, U> = (client: C, userdata: U, level: LogLevel, message: string) => Result;

/** Just before a connection is opened, on every (re)connect. */
export type OnPreConnectOf<C, U> = (client: C, userdata: U) => Result;

/** External-loop hooks: the socket opened/closed, outgoing bytes wait (register) or were written (unregister). */
export type OnSocketOf<C, U> = (client: C, userdata: U, socket: unknown) => Result;

/**
 * MQTT 5 enhanced authentication: the broker sent AUTH, `reasonCode` 0x18 "Continue authentication" (answer
 * with `client.auth(0x18, { authenticationData })`, or let the `authenticator` option answer) or 0x00 "Success"
 * (a re-authentication succeeded). `properties` hold `authenticationMethod` and `authenticationData`.
 */
export type OnAuthOf<C, U> = (
  client: C,
  userdata: U,
  reasonCode: ReasonCode,
  properties: Properties,
) => Result;

/** What the `authenticator` option is given: one challenge of the broker (an AUTH with reason 0x18). */
export interface AuthChallenge {
  /** The Authentication Method of the CONNECT (and of every AUTH) [MQTT-4.12.0-5]. */
  method: string;
  /** The broker's Authentication Data, if it sent any. */
  data: Uint8Array | undefined;
  /** 0x18 "Continue authentication". */
  reasonCode: number;
}

/**
 * Answers the broker's challenges: returns (or resolves with) the Authentication Data of the client's next AUTH
 * (reason 0x18). A throw or rejection closes the connection with DISCONNECT 0x80 and is logged.
 *
 * A plain function is enough when the application puts the method and the first data in the CONNECT
 * properties. An authenticator that runs whole exchanges itself (`scramAuthenticator()`) also has the optional
 * members, which the client then uses; they are synchronous, as the engine calls them while it builds a CONNECT
 * or reads a CONNACK.
 */
export interface Authenticator {
  (challenge: AuthChallenge): Promise<Uint8Array> | Uint8Array;
  /** The Authentication Method of every CONNECT (connect properties naming another one are refused). */
  readonly method?: string;
  /** The first Authentication Data of an exchange: of every CONNECT, and of `auth(0x19)` given none. */
  start?(): Uint8Array;
  /**
   * Checks the broker's last Authentication Data, which ends an exchange: a successful CONNACK's, or a
   * re-authentication's AUTH 0x00. A throw fails the connection: DISCONNECT 0x80, `connectAndWait()` rejects
   * with the error (an `AuthenticationError` for SCRAM), nothing is sent before it.
   */
  verify?(data: Uint8Array | undefined): void;
}

/**
 * A user callback threw (or its Promise rejected). `callbackName` is the callback (`'onMessage'`, or the
 * message callback of a filter). Called whatever `suppressExceptions` says; its own exceptions are swallowed.
 */
export type OnCallbackErrorOf<C, U> = (
  client: C,
  userdata: U,
  error: unknown,
  callbackName: string,
) => Result;

/** The user's callbacks: one slot each, `undefined` when not set. The client's `onX` properties are these. */
export interface CallbackSlots<C, U> {
  onConnect: OnConnectOf<C, U> | undefined;
  onConnectFail: OnConnectFailOf<C, U> | undefined;
  onDisconnect: OnDisconnectOf<C, U> | undefined;
  onMessage: OnMessageOf<C, U> | undefined;
  onPublish: OnPublishOf<C, U> | undefined;
  onSubscribe: OnSubscribeOf<C, U> | undefined;
  onUnsubscribe: OnUnsubscribeOf<C, U> | undefined;
  onLog: OnLogOf<C, U> | undefined;
  onPreConnect: OnPreConnectOf<C, U> | undefined;
  onSocketOpen: OnSocketOf<C, U> | undefined;
  onSocketClose: OnSocketOf<C, U> | undefined;
  onSocketRegisterWrite: OnSocketOf<C, U> | undefined;
  onSocketUnregisterWrite: OnSocketOf<C, U> | undefined;
  onAuth: OnAuthOf<C, U> | undefined;
  onCallbackError: OnCallbackErrorOf<C, U> | undefined;
}

/** The names of the slots, for clearing them all (`reinitialise()`) and exposing them on the client. */
export const CALLBACK_SLOTS: readonly (keyof CallbackSlots<unknown, unknown>)[] = [
  'onConnect',
  'onConnectFail',
  'onDisconnect',
  'onMessage',
  'onPublish',
  'onSubscribe',
  'onUnsubscribe',
  'onLog',
  'onPreConnect',
  'onSocketOpen',
  'onSocketClose',
  'onSocketRegisterWrite',
  'onSocketUnregisterWrite',
  'onAuth',
  'onCallbackError',
];
