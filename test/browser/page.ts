/**
 * The page the browser test loads: it imports the bundle, connects to Mosquitto's WebSocket listener with
 * `transport: 'websockets'`, subscribes, publishes at QoS 0, 1 and 2, and writes what it received (or the error)
 * as JSON into `#result`. Served as HTML by `browser.test.ts`; this module only builds the text.
 */

/** The page's script, run as an ES module in the browser. */
const PAGE_SCRIPT = String.raw`
import { Client, CallbackAPIVersion, MQTTProtocolVersion } from './steady-mqtt.js';
const params = new URLSearchParams(location.search);
const out = { received: [], published: [], subscribed: null, broker: null, transport: null, error: null };
const show = () => { document.getElementById('result').textContent = JSON.stringify(out); };
const within = (promise, ms, what) => Promise.race([
  promise,
  new Promise((_, reject) => setTimeout(() => reject(new Error('timed out: ' + what)), ms)),
]);
try {
  const client = new Client(CallbackAPIVersion.VERSION2, {
    clientId: 'browser-' + Math.random().toString(16).slice(2),
    transport: 'websockets',
    protocol: params.get('v5') === '1' ? MQTTProtocolVersion.MQTTv5 : MQTTProtocolVersion.MQTTv311,
  });
  const topic = 'browser/' + Math.random().toString(16).slice(2);
  let subscribed;
  const suback = new Promise((resolve) => (subscribed = resolve));
  client.onSubscribe = (_c, _u, _mid, codes) => subscribed(codes.map((rc) => rc.value));
  client.onMessage = (_c, _u, msg) => out.received.push({ topic: msg.topic, qos: msg.qos, payload: msg.payloadString() });
  client.loopStart();
  await within(client.connectAndWait('127.0.0.1', Number(params.get('port'))), 5000, 'CONNACK');
  out.broker = client.currentBroker?.url ?? null;
  out.transport = client.socket()?.constructor?.name ?? null;
  client.subscribe(topic, 2);
  out.subscribed = await within(suback, 5000, 'SUBACK');
  for (const qos of [0, 1, 2]) {
    const info = client.publish(topic, 'hello at qos ' + qos, qos);
    await within(info.waitForPublish(5000), 5000, 'publish ' + qos);
    out.published.push({ qos, mid: info.mid, rc: info.rc });
  }
  const deadline = Date.now() + 5000;
  while (out.received.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  await within(client.disconnectAndWait(), 5000, 'disconnect');
} catch (err) {
  out.error = String(err && err.stack ? err.stack : err);
}
show();
`;

/** The HTML of the test page. */
export function pageHtml(): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>steady-mqtt browser test</title></head>
<body><pre id="result"></pre>
<script type="module">${PAGE_SCRIPT}</script>
</body></html>`;
}
