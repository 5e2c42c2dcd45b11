/**
 * For a child process a test spawns (fixtures of test/fault and test/brokers): never outlive the test. Exits
 * with code 6 once the parent process is gone (the test runner was killed), checked every second.
 */
export function exitWhenOrphaned(): void {
  const parentPid = process.ppid;
  setInterval(() => {
    try {
      process.kill(parentPid, 0);
    } catch {
      process.exit(6);
    }
  }, 1_000).unref();
}
