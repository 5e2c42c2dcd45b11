// The example page's script: one persistent MQTT session over WebSocket, kept in IndexedDB, so that a message
// published here and not yet acknowledged is sent again after a reload. It subscribes to demo/#, lists what
// arrives, and publishes what the form holds. The broker: ?broker=ws://host:port/path, or ?port= on this host.
import { CallbackAPIVersion, Client, MQTTProtocolVersion } from './steady-mqtt.js';
import { IndexedDbStore, SessionLockedError } from './indexeddb.js';

const params = new URLSearchParams(location.search);
const brokerUrl = params.get('broker') ?? `ws://${location.hostname}:${params.get('port') ?? '8080'}/mqtt`;
const statusLine = document.getElementById('status');
const sentLine = document.getElementById('sent');
const list = document.getElementById('messages');

// The session key must be the same after a reload: keep the client id in localStorage.
let clientId = localStorage.getItem('steady-mqtt-demo:clientId');
if (clientId === null) {
  clientId = `demo-${crypto.randomUUID().slice(0, 8)}`;
  localStorage.setItem('steady-mqtt-demo:clientId', clientId);
}

const client = new Client(CallbackAPIVersion.VERSION2, {
  clientId,
  cleanSession: false,
  // MQTT 3.1.1: cleanSession false keeps the session at the broker too (on MQTT 5 that takes cleanStart false
  // and a Session Expiry Interval).
  protocol: MQTTProtocolVersion.MQTTv311,
  transport: 'websockets',
  store: new IndexedDbStore({ name: 'steady-mqtt-demo' }),
});

client.onConnect = (c, _userdata, flags, reasonCode) => {
  statusLine.textContent = `connected to ${brokerUrl} as ${clientId} (${reasonCode.toString()}, session present: ${flags.sessionPresent})`;
  // Subscribing in onConnect renews the subscription after a reconnect.
  c.subscribe('demo/#', 1);
};
client.onDisconnect = (_c, _userdata, _flags, reasonCode) => {
  statusLine.textContent = `disconnected (${reasonCode.toString()}), reconnecting…`;
};
client.onMessage = (_c, _userdata, message) => {
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString()}  ${message.topic}  [QoS ${message.qos}]  ${message.payloadString()}`;
  list.prepend(item);
};

document.getElementById('publish').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const info = client.publish(
    String(form.get('topic')),
    String(form.get('payload')),
    Number(form.get('qos')),
  );
  try {
    // Stored in IndexedDB: from here it survives a reload or a closed tab, and is sent until acknowledged.
    await info.waitForStored();
    sentLine.textContent = `message ${info.mid} stored`;
    await info.waitForPublish(10_000);
    sentLine.textContent = `message ${info.mid} published`;
  } catch (error) {
    sentLine.textContent = `message ${info.mid}: ${error.message}`;
  }
});

client.loopStart();
try {
  await client.connectAndWait(brokerUrl);
} catch (error) {
  statusLine.textContent =
    error instanceof SessionLockedError
      ? 'this session is open in another tab: close it, then reload this one'
      : `cannot connect to ${brokerUrl}: ${error.message}`;
  if (error instanceof SessionLockedError) client.loopStop();
}
