/**
 * A peer's child process playing one `Task` (a bundle from `bundle.ts` under Node, Bun or Deno, or the Paho Python script, which
 * speaks the same protocol): `ready` resolves on its ready event, `result` on its result; both reject if it
 * reports an error or exits first.
 */
import { createInterface } from 'node:readline';
import type { ChildEvent, Result, Task } from '../protocol.js';
import { spawnTracked, type Spawned } from './processes.js';
import { runtimeCommand, type Runtime } from './runtime.js';

export interface NodeChild {
  readonly spawned: Spawned;
  readonly ready: Promise<void>;
  /** Resolves when a publisher has published everything (and stays connected until `finish()`). */
  readonly published: Promise<void>;
  readonly result: Promise<Result>;
  /** Tells it the other side is done (`finish` on its stdin). */
  finish(): void;
}

/** Runs a peer's bundle under `runtime` (Node by default; `nodeArgs` go to Node only). */
export function startNodeChild(
  bundle: string,
  task: Task,
  nodeArgs: readonly string[] = [],
  runtime: Runtime = 'node',
): NodeChild {
  const [command, args] = runtimeCommand(runtime, bundle, nodeArgs);
  return startChild(command, args, task);
}

/** Runs `command args... <task as JSON>` as a peer child. */
export function startChild(command: string, args: readonly string[], task: Task): NodeChild {
  const spawned = spawnTracked(command, [...args, JSON.stringify(task)]);
  let onReady: () => void = () => undefined;
  let onPublished: () => void = () => undefined;
  let onResult: (result: Result) => void = () => undefined;
  let onFail: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve;
    onFail = reject;
  });
  const published = new Promise<void>((resolve, reject) => {
    onPublished = resolve;
    const previous = onFail;
    onFail = (error) => {
      previous(error);
      reject(error);
    };
  });
  const result = new Promise<Result>((resolve, reject) => {
    onResult = resolve;
    const previous = onFail;
    onFail = (error) => {
      previous(error);
      reject(error);
    };
  });
  ready.catch(() => undefined);
  published.catch(() => undefined);
  result.catch(() => undefined);
  const lines = createInterface({ input: spawned.child.stdout! });
  lines.on('line', (line) => {
    let event: ChildEvent;
    try {
      event = JSON.parse(line) as ChildEvent;
    } catch {
      return;
    }
    if (event.type === 'ready') onReady();
    else if (event.type === 'published') onPublished();
    else if (event.type === 'result') onResult(event.result);
    else onFail(new Error(`${task.role} child failed: ${event.message}`));
  });
  // 'close' of stdout (not 'exit'): every line it wrote has been read by then.
  lines.on('close', () => {
    void spawned.exited.then((code) => {
      onFail(
        new Error(`${task.role} child exited (${code}) before reporting. stderr: ${spawned.stderr().trim()}`),
      );
    });
  });
  return {
    spawned,
    ready,
    published,
    result,
    finish: () => {
      spawned.child.stdin?.end('finish\n');
    },
  };
}
