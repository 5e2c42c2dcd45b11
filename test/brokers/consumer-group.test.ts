/**
 * Consumer groups that scale out: on Mosquitto (`$share`), a producer sends QoS 1 jobs to `jobs/<n>`, consumed by
 * three worker processes through `$share/workers/jobs/#` (two on MQTT 5, one on MQTT 3.1.1; persistent sessions,
 * SqliteStore; fixtures/group-worker.ts). Workers are SIGKILLed and restarted on the same store three times
 * during the run. Every job must be processed at least once; each member's share and the duplicates are printed
 * (`# group ...`) and recorded in docs/scaling.md.
 *
 * Counts: STEADY_GROUP_JOBS jobs (CI: 2,000) at STEADY_GROUP_RATE a second (1,000); `npm run test:clusters` sends
 * 10,000.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { MQTTProtocolVersion } from '../../src/index.js';
import { startBroker, type Broker } from '../support/mosquitto.js';
import { spawnChild, type Child } from '../fault/children.js';
import { connected, recordingClient, shutdown, sleep, waitUntil } from '../client/helpers.js';

const WORKER = fileURLToPath(new URL('./fixtures/group-worker.ts', import.meta.url));
const JOBS = Number(process.env.STEADY_GROUP_JOBS ?? 2_000);
const RATE = Number(process.env.STEADY_GROUP_RATE ?? 1_000);

let broker: Broker;
let dir: string;
const children: Child[] = [];
void before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'steady-mqtt-group-'));
  broker = await startBroker({ maxQueuedMessages: JOBS * 2, quietLog: true });
});
void after(async () => {
  for (const child of children) await child.kill();
  await broker.stop();
  rmSync(dir, { recursive: true, force: true });
});

interface Member {
  id: string;
  protocol: 'mqttv5' | 'mqttv311';
  runs: Child[];
}

function jobsOf(member: Member): number[] {
  return member.runs.flatMap((run) =>
    run.lines.filter((l) => l.startsWith('job ')).map((l) => Number(l.slice(4))),
  );
}

void describe('consumer group on Mosquitto $share', () => {
  void it(`${JOBS} QoS 1 jobs, 3 workers SIGKILLed and restarted 3 times: every job processed`, async () => {
    const members: Member[] = [
      { id: 'worker-a', protocol: 'mqttv5', runs: [] },
      { id: 'worker-b', protocol: 'mqttv5', runs: [] },
      { id: 'worker-c', protocol: 'mqttv311', runs: [] },
    ];
    const start = async (m: Member): Promise<void> => {
      const args = [
        broker.host,
        String(broker.port),
        m.id,
        join(dir, `${m.id}.db`),
        m.protocol,
        'workers',
        'jobs/#',
      ];
      const child = spawnChild(WORKER, args);
      children.push(child);
      m.runs.push(child);
      await waitUntil(() => child.lines.includes('ready'), 30_000, `${m.id} subscribed`);
    };
    for (const m of members) await start(m);

    const producer = recordingClient(MQTTProtocolVersion.MQTTv5);
    await connected(producer, broker.host, broker.port);
    const startedAt = Date.now();
    let next = 0;
    let acked = 0;
    producer.client.onPublish = () => {
      acked++;
    };
    const kills = [0.2, 0.45, 0.7].map((f) => Math.floor(JOBS * f));
    let killed = 0;
    const deadline = Date.now() + (JOBS / RATE) * 1000 + 60_000;
    while (acked < JOBS) {
      assert.ok(Date.now() < deadline, `only ${acked} of ${JOBS} jobs acknowledged in time`);
      const allowed = Math.floor(((Date.now() - startedAt) / 1000) * RATE) + 1;
      while (next < JOBS && next < allowed && next - acked < 100) {
        producer.client.publish(`jobs/${next % 7}`, String(next), 1);
        next++;
      }
      if (killed < kills.length && acked >= kills[killed]) {
        // Kill a member as in a crash, and start it again on the same store a moment later.
        const m = members[killed % members.length];
        await m.runs[m.runs.length - 1].kill();
        killed++;
        void sleep(300).then(() => start(m));
      }
      await sleep(5);
    }
    // Every job processed at least once: wait for the union to be complete (bounded).
    const union = (): Set<number> => new Set(members.flatMap(jobsOf));
    await waitUntil(() => union().size === JOBS, 60_000, 'every job processed');
    await shutdown(producer);
    const shares = members.map((m) => {
      const jobs = jobsOf(m);
      return { member: m.id, protocol: m.protocol, processed: jobs.length, runs: m.runs.length };
    });
    const total = shares.reduce((sum, s) => sum + s.processed, 0);
    console.log(`# group ${JSON.stringify({ jobs: JOBS, rate: RATE, shares, duplicates: total - JOBS })}`);
    assert.equal(union().size, JOBS);
    assert.equal(killed, 3);
    // The group spread the work: every member processed a share.
    for (const s of shares) assert.ok(s.processed > 0, `${s.member} processed nothing`);
  });
});
