/**
 * The JavaScript runtime the Node-family peers (steady-mqtt, MQTT.js, raw Node) run under: Node (this process's
 * binary), or Bun or Deno from the devDependencies `bun` and `deno` (`npm run bench -- --runtime bun|deno`).
 * Every runtime runs the same esbuild bundles; their `mqtt` import resolves from `node_modules/` on each.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './bundle.js';

export type Runtime = 'node' | 'bun' | 'deno';

export const RUNTIMES: readonly Runtime[] = ['node', 'bun', 'deno'];

export const RUNTIME_LABELS: Record<Runtime, string> = { node: 'Node', bun: 'Bun', deno: 'Deno' };

export function isRuntime(name: string): name is Runtime {
  return (RUNTIMES as readonly string[]).includes(name);
}

/** The runtime's binary: Node's is this process's; Bun's and Deno's come inside their npm packages. */
export function runtimeBinary(runtime: Runtime): string {
  if (runtime === 'node') return process.execPath;
  const bin = join(REPO_ROOT, 'node_modules', '.bin', runtime);
  if (!existsSync(bin)) throw new Error(`${bin} is missing: npm ci installs it (devDependency ${runtime})`);
  return bin;
}

/**
 * The command line that runs `script` under `runtime`. `nodeArgs` (e.g. `--cpu-prof`) are Node's flags and go
 * to Node only. Deno gets every permission (`-A`), as the test runner gives it (scripts/test-runtimes.mjs): a
 * peer reads files, opens sockets and reads its environment.
 */
export function runtimeCommand(
  runtime: Runtime,
  script: string,
  nodeArgs: readonly string[] = [],
): [string, string[]] {
  const bin = runtimeBinary(runtime);
  if (runtime === 'node') return [bin, [...nodeArgs, script]];
  if (runtime === 'bun') return [bin, [script]];
  return [bin, ['run', '-A', '--quiet', script]];
}

/** The runtime's version, e.g. `v20.19.2`, `1.4.5`, `2.9.6`. */
export function runtimeVersion(runtime: Runtime): string {
  if (runtime === 'node') return process.version;
  try {
    const out = execFileSync(runtimeBinary(runtime), ['--version'], { encoding: 'utf8', timeout: 10_000 });
    return /(\d+\.\d+\.\d+)/.exec(out)?.[1] ?? out.trim();
  } catch {
    return 'unknown';
  }
}

/** The command line that evaluates `code` under `runtime` (for the empty process measured by baselines.ts). */
export function runtimeEvalCommand(runtime: Runtime, code: string): [string, string[]] {
  const bin = runtimeBinary(runtime);
  return runtime === 'deno' ? [bin, ['eval', code]] : [bin, ['-e', code]];
}
