/**
 * SOCKS5 and HTTP CONNECT proxies carry TCP, TLS and WebSocket traffic to Mosquitto, see the credentials, and
 * refuse with typed errors; the environment variables choose a proxy unless `no_proxy` exempts the host.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ProxyError } from '../../src/transport/errors.js';
import { openTransport } from '../../src/transport/transport.js';
import { hasOpenssl, testCerts } from '../support/certs.js';
import { startHttpProxy, type HttpProxy } from '../support/http-proxy.js';
import { hasMosquitto, startBroker, type Broker } from '../support/mosquitto.js';
import { LOOPBACK } from '../support/ports.js';
import { startSocks5Proxy, type Socks5Proxy } from '../support/socks5-proxy.js';
import { RawMqtt, roundTrip } from './helpers.js';
import { FIXTURE_PROXY_PASSWORD, FIXTURE_WRONG_PASSWORD } from '../support/secrets.js';

const HTTP_PROXY_PASSWORD = `${FIXTURE_PROXY_PASSWORD}-http`;

const skip = !hasMosquitto()
  ? 'mosquitto is not installed'
  : !hasOpenssl()
    ? 'openssl is not installed'
    : false;
const noHandlers = { onData: () => undefined, onDrain: () => undefined, onClose: () => undefined };

void describe('proxies', { skip }, () => {
  let broker: Broker;
  let socks: Socks5Proxy;
  let socksOpen: Socks5Proxy;
  let http: HttpProxy;
  before(async () => {
    broker = await startBroker({ websockets: true, tls: true, wss: true });
    socks = await startSocks5Proxy({ username: 'alice', password: FIXTURE_PROXY_PASSWORD });
    socksOpen = await startSocks5Proxy();
    http = await startHttpProxy(`bob:${HTTP_PROXY_PASSWORD}`);
  });
  after(async () => {
    await Promise.all([socks?.close(), socksOpen?.close(), http?.close()]);
    await broker?.stop();
  });

  const socksProxy = (): {
    type: 'socks5';
    host: string;
    port: number;
    username: string;
    password: string;
  } => ({
    type: 'socks5',
    host: socks.host,
    port: socks.port,
    username: 'alice',
    password: FIXTURE_PROXY_PASSWORD,
  });
  const httpProxy = (): { type: 'http'; host: string; port: number; username: string; password: string } => ({
    type: 'http',
    host: http.host,
    port: http.port,
    username: 'bob',
    password: HTTP_PROXY_PASSWORD,
  });

  void test('SOCKS5 with username/password carries TCP; the proxy saw the credentials and the target', async () => {
    const raw = await RawMqtt.open({
      kind: 'tcp',
      host: 'localhost',
      port: broker.port,
      proxy: socksProxy(),
    });
    await roundTrip(raw, 'socks-tcp');
    assert.deepEqual(socks.requests.at(-1), {
      host: 'localhost',
      port: broker.port,
      username: 'alice',
      password: FIXTURE_PROXY_PASSWORD,
    });
  });

  void test('SOCKS5 without authentication carries TLS (IPv4 address type)', async () => {
    const raw = await RawMqtt.open({
      kind: 'tls',
      host: LOOPBACK,
      port: broker.tlsPort ?? 0,
      tls: { caCerts: testCerts().caCert },
      proxy: { type: 'socks5', host: socksOpen.host, port: socksOpen.port },
    });
    await roundTrip(raw, 'socks-tls');
    assert.deepEqual(socksOpen.requests.at(-1), {
      host: LOOPBACK,
      port: broker.tlsPort,
      username: undefined,
      password: undefined,
    });
  });

  void test('SOCKS5 carries WebSocket and secure WebSocket', async () => {
    const ws = await RawMqtt.open({
      kind: 'ws',
      host: 'localhost',
      port: broker.wsPort ?? 0,
      proxy: socksProxy(),
    });
    await roundTrip(ws, 'socks-ws');
    const wss = await RawMqtt.open({
      kind: 'wss',
      host: 'localhost',
      port: broker.wssPort ?? 0,
      tls: { caCerts: testCerts().caCert },
      proxy: socksProxy(),
    });
    await roundTrip(wss, 'socks-wss');
    assert.deepEqual(
      socks.requests.slice(-2).map((r) => r.port),
      [broker.wsPort, broker.wssPort],
    );
  });

  void test('HTTP CONNECT with Basic credentials carries TCP, TLS, WebSocket and secure WebSocket', async () => {
    const tcp = await RawMqtt.open({ kind: 'tcp', host: 'localhost', port: broker.port, proxy: httpProxy() });
    await roundTrip(tcp, 'http-tcp');
    const tls = await RawMqtt.open({
      kind: 'tls',
      host: 'localhost',
      port: broker.tlsPort ?? 0,
      tls: { caCerts: testCerts().caCert },
      proxy: httpProxy(),
    });
    await roundTrip(tls, 'http-tls');
    const ws = await RawMqtt.open({
      kind: 'ws',
      host: 'localhost',
      port: broker.wsPort ?? 0,
      proxy: httpProxy(),
    });
    await roundTrip(ws, 'http-ws');
    const wss = await RawMqtt.open({
      kind: 'wss',
      host: 'localhost',
      port: broker.wssPort ?? 0,
      tls: { caCerts: testCerts().caCert },
      proxy: httpProxy(),
    });
    await roundTrip(wss, 'http-wss');
    assert.deepEqual(
      http.requests.slice(-4),
      [broker.port, broker.tlsPort, broker.wsPort, broker.wssPort].map((port) => ({
        target: `localhost:${port}`,
        credentials: `bob:${HTTP_PROXY_PASSWORD}`,
      })),
    );
  });

  void test('refusals are ProxyErrors: wrong SOCKS5 password, missing HTTP credentials (407), forbidden target', async () => {
    const open = (
      proxy: Parameters<typeof openTransport>[0]['proxy'],
      host = 'localhost',
    ): ReturnType<typeof openTransport> =>
      openTransport({
        kind: 'tcp',
        host,
        port: broker.port,
        connectTimeoutMs: 3_000,
        proxy,
        handlers: noHandlers,
      });
    await assert.rejects(
      open({ ...socksProxy(), password: FIXTURE_WRONG_PASSWORD }),
      (err: unknown) =>
        err instanceof ProxyError && err.proxyType === 'socks5' && /username or password/.test(err.message),
    );
    await assert.rejects(
      open({ type: 'socks5', host: socks.host, port: socks.port }),
      (err: unknown) =>
        err instanceof ProxyError && /none of the offered authentication methods/.test(err.message),
    );
    await assert.rejects(
      open({ type: 'http', host: http.host, port: http.port }),
      (err: unknown) =>
        err instanceof ProxyError && err.status === 407 && /requires credentials/.test(err.message),
    );
    await assert.rejects(
      open(socksProxy(), 'broker.invalid'),
      (err: unknown) => err instanceof ProxyError && err.status === 4 && /host unreachable/.test(err.message),
    );
    await assert.rejects(
      open(httpProxy(), 'broker.invalid'),
      (err: unknown) => err instanceof ProxyError && err.proxyType === 'http' && err.status === 403,
    );
  });

  void test('environment: mqtt_proxy for TCP, http_proxy for ws://; a loopback broker is not proxied from the environment', async () => {
    const before = socksOpen.requests.length;
    const env = {
      mqtt_proxy: `socks5://${socksOpen.host}:${socksOpen.port}`,
      http_proxy: `http://bob:${HTTP_PROXY_PASSWORD}@${http.host}:${http.port}`,
    };
    // "localhost" is loopback: direct, even with the variables set.
    const direct = await RawMqtt.open({ kind: 'tcp', host: 'localhost', port: broker.port, env });
    await roundTrip(direct, 'env-direct');
    assert.equal(socksOpen.requests.length, before);
    // An explicit setting always applies, and 'env' with a non-loopback name goes through the proxy.
    await assert.rejects(
      openTransport({
        kind: 'tcp',
        host: 'broker.invalid',
        port: broker.port,
        connectTimeoutMs: 3_000,
        env,
        handlers: noHandlers,
      }),
      (err: unknown) => err instanceof ProxyError && err.proxyType === 'socks5' && err.status === 4,
    );
    assert.equal(socksOpen.requests.at(-1)?.host, 'broker.invalid');
    await assert.rejects(
      openTransport({
        kind: 'ws',
        host: 'broker.invalid',
        port: broker.wsPort ?? 0,
        connectTimeoutMs: 3_000,
        env,
        handlers: noHandlers,
      }),
      (err: unknown) => err instanceof ProxyError && err.proxyType === 'http' && err.status === 403,
    );
    assert.deepEqual(http.requests.at(-1), {
      target: `broker.invalid:${broker.wsPort}`,
      credentials: `bob:${HTTP_PROXY_PASSWORD}`,
    });
    // no_proxy exempts the host: a direct attempt (which fails on DNS, not at the proxy).
    await assert.rejects(
      openTransport({
        kind: 'tcp',
        host: 'broker.invalid',
        port: broker.port,
        connectTimeoutMs: 3_000,
        env: { ...env, no_proxy: '.invalid' },
        handlers: noHandlers,
      }),
      (err: unknown) => !(err instanceof ProxyError),
    );
  });
});
