// Which kernel functions a function breakpoint can stop in: those the recorded run enters (its events' call
// paths), which depend on the profile (arch, version, patches) and on the scenario. Names the run never
// enters get a message that says why and suggests the nearest function it does enter.
import type { Simulation } from '../sim/api';
import { KERNEL_FUNCTIONS } from '../sim/index';
import { closest, editDistance } from '../scenario/index';

const cache = new WeakMap<Simulation, ReadonlySet<string>>();

/** Every function on the call path of some event of the run (read once per run). */
export function functionsOfRun(sim: Simulation): ReadonlySet<string> {
  let names = cache.get(sim);
  if (!names) {
    // A function is on a call path only after an event entered it (a call, a system call, a vDSO call), whose
    // `fn` (the top of its stack) it is; the kind and stack columns spare building the events.
    const found = new Set<string>();
    for (let i = 0; i < sim.eventCount; i++) {
      const kind = sim.kindOf(i);
      if (kind === 'call' || kind === 'syscall-enter' || kind === 'vdso-enter') found.add(sim.fnOf(i));
    }
    names = found;
    cache.set(sim, names);
  }
  return names;
}

/** Why a breakpoint on `name` can never stop in this run, or null when it can. */
export function functionBreakpointProblem(name: string, sim: Simulation): string | null {
  const inRun = functionsOfRun(sim);
  if (inRun.has(name)) return null;
  const p = sim.profile;
  const profile = `${p.arch} ${p.kernel}${p.disabledPatches.length ? ` without ${p.disabledPatches.join(', ')}` : ''}`;
  const near = nearestFunctions(name, inRun);
  const hint = near.length ? `; did you mean ${near.join(' or ')}?` : '';
  if (KERNEL_FUNCTIONS.includes(name)) return `This run never enters ${name} (${profile}, this scenario)${hint}`;
  return `The model has no kernel function '${name}'${hint}`;
}

/** The functions of the run nearest to `name`: close spellings first, then names sharing its last word
 *  (`timens_fault` → `vvar_fault`), then names sharing any word, each ordered by edit distance. */
export function nearestFunctions(name: string, candidates: Iterable<string>, max = 2): string[] {
  const pool = [...candidates];
  const spelled = closest(name, pool, max);
  if (spelled.length) return spelled;
  const words = name.toLowerCase().split('_').filter(Boolean);
  const last = words[words.length - 1];
  if (!last) return [];
  const score = (c: string): number => {
    const cw = c.toLowerCase().split('_').filter(Boolean);
    if (cw[cw.length - 1] === last) return 0;
    return words.some((w) => w.length > 2 && cw.includes(w)) ? 1 : 2;
  };
  return pool
    .map((c) => ({ c, s: score(c), d: editDistance(name, c, 64) }))
    .filter((x) => x.s < 2)
    // On a tie, public names before `__internal` helpers, which users rarely mean.
    .sort((a, b) => a.s - b.s || a.d - b.d || Number(a.c.startsWith('_')) - Number(b.c.startsWith('_')) || a.c.localeCompare(b.c))
    .slice(0, max)
    .map((x) => x.c);
}
