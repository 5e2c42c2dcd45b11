/**
 * The facade's TypeScript types, derived from the mapping table (`table.ts`) with mapped and conditional
 * types: `PahoClient<U>` has exactly the snake_case names of `CLIENT`, each typed as the camelCase member it
 * stands for, with every steady-mqtt object in its signature (callback arguments included) replaced by its
 * facade. Nothing here lists a name.
 */
import type { Client } from '../client/client.js';
import type { ConnectFlags, DisconnectFlags } from '../client/flags.js';
import type { MQTTMessageInfo } from '../client/message-info.js';
import type { MQTTMessage } from '../client/mqtt-message.js';
import type { ClientOptions } from '../client/options.js';
import type { Properties } from '../client/properties.js';
import type { ReasonCode } from '../client/reason-code.js';
import type { SubscribeOptions } from '../client/subscribe-options.js';
import type { SingleOptions } from '../simple/publish.js';
import type { CallbackOptions, SimpleOptions } from '../simple/subscribe.js';
import type { ConnectionOptions } from '../simple/options.js';
import type {
  CALLBACK_OPTIONS,
  CLIENT,
  CLIENT_OPTIONS,
  CONNECT_FLAGS,
  DISCONNECT_FLAGS,
  MESSAGE,
  MESSAGE_INFO,
  MESSAGE_SPEC,
  MULTIPLE_OPTIONS,
  PROPERTIES,
  REASON_CODE,
  SIMPLE_OPTIONS,
  SINGLE_OPTIONS,
  SUBSCRIBE_OPTIONS,
} from './table.js';
import type { MessageSpec } from '../simple/publish.js';

/** The type of a name the `Client` does not provide yet: calling it throws `NotSupportedError`. */
export type NotYetAvailable = (...args: unknown[]) => unknown;

/** A steady-mqtt type as the facade shows it: objects become their facades, deeply through functions. */
export type ToPaho<T> =
  T extends Client<infer U>
    ? PahoClient<U>
    : T extends MQTTMessageInfo
      ? PahoMQTTMessageInfo
      : T extends Properties
        ? PahoProperties
        : T extends SubscribeOptions
          ? PahoSubscribeOptions
          : T extends MQTTMessage
            ? PahoMQTTMessage
            : T extends ReasonCode
              ? PahoReasonCode
              : T extends ConnectFlags
                ? PahoConnectFlags
                : T extends DisconnectFlags
                  ? PahoDisconnectFlags
                  : T extends Promise<infer P>
                    ? Promise<ToPaho<P>>
                    : T extends (...args: infer A) => infer R
                      ? (...args: ToPahoTuple<A>) => ToPaho<R>
                      : T extends readonly unknown[]
                        ? ToPahoTuple<T>
                        : T;

/** `ToPaho` on each element of a tuple or array (parameter lists included). */
export type ToPahoTuple<A> = { [I in keyof A]: ToPaho<A[I]> };

type ElementOf<T> = T extends readonly (infer E)[] ? E : never;

/** One table entry's member type on the facade of `T`. */
type Member<T, E> = E extends string
  ? E extends keyof T
    ? ToPaho<T[E]>
    : NotYetAvailable
  : E extends { readonly name: infer N; readonly args: (...args: infer A) => unknown }
    ? N extends keyof T
      ? T[N] extends (...args: never[]) => infer R
        ? (...args: A) => ToPaho<R>
        : never
      : NotYetAvailable
    : E extends { readonly name: infer N; readonly append: string }
      ? N extends keyof T
        ? ToPaho<T[N]> | ElementOf<NonNullable<T[N]>>
        : never
      : never;

/** The facade of an object of type `T` whose names are mapped by `Table`. */
export type Facade<T, Table> = { -readonly [K in keyof Table]: Member<T, Table[K]> };

/** One keyword argument's type: the camelCase option's type, or a nested keyword object. */
type KwValue<Target, E> = E extends { readonly name: infer N; readonly kwargs: infer Sub }
  ? N extends keyof Target
    ? Kwargs<Extract<NonNullable<Target[N]>, object>, Sub>
    : never
  : E extends keyof Target
    ? ToPaho<Target[E]> | null
    : never;

/** Python keyword arguments as an object with snake_case keys, typed from the camelCase options `Target`. */
export type Kwargs<Target, Table> = { [K in keyof Table]?: KwValue<Target, Table[K]> };

/** `paho.mqtt.client.Client` with callback API VERSION2. */
export type PahoClient<U = unknown> = Facade<Client<U>, typeof CLIENT>;
export type PahoMQTTMessage = Facade<MQTTMessage, typeof MESSAGE>;
export type PahoMQTTMessageInfo = Facade<MQTTMessageInfo, typeof MESSAGE_INFO> & Iterable<number>;
export type PahoConnectFlags = Facade<ConnectFlags, typeof CONNECT_FLAGS>;
export type PahoDisconnectFlags = Facade<DisconnectFlags, typeof DISCONNECT_FLAGS>;
export type PahoReasonCode = Facade<ReasonCode, typeof REASON_CODE> & {
  valueOf(): number;
  toString(): string;
};
export type PahoProperties = Facade<Properties, typeof PROPERTIES>;
export type PahoSubscribeOptions = Facade<SubscribeOptions, typeof SUBSCRIBE_OPTIONS>;

/** The `Client` constructor's keyword arguments. */
export type PahoClientOptions<U = unknown> = Kwargs<ClientOptions<U>, typeof CLIENT_OPTIONS>;
/** `publish.single`'s keyword arguments. */
export type PahoSingleOptions<U = unknown> = Kwargs<SingleOptions<U>, typeof SINGLE_OPTIONS>;
/** `publish.multiple`'s keyword arguments. */
export type PahoMultipleOptions<U = unknown> = Kwargs<ConnectionOptions<U>, typeof MULTIPLE_OPTIONS>;
/** One message dict of `publish.multiple`. */
export type PahoMessageSpec = Kwargs<MessageSpec, typeof MESSAGE_SPEC> & { topic: string };
/** `subscribe.simple`'s keyword arguments. */
export type PahoSimpleOptions<U = unknown> = Kwargs<SimpleOptions<U>, typeof SIMPLE_OPTIONS>;
/** `subscribe.callback`'s keyword arguments. */
export type PahoCallbackOptions<U = unknown> = Kwargs<CallbackOptions<U>, typeof CALLBACK_OPTIONS>;
