#!/usr/bin/env node
/**
 * The `steady-mqtt` executable (package.json `bin`): runs `main()` on the process's arguments and streams,
 * ends `sub` cleanly on SIGINT/SIGTERM, and exits with the command's exit code (see docs/cli.md).
 */
import type { CommandIO } from './pub.js';
import { main } from './run.js';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());
const io: CommandIO = {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
};
void main(process.argv.slice(2), io, controller.signal).then((code) => {
  process.exitCode = code;
});
