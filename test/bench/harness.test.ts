/**
 * Smoke test of the benchmark harness (`npm run bench`): its smallest scenario (QoS 0 throughput) at a tiny
 * size, once per peer (steady-mqtt, MQTT.js, the C clients), against a private Mosquitto. It proves the harness
 * works end to end; it asserts no performance figure.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildBundles, removeBundles } from '../../bench/lib/bundle.js';
import { runScenario } from '../../bench/lib/runner.js';
import { renderTable } from '../../bench/report/table.js';
import { findScenario } from '../../bench/scenarios/list.js';
import { hasMosquitto } from '../support/mosquitto.js';
import { existsSync } from 'node:fs';

const haveClients = hasMosquitto() && existsSync('/usr/bin/time');

void test(
  'bench harness: QoS 0 throughput, smoke size, every peer',
  { skip: !haveClients, timeout: 60_000 },
  async () => {
    const scenario = findScenario('qos0');
    assert.ok(scenario);
    const bundles = await buildBundles();
    try {
      const lines: string[] = [];
      const outcome = await runScenario(scenario, {
        size: 'smoke',
        runs: 1,
        bundles,
        steadyNodeArgs: [],
        progress: (line) => lines.push(line),
        describeTrial: (_s, t) => `${t.peer} ${t.ok ? 'ok' : `failed: ${t.error}`}`,
      });
      assert.deepEqual(
        outcome.trials.map((t) => t.peer).sort(),
        ['c', 'mqttjs', 'steady'],
        'one trial per peer',
      );
      for (const trial of outcome.trials) {
        assert.ok(trial.ok, `${trial.peer}: ${trial.error}\n${lines.join('\n')}`);
        assert.equal(trial.metrics?.received, 200, `${trial.peer} received every message`);
        assert.ok((trial.metrics?.msgsPerSec ?? 0) > 0, `${trial.peer} has a throughput`);
      }
      assert.match(renderTable([outcome], 1), /steady-mqtt \/ MQTT\.js/);
    } finally {
      removeBundles(bundles);
    }
  },
);
