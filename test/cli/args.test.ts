/**
 * The CLI's pieces without a broker: the flag parser, the common configuration (URL, protocol, session,
 * will, TLS, -D properties), the output formats and the exit codes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ConnectionError,
  ConnectionRefusedError,
  PacketType,
  ReasonCode,
  TimeoutError,
} from '../../src/index.js';
import { MQTTMessage } from '../../src/client/mqtt-message.js';
import { parseFlags, UsageError } from '../../src/cli/args.js';
import { commonConfig, parseUrl } from '../../src/cli/config.js';
import { ExitCode, exitCodeOf } from '../../src/cli/exit-codes.js';
import { COMMON_FLAGS, PUB_FLAGS, SUB_FLAGS, pubHelp, subHelp } from '../../src/cli/flags.js';
import { makeFormatter } from '../../src/cli/format.js';
import { ConnectionLostError } from '../../src/simple/errors.js';

const SUB = [...SUB_FLAGS, ...COMMON_FLAGS];
const PUB = [...PUB_FLAGS, ...COMMON_FLAGS];
const config = (...argv: string[]) => commonConfig(parseFlags(argv, SUB));

function message(
  topic: string,
  payload: string | Uint8Array,
  extra: Partial<{ qos: 0 | 1 | 2; retain: boolean; mid: number }> = {},
): MQTTMessage {
  const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  return new MQTTMessage(
    {
      type: PacketType.PUBLISH,
      topic,
      payload: bytes,
      qos: extra.qos ?? 0,
      retain: extra.retain ?? false,
      dup: false,
      packetId: extra.mid,
      properties: { contentType: 'text/plain', userProperties: [['k', 'v']] },
    },
    0,
  );
}
const text = (bytes: Uint8Array | undefined): string | undefined =>
  bytes === undefined ? undefined : Buffer.from(bytes).toString('latin1');

void describe('parseFlags', () => {
  void it('reads short, long, --long=value, switches, repeats and -D', () => {
    const flags = parseFlags(
      [
        '-t',
        'a',
        '--topic=b',
        '-v',
        '-q',
        '1',
        '-D',
        'publish',
        'user-property',
        'k',
        'v',
        '-D',
        'connect',
        'receive-maximum',
        '5',
      ],
      SUB,
    );
    assert.deepEqual(flags.topic, ['a', 'b']);
    assert.equal(flags.verbose, true);
    assert.equal(flags.qos, '1');
    assert.deepEqual(flags.property, [
      ['publish', 'user-property', 'k', 'v'],
      ['connect', 'receive-maximum', '5'],
    ]);
  });

  void it('names the mistake', () => {
    assert.throws(() => parseFlags(['--bogus'], SUB), /unknown option '--bogus'/);
    assert.throws(() => parseFlags(['-t'], SUB), /-t needs a value/);
    assert.throws(() => parseFlags(['stray'], SUB), /unexpected argument 'stray'/);
    assert.throws(() => parseFlags(['-vN'], SUB), UsageError);
    assert.throws(() => parseFlags(['-D', 'publish', 'user-property', 'k'], SUB), /name and a value/);
    assert.throws(() => parseFlags(['-m', 'x'], SUB), /unknown option '-m'/); // a pub flag
    assert.equal(parseFlags(['-m', 'x', '-r'], PUB).message, 'x');
  });
});

void describe('commonConfig', () => {
  void it("has mosquitto's defaults", () => {
    const c = config('-t', 'x');
    assert.equal(c.connection.hostname, 'localhost');
    assert.equal(c.connection.port, 1883);
    assert.equal(c.connection.keepalive, 60);
    assert.equal(c.connection.protocol, 4);
    assert.equal(c.connection.clientId, '');
    assert.equal(c.cleanSession, true);
    assert.equal(c.qos, 0);
  });

  void it('reads -L URLs (credentials, port, topic with wildcards, TLS and WebSocket schemes)', () => {
    const c = config('-L', 'mqtt://us%40er:p%3Aw@broker.example:1884/a/+/#');
    assert.equal(c.connection.hostname, 'broker.example');
    assert.equal(c.connection.port, 1884);
    assert.deepEqual(c.connection.auth, { username: 'us@er', password: 'p:w' });
    assert.deepEqual(c.topics, ['a/+/#']);
    const tls = config('-L', 'mqtts://h/t');
    assert.equal(tls.connection.port, 8883);
    assert.ok(tls.connection.tls !== undefined);
    const ws = config('-L', 'ws://h/t');
    assert.equal(ws.connection.transport, 'websockets');
    assert.equal(ws.connection.port, 80);
    assert.equal(parseUrl('mqtt://[::1]:1883/x').host, '::1');
    assert.throws(() => config('-L', 'http://h/t'), /-L/);
  });

  void it('MQTT 5: -V, -x, -c, -D; and their errors on 3.1.1', () => {
    const c = config(
      '-V',
      'mqttv5',
      '-c',
      '-i',
      'me',
      '-D',
      'connect',
      'user-property',
      'a',
      'b',
      '-D',
      'will',
      'will-delay-interval',
      '5',
      '--will-topic',
      'w',
    );
    assert.equal(c.connection.protocol, 5);
    assert.equal(c.connection.cleanStart, false);
    assert.equal(c.connection.connectProperties?.sessionExpiryInterval, 0xffffffff);
    assert.deepEqual(c.connection.connectProperties?.userProperties, [['a', 'b']]);
    assert.deepEqual(c.connection.will?.properties, { willDelayInterval: 5 });
    assert.equal(config('-V', '5', '-x', '60').connection.connectProperties?.sessionExpiryInterval, 60);
    assert.equal(
      config('-V', '5', '-x', '∞').connection.connectProperties?.sessionExpiryInterval,
      0xffffffff,
    );
    assert.throws(() => config('-x', '60'), /-x needs MQTT 5/);
    assert.throws(() => config('-D', 'publish', 'content-type', 'x'), /-D needs MQTT 5/);
    assert.throws(() => config('-V', '5', '-D', 'publish', 'colour', 'x'), /unknown property 'colour'/);
    assert.throws(() => config('-V', '5', '-D', 'nope', 'content-type', 'x'), /unknown command 'nope'/);
    assert.throws(() => config('-V', '6'), /unknown protocol version/);
  });

  void it('checks values and combinations', () => {
    assert.throws(() => config('-c'), /-c needs a client id/);
    assert.throws(() => config('--persist', 'f.db'), /--persist needs a client id/);
    assert.throws(() => config('-p', '0'), /-p must be an integer from 1 to 65535/);
    assert.throws(() => config('-q', '3'), /-q must be an integer from 0 to 2/);
    assert.throws(() => config('-k', 'x'), /-k/);
    assert.throws(() => config('-P', 'pw'), /-P needs a user name/);
    assert.throws(() => config('--will-qos', '1'), /need --will-topic/);
    assert.throws(() => config('--insecure'), /--insecure needs TLS/);
    assert.throws(() => config('--cert', 'c.pem', '--cafile', 'ca.pem'), /--cert and --key go together/);
    assert.throws(() => config('--cafile', 'ca.pem', '--tls-version', 'sslv3'), /--tls-version/);
    const c = config('-I', 'pre-', '--cafile', 'ca.pem', '--insecure', '--tls-version', 'tlsv1.3', '-W', '2');
    assert.equal(c.connection.clientId, `pre-${process.pid}`);
    assert.deepEqual(c.connection.tls, {
      caCerts: 'ca.pem',
      certfile: undefined,
      keyfile: undefined,
      minVersion: 'TLSv1.3',
      maxVersion: 'TLSv1.3',
      insecure: true,
    });
    assert.equal(c.connection.port, 8883);
    assert.equal(c.timeoutMs, 2000);
  });
});

void describe('output formats', () => {
  const base = { verbose: false, json: false, noEol: false };
  void it('default, -v and -N as mosquitto_sub: an empty payload prints nothing, or "topic (null)" with -v', () => {
    assert.equal(text(makeFormatter(base)(message('a/b', 'hi'))), 'hi\n');
    assert.equal(makeFormatter(base)(message('a/b', '')), undefined);
    assert.equal(text(makeFormatter({ ...base, verbose: true })(message('a/b', 'hi'))), 'a/b hi\n');
    assert.equal(text(makeFormatter({ ...base, verbose: true })(message('a/b', ''))), 'a/b (null)\n');
    assert.equal(
      text(makeFormatter({ ...base, verbose: true, noEol: true })(message('a/b', 'hi'))),
      'a/b hi',
    );
  });

  void it('-F specifiers and escapes', () => {
    const format = makeFormatter({ ...base, format: '%t|%p|%q|%r|%m|%l|%x|%X|%%|%C|%P\\t!' });
    const line = text(format(message('a/b', new Uint8Array([0x68, 0xff]), { qos: 1, retain: true, mid: 7 })));
    assert.equal(line, 'a/b|h\xff|1|1|7|2|68ff|68FF|%|text/plain|k:v\t!\n');
    const fixed = new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678));
    const json = makeFormatter({ ...base, format: '%j', noEol: true, now: () => fixed })(message('t', 'x"y'));
    const parsed = JSON.parse(text(json) ?? '') as Record<string, unknown>;
    assert.deepEqual(
      { ...parsed, tst: undefined },
      { tst: undefined, topic: 't', qos: 0, retain: 0, payloadlen: 3, payload: 'x"y' },
    );
    assert.match(String(parsed.tst), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z[+-]\d{4}$/);
    const unix = makeFormatter({ ...base, format: '%U', now: () => fixed })(message('t', 'x'));
    assert.equal(text(unix), `${Math.floor(fixed.getTime() / 1000)}.678000000\n`);
    assert.throws(() => makeFormatter({ ...base, format: '%Z' }), /unknown format specifier '%Z'/);
  });

  void it('--json: text payloads as text, binary as base64, properties', () => {
    const json = makeFormatter({ ...base, json: true });
    const one = JSON.parse(Buffer.from(json(message('a', 'hé')) ?? []).toString('utf8')) as Record<
      string,
      unknown
    >;
    assert.deepEqual(one, {
      topic: 'a',
      payload: 'hé',
      qos: 0,
      retain: false,
      properties: { contentType: 'text/plain', userProperties: [['k', 'v']] },
    });
    const two = JSON.parse(text(json(message('b', new Uint8Array([0xff, 0])))) ?? '') as Record<
      string,
      unknown
    >;
    assert.equal(two.payload, '/wA=');
    assert.equal(two.encoding, 'base64');
  });
});

void describe('exit codes and help', () => {
  void it('map each failure to its documented code', () => {
    assert.equal(exitCodeOf(new UsageError('x')), ExitCode.USAGE);
    assert.equal(
      exitCodeOf(new ConnectionRefusedError(new ReasonCode(PacketType.CONNACK, 0x87))),
      ExitCode.REFUSED,
    );
    assert.equal(exitCodeOf(new ConnectionError('x')), ExitCode.UNREACHABLE);
    assert.equal(
      exitCodeOf(new ConnectionLostError('h', 1, new ReasonCode(PacketType.DISCONNECT, 0x80), false)),
      ExitCode.LOST,
    );
    assert.equal(exitCodeOf(new TimeoutError('x')), 27);
  });

  void it('--help lists every flag', () => {
    for (const spec of SUB_FLAGS) assert.ok(subHelp().includes(spec.short ?? spec.long ?? ''), spec.key);
    for (const spec of PUB_FLAGS) assert.ok(pubHelp().includes(spec.short ?? spec.long ?? ''), spec.key);
    assert.match(subHelp(), /Exit codes/);
  });
});
