/**
 * Smoke tests of the benchmark harness (`npm run bench`) at a tiny size, once per peer, against a private
 * Mosquitto: QoS 0 throughput (steady-mqtt, raw Node, MQTT.js, the C clients), the QoS 1 burst from one loop,
 * sequential connects and the import cost (those three with Paho Python too when Debian's python3-paho-mqtt is
 * installed), and scenario 8b's publishMany() batches. They prove the harness works end to end; they assert no
 * performance figure.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { existsSync } from 'node:fs';
import { hasPaho, measureBaselines } from '../../bench/lib/baselines.js';
import { buildBundles, removeBundles } from '../../bench/lib/bundle.js';
import { runScenario, type ScenarioOutcome } from '../../bench/lib/runner.js';
import { renderTable } from '../../bench/report/table.js';
import { findScenario } from '../../bench/scenarios/list.js';
import { hasMosquitto } from '../support/mosquitto.js';

const haveClients = hasMosquitto() && existsSync('/usr/bin/time');

async function smoke(name: string): Promise<{ outcome: ScenarioOutcome; lines: string[] }> {
  const found = findScenario(name);
  assert.ok(found, name);
  const paho = hasPaho();
  const scenario = { ...found, peers: found.peers.filter((p) => paho || p !== 'paho') };
  const bundles = await buildBundles();
  try {
    const lines: string[] = [];
    const outcome = await runScenario(scenario, {
      size: 'smoke',
      runs: 1,
      bundles,
      steadyNodeArgs: [],
      baselines: measureBaselines(),
      progress: (line) => lines.push(line),
      describeTrial: (_s, t) => `${t.peer} ${t.ok ? 'ok' : `failed: ${t.error}`}`,
    });
    assert.deepEqual(
      outcome.trials.map((t) => t.peer).sort(),
      [...scenario.peers].sort(),
      'one trial per peer',
    );
    for (const trial of outcome.trials)
      assert.ok(trial.ok, `${trial.peer}: ${trial.error}\n${lines.join('\n')}`);
    return { outcome, lines };
  } finally {
    removeBundles(bundles);
  }
}

void test(
  'bench harness: QoS 0 throughput, smoke size, every peer',
  { skip: !haveClients, timeout: 60_000 },
  async () => {
    const { outcome } = await smoke('qos0');
    assert.deepEqual(outcome.scenario.peers, ['steady', 'raw', 'mqttjs', 'c']);
    for (const trial of outcome.trials) {
      assert.equal(trial.metrics?.received, 200, `${trial.peer} received every message`);
      assert.ok((trial.metrics?.msgsPerSec ?? 0) > 0, `${trial.peer} has a throughput`);
      assert.ok(Number.isFinite(trial.metrics?.pubProcessCpuS), `${trial.peer} has a whole-process CPU`);
    }
    assert.match(renderTable([outcome], 1), /steady-mqtt \/ raw Node/);
  },
);

void test(
  'bench harness: QoS 1 burst from one loop, every peer',
  { skip: !haveClients, timeout: 90_000 },
  async () => {
    const { outcome } = await smoke('qos1-burst');
    for (const trial of outcome.trials) {
      assert.equal(trial.metrics?.received, 100, `${trial.peer} received every message`);
    }
  },
);

void test(
  'bench harness: sequential connects and import cost',
  { skip: !haveClients, timeout: 90_000 },
  async () => {
    const connects = await smoke('connect-seq');
    for (const trial of connects.outcome.trials) {
      assert.ok((trial.metrics?.connectMs ?? 0) > 0, `${trial.peer} has a connect time`);
    }
    const imports = await smoke('import');
    for (const trial of imports.outcome.trials) {
      assert.ok((trial.metrics?.importMs ?? 0) > 0, `${trial.peer} has an import time`);
    }
  },
);

void test(
  'bench harness: persistent session in publishMany() batches (8b), SqliteStore and MemoryStore',
  { skip: !haveClients, timeout: 90_000 },
  async () => {
    const { outcome } = await smoke('persistent-batch');
    assert.deepEqual(outcome.scenario.peers, ['steady-sqlite', 'steady']);
    for (const trial of outcome.trials) {
      assert.equal(trial.metrics?.received, 100, `${trial.peer} received every message`);
    }
  },
);
