/** The command line of `npm run bench`. */
import { parseArgs } from 'node:util';
import type { Size } from '../scenarios/types.js';
import { isRuntime, RUNTIMES, type Runtime } from './runtime.js';

export interface BenchArgs {
  size: Size;
  runs: number;
  scenarios: string[];
  json: boolean;
  sweep: boolean;
  profile: boolean;
  /** Rewrite docs/benchmarks.md: true/false when asked, undefined = only after a full default run. */
  docs: boolean | undefined;
  help: boolean;
  /** A commit whose steady-mqtt runs beside the current one (A/B), or undefined. */
  baseline: string | undefined;
  /** Only these peers (and the subject), or every peer when empty. */
  peers: string[];
  /** The runtime of the steady-mqtt and MQTT.js peers (default node). */
  runtime: Runtime;
}

export const USAGE = `npm run bench -- [options]

  --quick            a reduced set (smaller counts, 1 run), under a minute
  --scenario NAME    run only this scenario (repeatable; names: see below)
  --runs N           runs per scenario and peer (default 3; 1 with --quick)
  --sweep            the in-flight window sweep (QoS 1 and 2 at windows 10..200 and unlimited) instead of the scenarios
  --json             print the results as JSON on stdout (progress stays on stderr)
  --profile          run steady-mqtt's and raw Node's child processes under node --cpu-prof (.tmp/bench-profiles/)
  --baseline REV     A/B: also run steady-mqtt built from commit REV's src/ ("steady-mqtt (baseline)")
  --peers A,B        only these peers (names: steady steady-sqlite steady-base steady-sqlite-base raw mqttjs
                     c paho); the subject first
  --runtime NAME     node (default), bun or deno: the steady-mqtt and MQTT.js peers (the same bundles) run under
                     it; on bun and deno, by default the QoS 0 and QoS 1 throughput scenarios, and what cannot
                     run there (C clients, Paho, raw Node, SqliteStore, import cost) is left out with a reason
  --docs / --no-docs rewrite docs/benchmarks.md (default: only after a full run of every scenario, or of the sweep)
  --help`;

export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      scenario: { type: 'string', multiple: true, default: [] },
      runs: { type: 'string' },
      json: { type: 'boolean', default: false },
      sweep: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      docs: { type: 'boolean' },
      'no-docs': { type: 'boolean' },
      help: { type: 'boolean', default: false },
      baseline: { type: 'string' },
      peers: { type: 'string', multiple: true, default: [] },
      runtime: { type: 'string', default: 'node' },
    },
    strict: true,
  });
  const runs = values.runs === undefined ? (values.quick ? 1 : 3) : Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50)
    throw new Error(`--runs must be an integer from 1 to 50`);
  const runtime = values.runtime;
  if (!isRuntime(runtime)) throw new Error(`--runtime must be one of ${RUNTIMES.join(', ')}`);
  return {
    size: values.quick ? 'quick' : 'full',
    runs,
    scenarios: values.scenario.flatMap((s) => s.split(',')).filter((s) => s !== ''),
    json: values.json,
    sweep: values.sweep,
    profile: values.profile,
    docs: values['no-docs'] === true ? false : values.docs,
    help: values.help,
    baseline: values.baseline,
    peers: values.peers.flatMap((s) => s.split(',')).filter((s) => s !== ''),
    runtime,
  };
}
