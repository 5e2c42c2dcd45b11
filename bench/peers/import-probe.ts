/**
 * The import-cost probe's child process: imports one client library (argv[2] is an `ImportTask`) and nothing
 * else first, and reports the import's wall time, the RSS it added, and the whole process's CPU and peak RSS.
 * It is its own bundle so that no client library is loaded before the measured `import()`.
 */
import type { ChildEvent, ImportTask } from '../protocol.js';

function emit(event: ChildEvent): void {
  process.stdout.write(JSON.stringify(event) + '\n');
}

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2] ?? '') as ImportTask;
  const rssBefore = process.memoryUsage().rss;
  const start = performance.now();
  // The specifier is the task's (a bundle path or a package name): esbuild must leave this import alone.
  const specifier = task.specifier;
  await import(specifier);
  const importMs = performance.now() - start;
  const rssDeltaKb = (process.memoryUsage().rss - rssBefore) / 1024;
  const cpu = process.cpuUsage();
  emit({
    type: 'result',
    result: {
      role: 'import',
      importMs,
      rssDeltaKb,
      cpuUs: cpu.user + cpu.system,
      processCpuUs: cpu.user + cpu.system,
      maxRssKb: process.resourceUsage().maxRSS,
    },
  });
}

main().then(
  () => process.stdout.write('', () => process.exit(0)),
  (error: unknown) => {
    emit({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    process.stdout.write('', () => process.exit(1));
  },
);
