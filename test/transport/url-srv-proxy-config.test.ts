/**
 * The pure parts of the transport layer: broker URLs, the broker list, RFC 2782 SRV ordering, proxy URLs and
 * the environment rules, and the TLS error classification.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InvalidArgumentError } from '../../src/errors.js';
import { BrokerList } from '../../src/transport/brokers.js';
import { ConnectionError, TlsError } from '../../src/transport/errors.js';
import { isNoProxy, parseProxyUrl, selectProxy } from '../../src/transport/proxy/proxy-config.js';
import { orderSrvRecords, resolveSrv, srvName, type SrvRecord } from '../../src/transport/srv.js';
import { toTlsError, tlsFailureReason } from '../../src/transport/tls-errors.js';
import { parseBrokerUrl } from '../../src/transport/url.js';
import { resolveWebSocketHeaders, webSocketUrl } from '../../src/transport/websocket-options.js';

void describe('parseBrokerUrl', () => {
  void test('schemes, default ports and paths', () => {
    const cases: [string, Partial<ReturnType<typeof parseBrokerUrl>>][] = [
      ['mqtt://broker.example', { kind: 'tcp', host: 'broker.example', port: 1883 }],
      ['tcp://10.0.0.1:1884', { kind: 'tcp', host: '10.0.0.1', port: 1884 }],
      ['mqtts://broker.example', { kind: 'tls', port: 8883 }],
      ['ssl://broker.example:9999', { kind: 'tls', port: 9999 }],
      ['ws://broker.example', { kind: 'ws', port: 80, path: '/mqtt' }],
      ['wss://broker.example', { kind: 'wss', port: 443, path: '/mqtt' }],
      ['wss://broker.example:8443/', { kind: 'wss', port: 8443, path: '/' }],
      ['ws://broker.example/ws?token=a%20b', { kind: 'ws', path: '/ws?token=a%20b' }],
      ['mqtt://[::1]:1883', { kind: 'tcp', host: '::1', port: 1883, url: 'mqtt://[::1]:1883' }],
      ['unix:///var/run/mosquitto.sock', { kind: 'unix', host: '/var/run/mosquitto.sock', port: 0 }],
      ['MQTTS://Broker.Example', { kind: 'tls', host: 'broker.example' }],
    ];
    for (const [url, expected] of cases) {
      const parsed = parseBrokerUrl(url);
      for (const [key, value] of Object.entries(expected)) {
        assert.deepEqual(parsed[key as keyof typeof parsed], value, `${url} ${key}`);
      }
    }
  });

  void test('credentials are decoded and kept out of the printable URL', () => {
    const parsed = parseBrokerUrl('mqtts://al%40ice:p%3Ass@broker.example:8883');
    assert.equal(parsed.username, 'al@ice');
    assert.equal(parsed.password, 'p:ss');
    assert.equal(parsed.url, 'mqtts://broker.example:8883');
  });

  void test('unknown schemes and missing hosts are InvalidArgumentErrors', () => {
    for (const bad of ['http://x', 'broker.example', 'mqtt://', 'unix://']) {
      assert.throws(() => parseBrokerUrl(bad), InvalidArgumentError, bad);
    }
  });
});

void describe('BrokerList', () => {
  void test('tries in turn, wraps, and shows the current broker', () => {
    const list = new BrokerList(['mqtt://a:1', 'b', { host: 'c', port: 3 }], { kind: 'tcp', port: 1883 });
    assert.deepEqual(
      list.all.map((b) => [b.host, b.port]),
      [
        ['a', 1],
        ['b', 1883],
        ['c', 3],
      ],
    );
    assert.equal(list.current.host, 'a');
    assert.equal(list.advance().host, 'b');
    assert.equal(list.advance().host, 'c');
    assert.equal(list.advance().host, 'a');
    assert.equal(list.index, 0);
    assert.throws(() => new BrokerList([]), InvalidArgumentError);
  });
});

void describe('SRV (RFC 2782)', () => {
  const rec = (name: string, priority: number, weight: number): SrvRecord => ({
    name,
    port: 1883,
    priority,
    weight,
  });

  void test('lower priority first; "." dropped; names per security', () => {
    const order = orderSrvRecords([rec('b', 20, 0), rec('a', 10, 0), rec('.', 5, 0)], () => 0.5);
    assert.deepEqual(
      order.map((t) => t.host),
      ['a', 'b'],
    );
    assert.equal(srvName('example.com.', false), '_mqtt._tcp.example.com');
    assert.equal(srvName('example.com', true), '_secure-mqtt._tcp.example.com');
  });

  void test('within a priority, the first pick follows the weights (seeded draws)', () => {
    let seed = 42;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const counts = new Map<string, number>();
    const records = [rec('heavy', 1, 60), rec('light', 1, 30), rec('tiny', 1, 10), rec('zero', 1, 0)];
    const runs = 20_000;
    for (let i = 0; i < runs; i++) {
      const first = orderSrvRecords(records, random)[0].host;
      counts.set(first, (counts.get(first) ?? 0) + 1);
    }
    const share = (name: string): number => (counts.get(name) ?? 0) / runs;
    assert.ok(Math.abs(share('heavy') - 0.6) < 0.03, `heavy ${share('heavy')}`);
    assert.ok(Math.abs(share('light') - 0.3) < 0.03, `light ${share('light')}`);
    assert.ok(Math.abs(share('tiny') - 0.1) < 0.03, `tiny ${share('tiny')}`);
    assert.ok(share('zero') < 0.01, `zero ${share('zero')}`);
    // Every record is still listed once.
    assert.deepEqual(
      orderSrvRecords(records, random)
        .map((t) => t.host)
        .sort(),
      ['heavy', 'light', 'tiny', 'zero'],
    );
  });

  void test('all-zero weights: every order possible; resolveSrv wraps lookup failures', async () => {
    const firsts = new Set<string>();
    for (const r of [0, 0.3, 0.6, 0.99])
      firsts.add(orderSrvRecords([rec('x', 1, 0), rec('y', 1, 0)], () => r)[0].host);
    assert.ok(firsts.size >= 1);
    const found = await resolveSrv('example.com', true, (name) => {
      assert.equal(name, '_secure-mqtt._tcp.example.com');
      return Promise.resolve([rec('b.example.com', 2, 1), rec('a.example.com', 1, 1)]);
    });
    assert.deepEqual(found, [
      { host: 'a.example.com', port: 1883 },
      { host: 'b.example.com', port: 1883 },
    ]);
    await assert.rejects(
      resolveSrv('example.com', false, () =>
        Promise.reject(Object.assign(new Error('queryNotFound'), { code: 'ENOTFOUND' })),
      ),
      (err: unknown) => err instanceof ConnectionError && err.errno === 'ENOTFOUND',
    );
    await assert.rejects(
      resolveSrv('example.com', false, () => Promise.resolve([])),
      ConnectionError,
    );
  });
});

void describe('proxy configuration', () => {
  void test('proxy URLs', () => {
    assert.deepEqual(parseProxyUrl('socks5://u:p%21@proxy:1080'), {
      type: 'socks5',
      host: 'proxy',
      port: 1080,
      username: 'u',
      password: 'p!',
    });
    assert.deepEqual(parseProxyUrl('socks5h://proxy'), { type: 'socks5', host: 'proxy', port: 1080 });
    assert.deepEqual(parseProxyUrl('http://proxy:3128'), { type: 'http', host: 'proxy', port: 3128 });
    assert.deepEqual(parseProxyUrl('proxy:8080'), { type: 'http', host: 'proxy', port: 8080 });
    assert.throws(() => parseProxyUrl('https://proxy'), InvalidArgumentError);
  });

  void test('no_proxy matching', () => {
    assert.equal(isNoProxy('broker.example.com', 1883, 'example.com'), true);
    assert.equal(isNoProxy('broker.example.com', 1883, '.example.com'), true);
    assert.equal(isNoProxy('broker.example.com', 1883, '*.example.com'), true);
    assert.equal(isNoProxy('notexample.com', 1883, 'example.com'), false);
    assert.equal(isNoProxy('a.b', 1883, 'x, a.b:1883'), true);
    assert.equal(isNoProxy('a.b', 8883, 'a.b:1883'), false);
    assert.equal(isNoProxy('anything', 1, '*'), true);
    assert.equal(isNoProxy('10.1.2.3', 1, '10.1.2.3'), true);
    assert.equal(isNoProxy('x', 1, undefined), false);
    assert.equal(isNoProxy('::1', 1883, '[::1]:1883'), true);
    assert.equal(isNoProxy('[::1]', 1883, '::1'), true);
    assert.equal(isNoProxy('::1', 8883, '[::1]:1883'), false);
  });

  void test('selection: explicit wins, env per kind, loopback and unix never from env', () => {
    const env = {
      mqtt_proxy: 'socks5://m:1',
      HTTP_PROXY: 'http://h:2',
      https_proxy: 'http://s:3',
      no_proxy: 'skip.example',
    };
    const pick = (
      kind: 'tcp' | 'tls' | 'ws' | 'wss' | 'unix',
      host = 'broker.example',
    ): string | undefined => {
      const p = selectProxy('env', { kind, host, port: 1883 }, env);
      return p === undefined ? undefined : `${p.type}://${p.host}:${p.port}`;
    };
    assert.equal(pick('tcp'), 'socks5://m:1');
    assert.equal(pick('tls'), 'socks5://m:1');
    assert.equal(pick('ws'), 'http://h:2');
    assert.equal(pick('wss'), 'http://s:3');
    assert.equal(pick('unix'), undefined);
    assert.equal(pick('tcp', 'localhost'), undefined);
    assert.equal(pick('tcp', '127.0.0.1'), undefined);
    assert.equal(pick('tcp', 'skip.example'), undefined);
    assert.equal(selectProxy('none', { kind: 'tcp', host: 'x', port: 1 }, env), undefined);
    assert.equal(
      selectProxy({ type: 'http', host: 'p', port: 9 }, { kind: 'tcp', host: 'localhost', port: 1 }, {})
        ?.port,
      9,
    );
    assert.throws(
      () => selectProxy({ type: 'http', host: '', port: 9 }, { kind: 'tcp', host: 'x', port: 1 }, {}),
      InvalidArgumentError,
    );
  });
});

void describe('TLS error classification', () => {
  const error = (code: string): Error => Object.assign(new Error(code.toLowerCase()), { code });
  const context = { label: 'b:8883', handshakeDone: false, hasClientCertificate: false };

  void test('codes map to reasons', () => {
    assert.equal(tlsFailureReason('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 'unknown-ca');
    assert.equal(tlsFailureReason('SELF_SIGNED_CERT_IN_CHAIN'), 'unknown-ca');
    assert.equal(tlsFailureReason('ERR_TLS_CERT_ALTNAME_INVALID'), 'hostname-mismatch');
    assert.equal(tlsFailureReason('CERT_HAS_EXPIRED'), 'expired');
    assert.equal(tlsFailureReason('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED'), 'certificate-required');
    assert.equal(tlsFailureReason('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE'), 'handshake-failed');
    assert.equal(tlsFailureReason('ERR_SSL_SOMETHING_NEW_ALERT'), 'handshake-failed');
    assert.equal(tlsFailureReason('ECONNREFUSED'), undefined);
  });

  void test('toTlsError: typed with cause and code; non-TLS errors stay ConnectionErrors', () => {
    const tls = toTlsError(error('CERT_HAS_EXPIRED'), context);
    assert.ok(tls instanceof TlsError && tls instanceof ConnectionError);
    assert.equal(tls.reason, 'expired');
    assert.equal(tls.tlsCode, 'CERT_HAS_EXPIRED');
    assert.match(tls.message, /b:8883.*expired/);
    const refused = toTlsError(error('ECONNREFUSED'), context);
    assert.ok(!(refused instanceof TlsError) && refused.errno === 'ECONNREFUSED');
    assert.equal((toTlsError(error('ECONNRESET'), context) as TlsError).reason, 'handshake-failed');
    assert.ok(!(toTlsError(error('ECONNRESET'), { ...context, handshakeDone: true }) instanceof TlsError));
  });
});

void describe('WebSocket options', () => {
  void test('URL and headers', () => {
    assert.equal(webSocketUrl(false, 'h', 80, undefined), 'ws://h:80/mqtt');
    assert.equal(webSocketUrl(true, '::1', 443, 'x'), 'wss://[::1]:443/x');
    assert.deepEqual(resolveWebSocketHeaders({ A: '1' }, 'h', 1), { A: '1' });
    assert.deepEqual(
      resolveWebSocketHeaders((d) => ({ ...d, B: '2' }), 'h', 1),
      { Host: 'h:1', B: '2' },
    );
    assert.deepEqual(resolveWebSocketHeaders(undefined, 'h', 1), {});
  });
});
