/**
 * `npm run demo`: starts a private Mosquitto on a free loopback port and runs steady-mqtt against it.
 *
 *   1. The seed's example, as a TypeScript program: subscribe to `$SYS/#` in `onConnect`, print messages
 *      (here: the first five), with `loopForever()`.
 *   2. A QoS 2 round trip: publish at QoS 2 to a topic the client subscribes to, wait for PUBCOMP with
 *      `waitForPublish()`, and receive the message exactly once.
 */
import { CallbackAPIVersion, Client, MQTTProtocolVersion, type MQTTMessage } from '../src/index.js';
import { startBroker } from '../test/support/mosquitto.js';

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function seedExample(host: string, port: number): Promise<void> {
  console.log('\n== 1. The seed example: subscribe to $SYS/# in onConnect, print messages ==');
  const mqttc = new Client(CallbackAPIVersion.VERSION2);
  let printed = 0;

  // Subscribing in onConnect means subscriptions will be renewed upon reconnection.
  mqttc.onConnect = (client, _userdata, _flags, reasonCode) => {
    console.log(`connected: ${reasonCode.toString()}`);
    client.subscribe('$SYS/#');
  };
  mqttc.onMessage = (client, _userdata, msg) => {
    console.log(`  ${msg.topic} ${msg.payloadString()}`);
    printed += 1;
    if (printed === 5) client.disconnect();
  };

  void mqttc.connect(host, port, 60);
  await withTimeout(mqttc.loopForever(), 10_000, 'the seed example');
  console.log(`loopForever() returned after ${printed} messages`);
}

async function qos2RoundTrip(host: string, port: number): Promise<void> {
  console.log('\n== 2. A QoS 2 round trip on MQTT 5.0 ==');
  const client = new Client(CallbackAPIVersion.VERSION2, { protocol: MQTTProtocolVersion.MQTTv5 });
  const received: MQTTMessage[] = [];
  client.onMessage = (_client, _userdata, msg) => {
    received.push(msg);
    console.log(`received: ${msg.topic} "${msg.payloadString()}" at QoS ${msg.qos}`);
  };
  client.loopStart();
  const { reasonCode } = await withTimeout(client.connectAndWait(host, port), 5000, 'CONNACK');
  console.log(`connected: ${reasonCode.toString()}`);
  client.subscribe('demo/qos2', 2);
  const info = client.publish('demo/qos2', 'exactly once', 2);
  console.log(`published mid ${info.mid}, waiting for PUBCOMP...`);
  await withTimeout(info.waitForPublish(), 5000, 'PUBCOMP');
  console.log(`PUBCOMP: ${info.reasonCode?.toString() ?? '?'}`);
  const deadline = Date.now() + 5000;
  while (received.length === 0 && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 10));
  await withTimeout(client.disconnectAndWait(), 5000, 'disconnect');
  client.loopStop();
  if (received.length !== 1 || received[0].qos !== 2) {
    throw new Error(`expected the message once at QoS 2, got ${received.length} message(s)`);
  }
  console.log('the QoS 2 message arrived exactly once');
}

const broker = await startBroker({ config: 'sys_interval 1', quietLog: true });
console.log(`Mosquitto started on ${broker.url}`);
let failed = false;
try {
  await seedExample(broker.host, broker.port);
  await qos2RoundTrip(broker.host, broker.port);
  console.log('\nDemo finished: everything worked.');
} catch (error) {
  failed = true;
  console.error('\nDemo failed:', error);
} finally {
  await broker.stop();
}
process.exit(failed ? 1 : 0);
