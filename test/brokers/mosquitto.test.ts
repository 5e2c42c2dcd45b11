/** The broker catalogue (catalogue.ts) on Mosquitto 2.0: MQTT 3.1, 3.1.1 and 5.0, the reference broker. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MQTTProtocolVersion } from '../../src/index.js';
import { startBroker } from '../support/mosquitto.js';
import { runCatalogue } from './catalogue.js';
import { FIXTURE_PASSWORD, FIXTURE_WRONG_PASSWORD } from '../support/secrets.js';

runCatalogue({
  name: 'Mosquitto 2.0',
  async start() {
    // Anonymous clients are allowed; a client that names a user must give that user's password.
    const dir = mkdtempSync(join(tmpdir(), 'steady-mqtt-passwd-'));
    const passwordFile = join(dir, 'passwd');
    execFileSync('mosquitto_passwd', ['-b', '-c', passwordFile, 'user', FIXTURE_PASSWORD]);
    const broker = await startBroker({ config: `password_file ${passwordFile}`, quietLog: true });
    return {
      host: broker.host,
      port: broker.port,
      stop: async () => {
        await broker.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  versions: [MQTTProtocolVersion.MQTTv31, MQTTProtocolVersion.MQTTv311, MQTTProtocolVersion.MQTTv5],
  refusedVersions: [],
  refusedCredentials: { username: 'user', password: FIXTURE_WRONG_PASSWORD },
  qos2: 'exactly once',
  share: 'works',
});
