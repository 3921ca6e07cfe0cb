// Generated scenarios the benchmarks share: one child in a namespace reading its clocks, sized by events.
import { runScenario } from '../../extension/scenario/index';

/** A namespace with an offset, a child in it, then `reads` clock reads (vDSO and system call in turn). */
export function readsScenario(reads: number): string {
  const lines = ['kernel 6.18', 'P1: unshare(CLONE_NEWTIME)', 'P1: write("/proc/self/timens_offsets", "monotonic 86400 0")', 'P1: fork() = P2'];
  for (let i = 0; i < reads; i++) lines.push(i % 2 ? 'P2: clock_gettime(CLOCK_MONOTONIC)' : 'P2: clock_gettime(CLOCK_BOOTTIME, syscall)');
  return lines.join('\n') + '\n';
}

/** A readsScenario of about `events` events (a little more), measured on a small run. */
export function scenarioOfEvents(events: number): string {
  const probe = runScenario(readsScenario(200)).sim.eventCount;
  const base = runScenario(readsScenario(0)).sim.eventCount;
  const perRead = Math.max(1, (probe - base) / 200);
  return readsScenario(Math.ceil(((events - base) / perRead) * 1.03));
}
