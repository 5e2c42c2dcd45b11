/**
 * A private Redis (Debian `redis-server`) on a free 127.0.0.1 port, in a fresh temporary folder, with no
 * persistence (`save ""`, `appendonly no`): the shared store of an Aedes cluster (`startAedes({ redisPort })`).
 * Stopped by its process group (see broker-process.ts).
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessBroker, readSafe } from './broker-process.js';
import { getFreePort, LOOPBACK } from './ports.js';

const REDIS_SERVER = '/usr/bin/redis-server';

export function hasRedis(): boolean {
  return existsSync(REDIS_SERVER);
}

export interface TestRedis {
  readonly port: number;
  stop(): Promise<void>;
  log(): string;
}

export async function startRedis(): Promise<TestRedis> {
  if (!hasRedis()) {
    throw new Error(`redis-server is not installed (${REDIS_SERVER}): apt-get install -y redis-server`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'steady-mqtt-redis-'));
  const port = await getFreePort();
  const logPath = join(dir, 'redis.log');
  writeFileSync(
    join(dir, 'redis.conf'),
    [
      `bind ${LOOPBACK}`,
      `port ${port}`,
      'save ""',
      'appendonly no',
      `dir ${dir}`,
      `logfile ${logPath}`,
      '',
    ].join('\n'),
  );
  const broker = new ProcessBroker({
    name: 'redis',
    dir,
    script: `exec ${REDIS_SERVER} ${join(dir, 'redis.conf')}`,
    readyPort: port,
    outputPath: join(dir, 'output.log'),
    readyTimeoutMs: 15_000,
  });
  await broker.start();
  return { port, stop: () => broker.stop(), log: () => readSafe(logPath) + broker.output() };
}
