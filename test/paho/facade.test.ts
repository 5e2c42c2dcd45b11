/**
 * The Paho facade without a broker: the mapping table covers Paho's names (reference section 1) and points at
 * real steady-mqtt members, and the adapter only renames: same objects underneath, callbacks receive facades,
 * Python units and keyword objects are converted, unknown names are refused.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as camel from '../../src/index.js';
import * as mqtt from '../../src/paho.js';
import { toTarget } from '../../src/paho/adapter.js';
import { CLIENT, MESSAGE_INFO, PROPERTIES, REASON_CODE } from '../../src/paho/table.js';

/** Paho 2.1's Client names (reference §1.3 and §1.4), which the table must all have. */
const PAHO_CLIENT_NAMES =
  `host port keepalive transport connect_timeout username password max_inflight_messages
  max_queued_messages protocol will_topic will_payload logger callback_api_version on_connect on_connect_fail
  on_disconnect on_message on_publish on_subscribe on_unsubscribe on_log on_pre_connect on_socket_open
  on_socket_close on_socket_register_write on_socket_unregister_write connect connect_async connect_srv
  reconnect disconnect reconnect_delay_set is_connected reinitialise username_pw_set will_set will_clear tls_set
  tls_set_context tls_insecure_set ws_set_options proxy_set enable_bridge_mode max_inflight_messages_set
  max_queued_messages_set user_data_set user_data_get enable_logger disable_logger manual_ack_set publish
  subscribe unsubscribe ack message_callback_add message_callback_remove loop loop_forever loop_start loop_stop
  loop_read loop_write loop_misc want_write socket`.split(/\s+/);

/** Paho's module-level names (reference §1.1). */
const PAHO_MODULE_NAMES =
  `Client MQTTMessage MQTTMessageInfo ConnectFlags DisconnectFlags WebsocketConnectionError
  error_string connack_string convert_connack_rc_to_reason_code convert_disconnect_error_code_to_reason_code
  topic_matches_sub MQTTv31 MQTTv311 MQTTv5 MQTT_ERR_SUCCESS MQTT_ERR_NO_CONN MQTT_ERR_QUEUE_SIZE MQTT_ERR_KEEPALIVE
  CONNACK_ACCEPTED CONNACK_REFUSED_NOT_AUTHORIZED MQTT_LOG_INFO MQTT_LOG_DEBUG CONNECT AUTH MQTT_CLIENT MQTT_BRIDGE
  MQTT_CLEAN_START_FIRST_ONLY Properties ReasonCode ReasonCodes SubscribeOptions PacketTypes MQTTErrorCode
  MQTTProtocolVersion CallbackAPIVersion MessageType LogLevel ConnackCode MessageState PahoClientMode MQTTException
  publish subscribe`.split(/\s+/);

void describe('the mapping table', () => {
  void it("has every Paho Client name, each mapped to a Client member (or one the transports' work adds)", () => {
    for (const name of PAHO_CLIENT_NAMES) assert.ok(Object.hasOwn(CLIENT, name), `missing ${name}`);
    const client = new camel.Client(camel.CallbackAPIVersion.VERSION2);
    const missing = Object.entries(CLIENT)
      .map(([paho, entry]) => [paho, typeof entry === 'string' ? entry : entry.name] as const)
      .filter(([, name]) => !(name in client))
      .map(([paho]) => paho);
    // Only names that other work adds (transports, MQTT 5 AUTH) may be missing, and none once they landed.
    for (const name of missing)
      assert.ok(
        [
          'tls_set',
          'tls_set_context',
          'tls_insecure_set',
          'ws_set_options',
          'proxy_set',
          'connect_srv',
          'auth',
          'on_auth',
        ].includes(name),
        name,
      );
  });

  void it('gives every public Client member a snake_case name', () => {
    const client = new camel.Client(camel.CallbackAPIVersion.VERSION2);
    const members = [...Object.getOwnPropertyNames(camel.Client.prototype), ...Object.keys(client)];
    const mapped = new Set<string>(
      Object.values(CLIENT).map((entry) => (typeof entry === 'string' ? entry : entry.name)),
    );
    assert.deepEqual(
      members.filter((name) => name !== 'constructor' && !mapped.has(name)),
      [],
    );
  });

  void it("exports Paho's module names", () => {
    const exported = mqtt as unknown as Record<string, unknown>;
    for (const name of PAHO_MODULE_NAMES) assert.notEqual(exported[name], undefined, `missing ${name}`);
    assert.equal(mqtt.MQTTv311, 4);
    assert.equal(mqtt.MQTT_ERR_QUEUE_SIZE, 15);
    assert.equal(mqtt.CONNACK_REFUSED_NOT_AUTHORIZED, 5);
    assert.equal(mqtt.MQTT_LOG_ERR, 8);
    assert.equal(mqtt.PUBLISH, 0x30);
    assert.equal(mqtt.MQTT_BRIDGE, 1);
    // steady-mqtt's own module names, in the facade's spelling.
    assert.equal(mqtt.diagnostics_channels.packetSend, 'steady-mqtt:packet:send');
  });

  void it('maps Properties, ReasonCode and MQTTMessageInfo to real members', () => {
    const properties = new camel.Properties(camel.PacketTypes.CONNACK);
    for (const entry of Object.values(PROPERTIES)) {
      const name = typeof entry === 'string' ? entry : entry.name;
      assert.ok(name in properties, name);
    }
    const code = new camel.ReasonCode(camel.PacketType.CONNACK, 0);
    for (const name of Object.values(REASON_CODE)) assert.ok(name in code, name);
    const info = new camel.MQTTMessageInfo(1, 0);
    for (const entry of Object.values(MESSAGE_INFO)) {
      const name = typeof entry === 'string' ? entry : entry.name;
      assert.ok(name in info, name);
    }
  });
});

void describe('the adapter', () => {
  void it('wraps the real client: setters and getters rename, the callbacks set are given back', () => {
    const mqttc = new mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, { client_id: 'me', userdata: { n: 1 } });
    const real = toTarget(mqttc) as camel.Client;
    assert.ok(real instanceof camel.Client);
    assert.ok(mqttc instanceof mqtt.Client);
    assert.equal(real.clientId, 'me');
    assert.equal(mqttc.client_id, 'me');
    assert.deepEqual(mqttc.user_data_get(), { n: 1 });
    mqttc.user_data_set({ n: 2 });
    assert.deepEqual(real.userDataGet(), { n: 2 });
    const onConnect = (): void => undefined;
    mqttc.on_connect = onConnect;
    assert.equal(mqttc.on_connect, onConnect);
    assert.equal(typeof real.onConnect, 'function');
    mqttc.max_inflight_messages_set(7);
    assert.equal(real.maxInflightMessages, 7);
    mqttc.connect_timeout = 2;
    assert.equal(real.connectTimeout, 2);
    mqttc.will_set('w/t', 'bye', 1, true);
    assert.equal(mqttc.will_topic, 'w/t');
  });

  void it("takes Paho's positional constructor arguments", () => {
    const mqttc = new mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, 'pos', false, 'data', mqtt.MQTTv311);
    assert.equal(mqttc.client_id, 'pos');
    assert.equal(mqttc.clean_session, false);
    assert.equal(mqttc.user_data_get(), 'data');
    assert.throws(() => new mqtt.Client(mqtt.CallbackAPIVersion.VERSION1), camel.NotSupportedError);
    assert.throws(
      () => new mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, { protocol: 5, clean_session: true }),
      /cleanSession/,
    );
  });

  void it('refuses names that are not in the table', () => {
    const mqttc = new mqtt.Client(mqtt.CallbackAPIVersion.VERSION2) as unknown as Record<string, unknown>;
    assert.equal(mqttc.onConnect, undefined);
    assert.equal(mqttc.then, undefined); // so a facade is never mistaken for a Promise
    assert.throws(() => {
      'use strict';
      mqttc.userDataSet = 1;
    }, TypeError);
    const options = new mqtt.SubscribeOptions(1) as unknown as Record<string, unknown>;
    assert.throws(() => {
      options.qos = 2; // Paho spells it QoS, and refuses other attributes
    }, TypeError);
  });

  void it("Properties: Paho's attribute names, UserProperty and SubscriptionIdentifier append", () => {
    const p = new mqtt.Properties(mqtt.PacketTypes.PUBLISH);
    p.UserProperty = ['a', 'b'];
    p.UserProperty = ['c', 'd'];
    p.MessageExpiryInterval = 30;
    p.ContentType = 'text/plain';
    assert.deepEqual(p.UserProperty, [
      ['a', 'b'],
      ['c', 'd'],
    ]);
    assert.equal(p.MessageExpiryInterval, 30);
    assert.equal(p.isEmpty(), false);
    assert.deepEqual(p.json(), {
      userProperties: [
        ['a', 'b'],
        ['c', 'd'],
      ],
      messageExpiryInterval: 30,
      contentType: 'text/plain',
    });
    const s = new mqtt.Properties(mqtt.PacketTypes.SUBSCRIBE);
    s.SubscriptionIdentifier = 5;
    assert.deepEqual(s.SubscriptionIdentifier, [5]);
    assert.throws(() => {
      p.TopicAliasMaximum = 5; // not allowed in PUBLISH, as Paho refuses it
    }, camel.InvalidArgumentError);
  });

  void it('ReasonCode, SubscribeOptions and the module functions', () => {
    const rc = new mqtt.ReasonCode(mqtt.PacketTypes.CONNACK, 'Not authorized');
    assert.equal(rc.value, 0x87);
    assert.equal(rc.is_failure, true);
    assert.equal(String(rc), 'Not authorized');
    assert.equal(rc.getName(), 'Not authorized');
    assert.ok(rc.equals(0x87));
    assert.deepEqual(rc.json(), { value: 0x87, name: 'Not authorized' });
    const options = new mqtt.SubscribeOptions(2, true, false, mqtt.SubscribeOptions.RETAIN_DO_NOT_SEND);
    assert.equal(options.QoS, 2);
    assert.equal(options.noLocal, true);
    assert.equal(options.retainHandling, 2);
    assert.equal(mqtt.error_string(mqtt.MQTT_ERR_NO_CONN), 'The client is not currently connected.');
    assert.equal(
      mqtt.connack_string(mqtt.CONNACK_REFUSED_NOT_AUTHORIZED),
      'Connection Refused: not authorised.',
    );
    assert.equal(mqtt.topic_matches_sub('a/#', 'a/b/c'), true);
    assert.equal(mqtt.topic_matches_sub('#', '$SYS/x'), false);
    assert.equal(mqtt.convert_connack_rc_to_reason_code(4).value, 0x86);
    assert.equal(
      String(mqtt.convert_disconnect_error_code_to_reason_code(mqtt.MQTT_ERR_KEEPALIVE)),
      'Keep Alive timeout',
    );
    assert.equal(mqtt.convert_disconnect_error_code_to_reason_code(mqtt.MQTT_ERR_SUCCESS).value, 0);
    assert.equal(mqtt.ReasonCodes, mqtt.ReasonCode);
  });

  void it('MQTTMessageInfo: wait_for_publish takes seconds, unpacks as (rc, mid)', async () => {
    const info = camel.MQTTMessageInfo;
    const real = new info(3, camel.MQTTErrorCode.MQTT_ERR_SUCCESS);
    const facade = (await import('../../src/paho/adapter.js')).toFacade(real) as mqtt.MQTTMessageInfo;
    assert.deepEqual([...facade], [0, 3]);
    assert.equal(facade.is_published(), false);
    const started = Date.now();
    await assert.rejects(facade.wait_for_publish(0.05), camel.TimeoutError);
    assert.ok(Date.now() - started >= 40);
    assert.ok(facade instanceof mqtt.MQTTMessageInfo);
  });
});
