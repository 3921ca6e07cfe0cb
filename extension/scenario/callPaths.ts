// Kernel call paths as the model records them, never written by hand: the deepest call stacks of a line's
// events, each with the page its fault was for and what the fault gave. Hovers show those of the line when the
// scenario ran, and otherwise those of a small probe run of the operation on the document's profile (docs.ts).

import type { Simulation } from '../sim/api';

export interface CallPath {
  /** Kernel functions, outermost first. */
  readonly stack: readonly string[];
  /** For a path through a page fault: which page it was for and what came of it (`[vvar] page 1 → SIGBUS`). */
  readonly fault?: string;
}

/** The short name of a physical page in a fault note: `ns#1`, `host`, `pvclock`. */
function pageName(phys: string): string {
  return phys.startsWith('page#') ? phys.slice('page#'.length) : phys;
}

/**
 * The maximal call stacks of the events of `line` (a stack that is the prefix of another is left out), in the
 * order they were first reached, at most `max`. Call, error and fault events count (not returns or state).
 */
export function lineCallPaths(sim: Pick<Simulation, 'lineSpans' | 'event'>, line: number, max = 3): CallPath[] {
  const span = sim.lineSpans().find((s) => s.line === line);
  if (!span) return [];
  const paths: { stack: readonly string[]; key: string; fault?: Fault }[] = [];
  // The fault being handled: stacks below its frame belong to it; the PTE it filled or the signal it raised says how it ended.
  let fault: Fault | undefined;
  for (let i = span.first; i < span.end; i++) {
    const ev = sim.event(i);
    if (fault && !startsWith(ev.stack, fault.frame)) fault = undefined;
    // The fault belongs to the architecture's fault handler, the caller of the frame that records it.
    if (ev.kind === 'fault') fault = { frame: ev.stack.slice(0, -1), what: ev.page ? `${ev.page.vma} page ${ev.page.index}` : 'an address where nothing is mapped', outcome: '' };
    if (fault && ev.kind === 'pte-insert' && ev.page?.phys) fault.outcome ||= `→ ${pageName(ev.page.phys)}`;
    if (fault && ev.kind === 'signal' && ev.signal) fault.outcome = `→ ${ev.signal}`;
    if (ev.kind !== 'call' && ev.kind !== 'error' && ev.kind !== 'fault' && ev.kind !== 'signal') continue;
    if (!ev.stack.length) continue;
    const key = ev.stack.join(' > ');
    // Keep only maximal stacks: a deeper one replaces its prefix in place.
    const idx = paths.findIndex((x) => key.startsWith(x.key));
    if (idx >= 0) paths[idx] = { stack: ev.stack, key, fault: fault ?? paths[idx].fault };
    else if (!paths.some((x) => x.key.startsWith(key))) paths.push({ stack: ev.stack, key, fault });
  }
  return paths.slice(0, max).map((p) => (p.fault ? { stack: p.stack, fault: `fault on ${p.fault.what}${p.fault.outcome ? ` ${p.fault.outcome}` : ''}` } : { stack: p.stack }));
}

interface Fault { frame: readonly string[]; what: string; outcome: string }

function startsWith(stack: readonly string[], prefix: readonly string[]): boolean {
  if (stack.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (stack[i] !== prefix[i]) return false;
  return true;
}

/** `a > b > c`, in Markdown code, with the fault note after it. */
export function callPathMarkdown(p: CallPath): string {
  return `\`${p.stack.join(' > ')}\`${p.fault ? ` — ${p.fault}` : ''}`;
}
