/**
 * One catalogue of interoperability scenarios, run against every broker the harness can start (one test file per
 * broker: `mosquitto.test.ts`, `ejabberd.test.ts`, `rabbitmq.test.ts`, `aedes.test.ts`), on every MQTT version
 * the broker speaks. A `BrokerProfile` says what the broker is known to do where it departs from the
 * specification; the scenario asserts exactly that (a deviation is a checked, named behaviour, never a skip) and
 * that the client copes with it, then records the outcome for `docs/brokers.md` (see results.ts).
 *
 * The broker is started once per file, in `before`, and stopped by its process id in `after`.
 */
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { MQTTProtocolVersion, type ClientOptions } from '../../src/index.js';
import type { CommandIO } from '../../src/cli/pub.js';
import { main } from '../../src/cli/run.js';
import {
  recordingClient,
  shutdown,
  subscribed,
  uniqueId,
  waitUntil,
  within,
  type Recorder,
} from '../client/helpers.js';
import { startFaultProxy } from '../support/fault-proxy.js';
import { Results, type Outcome } from './results.js';

export interface BrokerEndpoint {
  readonly host: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface BrokerProfile {
  /** Name and version, as in the table: 'RabbitMQ 3.10'. */
  name: string;
  start(): Promise<BrokerEndpoint>;
  /** The versions the broker speaks: every scenario runs on each. */
  versions: readonly MQTTProtocolVersion[];
  /** Versions it refuses: the client must report the refusal and stay usable. */
  refusedVersions: readonly MQTTProtocolVersion[];
  /** Credentials the broker accepts (none when it accepts anonymous clients). */
  credentials?: { username: string; password: string };
  /** Credentials it must refuse, and, when the refusal is not the usual one, the deviation's name. */
  refusedCredentials: { username?: string; password?: string; deviation?: string };
  /** 'exactly once', or how the broker departs from QoS 2. */
  qos2: 'exactly once' | 'downgraded to QoS 1';
  /** The broker sets the CONNACK's session-present bit on MQTT 3.1, where that bit is reserved. */
  sessionPresentOnMqtt31?: true;
  /** What a `$share/...` subscription does. */
  share: 'works' | 'connection closed' | 'nothing delivered';
}

const VERSION_NAMES = new Map<MQTTProtocolVersion, string>([
  [MQTTProtocolVersion.MQTTv31, '3.1'],
  [MQTTProtocolVersion.MQTTv311, '3.1.1'],
  [MQTTProtocolVersion.MQTTv5, '5.0'],
]);
const CLI_VERSIONS = new Map<MQTTProtocolVersion, string>([
  [MQTTProtocolVersion.MQTTv31, 'mqttv31'],
  [MQTTProtocolVersion.MQTTv311, 'mqttv311'],
  [MQTTProtocolVersion.MQTTv5, 'mqttv5'],
]);
const WAIT_MS = 15_000;

interface Outcomes {
  outcome: Outcome;
  note?: string;
}

/** Everything one scenario needs: the broker, the version, and clients made for both. */
class Context {
  readonly profile: BrokerProfile;
  readonly version: MQTTProtocolVersion;
  readonly broker: BrokerEndpoint;
  readonly #clients: Recorder[] = [];

  constructor(profile: BrokerProfile, version: MQTTProtocolVersion, broker: BrokerEndpoint) {
    this.profile = profile;
    this.version = version;
    this.broker = broker;
  }

  get v5(): boolean {
    return this.version === MQTTProtocolVersion.MQTTv5;
  }

  /** A unique topic prefix for one scenario. */
  topic(): string {
    return `cat/${uniqueId('s')}`;
  }

  client(options: ClientOptions<unknown> = {}): Recorder {
    const r = recordingClient(this.version, options);
    const c = this.profile.credentials;
    if (c !== undefined) r.client.usernamePwSet(c.username, c.password);
    this.#clients.push(r);
    return r;
  }

  /** Connects (clean session unless `persistent`), waiting for a successful CONNACK. */
  async connect(r: Recorder, persistent = false, keepalive = 60): Promise<{ sessionPresent: boolean }> {
    r.client.loopStart();
    const { host, port } = this.broker;
    const result = persistent
      ? this.v5
        ? r.client.connectAndWait(host, port, keepalive, undefined, undefined, false, {
            sessionExpiryInterval: 300,
          })
        : r.client.connectAndWait(host, port, keepalive)
      : r.client.connectAndWait(host, port, keepalive);
    const connack = await within(result, WAIT_MS, 'CONNACK');
    return { sessionPresent: connack.flags.sessionPresent };
  }

  /** Stops every client this scenario made (bounded). */
  async close(): Promise<void> {
    for (const r of this.#clients.splice(0)) {
      try {
        if (r.client.isConnected()) await shutdown(r);
        else r.client.loopStop();
      } catch {
        r.client.loopStop();
      }
    }
  }
}

function capture(): { io: CommandIO; stdout: () => string; stderr: () => string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const sink = (into: Buffer[]): Writable =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        into.push(Buffer.from(chunk));
        done();
      },
    });
  return {
    io: { stdin: Readable.from(['']), stdout: sink(out), stderr: sink(err) },
    stdout: () => Buffer.concat(out).toString(),
    stderr: () => Buffer.concat(err).toString(),
  };
}

// ---- the scenarios ----------------------------------------------------------------------------------------

type Scenario = (ctx: Context) => Promise<Outcomes>;

const connectScenario: Scenario = async (ctx) => {
  const r = ctx.client();
  await ctx.connect(r);
  assert.equal(r.connacks.at(-1)?.rc, 0);
  assert.equal(r.client.isConnected(), true);
  return { outcome: 'works' };
};

const refusedCredentials: Scenario = async (ctx) => {
  const r = recordingClient(ctx.version, { reconnectOnFailure: false });
  const bad = ctx.profile.refusedCredentials;
  if (bad.username !== undefined) r.client.usernamePwSet(bad.username, bad.password);
  r.client.loopStart();
  try {
    await assert.rejects(
      within(r.client.connectAndWait(ctx.broker.host, ctx.broker.port), WAIT_MS, 'refusal'),
    );
    assert.equal(r.client.isConnected(), false);
    const refusal = r.connacks.at(-1);
    assert.ok(refusal !== undefined && refusal.rc !== 0, 'a CONNACK with a failure code');
  } finally {
    r.client.loopStop();
  }
  const code = r.connacks.at(-1)?.rc ?? 0;
  const note = `CONNACK 0x${code.toString(16)}`;
  return bad.deviation === undefined
    ? { outcome: 'works', note }
    : { outcome: 'deviation', note: `${bad.deviation}; ${note}` };
};

const pubsubWildcards: Scenario = async (ctx) => {
  const t = ctx.topic();
  const sub = ctx.client();
  await ctx.connect(sub);
  const granted = await subscribed(sub, [
    [`${t}/+/q`, 2],
    [`${t}/multi/#`, 2],
  ]);
  const downgraded = ctx.profile.qos2 === 'downgraded to QoS 1';
  assert.deepEqual(granted, downgraded ? [1, 1] : [2, 2]);
  const pub = ctx.client();
  await ctx.connect(pub);
  const infos = [0, 1, 2].map((qos) => pub.client.publish(`${t}/a/q`, `qos${qos}`, qos));
  infos.push(pub.client.publish(`${t}/multi/x/y`, 'deep', 1));
  await Promise.all(infos.map((info) => within(info.waitForPublish(), WAIT_MS, 'publish')));
  await waitUntil(() => sub.messages.length >= 4, WAIT_MS, 'four messages');
  const got = sub.messages.map((m) => `${m.topic} ${m.payloadString()} ${m.qos}`).sort();
  const maxQos = downgraded ? 1 : 2;
  assert.deepEqual(got, [
    `${t}/a/q qos0 0`,
    `${t}/a/q qos1 1`,
    `${t}/a/q qos2 ${maxQos}`,
    `${t}/multi/x/y deep 1`,
  ]);
  // The QoS 2 handle says whether the broker took it exactly once or downgraded it (a PUBACK for QoS 2).
  assert.equal(infos[2].downgraded, downgraded);
  if (!downgraded) return { outcome: 'works' };
  assert.ok(pub.logs.some((l) => /PUBACK for QoS 2 message/.test(l.message)));
  return {
    outcome: 'deviation',
    note: 'no QoS 2: a QoS 2 subscription is granted QoS 1; a QoS 2 PUBLISH is answered with PUBACK (MQTTMessageInfo.downgraded)',
  };
};

const retained: Scenario = async (ctx) => {
  const t = ctx.topic();
  const pub = ctx.client();
  await ctx.connect(pub);
  await within(pub.client.publish(t, 'kept', 1, true).waitForPublish(), WAIT_MS, 'retained publish');
  const first = ctx.client();
  await ctx.connect(first);
  await subscribed(first, t, 1);
  await waitUntil(() => first.messages.length === 1, WAIT_MS, 'the retained message');
  assert.equal(first.messages[0].payloadString(), 'kept');
  assert.equal(first.messages[0].retain, true);
  await within(pub.client.publish(t, '', 1, true).waitForPublish(), WAIT_MS, 'clearing publish');
  const second = ctx.client();
  await ctx.connect(second);
  await subscribed(second, t, 1);
  await within(pub.client.publish(t, 'live', 1).waitForPublish(), WAIT_MS, 'live publish');
  await waitUntil(() => second.messages.length >= 1, WAIT_MS, 'the live message');
  assert.deepEqual(
    second.messages.map((m) => m.payloadString()),
    ['live'],
  );
  return { outcome: 'works' };
};

const willOnLostConnection: Scenario = async (ctx) => {
  const t = ctx.topic();
  const proxy = await startFaultProxy({ targetHost: ctx.broker.host, targetPort: ctx.broker.port });
  try {
    const sub = ctx.client();
    await ctx.connect(sub);
    await subscribed(sub, `${t}/will`, 1);
    const dying = ctx.client({ reconnectOnFailure: false });
    dying.client.willSet(`${t}/will`, 'gone', 1);
    dying.client.loopStart();
    await within(dying.client.connectAndWait(proxy.host, proxy.port), WAIT_MS, 'CONNACK via the proxy');
    proxy.refuse(true);
    proxy.cutAll();
    await waitUntil(() => sub.messages.length === 1, WAIT_MS, 'the will');
    assert.equal(sub.messages[0].payloadString(), 'gone');
  } finally {
    await proxy.close();
  }
  return { outcome: 'works' };
};

const persistentSession: Scenario = async (ctx) => {
  const t = ctx.topic();
  const clientId = uniqueId('p');
  const options = { clientId, cleanSession: ctx.v5 ? undefined : false };
  const away = ctx.client(options);
  await ctx.connect(away, true);
  await subscribed(away, t, 1);
  await shutdown(away);
  const pub = ctx.client();
  await ctx.connect(pub);
  const infos = ['1', '2', '3'].map((p) => pub.client.publish(t, p, 1));
  await Promise.all(infos.map((info) => within(info.waitForPublish(), WAIT_MS, 'publish')));
  const back = ctx.client(options);
  const { sessionPresent } = await ctx.connect(back, true);
  // MQTT 3.1's CONNACK has no session-present flag (3.1.1 added it; the bit is reserved in 3.1).
  const v31 = ctx.version === MQTTProtocolVersion.MQTTv31;
  const flagOn31 = v31 && ctx.profile.sessionPresentOnMqtt31 === true;
  assert.equal(sessionPresent, !v31 || flagOn31);
  await waitUntil(() => back.messages.length >= 3, WAIT_MS, 'the queued messages');
  assert.deepEqual(
    back.messages.map((m) => m.payloadString()),
    ['1', '2', '3'],
  );
  if (flagOn31) {
    return { outcome: 'deviation', note: 'sets the session-present bit on MQTT 3.1, where it is reserved' };
  }
  return { outcome: 'works', note: ctx.v5 ? 'with Session Expiry Interval 300' : '' };
};

const unsubscribe: Scenario = async (ctx) => {
  const t = ctx.topic();
  const sub = ctx.client();
  await ctx.connect(sub);
  await subscribed(sub, [
    [`${t}/a`, 1],
    [`${t}/b`, 1],
  ]);
  const [, mid] = sub.client.unsubscribe(`${t}/a`);
  let unsubscribed = false;
  sub.client.onUnsubscribe = (_c, _u, m) => {
    if (m === mid) unsubscribed = true;
  };
  await waitUntil(() => unsubscribed, WAIT_MS, 'UNSUBACK');
  const pub = ctx.client();
  await ctx.connect(pub);
  await within(pub.client.publish(`${t}/a`, 'dropped', 1).waitForPublish(), WAIT_MS, 'publish a');
  await within(pub.client.publish(`${t}/b`, 'kept', 1).waitForPublish(), WAIT_MS, 'publish b');
  await waitUntil(() => sub.messages.length >= 1, WAIT_MS, 'the message on b');
  assert.deepEqual(
    sub.messages.map((m) => m.payloadString()),
    ['kept'],
  );
  return { outcome: 'works' };
};

const keepaliveIdle: Scenario = async (ctx) => {
  const r = ctx.client();
  await ctx.connect(r, false, 1);
  // 2.5 keepalive periods of silence: the broker closes a connection after 1.5 periods without a packet.
  await new Promise((resolve) => setTimeout(resolve, 2_500));
  assert.equal(r.client.isConnected(), true);
  assert.deepEqual(r.disconnects, []);
  assert.equal(r.connacks.length, 1);
  return { outcome: 'works', note: 'keepalive 1 s, idle 2.5 s' };
};

const bigPayload: Scenario = async (ctx) => {
  const t = ctx.topic();
  const sub = ctx.client();
  await ctx.connect(sub);
  await subscribed(sub, t, 1);
  const pub = ctx.client();
  await ctx.connect(pub);
  const payload = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < payload.length; i++) payload[i] = (i * 31 + 7) & 0xff;
  await within(pub.client.publish(t, payload, 1).waitForPublish(), WAIT_MS, '1 MiB publish');
  await waitUntil(() => sub.messages.length === 1, WAIT_MS, 'the 1 MiB message');
  assert.equal(Buffer.compare(Buffer.from(sub.messages[0].payload), payload), 0);
  return { outcome: 'works' };
};

const thousandInOrder: Scenario = async (ctx) => {
  const t = ctx.topic();
  const sub = ctx.client();
  await ctx.connect(sub);
  await subscribed(sub, t, 1);
  const pub = ctx.client();
  await ctx.connect(pub);
  const infos = Array.from({ length: 1000 }, (_, i) => pub.client.publish(t, String(i), 1));
  await Promise.all(infos.map((info) => within(info.waitForPublish(), 30_000, 'publish')));
  await waitUntil(() => sub.messages.length >= 1000, 30_000, '1,000 messages');
  assert.deepEqual(
    sub.messages.map((m) => Number(m.payloadString())),
    Array.from({ length: 1000 }, (_, i) => i),
  );
  return { outcome: 'works' };
};

const cli: Scenario = async (ctx) => {
  const t = ctx.topic();
  const version = CLI_VERSIONS.get(ctx.version) ?? 'mqttv311';
  const at = ['-h', ctx.broker.host, '-p', String(ctx.broker.port), '-V', version, '-W', '15'];
  const c = ctx.profile.credentials;
  if (c !== undefined) at.push('-u', c.username, '-P', c.password);
  const pub = capture();
  assert.equal(
    await main(['pub', ...at, '-t', t, '-m', 'from-cli', '-q', '1', '-r'], pub.io),
    0,
    pub.stderr(),
  );
  const sub = capture();
  assert.equal(await main(['sub', ...at, '-t', t, '-C', '1', '-v'], sub.io), 0, sub.stderr());
  assert.equal(sub.stdout(), `${t} from-cli\n`);
  const clear = capture();
  assert.equal(await main(['pub', ...at, '-t', t, '-n', '-q', '1', '-r'], clear.io), 0, clear.stderr());
  return { outcome: 'works', note: 'steady-mqtt pub / sub' };
};

const sharedSubscription: Scenario = async (ctx) => {
  const t = ctx.topic();
  const share = ctx.profile.share;
  if (share === 'connection closed') {
    const r = ctx.client({ reconnectOnFailure: false });
    await ctx.connect(r);
    r.client.subscribe(`$share/workers/${t}`, 1);
    await waitUntil(() => r.disconnects.length === 1, WAIT_MS, 'the broker closing the connection');
    assert.equal(r.client.isConnected(), false);
    assert.deepEqual(r.subacks, []);
    return { outcome: 'not supported', note: 'the broker closes the connection at the SUBSCRIBE' };
  }
  const sub = ctx.client();
  await ctx.connect(sub);
  const codes = await subscribed(sub, [
    [`$share/workers/${t}`, 1],
    [`${t}/marker`, 1],
  ]);
  assert.ok(codes.every((code) => code < 0x80));
  const pub = ctx.client();
  await ctx.connect(pub);
  await within(pub.client.publish(t, 'job', 1).waitForPublish(), WAIT_MS, 'job');
  await within(pub.client.publish(`${t}/marker`, 'marker', 1).waitForPublish(), WAIT_MS, 'marker');
  await waitUntil(() => sub.messages.some((m) => m.topic === `${t}/marker`), WAIT_MS, 'the marker');
  if (share === 'works') {
    await waitUntil(() => sub.messages.length === 2, WAIT_MS, 'the job');
    return { outcome: 'works' };
  }
  // Give a late shared delivery a moment to show up before asserting there is none.
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.deepEqual(
    sub.messages.map((m) => m.payloadString()),
    ['marker'],
  );
  return { outcome: 'not supported', note: 'SUBACK granted, nothing delivered' };
};

const SCENARIOS: ReadonlyArray<readonly [string, Scenario]> = [
  ['connect', connectScenario],
  ['refused connect (bad credentials)', refusedCredentials],
  ['publish/subscribe QoS 0/1/2, wildcards', pubsubWildcards],
  ['retained set and cleared', retained],
  ['will on a lost connection', willOnLostConnection],
  ['persistent session, queued while away', persistentSession],
  ['unsubscribe', unsubscribe],
  ['keepalive on an idle connection', keepaliveIdle],
  ['1 MiB payload', bigPayload],
  ['1,000 messages in order', thousandInOrder],
  ['CLI', cli],
  ['shared subscription ($share)', sharedSubscription],
];

/** The names of the scenarios, in table order (for the docs script). */
export const SCENARIO_NAMES = SCENARIOS.map(([name]) => name);

/** A version the broker refuses: the client gets a failure (no CONNACK 0), reports it and stays usable. */
async function refusedVersion(ctx: Context): Promise<Outcomes> {
  const r = recordingClient(ctx.version, { reconnectOnFailure: false });
  r.client.loopStart();
  try {
    await assert.rejects(
      within(r.client.connectAndWait(ctx.broker.host, ctx.broker.port), WAIT_MS, 'refusal'),
    );
    assert.equal(r.client.isConnected(), false);
    assert.ok(!r.connacks.some((c) => c.rc === 0));
  } finally {
    r.client.loopStop();
  }
  const connack = r.connacks.at(-1);
  const note =
    connack !== undefined
      ? `CONNACK 0x${connack.rc.toString(16)}`
      : `connection closed without CONNACK (reason 0x${(r.disconnects.at(-1)?.rc ?? 0).toString(16)})`;
  return { outcome: 'not supported', note };
}

/** Declares the catalogue's tests for one broker. */
export function runCatalogue(profile: BrokerProfile): void {
  const results = new Results(profile.name);
  void describe(profile.name, () => {
    let broker: BrokerEndpoint | undefined;
    before(async () => {
      broker = await profile.start();
    });
    after(async () => {
      await broker?.stop();
      results.save();
    });
    const run = async (version: MQTTProtocolVersion, scenario: string, body: Scenario): Promise<void> => {
      assert.ok(broker !== undefined, 'the broker started');
      const ctx = new Context(profile, version, broker);
      try {
        const { outcome, note } = await body(ctx);
        results.record(VERSION_NAMES.get(version) ?? String(version), scenario, outcome, note);
      } finally {
        await ctx.close();
      }
    };
    for (const version of profile.versions) {
      void describe(`MQTT ${VERSION_NAMES.get(version)}`, () => {
        for (const [scenario, body] of SCENARIOS) {
          void it(scenario, () => run(version, scenario, body));
        }
      });
    }
    for (const version of profile.refusedVersions) {
      void it(`MQTT ${VERSION_NAMES.get(version)} is refused, and the client says so`, () =>
        run(version, 'connect', refusedVersion));
    }
  });
}
