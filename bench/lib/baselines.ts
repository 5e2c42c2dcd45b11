/**
 * What "above an empty process" subtracts: the peak RSS of a process of the run's JavaScript runtime (Node, Bun
 * or Deno) and of a Python process that load nothing, measured at the start of a run (median of 3). And where Paho Python is.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Baselines } from '../scenarios/types.js';
import { REPO_ROOT } from './bundle.js';
import { runtimeEvalCommand, type Runtime } from './runtime.js';
import { median } from './stats.js';

/** Debian's interpreter, where `apt-get install python3-paho-mqtt` puts the module (not a pyenv shim's). */
export const PAHO_PYTHON = '/usr/bin/python3';
export const PAHO_SCRIPT = join(REPO_ROOT, 'bench', 'peers', 'paho_peer.py');

function peakRssKb(command: string, args: string[]): number {
  try {
    return Number(execFileSync(command, args, { encoding: 'utf8', timeout: 10_000 }).trim());
  } catch {
    return NaN;
  }
}

export function measureBaselines(runtime: Runtime = 'node'): Baselines {
  const [bin, args] = runtimeEvalCommand(
    runtime,
    'process.stdout.write(String(process.resourceUsage().maxRSS))',
  );
  const js: number[] = [];
  const python: number[] = [];
  for (let i = 0; i < 3; i++) {
    js.push(peakRssKb(bin, args));
    python.push(
      peakRssKb(PAHO_PYTHON, [
        '-c',
        'import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)',
      ]),
    );
  }
  return { runtimeRssKb: median(js), pythonRssKb: median(python) };
}

/** True when Debian's python3-paho-mqtt can be imported. */
export function hasPaho(): boolean {
  try {
    execFileSync(PAHO_PYTHON, ['-c', 'import paho.mqtt.client'], { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}
