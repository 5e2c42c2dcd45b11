/**
 * `steady-mqtt sub`: subscribes (in `onConnect`, so a resumed or renewed connection keeps them), prints every
 * message as mosquitto_sub does, and ends on -C messages, -E (subscribed), --retained-only (the first live
 * message), -W (timeout, exit 27), Ctrl-C, or an error.
 */
import type { MQTTMessage } from '../client/mqtt-message.js';
import { SubscribeRefusedError } from '../simple/errors.js';
import { topicMatchesSub } from '../topic/match.js';
import { parseFlags, UsageError } from './args.js';
import { commonConfig, list, on, text } from './config.js';
import { readPasswordFromStdin } from './password.js';
import { ExitCode } from './exit-codes.js';
import { COMMON_FLAGS, SUB_FLAGS, subHelp } from './flags.js';
import { makeFormatter } from './format.js';
import type { CommandIO } from './pub.js';
import { parseInteger } from './properties.js';
import { openSession } from './session.js';

/** Runs `sub` with `argv` (after the command name); resolves with the exit code. Throws on failure. */
export async function runSub(
  argv: readonly string[],
  io: CommandIO,
  signal?: AbortSignal,
): Promise<ExitCode> {
  const flags = parseFlags(argv, [...SUB_FLAGS, ...COMMON_FLAGS]);
  if (on(flags, 'help')) {
    io.stdout.write(`${subHelp()}\n`);
    return ExitCode.OK;
  }
  const config = commonConfig(flags, io.env);
  if (config.topics.length === 0) throw new UsageError('give at least one topic filter with -t or -L');
  await readPasswordFromStdin(config, io.stdin);
  const countText = text(flags, 'count');
  const count =
    countText === undefined ? undefined : parseInteger(countText, '-C', 1, Number.MAX_SAFE_INTEGER);
  if (on(flags, 'json') && text(flags, 'format') !== undefined)
    throw new UsageError('--json and -F do not go together');
  const format = makeFormatter({
    format: text(flags, 'format'),
    verbose: on(flags, 'verbose'),
    json: on(flags, 'json'),
    noEol: on(flags, 'noEol'),
  });
  const filterOut = list(flags, 'filterOut');
  const unsubscribe = list(flags, 'unsubscribe');
  const skipRetained = on(flags, 'noRetained');
  const retainedOnly = on(flags, 'retainedOnly');
  const exitOnSubscribed = on(flags, 'exitOnSubscribed');
  const { topics, qos, properties } = config;

  const session = await openSession(config, 'steady-mqtt sub');
  const { client } = session;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    finish = resolve;
  });
  let printed = 0;
  let subscribeMid: number | undefined;
  const onMessage = (message: MQTTMessage): void => {
    if (retainedOnly && !message.retain) {
      finish();
      return;
    }
    if (skipRetained && message.retain) return;
    if (filterOut.some((filter) => topicMatchesSub(filter, message.topic))) return;
    if (count !== undefined && printed >= count) return;
    const bytes = format(message);
    if (bytes !== undefined) io.stdout.write(bytes);
    printed++;
    if (count !== undefined && printed >= count) finish();
  };
  client.onMessage = (_c, _u, message) => onMessage(message);
  client.onSubscribe = (_c, _u, mid, reasonCodes) => {
    if (mid !== subscribeMid) return;
    if (reasonCodes.some((code) => code.isFailure))
      session.fail(new SubscribeRefusedError(topics, reasonCodes));
    else if (exitOnSubscribed) finish();
  };
  const subscribeAll = (): void => {
    [, subscribeMid] = client.subscribe(
      topics.map((topic) => [topic, qos] as const),
      undefined,
      undefined,
      properties.subscribe,
    );
    if (unsubscribe.length > 0) client.unsubscribe(unsubscribe, properties.unsubscribe);
  };
  // Connected already: subscribe now, and again on every later CONNACK.
  client.onConnect = (_c, _u, _flags, reasonCode) => {
    if (!reasonCode.isFailure) subscribeAll();
  };
  subscribeAll();
  const abort = (): void => finish();
  signal?.addEventListener('abort', abort);
  try {
    await Promise.race([finished, session.failure]);
  } finally {
    signal?.removeEventListener('abort', abort);
    await session.close();
  }
  return ExitCode.OK;
}
