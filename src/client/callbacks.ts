/**
 * The callback signatures, as Paho 2.x with `CallbackAPIVersion.VERSION2`, on every protocol version: reason
 * codes are `ReasonCode` objects and properties are `Properties` (empty on MQTT 3.x).
 *
 * A callback may return a Promise; a rejection is handled like a thrown exception: it is caught, logged at
 * `MQTT_LOG_ERR` (see `Client.onLog` and `enableLogger`) and passed to `onCallbackError`. With
 * `client.suppressExceptions = false`, the manual `loop()` (and `loopRead()`) also rethrows it.
 */
import type { Client } from './client.js';
import type { LogLevel } from './enums.js';
import type { ConnectFlags, DisconnectFlags } from './flags.js';
import type { MQTTMessage } from './mqtt-message.js';
import type { Properties } from './properties.js';
import type { ReasonCode } from './reason-code.js';

/** Whatever a callback returns is ignored, except a Promise, whose rejection is logged. */
type Result = unknown;

/** On CONNACK, success or refusal (check `reasonCode.isFailure`); a refusal is followed by `onDisconnect`. */
export type OnConnect<U> = (
  client: Client<U>,
  userdata: U,
  flags: ConnectFlags,
  reasonCode: ReasonCode,
  properties: Properties,
) => Result;

/** A connection attempt made by `loopStart()`/`loopForever()` failed before MQTT started (refused, timeout). */
export type OnConnectFail<U> = (client: Client<U>, userdata: U) => Result;

/** The connection closed: after `disconnect()`, a server DISCONNECT, a keepalive timeout or a lost connection. */
export type OnDisconnect<U> = (
  client: Client<U>,
  userdata: U,
  flags: DisconnectFlags,
  reasonCode: ReasonCode,
  properties: Properties,
) => Result;

/** An application message (QoS 2: once, when the flow allows it). */
export type OnMessage<U> = (client: Client<U>, userdata: U, message: MQTTMessage) => Result;

/** An outgoing message completed: QoS 0 written, QoS 1 PUBACK, QoS 2 PUBCOMP (or a refusing PUBREC). */
export type OnPublish<U> = (
  client: Client<U>,
  userdata: U,
  mid: number,
  reasonCode: ReasonCode,
  properties: Properties,
) => Result;

/** On SUBACK: one reason code per filter (the granted QoS, or a failure). */
export type OnSubscribe<U> = (
  client: Client<U>,
  userdata: U,
  mid: number,
  reasonCodeList: ReasonCode[],
  properties: Properties,
) => Result;

/** On UNSUBACK: one reason code per filter on MQTT 5, an empty list on 3.x. */
export type OnUnsubscribe<U> = OnSubscribe<U>;

/** Every log line of the client (its exceptions are swallowed). */
export type OnLog<U> = (client: Client<U>, userdata: U, level: LogLevel, message: string) => Result;

/** Just before a connection is opened, on every (re)connect. */
export type OnPreConnect<U> = (client: Client<U>, userdata: U) => Result;

/** External-loop hooks: the socket opened/closed, outgoing bytes wait (register) or were written (unregister). */
export type OnSocket<U> = (client: Client<U>, userdata: U, socket: unknown) => Result;

/**
 * MQTT 5 enhanced authentication: the broker sent AUTH, `reasonCode` 0x18 "Continue authentication" (answer
 * with `client.auth(0x18, { authenticationData })`, or let the `authenticator` option answer) or 0x00 "Success"
 * (a re-authentication succeeded). `properties` hold `authenticationMethod` and `authenticationData`.
 */
export type OnAuth<U> = (
  client: Client<U>,
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
 */
export type Authenticator = (challenge: AuthChallenge) => Promise<Uint8Array> | Uint8Array;

/**
 * A user callback threw (or its Promise rejected). `callbackName` is the callback (`'onMessage'`, or the
 * message callback of a filter). Called whatever `suppressExceptions` says; its own exceptions are swallowed.
 */
export type OnCallbackError<U> = (
  client: Client<U>,
  userdata: U,
  error: unknown,
  callbackName: string,
) => Result;
