/**
 * The Client over every transport, end to end against Mosquitto: URLs (`mqtt://`, `mqtts://`, `ws://`,
 * `wss://`, `unix://`), `transport: 'websockets' | 'unix'`, `tlsSet` / `tlsSetContext` / `tlsInsecureSet`,
 * `wsSetOptions`, `proxySet`, typed TLS failures through `onConnectFail`, and a broker list failing over to the
 * second broker when the first is stopped, with `currentBroker` showing which one is in use.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import {
  CallbackAPIVersion,
  Client,
  ClientStateError,
  InvalidArgumentError,
  MQTTProtocolVersion,
  type ClientOptions,
} from '../../src/index.js';
import { TlsError } from '../../src/transport/errors.js';
import { hasOpenssl, testCerts } from '../support/certs.js';
import { startHttpProxy, type HttpProxy } from '../support/http-proxy.js';
import { hasMosquitto, startBroker, type Broker } from '../support/mosquitto.js';
import { startSocks5Proxy, type Socks5Proxy } from '../support/socks5-proxy.js';
import { FIXTURE_PROXY_PASSWORD } from '../support/secrets.js';
import {
  recordingClient,
  shutdown,
  subscribed,
  text,
  uniqueId,
  waitUntil,
  within,
  type Recorder,
} from './helpers.js';

const skip = !hasMosquitto()
  ? 'mosquitto is not installed'
  : !hasOpenssl()
    ? 'openssl is not installed'
    : false;

/** Connects (host may be a URL or a list), subscribes, publishes at QoS 0/1/2 and checks all three come back. */
async function pubsubRoundTrip(
  recorder: Recorder,
  host: Parameters<Recorder['client']['connect']>[0],
  port?: number,
): Promise<void> {
  recorder.client.loopStart();
  await within(recorder.client.connectAndWait(host, port), 5_000, 'CONNACK');
  const topic = `transports/${uniqueId()}`;
  assert.deepEqual(await subscribed(recorder, topic, 2), [2]);
  const infos = [0, 1, 2].map((qos) => recorder.client.publish(topic, `qos${qos}`, qos));
  await Promise.all(infos.map((info) => info.waitForPublish(5_000)));
  await waitUntil(() => recorder.messages.length >= 3, 5_000, 'three messages');
  assert.deepEqual(recorder.messages.map((m) => [m.qos, text(m)]).sort(), [
    [0, 'qos0'],
    [1, 'qos1'],
    [2, 'qos2'],
  ]);
}

function client(options: ClientOptions<unknown> = {}): Recorder {
  return recordingClient(MQTTProtocolVersion.MQTTv311, options);
}

void describe('Client transports', { skip }, () => {
  let broker: Broker;
  before(async () => {
    broker = await startBroker({ websockets: true, tls: true, mtls: true, wss: true, unixSocket: true });
  });
  after(async () => {
    await broker?.stop();
  });

  const cases: {
    name: string;
    setup: () => { recorder: Recorder; host: string; port?: number; url: string };
  }[] = [
    {
      name: 'mqtt:// URL',
      setup: () => ({
        recorder: client(),
        host: `mqtt://127.0.0.1:${broker.port}`,
        url: `mqtt://127.0.0.1:${broker.port}`,
      }),
    },
    {
      name: "transport 'websockets' with a bare host",
      setup: () => ({
        recorder: client({ transport: 'websockets' }),
        host: '127.0.0.1',
        port: broker.wsPort,
        url: `ws://127.0.0.1:${broker.wsPort}/mqtt`,
      }),
    },
    {
      name: 'tlsSet(ca) with a bare host → TLS',
      setup: () => {
        const recorder = client();
        recorder.client.tlsSet(testCerts().caCert);
        return {
          recorder,
          host: 'localhost',
          port: broker.tlsPort,
          url: `mqtts://localhost:${broker.tlsPort}`,
        };
      },
    },
    {
      name: 'mutual TLS: tlsSet with client certificate and encrypted key',
      setup: () => {
        const certs = testCerts();
        const recorder = client();
        recorder.client.tlsSet({
          caCerts: certs.caCert,
          certfile: certs.clientCert,
          keyfile: certs.clientKeyEncrypted,
          keyPassword: certs.clientKeyPassword,
        });
        return {
          recorder,
          host: `mqtts://localhost:${broker.mtlsPort}`,
          url: `mqtts://localhost:${broker.mtlsPort}`,
        };
      },
    },
    {
      name: "wss:// URL with tlsSetContext (the URL's path wins over wsSetOptions)",
      setup: () => {
        const recorder = client();
        recorder.client.tlsSetContext(createSecureContext({ ca: readFileSync(testCerts().caCert) }));
        recorder.client.wsSetOptions('/ignored-when-the-url-has-a-path', { 'X-Test': '1' });
        return {
          recorder,
          host: `wss://localhost:${broker.wssPort}/mqtt`,
          url: `wss://localhost:${broker.wssPort}/mqtt`,
        };
      },
    },
    {
      name: "transport 'unix' (host = the socket path)",
      setup: () => ({
        recorder: client({ transport: 'unix' }),
        host: broker.unixPath ?? '',
        url: `unix://${broker.unixPath}`,
      }),
    },
    {
      name: 'unix:// URL',
      setup: () => ({
        recorder: client(),
        host: `unix://${broker.unixPath}`,
        url: `unix://${broker.unixPath}`,
      }),
    },
  ];
  for (const { name, setup } of cases) {
    void it(name, async () => {
      const { recorder, host, port, url } = setup();
      try {
        await pubsubRoundTrip(recorder, host, port);
        assert.equal(recorder.client.currentBroker?.url, url);
      } finally {
        await shutdown(recorder);
      }
    });
  }

  void it('tlsInsecureSet(true) connects despite a host-name mismatch; without it connect() rejects with a TlsError (hostname-mismatch) and logs why', async () => {
    const certs = testCerts();
    const strict = client({ reconnectOnFailure: false });
    strict.client.tlsSet({ caCerts: certs.caCert, servername: 'wrong.example' });
    strict.client.loopStart();
    await assert.rejects(
      strict.client.connect('127.0.0.1', broker.tlsPort),
      (err: unknown) => err instanceof TlsError && err.reason === 'hostname-mismatch',
    );
    assert.ok(strict.logs.some((l) => /hostname|host name/.test(l.message)));
    strict.client.loopStop();

    const insecure = client();
    insecure.client.tlsSet({ caCerts: certs.caCert, servername: 'wrong.example' });
    insecure.client.tlsInsecureSet(true);
    try {
      await pubsubRoundTrip(insecure, '127.0.0.1', broker.tlsPort);
    } finally {
      await shutdown(insecure);
    }
  });

  void describe('proxies', () => {
    let socks: Socks5Proxy;
    let http: HttpProxy;
    before(async () => {
      socks = await startSocks5Proxy({ username: 'u', password: FIXTURE_PROXY_PASSWORD });
      http = await startHttpProxy(`u:${FIXTURE_PROXY_PASSWORD}`);
    });
    after(async () => {
      await Promise.all([socks?.close(), http?.close()]);
    });

    void it('proxySet(socks5 URL) carries TCP; proxySet(http options) carries wss', async () => {
      const viaSocks = client();
      viaSocks.client.proxySet(`socks5://u:${FIXTURE_PROXY_PASSWORD}@${socks.host}:${socks.port}`);
      const viaHttp = client({ transport: 'websockets' });
      viaHttp.client.proxySet({
        type: 'http',
        host: http.host,
        port: http.port,
        username: 'u',
        password: FIXTURE_PROXY_PASSWORD,
      });
      viaHttp.client.tlsSet(testCerts().caCert);
      try {
        await pubsubRoundTrip(viaSocks, 'localhost', broker.port);
        await pubsubRoundTrip(viaHttp, 'localhost', broker.wssPort);
        assert.deepEqual(socks.requests.at(-1), {
          host: 'localhost',
          port: broker.port,
          username: 'u',
          password: FIXTURE_PROXY_PASSWORD,
        });
        assert.deepEqual(http.requests.at(-1), {
          target: `localhost:${broker.wssPort}`,
          credentials: `u:${FIXTURE_PROXY_PASSWORD}`,
        });
      } finally {
        await shutdown(viaSocks);
        await shutdown(viaHttp);
      }
    });
  });

  void it('a broker list fails over to the second broker when the first is stopped', async () => {
    const first = await startBroker();
    const second = await startBroker();
    const recorder = client({ reconnectJitter: 0 });
    const urls = [`mqtt://127.0.0.1:${first.port}`, `mqtt://127.0.0.1:${second.port}`];
    try {
      recorder.client.loopStart();
      await within(recorder.client.connectAndWait(urls), 5_000, 'CONNACK');
      assert.equal(recorder.client.currentBroker?.url, urls[0]);
      assert.equal(recorder.client.currentBroker?.count, 2);
      await first.stop();
      await waitUntil(() => recorder.connacks.length >= 2, 10_000, 'reconnected to the second broker');
      assert.equal(recorder.client.currentBroker?.url, urls[1]);
      assert.equal(recorder.client.currentBroker?.index, 1);
      assert.ok(recorder.client.isConnected());
      // connect() itself tries the list in turn: the first (stopped) broker is skipped.
      await within(recorder.client.disconnectAndWait(), 5_000, 'disconnect');
      recorder.client.loopStart();
      await within(recorder.client.connectAndWait(urls), 5_000, 'CONNACK via failover');
      assert.equal(recorder.client.currentBroker?.url, urls[1]);
    } finally {
      await shutdown(recorder);
      await first.stop();
      await second.stop();
    }
  });
});

void describe('Client transport settings', () => {
  void it('checks its arguments', async () => {
    assert.throws(
      () => new Client(CallbackAPIVersion.VERSION2, { transport: 'quic' as 'tcp' }),
      (err: unknown) =>
        err instanceof InvalidArgumentError && /"tcp", "websockets" or "unix"/.test(err.message),
    );
    const c = new Client(CallbackAPIVersion.VERSION2, { transport: 'websockets' });
    assert.equal(c.transport, 'websockets');
    assert.equal(c.currentBroker, undefined);
    assert.throws(() => c.tlsSet({ keyfile: 'k.pem' }), InvalidArgumentError);
    assert.throws(() => c.tlsSet({ certReqs: 'optional' as 'none' }), InvalidArgumentError);
    assert.throws(() => c.tlsInsecureSet('yes' as unknown as boolean), InvalidArgumentError);
    assert.throws(() => c.proxySet('ftp://proxy'), InvalidArgumentError);
    assert.throws(() => c.proxySet({ type: 'socks5', host: 'p', port: 0 }), InvalidArgumentError);
    assert.throws(() => c.connectAsync('gopher://broker'), InvalidArgumentError);
    assert.throws(() => c.connectAsync([]), InvalidArgumentError);
    await assert.rejects(c.connectSrv(''), InvalidArgumentError);
    c.proxySet('none');
    c.wsSetOptions('/ws', () => ({}));
    c.tlsSet();
  });

  void it('refuses transport changes while connecting', async () => {
    const port = await import('../support/ports.js').then((m) => m.getFreePort());
    const c = new Client(CallbackAPIVersion.VERSION2, { reconnectOnFailure: true });
    c.connectAsync(`mqtt://127.0.0.1:${port}`);
    c.loopStart();
    try {
      assert.throws(() => c.tlsSet('ca.crt'), ClientStateError);
    } finally {
      c.disconnect();
      c.loopStop();
    }
  });
});
