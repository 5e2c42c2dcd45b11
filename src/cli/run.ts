/**
 * `main()`: runs one `steady-mqtt` command line: `pub ...` or `sub ...`, with mosquitto_pub's and
 * mosquitto_sub's flags. Errors are printed as `Error: ...` on stderr (not with --quiet) and end the process
 * with a documented exit code (see `exit-codes.ts`, `--help`, docs/cli.md).
 */
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
