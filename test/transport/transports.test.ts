/**
 * Every transport end to end against Mosquitto at the byte level (our codec): TCP, WebSocket, TLS, mutual TLS
 * with an encrypted key, secure WebSocket and a Unix socket each carry a CONNECT/SUBSCRIBE/PUBLISH QoS 0-1-2
 * round trip; connection failures are typed.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ConnectionError, ConnectTimeoutError } from '../../src/transport/errors.js';
import { openTransport } from '../../src/transport/transport.js';
import { InvalidArgumentError } from '../../src/errors.js';
import { hasOpenssl, testCerts } from '../support/certs.js';
import { hasMosquitto, startBroker, type Broker } from '../support/mosquitto.js';
import { getFreePort, LOOPBACK } from '../support/ports.js';
import { RawMqtt, roundTrip } from './helpers.js';

const skip = !hasMosquitto()
  ? 'mosquitto is not installed'
  : !hasOpenssl()
    ? 'openssl is not installed'
    : false;
const noHandlers = { onData: () => undefined, onDrain: () => undefined, onClose: () => undefined };

void describe('transports against Mosquitto', { skip }, () => {
  let broker: Broker;
  before(async () => {
    broker = await startBroker({ websockets: true, tls: true, mtls: true, wss: true, unixSocket: true });
  });
  after(async () => {
    await broker?.stop();
  });

  void test('tcp: round trip at QoS 0, 1, 2', async () => {
    const raw = await RawMqtt.open({ kind: 'tcp', host: LOOPBACK, port: broker.port, proxy: 'none' });
    assert.equal(raw.transport.kind, 'tcp');
    await roundTrip(raw, 'tcp-client');
  });

  void test('ws: round trip over WebSocket (default path /mqtt, sub-protocol mqtt)', async () => {
    const raw = await RawMqtt.open({ kind: 'ws', host: LOOPBACK, port: broker.wsPort ?? 0, proxy: 'none' });
    assert.equal(raw.transport.kind, 'ws');
    assert.equal((raw.transport.raw as { protocol: string }).protocol, 'mqtt');
    await roundTrip(raw, 'ws-client');
  });

  void test('tls: round trip with the test CA (host name localhost, SNI sent)', async () => {
    const certs = testCerts();
    const raw = await RawMqtt.open({
      kind: 'tls',
      host: 'localhost',
      port: broker.tlsPort ?? 0,
      tls: { caCerts: certs.caCert },
      proxy: 'none',
    });
    assert.equal(raw.transport.kind, 'tls');
    const socket = raw.transport.raw as import('node:tls').TLSSocket;
    assert.equal(socket.authorized, true);
    assert.equal((socket as unknown as { servername: string }).servername, 'localhost');
    await roundTrip(raw, 'tls-client');
  });

  void test('tls: IP address 127.0.0.1 is verified against the certificate IP SAN (no SNI)', async () => {
    const raw = await RawMqtt.open({
      kind: 'tls',
      host: LOOPBACK,
      port: broker.tlsPort ?? 0,
      tls: { ca: [readFileSync(testCerts().caCert, 'utf8')] },
      proxy: 'none',
    });
    assert.equal((raw.transport.raw as import('node:tls').TLSSocket).authorized, true);
    await roundTrip(raw, 'tls-ip-client');
  });

  void test('mutual TLS: client certificate with an encrypted key and its passphrase, TLS 1.2 minimum', async () => {
    const certs = testCerts();
    const raw = await RawMqtt.open({
      kind: 'tls',
      host: 'localhost',
      port: broker.mtlsPort ?? 0,
      tls: {
        caCerts: [certs.caCert],
        certfile: certs.clientCert,
        keyfile: certs.clientKeyEncrypted,
        keyPassword: certs.clientKeyPassword,
        minVersion: 'TLSv1.2',
      },
      proxy: 'none',
    });
    await roundTrip(raw, 'mtls-client');
  });

  void test('wss: round trip over secure WebSocket', async () => {
    const raw = await RawMqtt.open({
      kind: 'wss',
      host: 'localhost',
      port: broker.wssPort ?? 0,
      tls: { caCerts: testCerts().caCert },
      ws: { path: '/mqtt' },
      proxy: 'none',
    });
    assert.equal(raw.transport.kind, 'wss');
    await roundTrip(raw, 'wss-client');
  });

  void test('unix: round trip over a Unix domain socket (host = the socket path)', async () => {
    const raw = await RawMqtt.open({ kind: 'unix', host: broker.unixPath ?? '', port: 0 });
    assert.equal(raw.transport.kind, 'unix');
    await roundTrip(raw, 'unix-client');
  });

  void test('a refused connection is a ConnectionError with errno ECONNREFUSED', async () => {
    const port = await getFreePort();
    for (const kind of ['tcp', 'tls', 'ws'] as const) {
      await assert.rejects(
        openTransport({
          kind,
          host: LOOPBACK,
          port,
          connectTimeoutMs: 2_000,
          proxy: 'none',
          handlers: noHandlers,
        }),
        (err: unknown) => err instanceof ConnectionError && err.errno === 'ECONNREFUSED',
        kind,
      );
    }
  });

  void test('a missing Unix socket is a ConnectionError with errno ENOENT', async () => {
    await assert.rejects(
      openTransport({
        kind: 'unix',
        host: `${broker.dir}/nope.sock`,
        port: 0,
        connectTimeoutMs: 1_000,
        handlers: noHandlers,
      }),
      (err: unknown) => err instanceof ConnectionError && err.errno === 'ENOENT',
    );
  });

  void test('a silent server: TLS and WebSocket opens end with ConnectTimeoutError', async () => {
    const held: import('node:net').Socket[] = [];
    const server = createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => server.listen({ host: LOOPBACK, port: 0 }, resolve));
    const port = (server.address() as import('node:net').AddressInfo).port;
    try {
      for (const kind of ['tls', 'ws', 'wss'] as const) {
        const started = Date.now();
        await assert.rejects(
          openTransport({
            kind,
            host: LOOPBACK,
            port,
            connectTimeoutMs: 300,
            proxy: 'none',
            handlers: noHandlers,
          }),
          (err: unknown) => err instanceof ConnectTimeoutError && err.timeoutMs === 300,
          kind,
        );
        assert.ok(Date.now() - started < 2_000);
      }
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  void test('an unknown transport kind is an InvalidArgumentError naming the available ones', async () => {
    await assert.rejects(
      openTransport({
        kind: 'quic' as 'tcp',
        host: LOOPBACK,
        port: 1,
        connectTimeoutMs: 0,
        handlers: noHandlers,
      }),
      (err: unknown) =>
        err instanceof InvalidArgumentError && /"tcp", "tls", "ws", "wss", "unix"/.test(err.message),
    );
  });
});
