/**
 * A private RabbitMQ 3.10 (`rabbitmq_mqtt`) for integration tests: MQTT 3.1.1 on a free 127.0.0.1 port, AMQP and
 * Erlang distribution on free loopback ports too, in a fresh temporary folder (its mnesia, logs, config, plugins
 * file and Erlang cookie, `HOME` pointing there), with an `epmd` of its own on a free port.
 *
 * Credentials: `guest` / `guest` (also used for anonymous connections); any other pair is refused. It accepts MQTT
 * about 11 s after start on an idle machine; readiness is polled on the MQTT port (bounded). Stopped by its
 * process group (see broker-process.ts).
 */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessBroker, readSafe, testBroker, type TestBroker } from './broker-process.js';
import { getFreePorts, LOOPBACK } from './ports.js';

const RABBITMQ_SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';

/** True when the Debian `rabbitmq-server` package is installed. */
export function hasRabbitmq(): boolean {
  return existsSync(RABBITMQ_SERVER);
}

export class RabbitmqNotFoundError extends Error {
  constructor() {
    super(
      `RabbitMQ is not installed (${RABBITMQ_SERVER} is missing). The broker tests start their own node on a ` +
        'free 127.0.0.1 port. Install it with: apt-get install -y rabbitmq-server (bash scripts/dev.sh test does).',
    );
    this.name = 'RabbitmqNotFoundError';
  }
}

export async function startRabbitmq(): Promise<TestBroker> {
  if (!hasRabbitmq()) throw new RabbitmqNotFoundError();
  const dir = mkdtempSync(join(tmpdir(), 'steady-mqtt-rabbitmq-'));
  const [port, amqpPort, distPort, epmdPort] = await getFreePorts(4);
  writeFileSync(
    join(dir, 'rabbitmq.conf'),
    [
      `listeners.tcp.default = ${LOOPBACK}:${amqpPort}`,
      `mqtt.listeners.tcp.default = ${LOOPBACK}:${port}`,
      'mqtt.allow_anonymous = true',
      'mqtt.default_user = guest',
      'mqtt.default_pass = guest',
      'mqtt.vhost = /',
      'vm_memory_high_watermark.absolute = 300MiB',
      '',
    ].join('\n'),
  );
  // The plugin list rabbitmq-plugins would write: MQTT only.
  writeFileSync(join(dir, 'enabled_plugins'), '[rabbitmq_mqtt].\n');
  const env: Record<string, string> = {
    HOME: dir,
    RABBITMQ_NODENAME: `steady${port}@localhost`,
    RABBITMQ_NODE_IP_ADDRESS: LOOPBACK,
    RABBITMQ_NODE_PORT: String(amqpPort),
    RABBITMQ_DIST_PORT: String(distPort),
    ERL_EPMD_ADDRESS: LOOPBACK,
    ERL_EPMD_PORT: String(epmdPort),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_CONF_ENV_FILE: join(dir, 'none'),
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
  };
  const broker = new ProcessBroker({
    name: 'rabbitmq',
    dir,
    script: `epmd -port ${epmdPort} & exec ${RABBITMQ_SERVER}`,
    readyPort: port,
    outputPath: join(dir, 'output.log'),
    env,
  });
  await broker.start();
  return testBroker(
    broker,
    port,
    () => readSafe(join(dir, 'log', `steady${port}@localhost.log`)) + broker.output(),
  );
}
