/**
 * What "above an empty process" subtracts: the peak RSS of a Node process and of a Python process that load
 * nothing, measured at the start of a run (median of 3). And where Paho Python is.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { Baselines } from '../scenarios/types.js';
import { REPO_ROOT } from './bundle.js';
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

export function measureBaselines(): Baselines {
  const node: number[] = [];
  const python: number[] = [];
  for (let i = 0; i < 3; i++) {
    node.push(
      peakRssKb(process.execPath, ['-e', 'process.stdout.write(String(process.resourceUsage().maxRSS))']),
    );
    python.push(
      peakRssKb(PAHO_PYTHON, [
        '-c',
        'import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)',
      ]),
    );
  }
  return { nodeRssKb: median(node), pythonRssKb: median(python) };
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
