/**
 * The callback signatures, as Paho 2.x with `CallbackAPIVersion.VERSION2`, on every protocol version: reason
 * codes are `ReasonCode` objects and properties are `Properties` (empty on MQTT 3.x).
 *
 * A callback may return a Promise; a rejection is logged like a thrown exception. An exception never reaches
 * the client's loop: it is caught and logged at `MQTT_LOG_ERR` (see `Client.onLog` and `enableLogger`).
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
