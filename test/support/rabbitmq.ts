/**
 * A private RabbitMQ 3.10 (`rabbitmq_mqtt`) for integration tests: MQTT 3.1.1 on a free 127.0.0.1 port, AMQP and
 * Erlang distribution on free loopback ports too, in a fresh temporary folder (its mnesia, logs, config, plugins
 * file and Erlang cookie, `HOME` pointing there), with an `epmd` of its own on a free port.
 *
 * Credentials: `guest` / `guest` (also used for anonymous connections); any other pair is refused. It accepts MQTT
 * about 11 s after start on an idle machine; readiness is polled on the MQTT port (bounded). Stopped by its
 * process group (see broker-process.ts).
 *
 * `startRabbitmqCluster()` starts two such nodes that share one Erlang cookie and one `epmd` (on a free loopback
 * port, `ERL_EPMD_PORT`), each in its own folder; node 2 runs `stop_app`, `join_cluster <node 1>`, `start_app`.
 * A node can be SIGKILLed (`kill()`: its process group, then whatever still listens on its distribution port,
 * found by that port as a beam may be) and started again on the same folder (`restart()`): it rejoins the cluster.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canConnect, ProcessBroker, readSafe, sleep, testBroker, type TestBroker } from './broker-process.js';
import { startEpmd } from './ejabberd.js';
import { getFreePorts, LOOPBACK } from './ports.js';

const RABBITMQ_SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';
const RABBITMQCTL = '/usr/lib/rabbitmq/bin/rabbitmqctl';

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

/** A node of a RabbitMQ cluster (or a single node), with the commands a test needs. */
export interface RabbitmqNode extends TestBroker {
  /** The Erlang node name, `steady<mqtt port>@localhost`. */
  readonly node: string;
  /** Runs `rabbitmqctl -n <node> <args>` (bounded: 60 s); returns its output. */
  ctl(...args: string[]): string;
  /** Starts the node again on its folder after `kill()` (it rejoins its cluster); resolves once MQTT accepts. */
  restart(): Promise<void>;
}

interface NodeOptions {
  /** A shared epmd's port: the node starts no epmd of its own. */
  epmdPort?: number;
  /** A shared Erlang cookie (the nodes of one cluster need the same). */
  cookie?: string;
  /** The bound on each start and restart (broker-process.ts's default otherwise). */
  readyTimeoutMs?: number;
}

export async function startRabbitmq(): Promise<TestBroker> {
  return startNode({});
}

/** The pid listening on loopback TCP `port`, if any (`ss -ltnp`): how a beam outliving its group is found. */
function listenerPid(port: number): number | undefined {
  try {
    const out = execFileSync('ss', ['-ltnpH', `sport = :${port}`], { encoding: 'utf8', timeout: 10_000 });
    const match = /pid=(\d+)/.exec(out);
    return match === null ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}

async function startNode(options: NodeOptions): Promise<RabbitmqNode> {
  if (!hasRabbitmq()) throw new RabbitmqNotFoundError();
  const dir = mkdtempSync(join(tmpdir(), 'steady-mqtt-rabbitmq-'));
  const [port, amqpPort, distPort, ownEpmdPort] = await getFreePorts(4);
  const epmdPort = options.epmdPort ?? ownEpmdPort;
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
  // Erlang reads the cookie from $HOME and refuses one that others can read.
  if (options.cookie !== undefined) {
    writeFileSync(join(dir, '.erlang.cookie'), options.cookie, { mode: 0o400 });
  }
  const node = `steady${port}@localhost`;
  const env: Record<string, string> = {
    HOME: dir,
    RABBITMQ_NODENAME: node,
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
  const ownEpmd = options.epmdPort === undefined ? `epmd -port ${epmdPort} & ` : '';
  const broker = new ProcessBroker({
    name: 'rabbitmq',
    dir,
    script: `${ownEpmd}exec ${RABBITMQ_SERVER}`,
    readyPort: port,
    outputPath: join(dir, 'output.log'),
    env,
    readyTimeoutMs: options.readyTimeoutMs,
  });
  await broker.start();
  const view = testBroker(broker, port, () => readSafe(join(dir, 'log', `${node}.log`)) + broker.output());
  const kill = async (): Promise<void> => {
    await broker.kill();
    // A beam that left the group would still hold the distribution port: find it there, bounded.
    for (let i = 0; i < 50; i++) {
      const pid = listenerPid(distPort);
      if (pid === undefined) return;
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone meanwhile */
      }
      await sleep(100);
    }
    throw new Error(`rabbitmq ${node}: something still listens on its distribution port ${distPort}`);
  };
  // Object.assign keeps the view's getters (pid, running) live; a spread would copy their values once.
  return Object.assign(view, {
    node,
    kill,
    ctl: (...args: string[]) =>
      execFileSync(RABBITMQCTL, ['-n', node, ...args], {
        env: { ...process.env, ...env },
        cwd: dir,
        encoding: 'utf8',
        timeout: 60_000,
      }),
    restart: () => broker.start(),
  });
}

export interface RabbitmqCluster {
  readonly nodes: readonly [RabbitmqNode, RabbitmqNode];
  /** Stops both nodes (SIGTERM, then SIGKILL after a bounded wait) and the shared epmd, by process id. */
  stop(): Promise<void>;
}

/**
 * Two RabbitMQ nodes joined in one cluster. Rejects with a clear message when the cluster cannot be formed within
 * `timeoutMs` (each node's start is bounded by broker-process.ts, each `rabbitmqctl` by 60 s); whatever was
 * started is stopped first.
 */
export async function startRabbitmqCluster(timeoutMs = 150_000): Promise<RabbitmqCluster> {
  if (!hasRabbitmq()) throw new RabbitmqNotFoundError();
  const started = Date.now();
  const epmd = await startEpmd();
  const nodes: RabbitmqNode[] = [];
  const stop = async (): Promise<void> => {
    for (const n of nodes) await n.stop();
    await epmd.stop();
  };
  try {
    const cookie = `STEADY${Math.random().toString(36).slice(2).toUpperCase()}`;
    const options = { epmdPort: epmd.port, cookie, readyTimeoutMs: 150_000 };
    // Both at once: each needs about 11 s on an idle machine, mostly waiting.
    const results = await Promise.allSettled([startNode(options), startNode(options)]);
    for (const r of results) if (r.status === 'fulfilled') nodes.push(r.value);
    for (const r of results) if (r.status === 'rejected') throw r.reason;
    const [first, second] = nodes;
    second.ctl('stop_app');
    second.ctl('join_cluster', first.node);
    second.ctl('start_app');
    const status = first.ctl('cluster_status');
    if (!status.includes(second.node)) throw new Error(`node 2 is not in the cluster:\n${status}`);
    // start_app returns before MQTT listens again on node 2.
    while (!(await canConnect(second.port, 500))) {
      if (Date.now() - started > timeoutMs) throw new Error('node 2 did not accept MQTT after start_app');
      await sleep(100);
    }
    if (Date.now() - started > timeoutMs) throw new Error(`took ${Date.now() - started} ms`);
    return { nodes: [first, second], stop };
  } catch (error) {
    await stop();
    throw new Error(
      `the RabbitMQ cluster (2 nodes) could not be started within ${timeoutMs} ms: ${String(error)}`,
      { cause: error },
    );
  }
}
