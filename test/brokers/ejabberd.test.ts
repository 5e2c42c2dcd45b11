/** The broker catalogue (catalogue.ts) on ejabberd 23.01 (`mod_mqtt`): MQTT 3.1.1 and 5.0. */
import { MQTTProtocolVersion } from '../../src/index.js';
import { startEjabberd } from '../support/ejabberd.js';
import { runCatalogue } from './catalogue.js';
import { FIXTURE_PASSWORD } from '../support/secrets.js';

runCatalogue({
  name: 'ejabberd 23.01',
  start: startEjabberd,
  versions: [MQTTProtocolVersion.MQTTv311, MQTTProtocolVersion.MQTTv5],
  refusedVersions: [MQTTProtocolVersion.MQTTv31],
  // Anonymous authentication: any user with any password is accepted, and a CONNECT without one is refused.
  credentials: { username: 'user', password: FIXTURE_PASSWORD },
  refusedCredentials: { deviation: 'anonymous auth: any password accepted; refused without credentials' },
  qos2: 'exactly once',
  share: 'connection closed',
});
