/**
 * `-D command identifier value`: MQTT 5 properties named as mosquitto's tools name them, turned into the
 * plain property objects the client takes, per command (connect, publish, subscribe, unsubscribe, disconnect,
 * will). Which property a packet may carry is checked by the client's `Properties` when it is used.
 */
import type { Properties as PacketProperties } from '../packet/types.js';
import { UsageError } from './args.js';

/** The commands `-D` accepts. */
export const PROPERTY_COMMANDS = [
  'connect',
  'publish',
  'subscribe',
  'unsubscribe',
  'disconnect',
  'will',
] as const;
export type PropertyCommand = (typeof PROPERTY_COMMANDS)[number];

type Kind = 'byte' | 'u16' | 'u32' | 'varint' | 'string' | 'binary' | 'pair';

/** mosquitto's identifier → the property's name in steady-mqtt and its value type. */
const IDENTIFIERS: Record<string, { name: keyof PacketProperties; kind: Kind }> = {
  'payload-format-indicator': { name: 'payloadFormatIndicator', kind: 'byte' },
  'message-expiry-interval': { name: 'messageExpiryInterval', kind: 'u32' },
  'content-type': { name: 'contentType', kind: 'string' },
  'response-topic': { name: 'responseTopic', kind: 'string' },
  'correlation-data': { name: 'correlationData', kind: 'binary' },
  'subscription-identifier': { name: 'subscriptionIdentifiers', kind: 'varint' },
  'session-expiry-interval': { name: 'sessionExpiryInterval', kind: 'u32' },
  'authentication-method': { name: 'authenticationMethod', kind: 'string' },
  'authentication-data': { name: 'authenticationData', kind: 'binary' },
  'request-problem-information': { name: 'requestProblemInformation', kind: 'byte' },
  'will-delay-interval': { name: 'willDelayInterval', kind: 'u32' },
  'request-response-information': { name: 'requestResponseInformation', kind: 'byte' },
  'receive-maximum': { name: 'receiveMaximum', kind: 'u16' },
  'topic-alias-maximum': { name: 'topicAliasMaximum', kind: 'u16' },
  'topic-alias': { name: 'topicAlias', kind: 'u16' },
  'maximum-packet-size': { name: 'maximumPacketSize', kind: 'u32' },
  'user-property': { name: 'userProperties', kind: 'pair' },
};

const MAX: Record<'byte' | 'u16' | 'u32' | 'varint', number> = {
  byte: 1,
  u16: 0xffff,
  u32: 0xffffffff,
  varint: 268_435_455,
};

/** Parses a non-negative decimal integer up to `max`, or throws a `UsageError` naming `what`. */
export function parseInteger(text: string, what: string, min: number, max: number): number {
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw new UsageError(`${what} must be an integer from ${min} to ${max}, got '${text}'`);
  }
  return Number(text);
}

/** The `-D` words, grouped per command as property objects. */
export function parseProperties(
  words: readonly string[][],
): Partial<Record<PropertyCommand, PacketProperties>> {
  const result: Partial<Record<PropertyCommand, PacketProperties>> = {};
  for (const [command, identifier, value, second] of words) {
    if (!(PROPERTY_COMMANDS as readonly string[]).includes(command)) {
      throw new UsageError(`-D: unknown command '${command}' (one of ${PROPERTY_COMMANDS.join(', ')})`);
    }
    // Own entries only: `constructor` or `toString` is no property either.
    const spec = Object.hasOwn(IDENTIFIERS, identifier) ? IDENTIFIERS[identifier] : undefined;
    if (spec === undefined) {
      throw new UsageError(
        `-D: unknown property '${identifier}' (one of ${Object.keys(IDENTIFIERS).join(', ')})`,
      );
    }
    const properties = (result[command as PropertyCommand] ??= {});
    const what = `-D ${command} ${identifier}`;
    const record = properties as Record<string, unknown>;
    switch (spec.kind) {
      case 'string':
        record[spec.name] = value;
        break;
      case 'binary':
        record[spec.name] = new TextEncoder().encode(value);
        break;
      case 'pair':
        properties.userProperties = [...(properties.userProperties ?? []), [value, second]];
        break;
      case 'varint':
        properties.subscriptionIdentifiers = [
          ...(properties.subscriptionIdentifiers ?? []),
          parseInteger(value, what, 1, MAX.varint),
        ];
        break;
      default:
        record[spec.name] = parseInteger(value, what, 0, MAX[spec.kind]);
        break;
    }
  }
  return result;
}
