/**
 * The callback signatures users see: those of `callback-slots.ts` with the `Client` itself as first argument.
 * A callback may return a Promise; a rejection is handled like a thrown exception (see `callback-slots.ts`).
 */
import type { Client } from './client.js';
import type {
  OnConnectOf,
  OnConnectFailOf,
  OnDisconnectOf,
  OnMessageOf,
  OnPublishOf,
  OnSubscribeOf,
  OnUnsubscribeOf,
  OnLogOf,
  OnPreConnectOf,
  OnSocketOf,
  OnAuthOf,
  OnCallbackErrorOf,
} from './callback-slots.js';

export type { AuthChallenge, Authenticator } from './callback-slots.js';

/** On CONNACK, success or refusal (check `reasonCode.isFailure`); a refusal is followed by `onDisconnect`. */
export type OnConnect<U> = OnConnectOf<Client<U>, U>;

/** A connection attempt made by `loopStart()`/`loopForever()` failed before MQTT started. */
export type OnConnectFail<U> = OnConnectFailOf<Client<U>, U>;

/** The connection closed. */
export type OnDisconnect<U> = OnDisconnectOf<Client<U>, U>;

/** An application message. */
export type OnMessage<U> = OnMessageOf<Client<U>, U>;

/** An outgoing message completed. */
export type OnPublish<U> = OnPublishOf<Client<U>, U>;

/** On SUBACK. */
export type OnSubscribe<U> = OnSubscribeOf<Client<U>, U>;

/** On UNSUBACK. */
export type OnUnsubscribe<U> = OnUnsubscribeOf<Client<U>, U>;

/** Every log line of the client. */
export type OnLog<U> = OnLogOf<Client<U>, U>;

/** Just before a connection is opened. */
export type OnPreConnect<U> = OnPreConnectOf<Client<U>, U>;

/** External-loop hooks. */
export type OnSocket<U> = OnSocketOf<Client<U>, U>;

/** MQTT 5 enhanced authentication: the broker sent AUTH. */
export type OnAuth<U> = OnAuthOf<Client<U>, U>;

/** A user callback threw (or its Promise rejected). */
export type OnCallbackError<U> = OnCallbackErrorOf<Client<U>, U>;
