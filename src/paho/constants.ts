/**
 * Paho's enums and legacy module constants (`MQTTv311`, `MQTT_ERR_*`, `CONNACK_*`, `MQTT_LOG_*`, the packet
 * type constants...), with Paho's values. They are values, not names to translate, so they are re-exported
 * from the main entry point's enums rather than mapped.
 */
import { ConnackCode, LogLevel, MQTTProtocolVersion } from '../client/enums.js';
import { MQTTErrorCode } from '../session/error-code.js';

/** Paho's `MessageType`: the first byte of each control packet. */
export const MessageType = {
  CONNECT: 0x10,
  CONNACK: 0x20,
  PUBLISH: 0x30,
  PUBACK: 0x40,
  PUBREC: 0x50,
  PUBREL: 0x60,
  PUBCOMP: 0x70,
  SUBSCRIBE: 0x80,
  SUBACK: 0x90,
  UNSUBSCRIBE: 0xa0,
  UNSUBACK: 0xb0,
  PINGREQ: 0xc0,
  PINGRESP: 0xd0,
  DISCONNECT: 0xe0,
  AUTH: 0xf0,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** Paho's `MessageState` (its internal QoS states; for code that compares them). */
export const MessageState = {
  MQTT_MS_INVALID: 0,
  MQTT_MS_PUBLISH: 1,
  MQTT_MS_WAIT_FOR_PUBACK: 2,
  MQTT_MS_WAIT_FOR_PUBREC: 3,
  MQTT_MS_RESEND_PUBREL: 4,
  MQTT_MS_WAIT_FOR_PUBREL: 5,
  MQTT_MS_RESEND_PUBCOMP: 6,
  MQTT_MS_WAIT_FOR_PUBCOMP: 7,
  MQTT_MS_SEND_PUBREC: 8,
  MQTT_MS_QUEUED: 9,
} as const;
export type MessageState = (typeof MessageState)[keyof typeof MessageState];

/** Paho's `PahoClientMode`. */
export const PahoClientMode = { MQTT_CLIENT: 0, MQTT_BRIDGE: 1 } as const;
export type PahoClientMode = (typeof PahoClientMode)[keyof typeof PahoClientMode];

export const { MQTTv31, MQTTv311, MQTTv5 } = MQTTProtocolVersion;
export const {
  MQTT_ERR_AGAIN,
  MQTT_ERR_SUCCESS,
  MQTT_ERR_NOMEM,
  MQTT_ERR_PROTOCOL,
  MQTT_ERR_INVAL,
  MQTT_ERR_NO_CONN,
  MQTT_ERR_CONN_REFUSED,
  MQTT_ERR_NOT_FOUND,
  MQTT_ERR_CONN_LOST,
  MQTT_ERR_TLS,
  MQTT_ERR_PAYLOAD_SIZE,
  MQTT_ERR_NOT_SUPPORTED,
  MQTT_ERR_AUTH,
  MQTT_ERR_ACL_DENIED,
  MQTT_ERR_UNKNOWN,
  MQTT_ERR_ERRNO,
  MQTT_ERR_QUEUE_SIZE,
  MQTT_ERR_KEEPALIVE,
} = MQTTErrorCode;
export const {
  CONNACK_ACCEPTED,
  CONNACK_REFUSED_PROTOCOL_VERSION,
  CONNACK_REFUSED_IDENTIFIER_REJECTED,
  CONNACK_REFUSED_SERVER_UNAVAILABLE,
  CONNACK_REFUSED_BAD_USERNAME_PASSWORD,
  CONNACK_REFUSED_NOT_AUTHORIZED,
} = ConnackCode;
export const { MQTT_LOG_INFO, MQTT_LOG_NOTICE, MQTT_LOG_WARNING, MQTT_LOG_ERR, MQTT_LOG_DEBUG } = LogLevel;
export const {
  CONNECT,
  CONNACK,
  PUBLISH,
  PUBACK,
  PUBREC,
  PUBREL,
  PUBCOMP,
  SUBSCRIBE,
  SUBACK,
  UNSUBSCRIBE,
  UNSUBACK,
  PINGREQ,
  PINGRESP,
  DISCONNECT,
  AUTH,
} = MessageType;
export const { MQTT_CLIENT, MQTT_BRIDGE } = PahoClientMode;
