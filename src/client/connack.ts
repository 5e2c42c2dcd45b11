/**
 * Paho's `connack_string`: a readable text for a CONNACK result.
 */
import { connackString as connackReturnCodeString } from '../packet/reason-codes.js';
import { ReasonCode } from './reason-code.js';

/**
 * The text for a CONNACK result: a MQTT 3.x return code (0..5) gives Paho's sentence ("Connection Refused: not
 * authorised."), a `ReasonCode` gives its name.
 */
export function connackString(code: number | ReasonCode): string {
  return code instanceof ReasonCode ? code.getName() : connackReturnCodeString(code);
}
