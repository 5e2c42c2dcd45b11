/**
 * `node:test` for the browser run of the store contract: `describe` and `test` register, `runRegistered()` runs
 * every test in order and says how each went. Only what test/store/store-contract.ts uses.
 */
type TestFn = (t: { skip: (message?: string) => void }) => unknown;

interface Registered {
  name: string;
  fn: TestFn;
}

export interface TestOutcome {
  name: string;
  ok: boolean;
  skipped?: string;
  error?: string;
}

const registered: Registered[] = [];
const prefixes: string[] = [];

export function describe(name: string, fn: () => void): void {
  prefixes.push(name);
  try {
    fn();
  } finally {
    prefixes.pop();
  }
}

export function test(name: string, fn: TestFn): void {
  registered.push({ name: [...prefixes, name].join(' > '), fn });
}

export const it = test;

export async function runRegistered(): Promise<TestOutcome[]> {
  const outcomes: TestOutcome[] = [];
  for (const { name, fn } of registered) {
    let skipped: string | undefined;
    try {
      await fn({ skip: (message) => void (skipped = message ?? 'skipped') });
      outcomes.push(skipped === undefined ? { name, ok: true } : { name, ok: true, skipped });
    } catch (error) {
      const text = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
      outcomes.push({ name, ok: false, error: text });
    }
  }
  return outcomes;
}
