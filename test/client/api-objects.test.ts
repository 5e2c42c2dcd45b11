/**
 * Unit tests of the API objects: ReasonCode, Properties, SubscribeOptions, MQTTMessageInfo, connackString,
 * the reconnect back-off, payload conversion and the enums (no broker).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CallbackAPIVersion,
  ConnackCode,
  InvalidArgumentError,
  LogLevel,
  MQTTErrorCode,
  MQTTMessageInfo,
  MQTTProtocolVersion,
  PacketType,
  PacketTypes,
  Properties,
  PublishError,
  ReasonCode,
  SubscribeOptions,
  TimeoutError,
  connackString,
  errorString,
  topicMatchesSub,
} from '../../src/index.js';
import { ReconnectBackoff } from '../../src/client/backoff.js';
import { toPayloadBytes } from '../../src/client/payload.js';

void describe('enums', () => {
  void it("have Paho's values", () => {
    assert.equal(CallbackAPIVersion.VERSION2, 2);
    assert.deepEqual(MQTTProtocolVersion, { MQTTv31: 3, MQTTv311: 4, MQTTv5: 5 });
    assert.equal(LogLevel.MQTT_LOG_ERR, 8);
    assert.equal(LogLevel.MQTT_LOG_DEBUG, 16);
    assert.equal(ConnackCode.CONNACK_REFUSED_NOT_AUTHORIZED, 5);
    assert.equal(MQTTErrorCode.MQTT_ERR_QUEUE_SIZE, 15);
    assert.equal(errorString(MQTTErrorCode.MQTT_ERR_NO_CONN), 'The client is not currently connected.');
    assert.equal(topicMatchesSub('a/+', 'a/b'), true);
    assert.equal(topicMatchesSub('#', '$SYS/x'), false);
  });
});

void describe('ReasonCode', () => {
  void it('names codes by packet type, compares and converts', () => {
    const success = new ReasonCode(PacketType.CONNACK);
    assert.equal(success.toString(), 'Success');
    assert.equal(new ReasonCode(PacketType.DISCONNECT, 0).getName(), 'Normal disconnection');
    assert.equal(new ReasonCode(PacketType.SUBACK, 1).getName(), 'Granted QoS 1');
    const refused = new ReasonCode(PacketType.CONNACK, 'Not authorized');
    assert.equal(refused.value, 0x87);
    assert.equal(refused.isFailure, true);
    assert.equal(refused.equals(0x87), true);
    assert.equal(refused.equals('not authorized'), true);
    assert.equal(refused.equals(new ReasonCode(PacketType.PUBACK, 0x87)), true);
    assert.equal(Number(refused), 0x87);
    assert.deepEqual(JSON.parse(JSON.stringify(refused)), { value: 0x87, name: 'Not authorized' });
    assert.throws(() => new ReasonCode(PacketType.CONNACK, 'No such name'), InvalidArgumentError);
    assert.throws(() => new ReasonCode(PacketType.CONNACK, 256), InvalidArgumentError);
  });

  void it('converts MQTT 3.x CONNACK return codes as Paho does', () => {
    assert.deepEqual(
      [0, 1, 2, 3, 4, 5].map((rc) => ReasonCode.fromConnackReturnCode(rc).value),
      [0, 132, 133, 136, 134, 135],
    );
    assert.equal(connackString(5), 'Connection Refused: not authorised.');
    assert.equal(connackString(ReasonCode.fromConnackReturnCode(4)), 'Bad User Name or Password');
  });

  void it('of() shares one immutable instance per packet type and value', () => {
    const a = ReasonCode.of(PacketType.PUBACK, 0);
    assert.equal(ReasonCode.of(PacketType.PUBACK, 0), a);
    assert.notEqual(ReasonCode.of(PacketType.PUBCOMP, 0), a);
    assert.equal(ReasonCode.of(PacketType.PUBACK, 0x87).getName(), 'Not authorized');
    assert.equal(Object.isFrozen(a), true);
    assert.throws(() => ReasonCode.of(PacketType.PUBACK, 300), InvalidArgumentError);
  });
});

void describe('Properties', () => {
  void it('accepts the properties of its packet type and checks values', () => {
    const props = new Properties(PacketTypes.PUBLISH);
    assert.equal(props.isEmpty(), true);
    props.contentType = 'application/json';
    props.messageExpiryInterval = 60;
    props.addUserProperty('a', '1').addUserProperty('a', '2');
    props.correlationData = new Uint8Array([1, 2]);
    assert.deepEqual(props.toObject(), {
      contentType: 'application/json',
      messageExpiryInterval: 60,
      userProperties: [
        ['a', '1'],
        ['a', '2'],
      ],
      correlationData: new Uint8Array([1, 2]),
    });
    assert.equal(props.toJSON().correlationData, '0102');
    assert.throws(() => (props.sessionExpiryInterval = 10), /not allowed in a PUBLISH packet/);
    assert.throws(() => (props.topicAlias = 0), InvalidArgumentError);
    assert.throws(() => (props.payloadFormatIndicator = 2), InvalidArgumentError);
    assert.throws(() => new Properties(PacketTypes.CONNECT, { receiveMaximum: 0 }), InvalidArgumentError);
    assert.throws(() => new Properties(PacketTypes.PUBLISH, { bogus: 1 } as never), InvalidArgumentError);
    const will = new Properties(PacketTypes.WILLMESSAGE, { willDelayInterval: 5 });
    assert.equal(will.willDelayInterval, 5);
    props.contentType = undefined;
    assert.equal(props.contentType, undefined);
    props.clear();
    assert.equal(props.isEmpty(), true);
  });

  void it('will properties (WILLMESSAGE) take exactly the Will Properties of MQTT 5 §3.1.3.2', () => {
    const will = new Properties(PacketTypes.WILLMESSAGE, {
      willDelayInterval: 5,
      payloadFormatIndicator: 1,
      messageExpiryInterval: 60,
      contentType: 'text/plain',
      responseTopic: 'r/t',
      correlationData: new Uint8Array([9]),
      userProperties: [['k', 'v']],
    });
    assert.equal(Object.keys(will.toObject()).length, 7);
    assert.equal(String(will).startsWith('[WILLMESSAGE] '), true);
    assert.throws(() => (will.topicAlias = 1), /not allowed in a WILLMESSAGE packet/);
    assert.throws(() => (will.sessionExpiryInterval = 1), /not allowed in a WILLMESSAGE packet/);
    assert.throws(
      () => new Properties(PacketTypes.PUBLISH, { willDelayInterval: 1 }),
      /not allowed in a PUBLISH/,
    );
    assert.throws(() => new Properties(0 as PacketType), /unknown packet type 0/);
  });

  void it('empty instances never share what is assigned to them later', () => {
    const a = new Properties(PacketTypes.PUBACK);
    const b = Properties.fromPacket(PacketTypes.PUBACK, {});
    a.reasonString = 'first';
    b.addUserProperty('k', 'v');
    assert.deepEqual(a.toObject(), { reasonString: 'first' });
    assert.deepEqual(b.toObject(), { userProperties: [['k', 'v']] });
    assert.deepEqual(new Properties(PacketTypes.PUBACK).toObject(), {});
    a.clear();
    a.reasonString = undefined; // removing from an empty instance is a no-op
    a.reasonString = 'again';
    assert.deepEqual(a.toObject(), { reasonString: 'again' });
    assert.deepEqual(new Properties(PacketTypes.PUBACK).toObject(), {});
  });
});

void describe('SubscribeOptions', () => {
  void it('validates and exposes Paho names', () => {
    const options = new SubscribeOptions(2, true, true, SubscribeOptions.RETAIN_DO_NOT_SEND);
    assert.equal(options.QoS, 2);
    assert.equal(options.hasMqtt5Options, true);
    assert.deepEqual(options.toJSON(), { qos: 2, noLocal: true, retainAsPublished: true, retainHandling: 2 });
    assert.throws(() => new SubscribeOptions(3), InvalidArgumentError);
    assert.throws(() => new SubscribeOptions(0, false, false, 3), InvalidArgumentError);
    assert.throws(() => (options.noLocal = 1 as unknown as boolean), InvalidArgumentError);
    assert.equal(SubscribeOptions.from({ qos: 1 }).qos, 1);
  });
});

void describe('MQTTMessageInfo', () => {
  void it('resolves on success, rejects on a negative ack, QUEUE_SIZE or timeout', async () => {
    const ok = new MQTTMessageInfo(1, MQTTErrorCode.MQTT_ERR_SUCCESS);
    assert.equal(ok.isPublished(), false);
    const waiting = ok.waitForPublish(1000);
    ok.settleAcknowledged(new ReasonCode(PacketType.PUBACK, 0), new Properties(PacketTypes.PUBACK));
    await waiting;
    assert.equal(ok.isPublished(), true);
    assert.deepEqual([...ok], [0, 1]);

    const refused = new MQTTMessageInfo(2, MQTTErrorCode.MQTT_ERR_SUCCESS);
    const rejected = refused.waitForPublish();
    refused.settleAcknowledged(new ReasonCode(PacketType.PUBACK, 0x87), new Properties(PacketTypes.PUBACK));
    await assert.rejects(rejected, (error: unknown) => {
      assert.ok(error instanceof PublishError);
      assert.equal(error.reasonCode?.value, 0x87);
      return true;
    });
    assert.throws(() => refused.isPublished(), PublishError);

    const full = new MQTTMessageInfo(3, MQTTErrorCode.MQTT_ERR_QUEUE_SIZE);
    await assert.rejects(
      full.waitForPublish(),
      (error: unknown) => error instanceof PublishError && error.rc === 15,
    );
    await assert.rejects(new MQTTMessageInfo(4, 0).waitForPublish(20), TimeoutError);
  });
});

void describe('reconnect back-off', () => {
  void it('doubles from min to max with jitter and resets', () => {
    const exact = new ReconnectBackoff(0);
    exact.set(1, 8);
    assert.deepEqual(
      [1, 2, 3, 4, 5].map(() => exact.nextDelayMs()),
      [1000, 2000, 4000, 8000, 8000],
    );
    exact.reset();
    assert.equal(exact.nextDelayMs(), 1000);
    const jittered = new ReconnectBackoff(0.5, () => 0.999);
    jittered.set(2, 120);
    const delay = jittered.nextDelayMs();
    assert.ok(delay >= 1000 && delay <= 2000, String(delay));
    assert.throws(() => new ReconnectBackoff(2), InvalidArgumentError);
  });
});

void describe('payloads', () => {
  void it("converts Paho's payload types", () => {
    assert.deepEqual(toPayloadBytes('hé'), new Uint8Array([0x68, 0xc3, 0xa9]));
    assert.deepEqual(toPayloadBytes(21.5), new TextEncoder().encode('21.5'));
    assert.equal(toPayloadBytes(null).length, 0);
    assert.equal(toPayloadBytes(undefined).length, 0);
    assert.throws(() => toPayloadBytes(Number.NaN), InvalidArgumentError);
    assert.throws(() => toPayloadBytes(true as unknown as string), InvalidArgumentError);
  });
});
