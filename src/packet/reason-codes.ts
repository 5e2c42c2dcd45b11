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

interface ReasonEntry {
  readonly name: string;
  /** Mask of the packet types this code may appear in. */
  readonly packets: number;
}

/** Table 2-6, except 0x00..0x02 whose names depend on the packet (see `reasonCodeName`). */
const TABLE: ReadonlyMap<number, ReasonEntry> = new Map<number, ReasonEntry>([
  [0x04, { name: 'Disconnect with Will Message', packets: DISCONNECT }],
  [0x10, { name: 'No matching subscribers', packets: PUBACK | PUBREC }],
  [0x11, { name: 'No subscription existed', packets: UNSUBACK }],
  [0x18, { name: 'Continue authentication', packets: AUTH }],
  [0x19, { name: 'Re-authenticate', packets: AUTH }],
  [0x80, { name: 'Unspecified error', packets: CONNACK | PUBACK | PUBREC | SUBACK | UNSUBACK | DISCONNECT }],
  [0x81, { name: 'Malformed Packet', packets: CONNACK | DISCONNECT }],
  [0x82, { name: 'Protocol Error', packets: CONNACK | DISCONNECT }],
  [
    0x83,
    {
      name: 'Implementation specific error',
      packets: CONNACK | PUBACK | PUBREC | SUBACK | UNSUBACK | DISCONNECT,
    },
  ],
  [0x84, { name: 'Unsupported Protocol Version', packets: CONNACK }],
  [0x85, { name: 'Client Identifier not valid', packets: CONNACK }],
  [0x86, { name: 'Bad User Name or Password', packets: CONNACK }],
  [0x87, { name: 'Not authorized', packets: CONNACK | PUBACK | PUBREC | SUBACK | UNSUBACK | DISCONNECT }],
  [0x88, { name: 'Server unavailable', packets: CONNACK }],
  [0x89, { name: 'Server busy', packets: CONNACK | DISCONNECT }],
  [0x8a, { name: 'Banned', packets: CONNACK }],
  [0x8b, { name: 'Server shutting down', packets: DISCONNECT }],
  [0x8c, { name: 'Bad authentication method', packets: CONNACK | DISCONNECT }],
  [0x8d, { name: 'Keep Alive timeout', packets: DISCONNECT }],
  [0x8e, { name: 'Session taken over', packets: DISCONNECT }],
  [0x8f, { name: 'Topic Filter invalid', packets: SUBACK | UNSUBACK | DISCONNECT }],
  [0x90, { name: 'Topic Name invalid', packets: CONNACK | PUBACK | PUBREC | DISCONNECT }],
  [0x91, { name: 'Packet Identifier in use', packets: PUBACK | PUBREC | SUBACK | UNSUBACK }],
  [0x92, { name: 'Packet Identifier not found', packets: PUBREL | PUBCOMP }],
  [0x93, { name: 'Receive Maximum exceeded', packets: DISCONNECT }],
  [0x94, { name: 'Topic Alias invalid', packets: DISCONNECT }],
  [0x95, { name: 'Packet too large', packets: CONNACK | DISCONNECT }],
  [0x96, { name: 'Message rate too high', packets: DISCONNECT }],
  [0x97, { name: 'Quota exceeded', packets: CONNACK | PUBACK | PUBREC | SUBACK | DISCONNECT }],
  [0x98, { name: 'Administrative action', packets: DISCONNECT }],
  [0x99, { name: 'Payload format invalid', packets: CONNACK | PUBACK | PUBREC | DISCONNECT }],
  [0x9a, { name: 'Retain not supported', packets: CONNACK | DISCONNECT }],
  [0x9b, { name: 'QoS not supported', packets: CONNACK | DISCONNECT }],
  [0x9c, { name: 'Use another server', packets: CONNACK | DISCONNECT }],
  [0x9d, { name: 'Server moved', packets: CONNACK | DISCONNECT }],
  [0x9e, { name: 'Shared Subscriptions not supported', packets: SUBACK | DISCONNECT }],
  [0x9f, { name: 'Connection rate exceeded', packets: CONNACK | DISCONNECT }],
  [0xa0, { name: 'Maximum connect time', packets: DISCONNECT }],
  [0xa1, { name: 'Subscription Identifiers not supported', packets: SUBACK | DISCONNECT }],
  [0xa2, { name: 'Wildcard Subscriptions not supported', packets: SUBACK | DISCONNECT }],
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
  ...Array.from(TABLE, ([code, entry]) => [pascalCase(entry.name), code]),
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
  return entry !== undefined && (entry.packets & bit) !== 0;
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
    if (entry !== undefined) return entry.name;
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
 * `convert_connack_rc_to_reason_code`).
 */
const CONNACK_REASON_CODES: readonly number[] = [
  ReasonCode.Success,
  ReasonCode.UnsupportedProtocolVersion,
  ReasonCode.ClientIdentifierNotValid,
  ReasonCode.ServerUnavailable,
  ReasonCode.BadUserNameOrPassword,
  ReasonCode.NotAuthorized,
];

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
