/**
 * MQTT 5 reason codes (specification §2.4, Table 2-6) with their names per packet type, and the MQTT 3.x
 * CONNACK return codes with the texts Paho prints for them.
 */
import { PacketType } from './types.js';

/** Packet types that carry reason codes, as bits of a mask (bit n = packet type n). */
const CONNACK = 1 << PacketType.CONNACK;
const PUBACK = 1 << PacketType.PUBACK;
const PUBREC = 1 << PacketType.PUBREC;
const PUBREL = 1 << PacketType.PUBREL;
const PUBCOMP = 1 << PacketType.PUBCOMP;
const SUBACK = 1 << PacketType.SUBACK;
const UNSUBACK = 1 << PacketType.UNSUBACK;
const DISCONNECT = 1 << PacketType.DISCONNECT;
const AUTH = 1 << PacketType.AUTH;

/**
 * The MQTT 5 reason codes by name: the specification's names in PascalCase (`Packet too large` is
 * `PacketTooLarge`), 0x00 under each of its names. The values are made from `TABLE` below (`ReasonCode`).
 */
export interface ReasonCodes {
  readonly Success: 0x00;
  readonly NormalDisconnection: 0x00;
  readonly GrantedQoS0: 0x00;
  readonly GrantedQoS1: 0x01;
  readonly GrantedQoS2: 0x02;
  readonly DisconnectWithWillMessage: 0x04;
  readonly NoMatchingSubscribers: 0x10;
  readonly NoSubscriptionExisted: 0x11;
  readonly ContinueAuthentication: 0x18;
  readonly ReAuthenticate: 0x19;
  readonly UnspecifiedError: 0x80;
  readonly MalformedPacket: 0x81;
  readonly ProtocolError: 0x82;
  readonly ImplementationSpecificError: 0x83;
  readonly UnsupportedProtocolVersion: 0x84;
  readonly ClientIdentifierNotValid: 0x85;
  readonly BadUserNameOrPassword: 0x86;
  readonly NotAuthorized: 0x87;
  readonly ServerUnavailable: 0x88;
  readonly ServerBusy: 0x89;
  readonly Banned: 0x8a;
  readonly ServerShuttingDown: 0x8b;
  readonly BadAuthenticationMethod: 0x8c;
  readonly KeepAliveTimeout: 0x8d;
  readonly SessionTakenOver: 0x8e;
  readonly TopicFilterInvalid: 0x8f;
  readonly TopicNameInvalid: 0x90;
  readonly PacketIdentifierInUse: 0x91;
  readonly PacketIdentifierNotFound: 0x92;
  readonly ReceiveMaximumExceeded: 0x93;
  readonly TopicAliasInvalid: 0x94;
  readonly PacketTooLarge: 0x95;
  readonly MessageRateTooHigh: 0x96;
  readonly QuotaExceeded: 0x97;
  readonly AdministrativeAction: 0x98;
  readonly PayloadFormatInvalid: 0x99;
  readonly RetainNotSupported: 0x9a;
  readonly QoSNotSupported: 0x9b;
  readonly UseAnotherServer: 0x9c;
  readonly ServerMoved: 0x9d;
  readonly SharedSubscriptionsNotSupported: 0x9e;
  readonly ConnectionRateExceeded: 0x9f;
  readonly MaximumConnectTime: 0xa0;
  readonly SubscriptionIdentifiersNotSupported: 0xa1;
  readonly WildcardSubscriptionsNotSupported: 0xa2;
}

/** A row of Table 2-6: the code's name, and the mask of the packet types it may appear in. */
type ReasonEntry = readonly [name: string, packets: number];

/** Table 2-6, except 0x00..0x02 whose names depend on the packet (see `reasonCodeName`). */
const TABLE: ReadonlyMap<number, ReasonEntry> = new Map<number, ReasonEntry>([
  [0x04, ['Disconnect with Will Message', DISCONNECT]],
  [0x10, ['No matching subscribers', PUBACK | PUBREC]],
  [0x11, ['No subscription existed', UNSUBACK]],
  [0x18, ['Continue authentication', AUTH]],
  [0x19, ['Re-authenticate', AUTH]],
  [0x80, ['Unspecified error', CONNACK | PUBACK | PUBREC | SUBACK | UNSUBACK | DISCONNECT]],
  [0x81, ['Malformed Packet', CONNACK | DISCONNECT]],
  [0x82, ['Protocol Error', CONNACK | DISCONNECT]],
  [0x83, ['Implementation specific error', CONNACK | PUBACK | PUBREC | SUBACK | UNSUBACK | DISCONNECT]],
  [0x84, ['Unsupported Protocol Version', CONNACK]],
  [0x85, ['Client Identifier not valid', CONNACK]],
  [0x86, ['Bad User Name or Password', CONNACK]],
  [0x87, ['Not authorized', CONNACK | PUBACK | PUBREC | SUBACK | UNSUBACK | DISCONNECT]],
  [0x88, ['Server unavailable', CONNACK]],
  [0x89, ['Server busy', CONNACK | DISCONNECT]],
  [0x8a, ['Banned', CONNACK]],
  [0x8b, ['Server shutting down', DISCONNECT]],
  [0x8c, ['Bad authentication method', CONNACK | DISCONNECT]],
  [0x8d, ['Keep Alive timeout', DISCONNECT]],
  [0x8e, ['Session taken over', DISCONNECT]],
  [0x8f, ['Topic Filter invalid', SUBACK | UNSUBACK | DISCONNECT]],
  [0x90, ['Topic Name invalid', CONNACK | PUBACK | PUBREC | DISCONNECT]],
  [0x91, ['Packet Identifier in use', PUBACK | PUBREC | SUBACK | UNSUBACK]],
  [0x92, ['Packet Identifier not found', PUBREL | PUBCOMP]],
  [0x93, ['Receive Maximum exceeded', DISCONNECT]],
  [0x94, ['Topic Alias invalid', DISCONNECT]],
  [0x95, ['Packet too large', CONNACK | DISCONNECT]],
  [0x96, ['Message rate too high', DISCONNECT]],
  [0x97, ['Quota exceeded', CONNACK | PUBACK | PUBREC | SUBACK | DISCONNECT]],
  [0x98, ['Administrative action', DISCONNECT]],
  [0x99, ['Payload format invalid', CONNACK | PUBACK | PUBREC | DISCONNECT]],
  [0x9a, ['Retain not supported', CONNACK | DISCONNECT]],
  [0x9b, ['QoS not supported', CONNACK | DISCONNECT]],
  [0x9c, ['Use another server', CONNACK | DISCONNECT]],
  [0x9d, ['Server moved', CONNACK | DISCONNECT]],
  [0x9e, ['Shared Subscriptions not supported', SUBACK | DISCONNECT]],
  [0x9f, ['Connection rate exceeded', CONNACK | DISCONNECT]],
  [0xa0, ['Maximum connect time', DISCONNECT]],
  [0xa1, ['Subscription Identifiers not supported', SUBACK | DISCONNECT]],
  [0xa2, ['Wildcard Subscriptions not supported', SUBACK | DISCONNECT]],
]);

/** `Packet Identifier not found` → `PacketIdentifierNotFound`: each word capitalised, spaces and hyphens dropped. */
function pascalCase(name: string): string {
  return name.replace(/(?:^|[ -])(\w)/g, (_match, first: string) => first.toUpperCase());
}

/**
 * The reason codes by name (`ReasonCode.ProtocolError` is 0x82), made from the table's names rather than written
 * out a second time: the names of 0x00..0x02 depend on the packet, so each of them is listed.
 */
export const ReasonCode = Object.fromEntries([
  ['Success', 0x00],
  ['NormalDisconnection', 0x00],
  ['GrantedQoS0', 0x00],
  ['GrantedQoS1', 0x01],
  ['GrantedQoS2', 0x02],
  ...Array.from(TABLE, ([code, [name]]) => [pascalCase(name), code]),
]) as unknown as ReasonCodes;

/** Packets in which 0x00 means "Success". */
const SUCCESS_PACKETS = CONNACK | PUBACK | PUBREC | PUBREL | PUBCOMP | UNSUBACK | AUTH;

/**
 * Whether `code` is a reason code the MQTT 5 specification defines for `packetType` (Table 2-6).
 * For SUBACK, 0x00..0x02 are the granted QoS values.
 */
export function isValidReasonCode(packetType: PacketType, code: number): boolean {
  const bit = 1 << packetType;
  if (code === 0x00)
    return (
      (SUCCESS_PACKETS & bit) !== 0 ||
      packetType === PacketType.DISCONNECT ||
      packetType === PacketType.SUBACK
    );
  if (code === 0x01 || code === 0x02) return packetType === PacketType.SUBACK;
  const entry = TABLE.get(code);
  return entry !== undefined && (entry[1] & bit) !== 0;
}

/**
 * The specification's name for reason `code` in a packet of type `packetType`: 0x00 is "Success",
 * "Normal disconnection" (DISCONNECT) or "Granted QoS 0" (SUBACK). A code the specification does not define
 * for that packet gives `"Unknown reason code 0x.."`.
 */
export function reasonCodeName(packetType: PacketType, code: number): string {
  if (isValidReasonCode(packetType, code)) {
    if (code === 0x00) {
      if (packetType === PacketType.DISCONNECT) return 'Normal disconnection';
      if (packetType === PacketType.SUBACK) return 'Granted QoS 0';
      return 'Success';
    }
    if (code === 0x01) return 'Granted QoS 1';
    if (code === 0x02) return 'Granted QoS 2';
    const entry = TABLE.get(code);
    if (entry !== undefined) return entry[0];
  }
  return `Unknown reason code 0x${code.toString(16).padStart(2, '0')}`;
}

/** Whether `code` reports a failure (the MQTT 5 rule: 0x80 and above). */
export function isFailureReasonCode(code: number): boolean {
  return code >= 0x80;
}

/** MQTT 3.1 / 3.1.1 CONNACK return codes (3.1.1 §3.2.2.3). */
export const ConnackReturnCode = {
  Accepted: 0,
  RefusedProtocolVersion: 1,
  RefusedIdentifierRejected: 2,
  RefusedServerUnavailable: 3,
  RefusedBadUsernamePassword: 4,
  RefusedNotAuthorized: 5,
} as const;

/**
 * The MQTT 5 reason code of each MQTT 3.x CONNACK return code, indexed by it (Paho's
 * `convert_connack_rc_to_reason_code`): Success, Unsupported Protocol Version, Client Identifier not valid,
 * Server unavailable, Bad User Name or Password, Not authorized.
 */
const CONNACK_REASON_CODES: readonly number[] = [0x00, 0x84, 0x85, 0x88, 0x86, 0x87];

/** The MQTT 5 reason code for a MQTT 3.x CONNACK return code; 0x80 Unspecified error for an unknown one. */
export function connackReturnCodeToReasonCode(returnCode: number): number {
  return CONNACK_REASON_CODES[returnCode] ?? ReasonCode.UnspecifiedError;
}

const CONNACK_TEXTS: readonly string[] = [
  'Connection Accepted.',
  'Connection Refused: unacceptable protocol version.',
  'Connection Refused: identifier rejected.',
  'Connection Refused: broker unavailable.',
  'Connection Refused: bad user name or password.',
  'Connection Refused: not authorised.',
];

/** The text of a MQTT 3.x CONNACK return code, worded as Paho's `connack_string`. */
export function connackString(returnCode: number): string {
  return CONNACK_TEXTS[returnCode] ?? 'Connection Refused: unknown reason.';
}
