/** Where and how a run was made. */
import type { Machine } from '../lib/machine.js';
import type { Size } from '../scenarios/types.js';

export interface RunInfo {
  machine: Machine;
  /** ISO date of the start. */
  date: string;
  /** The exact command. */
  command: string;
  size: Size;
  runs: number;
  /** The git commit measured, with "+ modified src/" when the working tree's src/ differed from it. */
  commit?: string;
  /** The JavaScript peers' runtime and version, e.g. `Bun 1.4.5` (`--runtime`; Node when absent). */
  runtime?: string;
}
