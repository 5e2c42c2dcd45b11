/** The reason code table, CONNACK return code texts, and the property table against the specification. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError } from '../../src/errors.js';
import {
  connackReturnCodeToReasonCode,
  connackString,
  decodePacket,
  encode,
  isValidReasonCode,
  PacketType,
  PROPERTIES,
  propertyById,
  propertyByName,
  reasonCodeName,
  ReasonCode,
} from '../../src/packet/index.js';
import { PROPERTY_CONTEXTS } from './arbitraries.js';

/**
 * The Will Properties of MQTT 5.0 §3.1.3.2, one subsection each (3.1.3.2.2 to 3.1.3.2.8), and Table 2-4's
 * "Will Properties" column agrees: the only ones a will may carry.
 */
const WILL_ROW = [
  'willDelayInterval',
  'payloadFormatIndicator',
  'messageExpiryInterval',
  'contentType',
  'responseTopic',
  'correlationData',
  'userProperties',
];

const NAME_TO_TYPE: Record<string, number> = {
  CONNECT: 1,
  CONNACK: 2,
  PUBLISH: 3,
  PUBACK: 4,
  PUBREC: 5,
  PUBREL: 6,
  PUBCOMP: 7,
  SUBSCRIBE: 8,
  SUBACK: 9,
  UNSUBSCRIBE: 10,
  UNSUBACK: 11,
  DISCONNECT: 14,
  AUTH: 15,
  will: 0,
};

void describe('reason codes (MQTT 5 Table 2-6)', () => {
  void test('0x00 is named by packet', () => {
    assert.equal(reasonCodeName(PacketType.CONNACK, 0), 'Success');
    assert.equal(reasonCodeName(PacketType.PUBACK, 0), 'Success');
    assert.equal(reasonCodeName(PacketType.DISCONNECT, 0), 'Normal disconnection');
    assert.equal(reasonCodeName(PacketType.SUBACK, 0), 'Granted QoS 0');
    assert.equal(reasonCodeName(PacketType.SUBACK, 1), 'Granted QoS 1');
    assert.equal(reasonCodeName(PacketType.SUBACK, 2), 'Granted QoS 2');
  });

  void test('a sample of names and where they are allowed', () => {
    assert.equal(reasonCodeName(PacketType.DISCONNECT, 0x04), 'Disconnect with Will Message');
    assert.equal(reasonCodeName(PacketType.PUBACK, 0x10), 'No matching subscribers');
    assert.equal(reasonCodeName(PacketType.AUTH, 0x18), 'Continue authentication');
    assert.equal(reasonCodeName(PacketType.CONNACK, 0x86), 'Bad User Name or Password');
    assert.equal(reasonCodeName(PacketType.DISCONNECT, 0x8e), 'Session taken over');
    assert.equal(reasonCodeName(PacketType.PUBCOMP, 0x92), 'Packet Identifier not found');
    assert.equal(reasonCodeName(PacketType.DISCONNECT, 0xa2), 'Wildcard Subscriptions not supported');
    assert.equal(reasonCodeName(PacketType.PUBACK, 0x04), 'Unknown reason code 0x04');
    assert.equal(isValidReasonCode(PacketType.DISCONNECT, 0x8c), true);
    assert.equal(isValidReasonCode(PacketType.PUBREL, 0x80), false);
    assert.equal(isValidReasonCode(PacketType.SUBACK, 0x9e), true);
    assert.equal(ReasonCode.PacketTooLarge, 0x95);
  });

  void test('every code of the table, 0x00..0xA2, has a name somewhere, and nothing else does', () => {
    const defined = [
      0x00,
      0x01,
      0x02,
      0x04,
      0x10,
      0x11,
      0x18,
      0x19,
      ...Array.from({ length: 0xa2 - 0x80 + 1 }, (_, i) => 0x80 + i),
    ];
    for (let code = 0; code < 256; code++) {
      const somewhere = Object.values(PacketType).some((t) => isValidReasonCode(t, code));
      assert.equal(somewhere, defined.includes(code), `0x${code.toString(16)}`);
    }
  });

  void test('ReasonCode names every code of Table 2-6 in PascalCase, 0x00..0x02 under each of their names', () => {
    assert.deepEqual(
      { ...ReasonCode },
      {
        Success: 0x00,
        NormalDisconnection: 0x00,
        GrantedQoS0: 0x00,
        GrantedQoS1: 0x01,
        GrantedQoS2: 0x02,
        DisconnectWithWillMessage: 0x04,
        NoMatchingSubscribers: 0x10,
        NoSubscriptionExisted: 0x11,
        ContinueAuthentication: 0x18,
        ReAuthenticate: 0x19,
        UnspecifiedError: 0x80,
        MalformedPacket: 0x81,
        ProtocolError: 0x82,
        ImplementationSpecificError: 0x83,
        UnsupportedProtocolVersion: 0x84,
        ClientIdentifierNotValid: 0x85,
        BadUserNameOrPassword: 0x86,
        NotAuthorized: 0x87,
        ServerUnavailable: 0x88,
        ServerBusy: 0x89,
        Banned: 0x8a,
        ServerShuttingDown: 0x8b,
        BadAuthenticationMethod: 0x8c,
        KeepAliveTimeout: 0x8d,
        SessionTakenOver: 0x8e,
        TopicFilterInvalid: 0x8f,
        TopicNameInvalid: 0x90,
        PacketIdentifierInUse: 0x91,
        PacketIdentifierNotFound: 0x92,
        ReceiveMaximumExceeded: 0x93,
        TopicAliasInvalid: 0x94,
        PacketTooLarge: 0x95,
        MessageRateTooHigh: 0x96,
        QuotaExceeded: 0x97,
        AdministrativeAction: 0x98,
        PayloadFormatInvalid: 0x99,
        RetainNotSupported: 0x9a,
        QoSNotSupported: 0x9b,
        UseAnotherServer: 0x9c,
        ServerMoved: 0x9d,
        SharedSubscriptionsNotSupported: 0x9e,
        ConnectionRateExceeded: 0x9f,
        MaximumConnectTime: 0xa0,
        SubscriptionIdentifiersNotSupported: 0xa1,
        WildcardSubscriptionsNotSupported: 0xa2,
      },
    );
  });

  void test('MQTT 3.x CONNACK return codes become the MQTT 5 reason codes Paho uses', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5, 6, 255].map(connackReturnCodeToReasonCode),
      [0x00, 0x84, 0x85, 0x88, 0x86, 0x87, 0x80, 0x80],
    );
  });

  void test('MQTT 3.x CONNACK return codes read as Paho prints them', () => {
    assert.equal(connackString(0), 'Connection Accepted.');
    assert.equal(connackString(1), 'Connection Refused: unacceptable protocol version.');
    assert.equal(connackString(2), 'Connection Refused: identifier rejected.');
    assert.equal(connackString(3), 'Connection Refused: broker unavailable.');
    assert.equal(connackString(4), 'Connection Refused: bad user name or password.');
    assert.equal(connackString(5), 'Connection Refused: not authorised.');
    assert.equal(connackString(6), 'Connection Refused: unknown reason.');
  });
});

void describe('properties (MQTT 5 Table 2-4)', () => {
  void test('27 properties, each allowed in exactly the packets the specification lists', () => {
    assert.equal(PROPERTIES.length, 27);
    for (const [name, contexts] of Object.entries(PROPERTY_CONTEXTS)) {
      const info = propertyByName(name);
      assert.ok(info, name);
      assert.equal(propertyById(info.id), info);
      for (const [ctx, type] of Object.entries(NAME_TO_TYPE)) {
        assert.equal((info.packets & (1 << type)) !== 0, contexts.includes(ctx), `${name} in ${ctx}`);
      }
    }
  });

  void test('identifiers', () => {
    const ids = Object.fromEntries(PROPERTIES.map((p) => [p.name, p.id]));
    assert.deepEqual(ids, {
      payloadFormatIndicator: 0x01,
      messageExpiryInterval: 0x02,
      contentType: 0x03,
      responseTopic: 0x08,
      correlationData: 0x09,
      subscriptionIdentifiers: 0x0b,
      sessionExpiryInterval: 0x11,
      assignedClientIdentifier: 0x12,
      serverKeepAlive: 0x13,
      authenticationMethod: 0x15,
      authenticationData: 0x16,
      requestProblemInformation: 0x17,
      willDelayInterval: 0x18,
      requestResponseInformation: 0x19,
      responseInformation: 0x1a,
      serverReference: 0x1c,
      reasonString: 0x1f,
      receiveMaximum: 0x21,
      topicAliasMaximum: 0x22,
      topicAlias: 0x23,
      maximumQoS: 0x24,
      retainAvailable: 0x25,
      userProperties: 0x26,
      maximumPacketSize: 0x27,
      wildcardSubscriptionAvailable: 0x28,
      subscriptionIdentifiersAvailable: 0x29,
      sharedSubscriptionAvailable: 0x2a,
    });
    assert.deepEqual(
      PROPERTIES.filter((p) => p.multiple).map((p) => p.name),
      ['subscriptionIdentifiers', 'userProperties'],
    );
  });
});

void describe('the Will row of the property table (MQTT 5 §3.1.3.2)', () => {
  void test('a will may carry exactly the seven Will Properties', () => {
    const allowed = PROPERTIES.filter((p) => (p.packets & 1) !== 0).map((p) => p.name);
    assert.deepEqual([...allowed].sort(), [...WILL_ROW].sort());
  });

  void test('a CONNECT with all seven in its will encodes and decodes them; a PUBLISH-only property is refused', () => {
    const will = {
      topic: 'will/t',
      payload: new Uint8Array([1]),
      qos: 1 as const,
      retain: false,
      properties: {
        willDelayInterval: 5,
        payloadFormatIndicator: 1,
        messageExpiryInterval: 60,
        contentType: 'text/plain',
        responseTopic: 'r/t',
        correlationData: new Uint8Array([9]),
        userProperties: [['k', 'v']] as [string, string][],
      },
    };
    const connect = {
      type: PacketType.CONNECT,
      protocolVersion: 5 as const,
      cleanStart: true,
      keepalive: 60,
      clientId: 'c',
      will,
    };
    const decoded = decodePacket(encode(connect, 5), 5);
    assert.ok(decoded.type === PacketType.CONNECT);
    assert.deepEqual(decoded.will?.properties, will.properties);
    for (const properties of [
      { topicAlias: 1 },
      { subscriptionIdentifiers: [1] },
      { sessionExpiryInterval: 1 },
    ]) {
      assert.throws(
        () => encode({ ...connect, will: { ...will, properties } }, 5),
        (err: unknown) => err instanceof InvalidArgumentError && /Will Properties/.test(err.message),
      );
    }
  });
});
