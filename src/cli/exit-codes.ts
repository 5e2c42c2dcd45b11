/**
 * The CLI's exit codes (documented in `--help` and docs/cli.md). 0, 1 and 27 mean what they mean for
 * mosquitto_pub/mosquitto_sub; the others tell apart what mosquitto's tools report as 1.
 */
import { ConnectionRefusedError, PublishError, TimeoutError } from '../client/errors.js';
import { InvalidArgumentError } from '../errors.js';
import { ConnectionLostError, SubscribeRefusedError } from '../simple/errors.js';
import { ConnectionError } from '../transport/errors.js';
import { UsageError } from './args.js';

export const ExitCode = {
  /** Done: published and acknowledged; sub: -C reached, -E, --retained-only ended, or disconnected cleanly. */
  OK: 0,
  /** A bad flag or value, or a missing one (the message says which). */
  USAGE: 1,
  /** The broker could not be reached (refused TCP connection, DNS failure, connect timeout). */
  UNREACHABLE: 2,
  /** The broker refused the MQTT connection (the CONNACK reason is printed). */
  REFUSED: 3,
  /** The connection was lost or closed by the broker after connecting. */
  LOST: 4,
  /** The broker refused a message or a subscription (negative PUBACK/PUBREC or SUBACK). */
  REJECTED: 5,
  /** A file or stdin could not be read, or the --persist store failed. */
  IO: 6,
  /** -W elapsed (mosquitto_sub's code for a timeout). */
  TIMEOUT: 27,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODES_HELP = `Exit codes:
  0  done                                  1  bad command line
  2  broker unreachable                    3  connection refused by the broker (reason printed)
  4  connection lost after connecting      5  message or subscription refused by the broker
  6  file, stdin or --persist store error  27 timed out (-W)`;

/** The exit code for an error thrown while running a command. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof UsageError || error instanceof InvalidArgumentError) return ExitCode.USAGE;
  if (error instanceof ConnectionRefusedError) return ExitCode.REFUSED;
  if (error instanceof ConnectionLostError) return ExitCode.LOST;
  if (error instanceof ConnectionError) return ExitCode.UNREACHABLE;
  if (error instanceof PublishError || error instanceof SubscribeRefusedError) return ExitCode.REJECTED;
  if (error instanceof TimeoutError) return ExitCode.TIMEOUT;
  return ExitCode.IO;
}
