/** What a scenario is: its peers, its metrics, its sizes, and how one trial (one peer, one run) goes. */
import type { Broker } from '../../test/support/mosquitto.js';
import type { Bundles } from '../lib/bundle.js';
import type { Runtime } from '../lib/runtime.js';

/**
 * The clients compared. The first peer of a scenario is its subject: ratios are subject / each other peer.
 * `steady-sqlite` is steady-mqtt with a `SqliteStore` (scenario 8); `raw` the minimal `node:net` client of
 * `bench/peers/raw.ts`; `paho` Paho Python (Debian's `python3-paho-mqtt`). `steady-base` and
 * `steady-sqlite-base` are steady-mqtt built from another commit's `src/` (`--baseline REV`), for A/B runs.
 */
export type PeerName =
  'steady' | 'steady-sqlite' | 'steady-base' | 'steady-sqlite-base' | 'mqttjs' | 'c' | 'raw' | 'paho';

export const PEER_LABELS: Record<PeerName, string> = {
  steady: 'steady-mqtt',
  'steady-sqlite': 'steady-mqtt + SqliteStore',
  'steady-base': 'steady-mqtt (baseline)',
  'steady-sqlite-base': 'steady-mqtt + SqliteStore (baseline)',
  mqttjs: 'MQTT.js',
  c: 'C clients',
  raw: 'raw Node',
  paho: 'Paho Python',
};

/** The peak RSS of a process that loaded nothing, per runtime, KiB (what "above an empty process" subtracts). */
export interface Baselines {
  /** An empty process of the run's JavaScript runtime (`--runtime`: Node, Bun or Deno). */
  runtimeRssKb: number;
  pythonRssKb: number;
}

/** Which run size: `full` (the default), `quick` (`--quick`), `smoke` (the harness test). */
export type Size = 'full' | 'quick' | 'smoke';

export interface MetricDef {
  key: string;
  label: string;
  unit: string;
  /** Which direction is better; ratios are shown for every metric either way. */
  better: 'higher' | 'lower';
  digits: number;
}

export type Metrics = Record<string, number>;

/** Everything a trial needs from the run around it. */
export interface TrialEnv {
  broker: Broker;
  bundles: Bundles;
  /** A fresh folder for this trial (SQLite files). */
  dir: string;
  /** A tag unique to this trial, for client ids. */
  tag: string;
  /** Extra `node` flags for steady-mqtt's children (e.g. `--cpu-prof`); Node only. */
  steadyNodeArgs: readonly string[];
  /** The runtime of the JavaScript peers' children (`--runtime`). */
  runtime: Runtime;
  /** Timeout of one trial, ms. */
  timeoutMs: number;
  baselines: Baselines;
}

export interface Scenario {
  /** The `--scenario` name. */
  name: string;
  /** The number in issue 6's list, e.g. '4a'. */
  id: string;
  title: string;
  /** What one trial does at this size, in words (for the table and the docs). */
  describe(size: Size): string;
  peers: readonly PeerName[];
  /** The broker's `max_inflight_messages` for this scenario. */
  brokerMaxInflight: number;
  metrics: readonly MetricDef[];
  /** The trial's timeout at this size, ms. */
  timeoutMs(size: Size): number;
  trial(peer: PeerName, env: TrialEnv, size: Size): Promise<Metrics>;
}
