/**
 * Preloaded into every test process by scripts/test.mjs. node:test already fails a file in which an unhandled
 * rejection or an uncaught exception happens, even after the test that caused it has ended, but it names only
 * the error's message. This prints the whole stack, so the failure says where it came from, and sets the exit
 * code itself, so the file fails whatever the runner's version does.
 */
function report(kind: string) {
  return (err: unknown): void => {
    process.exitCode = 1;
    const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.stderr.write(`\n${kind} in ${process.argv[1] ?? 'a test process'}: ${detail}\n`);
  };
}

process.on('unhandledRejection', report('unhandled rejection'));
process.on('uncaughtException', report('uncaught exception'));
