/**
 * The CLI's password off the command line: `-P -` reads it from the first line of standard input, and
 * `MQTT_PASSWORD` gives it through the environment; the CONNECT the (fake) broker receives carries it.
 */
import assert from 'node:assert/strict';
import { Readable, Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { PacketType } from '../../src/index.js';
import type { CommandIO } from '../../src/cli/pub.js';
import { main } from '../../src/cli/run.js';
import { FakeBroker } from '../support/fake-broker.js';
import { FIXTURE_PASSWORD, FIXTURE_WRONG_PASSWORD, assertNoSecret } from '../support/secrets.js';

/** The CLI's streams; `output()` is all it printed, for the secrets scan. */
function io(
  stdin: string,
  env: Record<string, string> = {},
): { io: CommandIO; stderr: () => string; output: () => string } {
  const err: Buffer[] = [];
  const out: Buffer[] = [];
  const sink = (into?: Buffer[]): Writable =>
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        into?.push(Buffer.from(chunk));
        done();
      },
    });
  return {
    io: { stdin: Readable.from([stdin]), stdout: sink(out), stderr: sink(err), env },
    stderr: () => Buffer.concat(err).toString(),
    output: () => Buffer.concat([...out, ...err]).toString(),
  };
}

let fake: FakeBroker;
void before(async () => {
  fake = await FakeBroker.start();
});
void after(async () => {
  await fake.close();
});

/** Runs `pub` with `args` and returns the password of the CONNECT it sent. */
async function passwordSent(args: string[], c: ReturnType<typeof io>): Promise<string | undefined> {
  const done = main(['pub', '-h', fake.host, '-p', String(fake.port), '-t', 'pw', '-m', 'x', ...args], c.io);
  const connection = await fake.nextConnection();
  const connect = await connection.accept();
  await connection.expect(PacketType.PUBLISH);
  assert.equal(await done, 0, c.stderr());
  assertNoSecret(c.output(), "the CLI's output");
  return connect.password === undefined ? undefined : Buffer.from(connect.password).toString();
}

void describe('the CLI password', () => {
  void it('-P - reads the first line of standard input (without its line end)', async () => {
    const c = io(`${FIXTURE_PASSWORD} with spaces\r\nnot this line\n`);
    assert.equal(await passwordSent(['-u', 'alice', '-P', '-'], c), `${FIXTURE_PASSWORD} with spaces`);
  });

  void it('MQTT_PASSWORD is used with -u when -P is absent', async () => {
    const c = io('', { MQTT_PASSWORD: FIXTURE_PASSWORD });
    assert.equal(await passwordSent(['-u', 'alice'], c), FIXTURE_PASSWORD);
  });

  void it('-P wins over MQTT_PASSWORD; without -u, MQTT_PASSWORD is not sent', async () => {
    const env = { MQTT_PASSWORD: FIXTURE_WRONG_PASSWORD };
    assert.equal(await passwordSent(['-u', 'alice', '-P', FIXTURE_PASSWORD], io('', env)), FIXTURE_PASSWORD);
    assert.equal(await passwordSent([], io('', env)), undefined);
  });

  void it('-P - with the message on stdin (-s, -l), or with an empty stdin, is a usage error (exit 1)', async () => {
    for (const flag of ['-s', '-l']) {
      const c = io(`${FIXTURE_PASSWORD}\n`);
      const code = await main(
        ['pub', '-h', fake.host, '-p', String(fake.port), '-t', 'pw', flag, '-u', 'a', '-P', '-'],
        c.io,
      );
      assert.equal(code, 1);
      assert.match(c.stderr(), /-P - reads the password from stdin/);
      assertNoSecret(c.output(), "the CLI's output");
    }
    const empty = io('');
    const code = await main(
      ['pub', '-h', fake.host, '-p', String(fake.port), '-t', 'pw', '-m', 'x', '-u', 'a', '-P', '-'],
      empty.io,
    );
    assert.equal(code, 1);
    assert.match(empty.stderr(), /standard input ended before a password line/);
    assert.equal(fake.connectionCount, 4, 'no connection for the usage errors');
  });
});
