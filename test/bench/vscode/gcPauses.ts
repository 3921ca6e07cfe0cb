// The extension host's garbage-collection pauses during a phase (perf_hooks 'gc' entries): the host's blocks
// include collections of a heap that holds VS Code's copies of every open document, whoever's allocation set
// them off, so the bench prints the longest pause and its kind beside each phase's block.
import { PerformanceObserver, constants, type PerformanceEntry } from 'perf_hooks';

const KINDS: Readonly<Record<number, string>> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental marking',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};

/** Why V8 collected (its GCCallbackFlags): a forced or memory-pressure collection is not one V8 chose to make. */
const FLAGS: Readonly<Record<string, number>> = {
  forced: constants.NODE_PERFORMANCE_GC_FLAGS_FORCED,
  'all available garbage': constants.NODE_PERFORMANCE_GC_FLAGS_ALL_AVAILABLE_GARBAGE,
  'all external memory': constants.NODE_PERFORMANCE_GC_FLAGS_ALL_EXTERNAL_MEMORY,
  'synchronous phantom processing': constants.NODE_PERFORMANCE_GC_FLAGS_SYNCHRONOUS_PHANTOM_PROCESSING,
  'schedule idle': constants.NODE_PERFORMANCE_GC_FLAGS_SCHEDULE_IDLE,
};

export interface GcPauses { readonly longestMs: number; readonly longestKind: string; readonly totalMs: number; readonly count: number }

/** Runs `work` with a 'gc' observer on this thread and returns its pauses. */
export async function withGcPauses<T>(work: () => Promise<T>): Promise<{ value: T; gc: GcPauses }> {
  const entries: PerformanceEntry[] = [];
  const obs = new PerformanceObserver((list) => { entries.push(...list.getEntries()); });
  obs.observe({ entryTypes: ['gc'] });
  try {
    const value = await work();
    // The observer's callback runs after the entries are queued: give it a turn.
    await new Promise((r) => setTimeout(r, 0));
    let longest: PerformanceEntry | undefined;
    let totalMs = 0;
    for (const e of entries) { totalMs += e.duration; if (!longest || e.duration > longest.duration) longest = e; }
    const detail = (longest as (PerformanceEntry & { detail?: { kind?: number; flags?: number } }) | undefined)?.detail;
    const why = Object.entries(FLAGS).filter(([, bit]) => ((detail?.flags ?? 0) & bit) !== 0).map(([name]) => name);
    const kind = detail?.kind === undefined ? '' : KINDS[detail.kind] ?? `kind ${detail.kind}`;
    return { value, gc: { longestMs: longest?.duration ?? 0, longestKind: why.length ? `${kind}, ${why.join(', ')}` : kind, totalMs, count: entries.length } };
  } finally {
    obs.disconnect();
  }
}
