/**
 * fast-check generators of valid packets of every type for MQTT 3.1, 3.1.1 and 5.0. Optional fields are
 * omitted rather than set to undefined, as the decoder produces them.
 */
import fc from 'fast-check';
import {
  isValidReasonCode,
  type Packet,
  type Properties,
  type ProtocolVersion,
  type QoS,
} from '../../src/packet/index.js';

/** Any MQTT string: any code point but U+0000 (lone surrogates cannot occur in 'binary' strings). */
export const mqttString = (maxLength = 12): fc.Arbitrary<string> =>
  fc.string({ unit: 'binary', maxLength }).map((s) => s.replace(/\0/g, ''));
const asciiOrAny = (maxLength = 12): fc.Arbitrary<string> =>
  fc.oneof(
    fc.string({ unit: 'binary-ascii', maxLength }).map((s) => s.replace(/\0/g, '')),
    mqttString(maxLength),
  );
export const topicName: fc.Arbitrary<string> = asciiOrAny(16)
  .map((s) => s.replace(/[+#]/g, ''))
  .filter((s) => s.length > 0);
export const topicFilter: fc.Arbitrary<string> = asciiOrAny(16).filter(
  (s) => s.length > 0 && !s.startsWith('$share/'),
);
const bytes = (maxLength = 16): fc.Arbitrary<Uint8Array> => fc.uint8Array({ maxLength });
export const qos: fc.Arbitrary<QoS> = fc.constantFrom(0, 1, 2);
export const packetId: fc.Arbitrary<number> = fc.integer({ min: 1, max: 0xffff });
const u16 = (min = 0): fc.Arbitrary<number> => fc.integer({ min, max: 0xffff });
const u32 = (min = 0): fc.Arbitrary<number> =>
  fc
    .tuple(u16(), u16())
    .map(([hi, lo]) => hi * 0x10000 + lo)
    .filter((n) => n >= min);
const vbi = fc.oneof(fc.integer({ min: 1, max: 127 }), fc.integer({ min: 1, max: 268_435_455 }));
const flag = fc.constantFrom(0, 1);
const userProperties = fc.array(fc.tuple(mqttString(6), mqttString(6)), { minLength: 1, maxLength: 3 });

/**
 * Table 2-4 of MQTT 5.0 (§2.2.2.2), written out again independently of src/packet/properties.ts: each
 * property with the packets it may appear in ('will' = the Will Properties).
 */
export const PROPERTY_CONTEXTS: Record<keyof Properties, string[]> = {
  payloadFormatIndicator: ['PUBLISH', 'will'],
  messageExpiryInterval: ['PUBLISH', 'will'],
  contentType: ['PUBLISH', 'will'],
  responseTopic: ['PUBLISH', 'will'],
  correlationData: ['PUBLISH', 'will'],
  subscriptionIdentifiers: ['PUBLISH', 'SUBSCRIBE'],
  sessionExpiryInterval: ['CONNECT', 'CONNACK', 'DISCONNECT'],
  assignedClientIdentifier: ['CONNACK'],
  serverKeepAlive: ['CONNACK'],
  authenticationMethod: ['CONNECT', 'CONNACK', 'AUTH'],
  authenticationData: ['CONNECT', 'CONNACK', 'AUTH'],
  requestProblemInformation: ['CONNECT'],
  willDelayInterval: ['will'],
  requestResponseInformation: ['CONNECT'],
  responseInformation: ['CONNACK'],
  serverReference: ['CONNACK', 'DISCONNECT'],
  reasonString: [
    'CONNACK',
    'PUBACK',
    'PUBREC',
    'PUBREL',
    'PUBCOMP',
    'SUBACK',
    'UNSUBACK',
    'DISCONNECT',
    'AUTH',
  ],
  receiveMaximum: ['CONNECT', 'CONNACK'],
  topicAliasMaximum: ['CONNECT', 'CONNACK'],
  topicAlias: ['PUBLISH'],
  maximumQoS: ['CONNACK'],
  retainAvailable: ['CONNACK'],
  userProperties: [
    'CONNECT',
    'CONNACK',
    'PUBLISH',
    'will',
    'PUBACK',
    'PUBREC',
    'PUBREL',
    'PUBCOMP',
    'SUBSCRIBE',
    'SUBACK',
    'UNSUBSCRIBE',
    'UNSUBACK',
    'DISCONNECT',
    'AUTH',
  ],
  maximumPacketSize: ['CONNECT', 'CONNACK'],
  wildcardSubscriptionAvailable: ['CONNACK'],
  subscriptionIdentifiersAvailable: ['CONNACK'],
  sharedSubscriptionAvailable: ['CONNACK'],
};

function propertyValue(name: keyof Properties, context: string): fc.Arbitrary<unknown> {
  switch (name) {
    case 'payloadFormatIndicator':
    case 'requestProblemInformation':
    case 'requestResponseInformation':
    case 'maximumQoS':
    case 'retainAvailable':
    case 'wildcardSubscriptionAvailable':
    case 'subscriptionIdentifiersAvailable':
    case 'sharedSubscriptionAvailable':
      return flag;
    case 'messageExpiryInterval':
    case 'sessionExpiryInterval':
    case 'willDelayInterval':
      return u32();
    case 'maximumPacketSize':
      return u32(1);
    case 'serverKeepAlive':
    case 'topicAliasMaximum':
      return u16();
    case 'receiveMaximum':
    case 'topicAlias':
      return u16(1);
    case 'correlationData':
    case 'authenticationData':
      return bytes();
    case 'subscriptionIdentifiers':
      return fc.array(vbi, { minLength: 1, maxLength: context === 'SUBSCRIBE' ? 1 : 3 });
    case 'userProperties':
      return userProperties;
    default:
      return mqttString();
  }
}

/** Properties allowed in `context`, or undefined (never an empty object). */
export function properties(context: string): fc.Arbitrary<Properties | undefined> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, contexts] of Object.entries(PROPERTY_CONTEXTS)) {
    if (contexts.includes(context)) model[name] = propertyValue(name as keyof Properties, context);
  }
  return fc
    .record(model, { requiredKeys: [] })
    .map((p) => (Object.keys(p).length > 0 ? (p as Properties) : undefined));
}

/** `base` plus those entries of `extra` that are defined. */
function withOptional<T extends object>(base: T, extra: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) out[k] = v;
  return out as T;
}

const opt = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined });

function reasonCodes(type: number): fc.Arbitrary<number> {
  const codes: number[] = [];
  for (let c = 0; c < 256; c++) if (isValidReasonCode(type as 2, c)) codes.push(c);
  return fc.constantFrom(...codes);
}

const NAMES: Record<number, string> = {
  4: 'PUBACK',
  5: 'PUBREC',
  6: 'PUBREL',
  7: 'PUBCOMP',
  14: 'DISCONNECT',
  15: 'AUTH',
};

/** Valid packets of every type for `version` (AUTH only on 5). */
export function packetArb(version: ProtocolVersion): fc.Arbitrary<Packet> {
  const v5 = version === 5;
  const props = (context: string): fc.Arbitrary<Properties | undefined> =>
    v5 ? properties(context) : fc.constant(undefined);

  const connect = fc
    .record({
      cleanStart: fc.boolean(),
      keepalive: u16(),
      clientId: asciiOrAny(23),
      bridgeMode: opt(fc.constant(true)),
      will: opt(
        fc
          .record({
            topic: topicName,
            payload: bytes(),
            qos,
            retain: fc.boolean(),
            properties: props('will'),
          })
          .map((w) =>
            withOptional(
              { topic: w.topic, payload: w.payload, qos: w.qos, retain: w.retain },
              { properties: w.properties },
            ),
          ),
      ),
      username: opt(mqttString()),
      password: opt(bytes()),
      properties: props('CONNECT'),
    })
    .map((c): Packet =>
      withOptional(
        {
          type: 1,
          protocolVersion: version,
          cleanStart: c.cleanStart,
          keepalive: c.keepalive,
          clientId: c.clientId,
        },
        {
          bridgeMode: c.bridgeMode,
          will: c.will,
          username: c.username,
          // MQTT 3.x: a password needs a user name [MQTT-3.1.2-22]
          password: v5 || c.username !== undefined ? c.password : undefined,
          properties: c.properties,
        },
      ),
    );

  const connack = fc
    .record({
      sessionPresent: fc.boolean(),
      reasonCode: v5 ? reasonCodes(2) : fc.integer({ min: 0, max: 5 }),
      properties: props('CONNACK'),
    })
    .map((c): Packet =>
      withOptional(
        { type: 2, sessionPresent: c.sessionPresent, reasonCode: c.reasonCode },
        { properties: c.properties },
      ),
    );

  const publish = fc
    .record({
      topic: topicName,
      payload: bytes(64),
      qos,
      retain: fc.boolean(),
      dup: fc.boolean(),
      packetId,
      properties: props('PUBLISH'),
    })
    .map((p): Packet =>
      withOptional(
        {
          type: 3,
          topic: p.topic,
          payload: p.payload,
          qos: p.qos,
          retain: p.retain,
          dup: p.qos > 0 && p.dup,
        },
        { packetId: p.qos > 0 ? p.packetId : undefined, properties: p.properties },
      ),
    );

  const ack = fc.constantFrom(4, 5, 6, 7).chain((type) =>
    fc
      .record({
        packetId,
        reasonCode: v5 ? reasonCodes(type) : fc.constant(0),
        properties: props(NAMES[type]),
      })
      .map((a): Packet =>
        withOptional(
          { type: type as 4, packetId: a.packetId, reasonCode: a.reasonCode },
          { properties: a.properties },
        ),
      ),
  );

  const subscription = v5
    ? fc.record({
        topicFilter,
        qos,
        noLocal: fc.boolean(),
        retainAsPublished: fc.boolean(),
        retainHandling: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
      })
    : fc.record({ topicFilter, qos });
  const subscribe = fc
    .record({
      packetId,
      subscriptions: fc.array(subscription, { minLength: 1, maxLength: 4 }),
      properties: props('SUBSCRIBE'),
    })
    .map((s): Packet =>
      withOptional(
        { type: 8, packetId: s.packetId, subscriptions: s.subscriptions },
        { properties: s.properties },
      ),
    );

  const suback = fc
    .record({
      packetId,
      reasonCodes: fc.array(v5 ? reasonCodes(9) : fc.constantFrom(0, 1, 2, 0x80), {
        minLength: 1,
        maxLength: 4,
      }),
      properties: props('SUBACK'),
    })
    .map((s): Packet =>
      withOptional(
        { type: 9, packetId: s.packetId, reasonCodes: s.reasonCodes },
        { properties: s.properties },
      ),
    );

  const unsubscribe = fc
    .record({
      packetId,
      topicFilters: fc.array(topicFilter, { minLength: 1, maxLength: 4 }),
      properties: props('UNSUBSCRIBE'),
    })
    .map((u): Packet =>
      withOptional(
        { type: 10, packetId: u.packetId, topicFilters: u.topicFilters },
        { properties: u.properties },
      ),
    );

  const unsuback = fc
    .record({
      packetId,
      reasonCodes: v5 ? fc.array(reasonCodes(11), { maxLength: 4 }) : fc.constant<number[]>([]),
      properties: props('UNSUBACK'),
    })
    .map((u): Packet =>
      withOptional(
        { type: 11, packetId: u.packetId, reasonCodes: u.reasonCodes },
        { properties: u.properties },
      ),
    );

  const reasonOnly = (type: 14 | 15): fc.Arbitrary<Packet> =>
    fc
      .record({ reasonCode: v5 ? reasonCodes(type) : fc.constant(0), properties: props(NAMES[type]) })
      .map((d): Packet => withOptional({ type, reasonCode: d.reasonCode }, { properties: d.properties }));

  const all: fc.Arbitrary<Packet>[] = [
    connect,
    connack,
    publish,
    ack,
    subscribe,
    suback,
    unsubscribe,
    unsuback,
    fc.constant({ type: 12 }),
    fc.constant({ type: 13 }),
    reasonOnly(14),
  ];
  if (v5) all.push(reasonOnly(15));
  return fc.oneof(...all);
}
