/**
 * `steady-mqtt/paho`: steady-mqtt under Paho Python's names, so a Python program ports line by line.
 *
 * ```ts
 * import * as mqtt from 'steady-mqtt/paho';
 *
 * function on_connect(client: mqtt.Client, userdata: unknown, flags: mqtt.ConnectFlags, reason_code: mqtt.ReasonCode, properties: mqtt.Properties) {
 *   client.subscribe('$SYS/#');
 * }
 * function on_message(client: mqtt.Client, userdata: unknown, msg: mqtt.MQTTMessage) {
 *   console.log(msg.topic + ' ' + msg.payload_string());
 * }
 * const mqttc = new mqtt.Client(mqtt.CallbackAPIVersion.VERSION2);
 * mqttc.on_connect = on_connect;
 * mqttc.on_message = on_message;
 * mqttc.connect('mqtt.eclipseprojects.io', 1883, 60);
 * await mqttc.loop_forever();
 * ```
 *
 * A naming layer only: every object is the steady-mqtt object behind a facade generated from one mapping table
 * (`src/paho/table.ts`); behaviour, defaults and errors are steady-mqtt's. See docs/migrating-from-paho.md.
 */
import { moduleFunction } from './paho/classes.js';

export {
  Client,
  ConnectFlags,
  DisconnectFlags,
  MQTTMessage,
  MQTTMessageInfo,
  Properties,
  ReasonCode,
  ReasonCodes,
  SubscribeOptions,
  type PahoClientConstructor,
} from './paho/classes.js';
export * from './paho/constants.js';
export {
  CallbackAPIVersion,
  ConnackCode,
  LogLevel,
  MQTTProtocolVersion,
  MQTT_CLEAN_START_FIRST_ONLY,
} from './client/enums.js';
export { MQTTErrorCode } from './session/error-code.js';
export { PacketTypes } from './client/properties.js';
export type { PayloadType } from './client/payload.js';
export type {
  Facade,
  Kwargs,
  PahoCallbackOptions,
  PahoClient,
  PahoClientOptions,
  PahoMessageSpec,
  PahoMultipleOptions,
  PahoSimpleOptions,
  PahoSingleOptions,
  ToPaho,
} from './paho/types.js';
export * as publish from './paho/publish.js';
export * as subscribe from './paho/subscribe.js';
/** The mapping table itself (for tools and docs). */
export * as names from './paho/table.js';

/** Paho's `MQTTException`: here the base of every steady-mqtt error (refusals, timeouts, bad arguments). */
export { MqttError as MQTTException } from './errors.js';
/** Paho's `WebsocketConnectionError`: a failed connection, whatever the transport. */
export { ConnectionError as WebsocketConnectionError } from './transport/errors.js';
/** The `node:diagnostics_channel` names (no Paho equivalent; docs/observability.md), in the facade's spelling. */
export { diagnosticsChannels as diagnostics_channels } from './transport/diagnostics-channels.js';

/** `error_string(rc)`: the text of an `MQTT_ERR_*` code. */
export const error_string = moduleFunction('error_string');
/** `connack_string(code)`: the text of a CONNACK result (a 3.x return code or a `ReasonCode`). */
export const connack_string = moduleFunction('connack_string');
/** `topic_matches_sub(sub, topic)`: true when `topic` matches the filter `sub` (`$` topics need a `$` filter). */
export const topic_matches_sub = moduleFunction('topic_matches_sub');
/** `convert_connack_rc_to_reason_code(rc)`: a MQTT 3.x CONNACK return code as a `ReasonCode`. */
export const convert_connack_rc_to_reason_code = moduleFunction('convert_connack_rc_to_reason_code');
/** `convert_disconnect_error_code_to_reason_code(rc)`: an `MQTT_ERR_*` code as a DISCONNECT `ReasonCode`. */
export const convert_disconnect_error_code_to_reason_code = moduleFunction(
  'convert_disconnect_error_code_to_reason_code',
);
/**
 * `scram_authenticator({ username, password, mechanism })`: steady-mqtt's SCRAM-SHA-256 / SCRAM-SHA-1
 * authenticator for the `authenticator` keyword (Paho has no enhanced authentication).
 */
export const scram_authenticator = moduleFunction('scram_authenticator');
