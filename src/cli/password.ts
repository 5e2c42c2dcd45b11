/**
 * Where the CLI's password comes from when it must not be on the command line, where `ps` and the shell's
 * history show it: `-P -` reads it from the first line of standard input, and `MQTT_PASSWORD` gives it
 * through the environment (used only with `-u`, and only when neither `-P` nor the -L URL has a password).
 */
import { createInterface } from 'node:readline';
import { UsageError } from './args.js';
import type { ConnectionOptions } from '../simple/options.js';

export const PASSWORD_ENV = 'MQTT_PASSWORD';
/** The `-P` value that means "read the password from standard input". */
export const PASSWORD_FROM_STDIN = '-';

/** What `readPasswordFromStdin` reads and fills in (the CLI's `CommonConfig` is one). */
export interface PasswordTarget {
  readonly passwordFromStdin: boolean;
  readonly connection: ConnectionOptions;
}

/** With `-P -`, reads the first line of `stdin` (without its line end) into the connection's credentials. */
export async function readPasswordFromStdin(
  config: PasswordTarget,
  stdin: NodeJS.ReadableStream,
): Promise<void> {
  if (!config.passwordFromStdin) return;
  const auth = config.connection.auth;
  if (auth === undefined) throw new UsageError('-P needs a user name (-u)');
  const lines = createInterface({ input: stdin, crlfDelay: Infinity, terminal: false });
  let first: string | undefined;
  try {
    for await (const line of lines) {
      first = line;
      break;
    }
  } finally {
    lines.close();
  }
  if (first === undefined) throw new UsageError('-P -: standard input ended before a password line');
  config.connection.auth = { ...auth, password: first };
}
