/**
 * Paho's enums, with Paho's values: which callback signatures are in use, which protocol version is spoken,
 * and the levels of log messages.
 */

/**
 * The callback signatures in use. Only `VERSION2` (Paho 2.x, reason codes and properties on every protocol
 * version) is supported; `new Client(CallbackAPIVersion.VERSION1)` throws.
 */
export const CallbackAPIVersion = {
  VERSION1: 1,
  VERSION2: 2,
} as const;
export type CallbackAPIVersion = (typeof CallbackAPIVersion)[keyof typeof CallbackAPIVersion];

/** The MQTT protocol level sent in CONNECT. */
export const MQTTProtocolVersion = {
  MQTTv31: 3,
  MQTTv311: 4,
  MQTTv5: 5,
} as const;
export type MQTTProtocolVersion = (typeof MQTTProtocolVersion)[keyof typeof MQTTProtocolVersion];

/** Paho's log levels, passed to `onLog`. */
export const LogLevel = {
  MQTT_LOG_INFO: 1,
  MQTT_LOG_NOTICE: 2,
  MQTT_LOG_WARNING: 4,
  MQTT_LOG_ERR: 8,
  MQTT_LOG_DEBUG: 16,
} as const;
export type LogLevel = (typeof LogLevel)[keyof typeof LogLevel];

/** Paho's `MQTT_CLEAN_START_FIRST_ONLY`: clean on the first successful connect, resume afterwards (MQTT 5). */
export const MQTT_CLEAN_START_FIRST_ONLY = 3;

/** Paho's `ConnackCode`: the MQTT 3.x CONNACK return codes. */
export const ConnackCode = {
  CONNACK_ACCEPTED: 0,
  CONNACK_REFUSED_PROTOCOL_VERSION: 1,
  CONNACK_REFUSED_IDENTIFIER_REJECTED: 2,
  CONNACK_REFUSED_SERVER_UNAVAILABLE: 3,
  CONNACK_REFUSED_BAD_USERNAME_PASSWORD: 4,
  CONNACK_REFUSED_NOT_AUTHORIZED: 5,
} as const;
export type ConnackCode = (typeof ConnackCode)[keyof typeof ConnackCode];
