// Runs a scenario in slices of a few milliseconds, so that between two slices the engine reads its messages:
// a cancel, a newer version of the document, a debugger step. One job at a time per document.
import type { ParsedScenario, RunOptions, ScenarioRun } from '../scenario/api';
import { runParsedSteps } from '../scenario/index';

/** How long one slice may run before the engine looks at its messages again. */
export const SLICE_MS = 4;

/** Lets the event loop deliver pending messages (setImmediate in Node, a task in a browser worker). */
export function yieldToMessages(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}

export interface Job {
  readonly id: number;
  readonly version: number;
  readonly kind: 'validation' | 'run';
  cancelled: boolean;
}

/**
 * Runs `parsed` slice by slice; null when the job was cancelled between two lines. `progress` is called at
 * most every `progressMs` with the scenario line reached.
 */
export async function runInSlices(
  parsed: ParsedScenario, options: RunOptions, job: Job,
  progress?: (line: number) => void, progressMs = 100,
): Promise<ScenarioRun | null> {
  const steps = runParsedSteps(parsed, options);
  let lastReport = performance.now();
  let line = 0;
  for (;;) {
    const t0 = performance.now();
    for (let n = 0; ; n++) {
      const r = steps.next();
      if (r.done) return r.value;
      line = r.value;
      if ((n & 7) === 7 && performance.now() - t0 >= SLICE_MS) break;
    }
    if (progress && performance.now() - lastReport >= progressMs) {
      lastReport = performance.now();
      progress(line);
    }
    await yieldToMessages();
    if (job.cancelled) return null;
  }
}
