/** A description of the machine a run came from: CPU, cores, memory, Node.js and Mosquitto versions. */
import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem, type as osType, release } from 'node:os';
import { findMosquitto } from '../../test/support/mosquitto.js';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  os: string;
  node: string;
  mosquitto: string;
  /** The 1-minute load average when the run started: other work on the machine makes figures noisier. */
  loadAverage: number;
}

function mosquittoVersion(): string {
  try {
    const out = execFileSync(findMosquitto(), ['-h'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return /version (\S+)/.exec(out)?.[1] ?? 'unknown';
  } catch (error) {
    // `mosquitto -h` exits with status 3 after printing its usage.
    const out = (error as { stdout?: unknown }).stdout;
    return (typeof out === 'string' ? /version (\S+)/.exec(out)?.[1] : undefined) ?? 'unknown';
  }
}

/** The commit under test: `git rev-parse --short HEAD`, noting uncommitted changes under src/. */
export function describeCommit(cwd: string): string {
  try {
    const opts = {
      cwd,
      encoding: 'utf8' as const,
      stdio: ['ignore', 'pipe', 'ignore'] as ['ignore', 'pipe', 'ignore'],
    };
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], opts).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], opts).trim() !== '';
    return dirty ? `${head} + modified src/` : head;
  } catch {
    return 'unknown';
  }
}

export function describeMachine(): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    os: `${osType()} ${release()}`,
    node: process.version,
    mosquitto: mosquittoVersion(),
    loadAverage: Math.round(loadavg()[0] * 100) / 100,
  };
}
