/**
 * The body of every peer's child process: reads the `Task` from argv[2], plays its role with the peer's
 * `BenchClientFactory`, and writes `ChildEvent` lines on stdout; `finish` on stdin resolves `ctx.finished`.
 */
import type { ChildEvent, Result, Task } from '../../protocol.js';
import type { BenchClientFactory } from '../bench-client.js';
import type { ChildContext } from './context.js';
import { runFanIn } from './fanin.js';
import { runRequester, runResponder } from './latency.js';
import { runMany } from './many.js';
import { runPub } from './pub.js';
import { runSub } from './sub.js';

function emit(event: ChildEvent): void {
  process.stdout.write(JSON.stringify(event) + '\n');
}

function finishSignal(): Promise<void> {
  return new Promise((resolve) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('finish')) resolve();
    });
    process.stdin.on('end', () => resolve());
  });
}

function play(task: Task, factory: BenchClientFactory, ctx: ChildContext): Promise<Result> {
  switch (task.role) {
    case 'sub':
      return runSub(task, factory, ctx);
    case 'pub':
      return runPub(task, factory, ctx);
    case 'responder':
      return runResponder(task, factory, ctx);
    case 'requester':
      return runRequester(task, factory);
    case 'many':
      return runMany(task, factory);
    case 'fanin':
      return runFanIn(task, factory, ctx);
    case 'import':
      // The import probe (`import-probe.ts`) plays it: a peer's child has loaded its library already.
      return Promise.reject(new Error('the import role runs in the import probe, not in a peer child'));
  }
}

export function runChild(factory: BenchClientFactory): void {
  const exit = (code: number): void => {
    process.stdout.write('', () => process.exit(code));
  };
  try {
    const task = JSON.parse(process.argv[2] ?? '') as Task;
    const ctx: ChildContext = { emit, finished: finishSignal(), idleMs: 2000 };
    play(task, factory, ctx).then(
      (result) => {
        emit({ type: 'result', result });
        exit(0);
      },
      (error: unknown) => {
        emit({
          type: 'error',
          message: error instanceof Error ? (error.stack ?? error.message) : String(error),
        });
        exit(1);
      },
    );
  } catch (error) {
    emit({ type: 'error', message: `bad task: ${String(error)}` });
    exit(2);
  }
}
