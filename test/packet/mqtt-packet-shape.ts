/**
 * Translation between steady-mqtt's packet shape and mqtt-packet's, for the cross-check test only.
 * mqtt-packet is an independent oracle; its shape differs: `cmd` names, `messageId`, boolean 0/1 flags,
 * user properties as an object, `subscriptionIdentifier` as a number or array, Buffers.
 */
import type { Packet as MpPacket } from 'mqtt-packet';
import type { Packet, Properties, ProtocolVersion, UserProperty } from '../../src/packet/index.js';

type Loose = Record<string, unknown>;

/** Byte properties mqtt-packet represents as booleans. */
const BOOLEAN_FLAGS = new Set([
  'payloadFormatIndicator',
  'requestProblemInformation',
  'requestResponseInformation',
  'retainAvailable',
  'wildcardSubscriptionAvailable',
  'subscriptionIdentifiersAvailable',
  'sharedSubscriptionAvailable',
]);

const CMDS = [
  '',
  'connect',
  'connack',
  'publish',
  'puback',
  'pubrec',
  'pubrel',
  'pubcomp',
  'subscribe',
  'suback',
  'unsubscribe',
  'unsuback',
  'pingreq',
  'pingresp',
  'disconnect',
  'auth',
];

const buf = (b: Uint8Array): Buffer => Buffer.from(b.buffer, b.byteOffset, b.byteLength);
const bytes = (b: unknown): Uint8Array => {
  const x = b as Uint8Array;
  return new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
};

function propsToMp(props: Properties | undefined): Loose | undefined {
  if (props === undefined) return undefined;
  const out: Loose = {};
  for (const [key, value] of Object.entries(props) as [string, unknown][]) {
    if (key === 'userProperties') {
      const obj: Record<string, string | string[]> = {};
      for (const [k, v] of value as UserProperty[]) {
        const prev = obj[k];
        obj[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
      }
      out.userProperties = obj;
    } else if (key === 'subscriptionIdentifiers') {
      const ids = value as number[];
      out.subscriptionIdentifier = ids.length === 1 ? ids[0] : ids;
    } else if (BOOLEAN_FLAGS.has(key)) {
      out[key] = value === 1;
    } else if (value instanceof Uint8Array) {
      out[key] = buf(value);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function propsFromMp(props: unknown): Properties | undefined {
  if (props === undefined || props === null) return undefined;
  const out: Loose = {};
  for (const [key, value] of Object.entries(props as Loose)) {
    if (key === 'userProperties') {
      const pairs: UserProperty[] = [];
      for (const [k, v] of Object.entries(value as Loose)) {
        for (const item of Array.isArray(v) ? (v as string[]) : [v as string]) pairs.push([k, item]);
      }
      out.userProperties = pairs;
    } else if (key === 'subscriptionIdentifier') {
      out.subscriptionIdentifiers = Array.isArray(value) ? value : [value];
    } else if (BOOLEAN_FLAGS.has(key)) {
      out[key] = value === true ? 1 : 0;
    } else if (value instanceof Uint8Array) {
      out[key] = bytes(value);
    } else {
      out[key] = value;
    }
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Copies `extra`'s defined entries onto `base`. */
function defined(base: Loose, extra: Loose): Loose {
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) base[k] = v;
  return base;
}

export function toMqttPacket(p: Packet, version: ProtocolVersion): MpPacket {
  const v5 = version === 5;
  const cmd = CMDS[p.type];
  const properties = v5 ? propsToMp(p.type === 12 || p.type === 13 ? undefined : p.properties) : undefined;
  let out: Loose;
  switch (p.type) {
    case 1:
      out = defined(
        {
          cmd,
          protocolId: p.protocolVersion === 3 ? 'MQIsdp' : 'MQTT',
          protocolVersion: p.protocolVersion,
          clean: p.cleanStart,
          keepalive: p.keepalive,
          clientId: p.clientId,
        },
        {
          bridgeMode: p.bridgeMode,
          will:
            p.will &&
            defined(
              { topic: p.will.topic, payload: buf(p.will.payload), qos: p.will.qos, retain: p.will.retain },
              { properties: v5 ? propsToMp(p.will.properties) : undefined },
            ),
          username: p.username,
          password: p.password && buf(p.password),
        },
      );
      break;
    case 2:
      out = { cmd, sessionPresent: p.sessionPresent, [v5 ? 'reasonCode' : 'returnCode']: p.reasonCode };
      break;
    case 3:
      out = defined(
        { cmd, topic: p.topic, payload: buf(p.payload), qos: p.qos, retain: p.retain, dup: p.dup },
        { messageId: p.packetId },
      );
      break;
    case 4:
    case 5:
    case 6:
    case 7:
      out = defined({ cmd, messageId: p.packetId }, { reasonCode: v5 ? p.reasonCode : undefined });
      break;
    case 8:
      out = {
        cmd,
        messageId: p.packetId,
        subscriptions: p.subscriptions.map((s) =>
          v5
            ? {
                topic: s.topicFilter,
                qos: s.qos,
                nl: s.noLocal,
                rap: s.retainAsPublished,
                rh: s.retainHandling,
              }
            : { topic: s.topicFilter, qos: s.qos },
        ),
      };
      break;
    case 9:
      out = { cmd, messageId: p.packetId, granted: p.reasonCodes };
      break;
    case 10:
      out = { cmd, messageId: p.packetId, unsubscriptions: p.topicFilters };
      break;
    case 11:
      out = defined({ cmd, messageId: p.packetId }, { granted: v5 ? p.reasonCodes : undefined });
      break;
    case 12:
    case 13:
      out = { cmd };
      break;
    case 14:
    case 15:
      out = defined({ cmd }, { reasonCode: v5 ? p.reasonCode : undefined });
      break;
  }
  if (properties !== undefined) out.properties = properties;
  return out as unknown as MpPacket;
}

export function fromMqttPacket(mp: MpPacket, version: ProtocolVersion): Packet {
  const m = mp as unknown as Loose;
  const v5 = version === 5;
  const type = CMDS.indexOf(m.cmd as string);
  const properties = v5 ? propsFromMp(m.properties) : undefined;
  let out: Loose;
  switch (type) {
    case 1: {
      const will = m.will as Loose | undefined;
      out = defined(
        {
          type,
          protocolVersion: m.protocolVersion,
          cleanStart: m.clean,
          keepalive: m.keepalive,
          clientId: m.clientId,
        },
        {
          bridgeMode: m.bridgeMode === true ? true : undefined,
          will:
            will &&
            defined(
              { topic: will.topic, payload: bytes(will.payload), qos: will.qos, retain: will.retain },
              { properties: v5 ? propsFromMp(will.properties) : undefined },
            ),
          username: m.username,
          password: m.password === undefined ? undefined : bytes(m.password),
        },
      );
      break;
    }
    case 2:
      out = { type, sessionPresent: m.sessionPresent, reasonCode: v5 ? m.reasonCode : m.returnCode };
      break;
    case 3:
      out = defined(
        { type, topic: m.topic, payload: bytes(m.payload), qos: m.qos, retain: m.retain, dup: m.dup },
        { packetId: (m.qos as number) > 0 ? m.messageId : undefined },
      );
      break;
    case 4:
    case 5:
    case 6:
    case 7:
      out = { type, packetId: m.messageId, reasonCode: m.reasonCode ?? 0 };
      break;
    case 8:
      out = {
        type,
        packetId: m.messageId,
        subscriptions: (m.subscriptions as Loose[]).map((s) =>
          v5
            ? {
                topicFilter: s.topic,
                qos: s.qos,
                noLocal: s.nl,
                retainAsPublished: s.rap,
                retainHandling: s.rh,
              }
            : { topicFilter: s.topic, qos: s.qos },
        ),
      };
      break;
    case 9:
      out = { type, packetId: m.messageId, reasonCodes: m.granted };
      break;
    case 10:
      out = { type, packetId: m.messageId, topicFilters: m.unsubscriptions };
      break;
    case 11:
      out = {
        type,
        packetId: m.messageId,
        reasonCodes: v5 ? (m.granted ?? []) : [],
      };
      break;
    case 12:
    case 13:
      out = { type };
      break;
    default:
      out = { type, reasonCode: m.reasonCode ?? 0 };
  }
  if (properties !== undefined) out.properties = properties;
  return out as unknown as Packet;
}

/**
 * A comparable form: user properties grouped by name (mqtt-packet's object keeps one entry per name, in
 * first-seen order, with the values in order).
 */
export function canonical(p: Packet): Packet {
  const fix = (props: Properties | undefined): Properties | undefined => {
    if (props?.userProperties === undefined) return props;
    const groups = new Map<string, string[]>();
    for (const [k, v] of props.userProperties) groups.set(k, [...(groups.get(k) ?? []), v]);
    const pairs: UserProperty[] = [];
    for (const [k, vs] of groups) for (const v of vs) pairs.push([k, v]);
    return { ...props, userProperties: pairs };
  };
  const out = { ...p } as Loose;
  if ('properties' in p && p.properties !== undefined) out.properties = fix(p.properties);
  if (p.type === 1 && p.will?.properties !== undefined)
    out.will = { ...p.will, properties: fix(p.will.properties) };
  return out as unknown as Packet;
}
