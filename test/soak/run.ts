/**
 * The soak: `npm run soak -- --minutes N [--seed S] [--out FILE]`. One process runs a publisher (QoS 0, 1 and 2,
 * 200 messages a second each, `SqliteStore`) and a subscriber (persistent session, QoS 2 subscription), both
 * through a fault proxy that cuts their connections every 2 to 10 seconds, against a real Mosquitto. A sampler
 * records what the process holds every 10 seconds (more often in runs under two minutes). At the end the
 * publisher stops, the cuts stop, and the run fails on any QoS 1/2 message lost, any QoS 2 duplicate, or a
 * memory, handle, descriptor or timer trend over the second half above the bounds below (test/soak/trend.ts).
 * The samples and verdicts go to FILE (default .tmp/soak.json); `test/soak/plot.ts` draws them.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { CallbackAPIVersion, Client, MQTTErrorCode, MQTTProtocolVersion } from '../../src/index.js';
import { SqliteStore } from '../../src/sqlite.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { startBroker } from '../support/mosquitto.js';
import { takeSample, type Sample } from './sampler.js';
import { checkTrend, type TrendVerdict } from './trend.js';

const RATE = 200;
const MIB = 1024 * 1024;
/** Growth by trend over the second half that fails the run (units of each measure). */
const BOUNDS = { heapUsed: 4 * MIB, rss: 24 * MIB, handles: 3, fds: 3, timers: 3 };

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '1' },
    seed: { type: 'string' },
    out: { type: 'string', default: join('.tmp', 'soak.json') },
  },
});
const minutes = Number(values.minutes);
if (!(minutes > 0)) {
  console.error('usage: npm run soak -- --minutes N [--seed S] [--out FILE]');
  process.exit(2);
}
const seed = values.seed === undefined ? Date.now() % 1_000_000 : Number(values.seed);
const durationMs = minutes * 60_000;
const sampleMs = Math.min(10_000, durationMs / 12);
const perQos = Math.ceil((RATE * durationMs) / 1000) + RATE;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const broker = await startBroker({ maxInflightMessages: 0, maxQueuedMessages: 1_000_000, quietLog: true });
const proxy = await startFaultProxy({ targetHost: broker.host, targetPort: broker.port, seed });
const dir = mkdtempSync(join(tmpdir(), 'steady-soak-'));
const store = new SqliteStore(join(dir, 'publisher.db'));

function makeClient(id: string, extra: { store?: SqliteStore } = {}): Client<unknown> {
  const client = new Client(CallbackAPIVersion.VERSION2, {
    clientId: `${id}-${process.pid}`.slice(0, 23),
    protocol: MQTTProtocolVersion.MQTTv311,
    cleanSession: false,
    ...extra,
  });
  client.reconnectDelaySet(0.05, 0.5);
  return client;
}

// The subscriber counts each (qos, n); a QoS 2 count above 1 is a duplicate.
const received = {
  0: new Uint8Array(perQos + 1),
  1: new Uint8Array(perQos + 1),
  2: new Uint8Array(perQos + 1),
};
let duplicatedQos2 = 0;
let delivered = 0;
const subscriber = makeClient('soak-sub');
let subscribed = false;
subscriber.onConnect = (client, _u, _flags, rc) => {
  if (rc.value === 0 && !subscribed) {
    subscribed = true;
    client.subscribe('soak/#', 2);
  }
};
subscriber.onMessage = (_c, _u, message) => {
  const [q, n] = message.payloadString().split(':').map(Number);
  if (!(q === 0 || q === 1 || q === 2) || !(n >= 1 && n <= perQos)) return;
  const counts = received[q];
  if (counts[n] === 255) return;
  counts[n]++;
  if (counts[n] === 1) delivered++;
  else if (q === 2) duplicatedQos2++;
};

const publisher = makeClient('soak-pub', { store });
const accepted = { 0: 0, 1: 0, 2: 0 };
let refused = 0;

subscriber.loopStart();
publisher.loopStart();
void subscriber.connect(proxy.host, proxy.port, 10).catch(() => undefined);
void publisher.connect(proxy.host, proxy.port, 10).catch(() => undefined);
const deadline = Date.now() + 20_000;
while (!subscribed && Date.now() < deadline) await sleep(20);
if (!subscribed) throw new Error('soak: the subscriber did not connect within 20 s');
await sleep(200);
proxy.cutRandomly({ minMs: 2000, maxMs: 10_000 });

const undelivered = (): number => {
  let missing = 0;
  for (const q of [1, 2] as const) for (let n = 1; n <= accepted[q]; n++) if (received[q][n] === 0) missing++;
  return missing;
};

const startedAt = Date.now();
const samples: Sample[] = [];
const sample = (): void => {
  samples.push(takeSample(startedAt, { lost: undelivered(), duplicatedQos2, delivered }));
};
sample();
const sampler = setInterval(sample, sampleMs);
// 10 of each QoS every 50 ms: 200 a second each.
const publishing = setInterval(() => {
  for (let i = 0; i < 10; i++) {
    for (const q of [0, 1, 2] as const) {
      if (accepted[q] >= perQos) continue;
      const info = publisher.publish(`soak/q${q}`, `${q}:${accepted[q] + 1}`, q);
      if (info.rc === MQTTErrorCode.MQTT_ERR_SUCCESS) accepted[q]++;
      else refused++;
    }
  }
}, 50);
await sleep(durationMs);
clearInterval(publishing);
proxy.stopCutting();
// Delivery of what is still in flight, bounded.
const drainDeadline = Date.now() + 60_000;
clearInterval(sampler);
while (undelivered() > 0 && Date.now() < drainDeadline) await sleep(100);

const lost = undelivered();
const verdicts: TrendVerdict[] = [
  checkTrend(samples, 'heapUsed', (s) => s.heapUsed, BOUNDS.heapUsed),
  checkTrend(samples, 'rss', (s) => s.rss, BOUNDS.rss),
  checkTrend(samples, 'handles', (s) => s.handles, BOUNDS.handles),
  checkTrend(samples, 'fds', (s) => s.fds, BOUNDS.fds),
  checkTrend(samples, 'timers', (s) => s.timers, BOUNDS.timers),
];
const result = {
  minutes,
  seed,
  sampleSeconds: sampleMs / 1000,
  accepted,
  refused,
  delivered: { 0: count(received[0]), 1: count(received[1]), 2: count(received[2]) },
  lost,
  duplicatedQos2,
  cuts: proxy.cuts,
  verdicts,
  samples,
};
function count(a: Uint8Array): number {
  let n = 0;
  for (const c of a) if (c > 0) n++;
  return n;
}

subscriber.disconnect();
publisher.disconnect();
await sleep(200);
subscriber.loopStop();
publisher.loopStop();
store.close();
await proxy.close();
await broker.stop();
rmSync(dir, { recursive: true, force: true });

mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, `${JSON.stringify(result, null, 1)}\n`);
const failures = [
  ...(lost > 0 ? [`${lost} QoS 1/2 messages lost`] : []),
  ...(duplicatedQos2 > 0 ? [`${duplicatedQos2} QoS 2 duplicates`] : []),
  ...verdicts
    .filter((v) => !v.ok)
    .map((v) => `${v.measure} grew by ${v.growth.toFixed(1)} (bound ${v.bound})`),
];
console.log(
  `soak: ${minutes} min, seed ${seed}, ${proxy.cuts} cuts, accepted ${JSON.stringify(accepted)}, ` +
    `delivered ${JSON.stringify(result.delivered)}, lost ${lost}, QoS 2 duplicates ${duplicatedQos2}`,
);
for (const v of verdicts) {
  console.log(
    `soak: ${v.measure} trend over the second half ${v.growth.toFixed(1)} (bound ${v.bound}) ${v.ok ? 'ok' : 'FAIL'}`,
  );
}
console.log(`soak: samples in ${values.out}`);
if (failures.length > 0) {
  console.error(`soak failed: ${failures.join('; ')}`);
  process.exit(1);
}
