/**
 * A private Aedes 1.x broker for integration tests, in a process of its own (`aedes-server.ts`) on a free
 * 127.0.0.1 port; with `redisPort`, a cluster node whose sessions and messages go through that Redis (start it
 * with `startRedis()`). MQTT 3.1 and 3.1.1 (Aedes 1.x refuses 5.0 with CONNACK 132... as a 3.x return code).
 * Stopped by its process group (see broker-process.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProcessBroker, testBroker, type TestBroker } from './broker-process.js';
import { getFreePort } from './ports.js';

const here = dirname(fileURLToPath(import.meta.url));

export async function startAedes(options: { redisPort?: number } = {}): Promise<TestBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'steady-mqtt-aedes-'));
  const port = await getFreePort();
  // tsx by its resolved URL: the program runs in the broker's folder, where a bare `tsx` does not resolve.
  const tsx = import.meta.resolve('tsx');
  const args = [process.execPath, '--import', tsx, join(here, 'aedes-server.ts')].map((a) =>
    JSON.stringify(a),
  );
  args.push(String(port));
  if (options.redisPort !== undefined) args.push(String(options.redisPort));
  const broker = new ProcessBroker({
    name: 'aedes',
    dir,
    script: `exec ${args.join(' ')}`,
    readyPort: port,
    outputPath: join(dir, 'output.log'),
    readyTimeoutMs: 30_000,
  });
  await broker.start();
  return testBroker(broker, port);
}
