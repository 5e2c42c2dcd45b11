/**
 * A private ejabberd 23.01 (`mod_mqtt`) for integration tests: MQTT 3.1.1 and 5.0 on a free 127.0.0.1 port, in a
 * fresh temporary folder owned by the `ejabberd` user (the Debian package's `ejabberdctl` runs the node as that
 * user), with an `epmd` of its own on a free port so it never shares one with another test's Erlang node.
 *
 * Authentication is anonymous (`auth_method: [anonymous]`): any username with any password is accepted, and a
 * CONNECT without a password is refused (CONNACK 5 / 0x87). Stopped by its process group (see broker-process.ts).
 *
 *     const broker = await startEjabberd();
 *     try { ... broker.port ... } finally { await broker.stop(); }
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessBroker, readSafe, testBroker, type TestBroker } from './broker-process.js';
import { getFreePorts, LOOPBACK } from './ports.js';

const EJABBERDCTL = '/usr/sbin/ejabberdctl';

/** True when the Debian `ejabberd` package is installed. */
export function hasEjabberd(): boolean {
  return existsSync(EJABBERDCTL);
}

export class EjabberdNotFoundError extends Error {
  constructor() {
    super(
      `ejabberd is not installed (${EJABBERDCTL} is missing). The broker tests start their own node on a free ` +
        '127.0.0.1 port. Install it with: apt-get install -y ejabberd (bash scripts/dev.sh test does).',
    );
    this.name = 'EjabberdNotFoundError';
  }
}

function config(mqttPort: number): string {
  return [
    '# written by steady-mqtt test/support/ejabberd.ts',
    'hosts: [localhost]',
    'loglevel: info',
    'acme: {auto: false}',
    'auth_method: [anonymous]',
    'anonymous_protocol: login_anon',
    'listen:',
    `  - {port: ${mqttPort}, ip: "${LOOPBACK}", module: mod_mqtt, backlog: 1000}`,
    'acl: {local: {user_regexp: ""}}',
    'access_rules: {local: {allow: all}}',
    'modules: {mod_mqtt: {}}',
    '',
  ].join('\n');
}

/** An `epmd` on its own free loopback port, shared by the nodes of one Erlang cluster. */
export async function startEpmd(): Promise<{ port: number; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'steady-mqtt-epmd-'));
  const [port] = await getFreePorts(1);
  const epmd = new ProcessBroker({
    name: 'epmd',
    dir,
    script: `exec epmd -port ${port}`,
    readyPort: port,
    outputPath: join(dir, 'output.log'),
    env: { ERL_EPMD_ADDRESS: LOOPBACK },
    readyTimeoutMs: 15_000,
  });
  await epmd.start();
  return { port, stop: () => epmd.stop() };
}

export interface EjabberdNode extends TestBroker {
  /** The Erlang node name, `steady<port>@localhost`. */
  readonly node: string;
  /** Runs `ejabberdctl <args>` against this node (as the `ejabberd` user); resolves with its output. */
  ctl(...args: string[]): string;
}

/**
 * Starts an ejabberd node. With `epmdPort`, the node registers with that (shared) epmd instead of starting its
 * own, so nodes started with the same one can form a cluster (`node.ctl('join_cluster', other.node)`).
 */
export async function startEjabberd(options: { epmdPort?: number } = {}): Promise<EjabberdNode> {
  if (!hasEjabberd()) throw new EjabberdNotFoundError();
  const dir = mkdtempSync(join(tmpdir(), 'steady-mqtt-ejabberd-'));
  const [port, ownEpmdPort] = await getFreePorts(2);
  const epmdPort = options.epmdPort ?? ownEpmdPort;
  const conf = join(dir, 'conf');
  const spool = join(dir, 'spool');
  const logs = join(dir, 'logs');
  for (const d of [conf, spool, logs]) mkdirSync(d);
  // The node name carries the port: two nodes on this machine never share a name.
  const node = `steady${port}@localhost`;
  writeFileSync(join(conf, 'ejabberd.yml'), config(port));
  writeFileSync(
    join(conf, 'ejabberdctl.cfg'),
    [
      `ERLANG_NODE=${node}`,
      `INET_DIST_INTERFACE=${LOOPBACK}`,
      `ERL_EPMD_ADDRESS=${LOOPBACK}`,
      `EJABBERD_PID_PATH=${spool}/ejabberd.pid`,
      'EJABBERD_BYPASS_WARNINGS=true',
      '',
    ].join('\n'),
  );
  copyFileSync('/etc/ejabberd/inetrc', join(conf, 'inetrc'));
  execFileSync('chown', ['-R', 'ejabberd:ejabberd', dir]);
  const outputPath = join(dir, 'output.log');
  // epmd in the foreground, in the broker's process group, on its own port and on loopback only.
  const ctlArgs = ['--config-dir', conf, '--spool', spool, '--logs', logs];
  const script =
    (options.epmdPort === undefined ? `epmd -port ${epmdPort} & ` : '') +
    `exec runuser -u ejabberd -- ${EJABBERDCTL} ${ctlArgs.join(' ')} foreground`;
  const broker = new ProcessBroker({
    name: 'ejabberd',
    dir,
    script,
    readyPort: port,
    outputPath,
    env: { ERL_EPMD_PORT: String(epmdPort), ERL_EPMD_ADDRESS: LOOPBACK },
  });
  await broker.start();
  const env = { ...process.env, ERL_EPMD_PORT: String(epmdPort), ERL_EPMD_ADDRESS: LOOPBACK };
  // Object.assign keeps the view's getters (pid, running) live; a spread would copy their values once.
  return Object.assign(
    testBroker(broker, port, () => readSafe(join(logs, 'ejabberd.log')) + broker.output()),
    {
      node,
      ctl: (...args: string[]) =>
        execFileSync('runuser', ['-u', 'ejabberd', '--', EJABBERDCTL, ...ctlArgs, ...args], {
          env,
          cwd: spool,
          encoding: 'utf8',
          timeout: 60_000,
        }),
    },
  );
}
