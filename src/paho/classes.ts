/**
 * The facade's classes and module functions: Paho's names, built by the adapter from the mapping table. Each
 * constructor returns the facade of a real steady-mqtt object, so `new Client(...)` here and in `steady-mqtt`
 * make the same client.
 */
import { Client as CamelClient } from '../client/client.js';
import { connackString } from '../client/connack.js';
import type { CallbackAPIVersion, MQTTProtocolVersion } from '../client/enums.js';
import {
  ConnectFlags as CamelConnectFlags,
  DisconnectFlags as CamelDisconnectFlags,
} from '../client/flags.js';
import { MQTTMessageInfo as CamelMessageInfo } from '../client/message-info.js';
import { MQTTMessage as CamelMessage } from '../client/mqtt-message.js';
import { Properties as CamelProperties, type PropertiesPacketType } from '../client/properties.js';
import { ReasonCode as CamelReasonCode } from '../client/reason-code.js';
import { scramAuthenticator } from '../client/scram.js';
import { SubscribeOptions as CamelSubscribeOptions } from '../client/subscribe-options.js';
import { PacketType, type Properties as PacketProperties } from '../packet/types.js';
import { MQTTErrorCode, errorString } from '../session/error-code.js';
import { topicMatchesSub } from '../topic/match.js';
import { facadeConstructor, facadeFunction, toOptions } from './adapter.js';
import { CLIENT_OPTIONS, CLIENT_POSITIONAL, FUNCTIONS } from './table.js';
import type {
  PahoClient,
  PahoClientOptions,
  PahoConnectFlags,
  PahoDisconnectFlags,
  PahoMQTTMessage,
  PahoMQTTMessageInfo,
  PahoProperties,
  PahoReasonCode,
  PahoSubscribeOptions,
} from './types.js';

/** `Client(callback_api_version, ...)`: keyword arguments as one object, or Paho's positional arguments. */
export interface PahoClientConstructor {
  new <U = unknown>(callback_api_version: CallbackAPIVersion, kwargs?: PahoClientOptions<U>): PahoClient<U>;
  new <U = unknown>(
    callback_api_version: CallbackAPIVersion,
    client_id?: string | null,
    clean_session?: boolean | null,
    userdata?: U,
    protocol?: MQTTProtocolVersion,
    transport?: string,
    reconnect_on_failure?: boolean,
    manual_ack?: boolean,
  ): PahoClient<U>;
}

function clientArgs(version: unknown, first?: unknown, ...rest: unknown[]): unknown[] {
  const kwargs =
    typeof first === 'object' && first !== null
      ? first
      : Object.fromEntries(CLIENT_POSITIONAL.map((name, index) => [name, [first, ...rest][index]]));
  return [version, toOptions(kwargs, CLIENT_OPTIONS)];
}

/** Paho's `Client`: `new Client(CallbackAPIVersion.VERSION2, { client_id: 'me' })`. */
export const Client = facadeConstructor(CamelClient, clientArgs) as PahoClientConstructor;
export type Client<U = unknown> = PahoClient<U>;

/** Paho's `Properties(packetType)`: `p.MessageExpiryInterval = 30; p.UserProperty = ['k', 'v']`. */
export const Properties = facadeConstructor(CamelProperties) as new (
  packetType: PropertiesPacketType,
  init?: PacketProperties,
) => PahoProperties;
export type Properties = PahoProperties;

/** Paho's `SubscribeOptions(qos, noLocal, retainAsPublished, retainHandling)` and its `RETAIN_*` constants. */
export const SubscribeOptions = facadeConstructor(CamelSubscribeOptions) as {
  new (
    qos?: number,
    noLocal?: boolean,
    retainAsPublished?: boolean,
    retainHandling?: number,
  ): PahoSubscribeOptions;
  readonly RETAIN_SEND_ON_SUBSCRIBE: 0;
  readonly RETAIN_SEND_IF_NEW_SUB: 1;
  readonly RETAIN_DO_NOT_SEND: 2;
};
export type SubscribeOptions = PahoSubscribeOptions;

/** Paho's `ReasonCode(packetType, aName="Success")`; `ReasonCodes` is its deprecated alias, as in Paho. */
export const ReasonCode = facadeConstructor(CamelReasonCode) as new (
  packetType: PacketType,
  aName?: string | number,
) => PahoReasonCode;
export type ReasonCode = PahoReasonCode;
export const ReasonCodes = ReasonCode;
export type ReasonCodes = PahoReasonCode;

/** `MQTTMessage`, for `instanceof` and types (the client makes them). */
export const MQTTMessage = facadeConstructor(CamelMessage) as abstract new () => PahoMQTTMessage;
export type MQTTMessage = PahoMQTTMessage;
/** `MQTTMessageInfo`, for `instanceof` and types (`publish()` makes them). */
export const MQTTMessageInfo = facadeConstructor(CamelMessageInfo) as abstract new () => PahoMQTTMessageInfo;
export type MQTTMessageInfo = PahoMQTTMessageInfo;
/** `ConnectFlags(session_present)`. */
export const ConnectFlags = facadeConstructor(CamelConnectFlags) as new (
  session_present: boolean,
) => PahoConnectFlags;
export type ConnectFlags = PahoConnectFlags;
/** `DisconnectFlags(is_disconnect_packet_from_server)`. */
export const DisconnectFlags = facadeConstructor(CamelDisconnectFlags) as new (
  is_disconnect_packet_from_server: boolean,
) => PahoDisconnectFlags;
export type DisconnectFlags = PahoDisconnectFlags;

/** The steady-mqtt functions behind `FUNCTIONS` (the two conversions are Paho's own mappings). */
const IMPLEMENTATIONS = {
  errorString,
  connackString,
  topicMatchesSub,
  convertConnackRcToReasonCode: (rc: number): CamelReasonCode => CamelReasonCode.fromConnackReturnCode(rc),
  convertDisconnectErrorCodeToReasonCode: (rc: number): CamelReasonCode =>
    new CamelReasonCode(
      PacketType.DISCONNECT,
      rc === MQTTErrorCode.MQTT_ERR_SUCCESS ? 0x00 : rc === MQTTErrorCode.MQTT_ERR_KEEPALIVE ? 0x8d : 0x80,
    ),
  scramAuthenticator,
} satisfies { [K in (typeof FUNCTIONS)[keyof typeof FUNCTIONS]]: unknown };

type Implementations = typeof IMPLEMENTATIONS;
/** The facade type of the module function called `name` in Paho. */
export type PahoFunction<N extends keyof typeof FUNCTIONS> = Implementations[(typeof FUNCTIONS)[N]] extends (
  ...args: infer A
) => infer R
  ? (...args: A) => R extends CamelReasonCode ? PahoReasonCode : R
  : never;

/** The module function Paho calls `name`. */
export function moduleFunction<N extends keyof typeof FUNCTIONS>(name: N): PahoFunction<N> {
  const fn = IMPLEMENTATIONS[FUNCTIONS[name]] as (...args: unknown[]) => unknown;
  return facadeFunction(fn) as PahoFunction<N>;
}
