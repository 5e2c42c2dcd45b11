/**
 * TLS verification and its failures: each failure is a `TlsError` whose `reason` says why (unknown CA, host-name
 * mismatch, expired, client certificate required, configuration); `insecure` skips only the host-name check,
 * `certReqs: 'none'` skips every check; SNI, ALPN and a user's SecureContext.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createSecureContext, createServer, type Server, type TLSSocket } from 'node:tls';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { TlsError } from '../../src/transport/errors.js';
import { openTransport, type TransportOptions } from '../../src/transport/transport.js';
import type { TlsOptions } from '../../src/transport/tls-options.js';
import { hasOpenssl, testCerts } from '../support/certs.js';
import { hasMosquitto, startBroker, type Broker } from '../support/mosquitto.js';
import { LOOPBACK } from '../support/ports.js';
import { RawMqtt, roundTrip } from './helpers.js';

const skip = !hasMosquitto()
  ? 'mosquitto is not installed'
  : !hasOpenssl()
    ? 'openssl is not installed'
    : false;
/** Mosquitto sends the CA with its certificate, so OpenSSL may report either. */
const UNKNOWN_CA_CODES = ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN'];
const noHandlers = { onData: () => undefined, onDrain: () => undefined, onClose: () => undefined };

function open(
  kind: 'tls' | 'wss',
  host: string,
  port: number,
  tls: TlsOptions,
): ReturnType<typeof openTransport> {
  const options: TransportOptions = {
    kind,
    host,
    port,
    tls,
    connectTimeoutMs: 5_000,
    proxy: 'none',
    handlers: noHandlers,
  };
  return openTransport(options);
}

function tlsFailure(
  reason: TlsError['reason'],
  code?: string | readonly string[],
): (err: unknown) => boolean {
  return (err: unknown) => {
    assert.ok(err instanceof TlsError, `expected a TlsError, got ${String(err)}`);
    assert.equal(err.reason, reason, err.message);
    assert.equal(err.code, 'ERR_MQTT_TLS');
    if (code !== undefined) assert.ok([code].flat().includes(err.tlsCode ?? ''), err.message);
    assert.ok(err.cause !== undefined);
    return true;
  };
}

/** A Node TLS server for what Mosquitto cannot show (expired certificate, SNI, ALPN). */
async function nodeTlsServer(
  cert: string,
  alpn?: string[],
): Promise<{ server: Server; port: number; seen: TLSSocket[] }> {
  const certs = testCerts();
  const seen: TLSSocket[] = [];
  const server = createServer(
    {
      cert: readFileSync(cert),
      key: readFileSync(certs.serverKey),
      ...(alpn === undefined ? {} : { ALPNProtocols: alpn }),
    },
    (socket) => {
      seen.push(socket);
      socket.on('error', () => undefined);
    },
  );
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen({ host: LOOPBACK, port: 0 }, resolve));
  return { server, port: (server.address() as import('node:net').AddressInfo).port, seen };
}

async function closeServer({ server, seen }: { server: Server; seen: TLSSocket[] }): Promise<void> {
  for (const socket of seen) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

void describe('TLS verification', { skip }, () => {
  let broker: Broker;
  before(async () => {
    broker = await startBroker({ tls: true, mtls: true, wss: true });
  });
  after(async () => {
    await broker?.stop();
  });

  void test('wrong CA: unknown-ca (UNABLE_TO_VERIFY_LEAF_SIGNATURE / SELF_SIGNED_CERT_IN_CHAIN), over TLS and secure WebSocket', async () => {
    const certs = testCerts();
    await assert.rejects(
      open('tls', 'localhost', broker.tlsPort ?? 0, { caCerts: certs.otherCaCert }),
      tlsFailure('unknown-ca', UNKNOWN_CA_CODES),
    );
    await assert.rejects(
      open('wss', 'localhost', broker.wssPort ?? 0, { caCerts: certs.otherCaCert }),
      tlsFailure('unknown-ca', UNKNOWN_CA_CODES),
    );
  });

  void test('no CA given: the system roots do not know the test CA → unknown-ca', async () => {
    await assert.rejects(open('tls', 'localhost', broker.tlsPort ?? 0, {}), tlsFailure('unknown-ca'));
  });

  void test('host-name mismatch: hostname-mismatch (ERR_TLS_CERT_ALTNAME_INVALID), with a message saying so', async () => {
    const certs = testCerts();
    await assert.rejects(
      open('tls', LOOPBACK, broker.tlsPort ?? 0, { caCerts: certs.caCert, servername: 'wrong.example' }),
      (err: unknown) =>
        tlsFailure('hostname-mismatch', 'ERR_TLS_CERT_ALTNAME_INVALID')(err) &&
        /not valid for the host name/.test((err as Error).message),
    );
    await assert.rejects(
      open('wss', LOOPBACK, broker.wssPort ?? 0, { caCerts: certs.caCert, servername: 'wrong.example' }),
      tlsFailure('hostname-mismatch', 'ERR_TLS_CERT_ALTNAME_INVALID'),
    );
  });

  void test('insecure (tls_insecure_set): connects despite the mismatch, but still rejects an unknown CA', async () => {
    const certs = testCerts();
    const raw = await RawMqtt.open({
      kind: 'tls',
      host: LOOPBACK,
      port: broker.tlsPort ?? 0,
      tls: { caCerts: certs.caCert, servername: 'wrong.example', insecure: true },
      proxy: 'none',
    });
    await roundTrip(raw, 'insecure-client');
    await assert.rejects(
      open('tls', LOOPBACK, broker.tlsPort ?? 0, {
        caCerts: certs.otherCaCert,
        servername: 'wrong.example',
        insecure: true,
      }),
      tlsFailure('unknown-ca'),
    );
  });

  void test("certReqs 'none': no verification at all (wrong CA and wrong name accepted)", async () => {
    const raw = await RawMqtt.open({
      kind: 'tls',
      host: LOOPBACK,
      port: broker.tlsPort ?? 0,
      tls: { caCerts: testCerts().otherCaCert, servername: 'wrong.example', certReqs: 'none' },
      proxy: 'none',
    });
    await roundTrip(raw, 'no-verify-client');
  });

  void test('missing client certificate, TLS 1.3: the broker alert closes the stream with certificate-required', async () => {
    let error: unknown;
    try {
      const raw = await RawMqtt.open({
        kind: 'tls',
        host: 'localhost',
        port: broker.mtlsPort ?? 0,
        tls: { caCerts: testCerts().caCert },
        proxy: 'none',
      });
      // With TLS 1.3 the client finishes its side of the handshake first; the refusal arrives as an alert.
      raw.send({ type: 1, protocolVersion: 4, cleanStart: true, keepalive: 30, clientId: 'no-cert' });
      error = await raw.waitClosed();
    } catch (err) {
      error = err;
    }
    assert.ok(tlsFailure('certificate-required', 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED')(error));
  });

  void test('missing client certificate, TLS 1.2: the handshake fails (message hints at the missing certificate)', async () => {
    await assert.rejects(
      open('tls', 'localhost', broker.mtlsPort ?? 0, { caCerts: testCerts().caCert, maxVersion: 'TLSv1.2' }),
      (err: unknown) =>
        err instanceof TlsError &&
        (err.reason === 'handshake-failed' || err.reason === 'certificate-required') &&
        /client certificate/.test(err.message),
    );
  });

  void test('a user SecureContext (tls_set_context) is used as given', async () => {
    const context = createSecureContext({ ca: readFileSync(testCerts().caCert) });
    const raw = await RawMqtt.open({
      kind: 'tls',
      host: 'localhost',
      port: broker.tlsPort ?? 0,
      tls: { context },
      proxy: 'none',
    });
    await roundTrip(raw, 'context-client');
  });

  void test('configuration errors: unreadable CA file, wrong key passphrase', async () => {
    const certs = testCerts();
    await assert.rejects(
      open('tls', 'localhost', broker.tlsPort ?? 0, { caCerts: '/nonexistent/ca.crt' }),
      (err: unknown) =>
        tlsFailure('configuration')(err) && /\/nonexistent\/ca\.crt/.test((err as Error).message),
    );
    await assert.rejects(
      open('tls', 'localhost', broker.mtlsPort ?? 0, {
        caCerts: certs.caCert,
        certfile: certs.clientCert,
        keyfile: certs.clientKeyEncrypted,
        keyPassword: 'wrong',
      }),
      tlsFailure('configuration'),
    );
  });

  void test('expired certificate: expired (CERT_HAS_EXPIRED)', async () => {
    const certs = testCerts();
    const validTo = new Date(new X509Certificate(readFileSync(certs.expiredServerCert)).validTo).getTime();
    const wait = validTo + 1_100 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const server = await nodeTlsServer(certs.expiredServerCert);
    try {
      await assert.rejects(
        open('tls', 'localhost', server.port, { caCerts: certs.caCert }),
        tlsFailure('expired', 'CERT_HAS_EXPIRED'),
      );
    } finally {
      await closeServer(server);
    }
  });

  void test('SNI: the host name is sent, an IP address is not; ALPN protocols are offered', async () => {
    const certs = testCerts();
    const server = await nodeTlsServer(certs.serverCert, ['x-amzn-mqtt-ca', 'mqtt']);
    try {
      const byName = await open('tls', 'localhost', server.port, {
        caCerts: certs.caCert,
        alpnProtocols: ['x-amzn-mqtt-ca'],
      });
      const byIp = await open('tls', LOOPBACK, server.port, { caCerts: certs.caCert });
      assert.equal((byName.raw as TLSSocket).alpnProtocol, 'x-amzn-mqtt-ca');
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal((server.seen[0] as TLSSocket & { servername: string | false }).servername, 'localhost');
      assert.equal((server.seen[1] as TLSSocket & { servername: string | false }).servername, false);
      byName.destroy();
      byIp.destroy();
    } finally {
      await closeServer(server);
    }
  });
});
