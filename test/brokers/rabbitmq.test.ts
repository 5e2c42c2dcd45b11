/** The broker catalogue (catalogue.ts) on RabbitMQ 3.10 (`rabbitmq_mqtt`): MQTT 3.1 and 3.1.1, no QoS 2, no 5.0. */
import { MQTTProtocolVersion } from '../../src/index.js';
import { startRabbitmq } from '../support/rabbitmq.js';
import { runCatalogue } from './catalogue.js';
import { FIXTURE_WRONG_PASSWORD } from '../support/secrets.js';

runCatalogue({
  name: 'RabbitMQ 3.10',
  start: startRabbitmq,
  versions: [MQTTProtocolVersion.MQTTv31, MQTTProtocolVersion.MQTTv311],
  refusedVersions: [MQTTProtocolVersion.MQTTv5],
  credentials: { username: 'guest', password: 'guest' },
  refusedCredentials: { username: 'nobody', password: FIXTURE_WRONG_PASSWORD },
  qos2: 'downgraded to QoS 1',
  sessionPresentOnMqtt31: true,
  share: 'nothing delivered',
});
