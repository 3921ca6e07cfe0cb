// Lowers the scheduling priority of the calling worker thread: the engine's and the import's workers are
// background work beside the extension host's thread, which answers every extension and should get a CPU first.
import * as os from 'node:os';

/**
 * How much nicer than the host the workers run. On a 2-core machine a worker parsing and running a 10^6-line
 * scenario kept the host's thread waiting for a CPU while VS Code copied the document into it; at nice +10 the
 * scheduler gives a thread about a tenth of the weight of one at the host's nice (sched_prio_to_weight).
 */
export const WORKER_NICENESS = 10;

/** Makes the calling thread nicer by WORKER_NICENESS (Linux only); returns the nice value it now has, or null. */
export function runInBackground(): number | null {
  // Linux keeps a nice value per thread, and setpriority(PRIO_PROCESS, 0) names the calling thread. Elsewhere it
  // names the whole process, which would slow the extension host itself: there nothing changes.
  if (process.platform !== 'linux') return null;
  try {
    const nice = Math.min(19, os.getPriority(0) + WORKER_NICENESS);
    os.setPriority(0, nice);
    return nice;
  } catch {
    return null; // a sandbox that forbids it: the worker keeps the host's priority
  }
}
