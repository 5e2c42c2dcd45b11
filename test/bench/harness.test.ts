/**
 * Smoke tests of the benchmark harness (`npm run bench`) at a tiny size, once per peer, against a private
 * Mosquitto: QoS 0 throughput (steady-mqtt, raw Node, MQTT.js, the C clients), the QoS 1 burst from one loop,
 * sequential connects and the import cost (those three with Paho Python too when Debian's python3-paho-mqtt is
 * installed), scenario 8b's publishMany() batches, and `--runtime bun|deno` (QoS 0 and QoS 1 with steady-mqtt
 * and MQTT.js under that runtime, from the devDependencies' binaries). They prove the harness works end to end; they assert no
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
import { parseBenchArgs } from '../../bench/lib/args.js';
import { scopeToRuntime } from '../../bench/lib/runtime-scope.js';
import type { Runtime } from '../../bench/lib/runtime.js';

const haveClients = hasMosquitto() && existsSync('/usr/bin/time');

async function smoke(
  name: string,
  runtime: Runtime = 'node',
): Promise<{ outcome: ScenarioOutcome; lines: string[] }> {
  const found = findScenario(name);
  assert.ok(found, name);
  const paho = hasPaho();
  const available = { ...found, peers: found.peers.filter((p) => paho || p !== 'paho') };
  const [scenario] = scopeToRuntime([available], runtime).scenarios;
  assert.ok(scenario, `${name} runs on ${runtime}`);
  const bundles = await buildBundles();
  try {
    const lines: string[] = [];
    const outcome = await runScenario(scenario, {
      size: 'smoke',
      runs: 1,
      bundles,
      steadyNodeArgs: [],
      runtime,
      baselines: measureBaselines(runtime),
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

void test('bench --runtime: parses node, bun and deno (node by default), refuses others', () => {
  assert.equal(parseBenchArgs([]).runtime, 'node');
  assert.equal(parseBenchArgs(['--runtime', 'bun']).runtime, 'bun');
  assert.equal(parseBenchArgs(['--runtime', 'deno', '--quick']).runtime, 'deno');
  assert.throws(() => parseBenchArgs(['--runtime', 'python']), /--runtime must be one of node, bun, deno/);
});

void test('bench --runtime: Bun and Deno keep steady-mqtt and MQTT.js, leave out the rest with a reason', () => {
  const qos0 = findScenario('qos0');
  const importCost = findScenario('import');
  assert.ok(qos0 && importCost);
  assert.deepEqual(scopeToRuntime([qos0], 'node').scenarios[0]?.peers, qos0.peers);
  for (const runtime of ['bun', 'deno'] as const) {
    const scope = scopeToRuntime([qos0, importCost], runtime);
    assert.deepEqual(
      scope.scenarios.map((s) => [s.name, s.peers]),
      [
        ['qos0', ['steady', 'mqttjs']],
        ['import', ['steady', 'mqttjs']],
      ],
    );
    assert.ok(scope.leftOut.some((line) => line.startsWith('c left out on ')));
    assert.ok(scope.leftOut.some((line) => line.startsWith('raw left out on ')));
  }
});

for (const runtime of ['bun', 'deno'] as const) {
  void test(
    `bench harness under ${runtime}: QoS 0 and QoS 1 throughput, steady-mqtt and MQTT.js`,
    { skip: !haveClients, timeout: 60_000 },
    async () => {
      for (const [name, count] of [
        ['qos0', 200],
        ['qos1', 100],
      ] as const) {
        const { outcome } = await smoke(name, runtime);
        assert.deepEqual(outcome.scenario.peers, ['steady', 'mqttjs']);
        for (const trial of outcome.trials) {
          assert.equal(trial.metrics?.received, count, `${trial.peer} received every message`);
          // Measured inside the child by process.cpuUsage() and resourceUsage(): both are real on this runtime.
          assert.ok((trial.metrics?.pubCpuUs ?? 0) > 0, `${trial.peer} has a publisher CPU`);
          assert.ok((trial.metrics?.pubRssMb ?? 0) > 0, `${trial.peer} has a publisher peak RSS`);
        }
      }
    },
  );
}
