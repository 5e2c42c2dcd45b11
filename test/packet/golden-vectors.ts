/**
 * Golden vectors written from the specifications (MQTT 3.1, 3.1.1 and 5.0): each packet with its exact bytes.
 * Vectors listed in V311 hold for 3.1 (level 3) as well, except CONNECT, which differs in name and level.
 */
import type { Packet, ProtocolVersion } from '../../src/packet/index.js';
import { hex, text } from './helpers.js';

export interface Vector {
  name: string;
  version: ProtocolVersion;
  packet: Packet;
  bytes: Uint8Array;
}

const V311: [string, Packet, string][] = [
  ['CONNACK session present, accepted', { type: 2, sessionPresent: true, reasonCode: 0 }, '20 02 01 00'],
  ['CONNACK not authorised', { type: 2, sessionPresent: false, reasonCode: 5 }, '20 02 00 05'],
  [
    'PUBLISH QoS 0',
    { type: 3, topic: 'a/b', payload: text('hi'), qos: 0, retain: false, dup: false },
    '30 07 00 03 61 2f 62 68 69',
  ],
  [
    'PUBLISH QoS 1 retain dup',
    { type: 3, topic: 'a/b', payload: text('hi'), qos: 1, retain: true, dup: true, packetId: 10 },
    '3b 09 00 03 61 2f 62 00 0a 68 69',
  ],
  [
    'PUBLISH QoS 2',
    { type: 3, topic: 'a/b', payload: text('hi'), qos: 2, retain: false, dup: false, packetId: 11 },
    '34 09 00 03 61 2f 62 00 0b 68 69',
  ],
  [
    'PUBLISH non-ASCII topic, empty payload',
    { type: 3, topic: 'é/€', payload: new Uint8Array(0), qos: 0, retain: false, dup: false },
    '30 08 00 06 c3 a9 2f e2 82 ac',
  ],
  [
    'PUBLISH topic with U+FEFF and a surrogate pair (kept as is) [MQTT-1.5.4-3]',
    { type: 3, topic: '\uFEFFa😀', payload: new Uint8Array(0), qos: 0, retain: false, dup: false },
    '30 0a 00 08 ef bb bf 61 f0 9f 98 80',
  ],
  [
    'PUBLISH with a two-byte Remaining Length (205)',
    { type: 3, topic: 'a/b', payload: new Uint8Array(200).fill(0xaa), qos: 0, retain: false, dup: false },
    `30 cd 01 00 03 61 2f 62 ${'aa '.repeat(200)}`,
  ],
  ['PUBACK', { type: 4, packetId: 7, reasonCode: 0 }, '40 02 00 07'],
  ['PUBREC', { type: 5, packetId: 8, reasonCode: 0 }, '50 02 00 08'],
  ['PUBREL', { type: 6, packetId: 9, reasonCode: 0 }, '62 02 00 09'],
  ['PUBCOMP', { type: 7, packetId: 0xffff, reasonCode: 0 }, '70 02 ff ff'],
  [
    'SUBSCRIBE two filters',
    {
      type: 8,
      packetId: 11,
      subscriptions: [
        { topicFilter: 'a/#', qos: 1 },
        { topicFilter: 'b', qos: 2 },
      ],
    },
    '82 0c 00 0b 00 03 61 2f 23 01 00 01 62 02',
  ],
  ['SUBACK', { type: 9, packetId: 11, reasonCodes: [1, 0x80] }, '90 04 00 0b 01 80'],
  ['UNSUBSCRIBE', { type: 10, packetId: 13, topicFilters: ['a/b'] }, 'a2 07 00 0d 00 03 61 2f 62'],
  ['UNSUBACK', { type: 11, packetId: 13, reasonCodes: [] }, 'b0 02 00 0d'],
  ['PINGREQ', { type: 12 }, 'c0 00'],
  ['PINGRESP', { type: 13 }, 'd0 00'],
  ['DISCONNECT', { type: 14, reasonCode: 0 }, 'e0 00'],
];

const CONNECT_V311: [string, Packet, string][] = [
  [
    'CONNECT minimal',
    { type: 1, protocolVersion: 4, cleanStart: true, keepalive: 60, clientId: 'c' },
    '10 0d 00 04 4d 51 54 54 04 02 00 3c 00 01 63',
  ],
  [
    'CONNECT with will, user name and password',
    {
      type: 1,
      protocolVersion: 4,
      cleanStart: true,
      keepalive: 10,
      clientId: 'cid',
      will: { topic: 'w/t', payload: text('bye'), qos: 1, retain: true },
      username: 'u',
      password: text('pw'),
    },
    '10 20 00 04 4d 51 54 54 04 ee 00 0a 00 03 63 69 64 00 03 77 2f 74 00 03 62 79 65 00 01 75 00 02 70 77',
  ],
  [
    'CONNECT bridge mode, empty client id, no clean session',
    { type: 1, protocolVersion: 4, bridgeMode: true, cleanStart: false, keepalive: 0, clientId: '' },
    '10 0c 00 04 4d 51 54 54 84 00 00 00 00 00',
  ],
];

const CONNECT_V31: [string, Packet, string][] = [
  [
    'CONNECT MQIsdp level 3',
    { type: 1, protocolVersion: 3, cleanStart: true, keepalive: 60, clientId: 'c' },
    '10 0f 00 06 4d 51 49 73 64 70 03 02 00 3c 00 01 63',
  ],
  [
    'CONNECT MQIsdp bridge mode with will QoS 2 and user name',
    {
      type: 1,
      protocolVersion: 3,
      bridgeMode: true,
      cleanStart: false,
      keepalive: 300,
      clientId: 'c',
      will: { topic: 'w', payload: text('x'), qos: 2, retain: false },
      username: 'u',
    },
    '10 18 00 06 4d 51 49 73 64 70 83 94 01 2c 00 01 63 00 01 77 00 01 78 00 01 75',
  ],
];

const V5: [string, Packet, string][] = [
  [
    'CONNECT with properties',
    {
      type: 1,
      protocolVersion: 5,
      cleanStart: true,
      keepalive: 60,
      clientId: 'c',
      properties: { sessionExpiryInterval: 120, receiveMaximum: 20 },
    },
    '10 16 00 04 4d 51 54 54 05 02 00 3c 08 11 00 00 00 78 21 00 14 00 01 63',
  ],
  [
    'CONNECT with will properties and a password without user name',
    {
      type: 1,
      protocolVersion: 5,
      cleanStart: true,
      keepalive: 60,
      clientId: 'c',
      will: {
        topic: 'w',
        payload: Uint8Array.of(1),
        qos: 0,
        retain: false,
        properties: { willDelayInterval: 5 },
      },
      password: text('p'),
    },
    '10 1d 00 04 4d 51 54 54 05 46 00 3c 00 00 01 63 05 18 00 00 00 05 00 01 77 00 01 01 00 01 70',
  ],
  ['CONNACK success, no properties', { type: 2, sessionPresent: false, reasonCode: 0 }, '20 03 00 00 00'],
  [
    'CONNACK with properties',
    {
      type: 2,
      sessionPresent: true,
      reasonCode: 0,
      properties: { topicAliasMaximum: 10, assignedClientIdentifier: 'id' },
    },
    '20 0b 01 00 08 22 00 0a 12 00 02 69 64',
  ],
  [
    'CONNACK bad user name or password',
    { type: 2, sessionPresent: false, reasonCode: 0x86 },
    '20 03 00 86 00',
  ],
  [
    'PUBLISH QoS 0 no properties',
    { type: 3, topic: 'a/b', payload: text('hi'), qos: 0, retain: false, dup: false },
    '30 08 00 03 61 2f 62 00 68 69',
  ],
  [
    'PUBLISH QoS 1 with properties',
    {
      type: 3,
      topic: 'a/b',
      payload: text('hi'),
      qos: 1,
      retain: false,
      dup: false,
      packetId: 10,
      properties: {
        payloadFormatIndicator: 1,
        contentType: 't',
        subscriptionIdentifiers: [1, 200],
        topicAlias: 2,
        userProperties: [['k', 'v']],
      },
    },
    '32 1f 00 03 61 2f 62 00 0a 15 01 01 03 00 01 74 0b 01 0b c8 01 23 00 02 26 00 01 6b 00 01 76 68 69',
  ],
  [
    'PUBLISH empty topic with a Topic Alias',
    {
      type: 3,
      topic: '',
      payload: text('x'),
      qos: 0,
      retain: false,
      dup: false,
      properties: { topicAlias: 5 },
    },
    '30 07 00 00 03 23 00 05 78',
  ],
  ['PUBACK short form', { type: 4, packetId: 7, reasonCode: 0 }, '40 02 00 07'],
  ['PUBACK no matching subscribers', { type: 4, packetId: 7, reasonCode: 0x10 }, '40 03 00 07 10'],
  [
    'PUBACK with reason string',
    { type: 4, packetId: 7, reasonCode: 0x80, properties: { reasonString: 'x' } },
    '40 08 00 07 80 04 1f 00 01 78',
  ],
  [
    'PUBACK with a two-byte Remaining Length and Property Length',
    { type: 4, packetId: 7, reasonCode: 0x80, properties: { reasonString: 'x'.repeat(130) } },
    `40 8a 01 00 07 80 85 01 1f 00 82 ${'78 '.repeat(130)}`,
  ],
  ['PUBREC packet identifier in use', { type: 5, packetId: 8, reasonCode: 0x91 }, '50 03 00 08 91'],
  ['PUBREL packet identifier not found', { type: 6, packetId: 9, reasonCode: 0x92 }, '62 03 00 09 92'],
  [
    'PUBCOMP success with a user property',
    { type: 7, packetId: 10, reasonCode: 0, properties: { userProperties: [['a', '']] } },
    '70 0a 00 0a 00 06 26 00 01 61 00 00',
  ],
  [
    'SUBSCRIBE with options and a subscription identifier',
    {
      type: 8,
      packetId: 12,
      properties: { subscriptionIdentifiers: [5] },
      subscriptions: [
        { topicFilter: 'a/+', qos: 1, noLocal: true, retainAsPublished: true, retainHandling: 2 },
      ],
    },
    '82 0b 00 0c 02 0b 05 00 03 61 2f 2b 2d',
  ],
  ['SUBACK', { type: 9, packetId: 12, reasonCodes: [2, 0xa2] }, '90 05 00 0c 00 02 a2'],
  ['UNSUBSCRIBE', { type: 10, packetId: 13, topicFilters: ['a/b'] }, 'a2 08 00 0d 00 00 03 61 2f 62'],
  ['UNSUBACK', { type: 11, packetId: 13, reasonCodes: [0, 0x11] }, 'b0 05 00 0d 00 00 11'],
  ['PINGREQ', { type: 12 }, 'c0 00'],
  ['PINGRESP', { type: 13 }, 'd0 00'],
  ['DISCONNECT short form', { type: 14, reasonCode: 0 }, 'e0 00'],
  ['DISCONNECT with will message', { type: 14, reasonCode: 4 }, 'e0 01 04'],
  [
    'DISCONNECT normal with session expiry 0',
    { type: 14, reasonCode: 0, properties: { sessionExpiryInterval: 0 } },
    'e0 07 00 05 11 00 00 00 00',
  ],
  ['AUTH short form', { type: 15, reasonCode: 0 }, 'f0 00'],
  [
    'AUTH continue with method and data',
    {
      type: 15,
      reasonCode: 0x18,
      properties: { authenticationMethod: 'm', authenticationData: Uint8Array.of(1, 2) },
    },
    'f0 0b 18 09 15 00 01 6d 16 00 02 01 02',
  ],
];

function vectors(version: ProtocolVersion, list: [string, Packet, string][]): Vector[] {
  return list.map(([name, packet, bytes]) => ({
    name: `v${version} ${name}`,
    version,
    packet,
    bytes: hex(bytes),
  }));
}

export const VECTORS: Vector[] = [
  ...vectors(3, [...CONNECT_V31, ...V311]),
  ...vectors(4, [...CONNECT_V311, ...V311]),
  ...vectors(5, V5),
];
