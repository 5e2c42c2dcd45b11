/**
 * Paho's `MQTTErrorCode`: the return codes of `publish()`, `subscribe()`, `loop()` and friends.
 * The values are Paho's (inherited from libmosquitto), so ported code that compares numbers keeps working.
 */
export const MQTTErrorCode = {
  MQTT_ERR_AGAIN: -1,
  MQTT_ERR_SUCCESS: 0,
  MQTT_ERR_NOMEM: 1,
  MQTT_ERR_PROTOCOL: 2,
  MQTT_ERR_INVAL: 3,
  MQTT_ERR_NO_CONN: 4,
  MQTT_ERR_CONN_REFUSED: 5,
  MQTT_ERR_NOT_FOUND: 6,
  MQTT_ERR_CONN_LOST: 7,
  MQTT_ERR_TLS: 8,
  MQTT_ERR_PAYLOAD_SIZE: 9,
  MQTT_ERR_NOT_SUPPORTED: 10,
  MQTT_ERR_AUTH: 11,
  MQTT_ERR_ACL_DENIED: 12,
  MQTT_ERR_UNKNOWN: 13,
  MQTT_ERR_ERRNO: 14,
  MQTT_ERR_QUEUE_SIZE: 15,
  MQTT_ERR_KEEPALIVE: 16,
} as const;
export type MQTTErrorCode = (typeof MQTTErrorCode)[keyof typeof MQTTErrorCode];

const descriptions: Record<number, string> = {
  [-1]: 'Try again.',
  0: 'No error.',
  1: 'Out of memory.',
  2: 'A network protocol error occurred when communicating with the broker.',
  3: 'Invalid function arguments provided.',
  4: 'The client is not currently connected.',
  5: 'The connection was refused.',
  6: 'Message not found (internal error).',
  7: 'The connection was lost.',
  8: 'A TLS error occurred.',
  9: 'Payload too large.',
  10: 'This feature is not supported.',
  11: 'Authorisation failed.',
  12: 'Access denied by ACL.',
  13: 'Unknown error.',
  14: 'Error defined by errno.',
  15: 'Message queue full.',
  16: 'Client or broker did not communicate in the keepalive interval.',
};

/** Paho's `error_string(rc)`: a human description of an `MQTTErrorCode`. */
export function errorString(rc: number): string {
  return descriptions[rc] ?? 'Unknown error.';
}
