/**
 * The seed document's Python examples, ported line by line to TypeScript through `steady-mqtt/paho`, against
 * Mosquitto: the $SYS example (on_connect / on_message / loop_forever), publishing with loop_start and
 * wait_for_publish, subscribe.simple, and subscribe.callback with userdata["message_count"]. The only
 * changes are TypeScript's syntax, `await` where Python blocks, and a broker on a test port.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as mqtt from '../../src/paho.js';
import { publish, subscribe } from '../../src/paho.js';
import { startBroker, type Broker } from '../support/mosquitto.js';

const BOUND_MS = 10_000;

/** Fails instead of hanging when `promise` does not settle in time. */
function bounded<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${BOUND_MS} ms`)), BOUND_MS);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

async function subscribedCount(broker: Broker, count: number): Promise<void> {
  const deadline = Date.now() + BOUND_MS;
  while ((broker.log().match(/Received SUBSCRIBE/g) ?? []).length < count) {
    if (Date.now() > deadline) throw new Error('no SUBSCRIBE in the broker log');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

void describe("the seed's examples through steady-mqtt/paho", () => {
  let broker: Broker;
  let subscribes = 0;
  before(async () => {
    broker = await startBroker({ config: 'sys_interval 1' });
  });
  after(async () => {
    await broker.stop();
  });

  void it('$SYS example: on_connect subscribes, on_message prints, loop_forever', async () => {
    const printed: string[] = [];
    const print = (line: string): void => {
      printed.push(line);
    };

    // CONNACK callback
    function on_connect(
      client: mqtt.Client,
      _userdata: unknown,
      flags: mqtt.ConnectFlags,
      reason_code: mqtt.ReasonCode,
      properties: mqtt.Properties,
    ): void {
      assert.equal(reason_code.is_failure, false);
      assert.equal(flags.session_present, false);
      assert.ok(properties.isEmpty());
      client.subscribe('$SYS/#');
    }

    // PUBLISH callback
    function on_message(client: mqtt.Client, _userdata: unknown, msg: mqtt.MQTTMessage): void {
      print(msg.topic + ' ' + String(msg.payload_string()));
      if (printed.length >= 3) client.disconnect(); // the Python example runs forever; the test stops
    }

    const mqttc = new mqtt.Client(mqtt.CallbackAPIVersion.VERSION2);
    mqttc.on_connect = on_connect;
    mqttc.on_message = on_message;

    void mqttc.connect(broker.host, broker.port, 60);
    const rc = await bounded(mqttc.loop_forever(), 'loop_forever');

    assert.equal(rc, mqtt.MQTT_ERR_SUCCESS);
    assert.ok(printed.length >= 3);
    for (const line of printed) assert.match(line, /^\$SYS\/broker\/\S+ /);
  });

  void it('publishing: loop_start, publish qos=1, msg_info.mid, wait_for_publish, loop_stop', async () => {
    const received = subscribe.simple('paho/test/topic', {
      hostname: broker.host,
      port: broker.port,
      qos: 1,
    });
    await subscribedCount(broker, ++subscribes);

    const mqttc = new mqtt.Client(mqtt.CallbackAPIVersion.VERSION2);
    const published: number[] = [];
    mqttc.on_publish = (_client, _userdata, mid, reason_code) => {
      assert.equal(reason_code.is_failure, false);
      published.push(mid);
    };
    void mqttc.connect(broker.host, broker.port, 60);
    mqttc.loop_start();
    const msg_info = mqttc.publish('paho/test/topic', 'my message', 1);
    assert.equal(msg_info.mid, 1);
    await bounded(msg_info.wait_for_publish(5), 'wait_for_publish');
    assert.equal(msg_info.is_published(), true);
    assert.deepEqual(published, [msg_info.mid]);
    mqttc.disconnect();
    mqttc.loop_stop();

    const msg = (await bounded(received, 'subscribe.simple')) as mqtt.MQTTMessage;
    assert.equal(msg.topic, 'paho/test/topic');
    assert.equal(msg.payload_string(), 'my message');
  });

  void it('subscribe.simple: msg.topic, msg.payload', async () => {
    const pending = subscribe.simple('paho/test/topic', { hostname: broker.host, port: broker.port });
    await subscribedCount(broker, ++subscribes);
    await publish.single('paho/test/topic', 'payload', { hostname: broker.host, port: broker.port });
    const msg = (await bounded(pending, 'subscribe.simple')) as mqtt.MQTTMessage;
    assert.equal(msg.topic, 'paho/test/topic');
    assert.deepEqual([...msg.payload], [...Buffer.from('payload')]);
  });

  void it('subscribe.callback: on_message_print with userdata["message_count"]', async () => {
    const printed: string[] = [];

    function on_message_print(
      client: mqtt.Client,
      userdata: { message_count: number },
      message: mqtt.MQTTMessage,
    ): void {
      printed.push(`${message.topic} ${message.payload_string()}`);
      userdata['message_count'] += 1;
      if (userdata['message_count'] >= 5) {
        // it's possible to stop the program by disconnecting
        client.disconnect();
      }
    }

    const userdata = { message_count: 0 };
    const done = subscribe.callback(on_message_print, 'paho/test/topic', {
      hostname: broker.host,
      port: broker.port,
      userdata,
    });
    await subscribedCount(broker, ++subscribes);
    await publish.multiple(
      [1, 2, 3, 4, 5].map((i) => ({ topic: 'paho/test/topic', payload: `m${i}` })),
      { hostname: broker.host, port: broker.port },
    );
    await bounded(done, 'subscribe.callback');
    assert.ok(userdata.message_count >= 5);
    assert.deepEqual(
      printed.slice(0, 5),
      [1, 2, 3, 4, 5].map((i) => `paho/test/topic m${i}`),
    );
  });

  void it('message_callback_add: per-filter callbacks get the facade client; on_message the rest', async () => {
    const seen: string[] = [];
    const mqttc = new mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, { userdata: 'ud' });
    mqttc.message_callback_add('cb/special/#', (client, userdata, msg) => {
      assert.equal(typeof client.user_data_set, 'function');
      seen.push(`special ${msg.topic} ${String(userdata)}`);
    });
    mqttc.on_message = (client, _userdata, msg) => {
      seen.push(`other ${msg.topic}`);
      if (seen.length >= 2) client.disconnect();
    };
    mqttc.on_connect = (client) => {
      client.subscribe([
        ['cb/#', 0],
        ['other', 0],
      ]);
    };
    void mqttc.connect(broker.host, broker.port);
    const forever = mqttc.loop_forever();
    await subscribedCount(broker, ++subscribes);
    await publish.multiple(
      [
        ['cb/special/x', 'a'],
        ['other', 'b'],
      ],
      { hostname: broker.host, port: broker.port },
    );
    await bounded(forever, 'loop_forever');
    assert.deepEqual(seen, ['special cb/special/x ud', 'other other']);
  });
});
