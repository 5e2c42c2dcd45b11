#!/usr/bin/env node
/**
 * The `steady-mqtt` command: `steady-mqtt pub ...` and `steady-mqtt sub ...`, with mosquitto_pub's and
 * mosquitto_sub's flags. Errors are printed as `Error: ...` on stderr (not with --quiet) and end the process
 * with a documented exit code (see `exit-codes.ts`, `--help`, docs/cli.md).
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UsageError } from './args.js';
import { ExitCode, exitCodeOf } from './exit-codes.js';
import { mainHelp } from './flags.js';
import { runPub, type CommandIO } from './pub.js';
import { runSub } from './sub.js';

/** Runs the command line `argv` (without node and the script); resolves with the exit code. */
export async function main(argv: readonly string[], io: CommandIO, signal?: AbortSignal): Promise<ExitCode> {
  const [command, ...rest] = argv;
  const quiet = rest.includes('--quiet');
  try {
    switch (command) {
      case 'pub':
        return await runPub(rest, io);
      case 'sub':
        return await runSub(rest, io, signal);
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        io.stdout.write(`${mainHelp()}\n`);
        return command === undefined ? ExitCode.USAGE : ExitCode.OK;
      default:
        throw new UsageError(`unknown command '${command}' (pub or sub)`);
    }
  } catch (error) {
    const code = exitCodeOf(error);
    if (!quiet) {
      const message = error instanceof Error ? error.message : String(error);
      const hint =
        error instanceof UsageError ? `\nUse 'steady-mqtt ${command ?? ''} --help' to see usage.` : '';
      io.stderr.write(`Error: ${message}${hint}\n`);
    }
    return code;
  }
}

/** True when this file is the program being run (directly, or through the package's `bin` symlink). */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  const io: CommandIO = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
  void main(process.argv.slice(2), io, controller.signal).then((code) => {
    process.exitCode = code;
  });
}
