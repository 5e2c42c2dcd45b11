/** The broker catalogue (catalogue.ts) on Aedes 1.x (in-memory persistence): MQTT 3.1 and 3.1.1, no 5.0. */
import { MQTTProtocolVersion } from '../../src/index.js';
import { startAedes } from '../support/aedes.js';
import { runCatalogue } from './catalogue.js';
import { FIXTURE_WRONG_PASSWORD } from '../support/secrets.js';

runCatalogue({
  name: 'Aedes 1.2',
  start: () => startAedes(),
  versions: [MQTTProtocolVersion.MQTTv31, MQTTProtocolVersion.MQTTv311],
  refusedVersions: [MQTTProtocolVersion.MQTTv5],
  refusedCredentials: { username: 'user', password: FIXTURE_WRONG_PASSWORD },
  qos2: 'exactly once',
  sessionPresentOnMqtt31: true,
  share: 'nothing delivered',
});
