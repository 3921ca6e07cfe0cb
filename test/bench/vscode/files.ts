// The VS Code bench's input files, written by the runner (test/bench/vscodeBench.ts) before VS Code starts, so
// that making them (and collecting their garbage) happens in no measured phase of the extension host.
import * as fs from 'fs';
import * as path from 'path';
import { generatedMboxOfSize } from '../../unit/tours/generate';
import { scenarioOfEvents } from '../scenarios';

/**
 * How many times the open and edit phases run (their figures are medians of paired differences). A single open's
 * block beyond the plain text's ranged from -50 to +220 ms from one repeat to the next (VS Code's link search and
 * collections, and waits for a CPU on two cores): the median of 5 moved by tens of ms between runs of the same
 * code, too coarse against a 50 ms target. TIMENS_BENCH_REPEATS sets another count, for a quicker look.
 */
export const REPEATS = Number(process.env.TIMENS_BENCH_REPEATS) || 9;

export interface BenchFiles {
  /** The import bench's 50 MB mailbox. */
  readonly mbox: string;
  /** Scenarios of about 10^6 and 10^5 events. */
  readonly big: string;
  readonly medium: string;
  /** The 10^6-event scenario's first 400 lines: the debugger's steps there are the workbench's floor. */
  readonly small: string;
  /** The 10^6-event text again, as plain text and as a scenario, once per repeat (a new document each time). */
  readonly repeats: readonly { readonly plain: string; readonly scenario: string }[];
}

export function benchFiles(dir: string): BenchFiles {
  return {
    mbox: path.join(dir, 'series-50mb.mbox'),
    big: path.join(dir, 'events-1e6.timens'),
    medium: path.join(dir, 'events-1e5.timens'),
    small: path.join(dir, 'events-400-lines.timens'),
    repeats: Array.from({ length: REPEATS }, (_, r) => ({ plain: path.join(dir, `events-1e6-${r}.txt`), scenario: path.join(dir, `events-1e6-${r}.timens`) })),
  };
}

export function writeBenchFiles(dir: string): void {
  const files = benchFiles(dir);
  fs.writeFileSync(files.mbox, generatedMboxOfSize(50 * 1024 * 1024));
  const bigText = scenarioOfEvents(1_000_000);
  fs.writeFileSync(files.big, bigText);
  for (const r of files.repeats) { fs.writeFileSync(r.plain, bigText); fs.writeFileSync(r.scenario, bigText); }
  fs.writeFileSync(files.medium, scenarioOfEvents(100_000));
  fs.writeFileSync(files.small, bigText.split('\n').slice(0, 400).join('\n'));
}
