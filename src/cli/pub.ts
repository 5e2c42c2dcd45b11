/**
 * `steady-mqtt pub`: publishes one message (-m, -f, -s, -n; `--repeat N` times) or one per line of stdin
 * (-l), waits until the broker acknowledged every one, and disconnects.
 */
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { MQTTMessageInfo } from '../client/message-info.js';
import type { Properties as PacketProperties, QoS } from '../packet/types.js';
import { parseFlags, UsageError } from './args.js';
import { commonConfig, on, text } from './config.js';
import { readPasswordFromStdin } from './password.js';
import { ExitCode } from './exit-codes.js';
import { COMMON_FLAGS, PUB_FLAGS, pubHelp } from './flags.js';
import { parseInteger } from './properties.js';
import { openSession, type CliSession } from './session.js';

/** Where the payload comes from. */
type Source =
  | { kind: 'message'; payload: Uint8Array | string }
  | { kind: 'file'; path: string }
  | { kind: 'stdin' }
  | { kind: 'lines' };

/** The streams a command uses (tests pass their own). */
export interface CommandIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Where `MQTT_PASSWORD` is read from (the executable passes `process.env`; none when absent). */
  env?: Readonly<Record<string, string | undefined>>;
}

function pickSource(flags: ReturnType<typeof parseFlags>): Source {
  const message = text(flags, 'message');
  const file = text(flags, 'file');
  const chosen: Source[] = [];
  if (message !== undefined) chosen.push({ kind: 'message', payload: message });
  if (file !== undefined) chosen.push({ kind: 'file', path: file });
  if (on(flags, 'stdinFile')) chosen.push({ kind: 'stdin' });
  if (on(flags, 'stdinLine')) chosen.push({ kind: 'lines' });
  if (on(flags, 'nullMessage')) chosen.push({ kind: 'message', payload: new Uint8Array(0) });
  if (chosen.length === 0) throw new UsageError('give the message with one of -m, -f, -s, -l or -n');
  if (chosen.length > 1) throw new UsageError('only one of -m, -f, -s, -l and -n may be given');
  return chosen[0];
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks);
}

async function readPayload(source: Source, io: CommandIO): Promise<Uint8Array | string> {
  switch (source.kind) {
    case 'message':
      return source.payload;
    case 'file':
      return readFile(source.path);
    default:
      return readAll(io.stdin);
  }
}

interface Plan {
  topic: string;
  qos: QoS;
  retain: boolean;
  properties: PacketProperties | undefined;
}

async function publishAll(
  session: CliSession,
  plan: Plan,
  source: Source,
  repeat: number,
  io: CommandIO,
): Promise<void> {
  const infos: MQTTMessageInfo[] = [];
  const send = (payload: Uint8Array | string): void => {
    infos.push(session.client.publish(plan.topic, payload, plan.qos, plan.retain, plan.properties));
  };
  if (source.kind === 'lines') {
    const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
    for await (const line of lines) send(line);
  } else {
    const payload = await readPayload(source, io);
    for (let i = 0; i < repeat; i++) send(payload);
  }
  await Promise.all(infos.map((info) => info.waitForPublish()));
}

/** Runs `pub` with `argv` (after the command name); resolves with the exit code. Throws on failure. */
export async function runPub(argv: readonly string[], io: CommandIO): Promise<ExitCode> {
  const flags = parseFlags(argv, [...PUB_FLAGS, ...COMMON_FLAGS]);
  if (on(flags, 'help')) {
    io.stdout.write(`${pubHelp()}\n`);
    return ExitCode.OK;
  }
  const config = commonConfig(flags, io.env);
  if (config.topics.length !== 1) {
    throw new UsageError(config.topics.length === 0 ? 'give the topic with -t or -L' : 'pub takes one topic');
  }
  const source = pickSource(flags);
  if (config.passwordFromStdin && (source.kind === 'stdin' || source.kind === 'lines'))
    throw new UsageError(
      '-P - reads the password from stdin: give the message with -m, -f or -n, or use MQTT_PASSWORD',
    );
  await readPasswordFromStdin(config, io.stdin);
  const repeatText = text(flags, 'repeat');
  const repeat = repeatText === undefined ? 1 : parseInteger(repeatText, '--repeat', 1, 1_000_000);
  if (repeatText !== undefined && source.kind === 'lines')
    throw new UsageError('--repeat does not go with -l');
  const inflight = text(flags, 'maxInflight');
  if (inflight !== undefined) config.connection.maxInflightMessages = parseInteger(inflight, '-M', 0, 65535);
  // Read a file before connecting, so a missing file costs no connection.
  const preloaded: Source =
    source.kind === 'file' ? { kind: 'message', payload: await readFile(source.path) } : source;
  const plan: Plan = {
    topic: config.topics[0],
    qos: config.qos,
    retain: on(flags, 'retain'),
    properties: config.properties.publish,
  };
  const session = await openSession(config, 'steady-mqtt pub');
  try {
    await Promise.race([publishAll(session, plan, preloaded, repeat, io), session.failure]);
  } finally {
    await session.close();
  }
  return ExitCode.OK;
}
