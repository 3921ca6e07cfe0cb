// Our own synchronous slices on the extension host: a CPU profile of a phase, and the longest stretch of
// consecutive samples whose stack runs our bundle's code (a handler, a provider, a continuation of ours), within
// one turn of the event loop. The event-loop figure counts whatever blocks the host, VS Code's own work and
// other extensions included.
import { createHook } from 'async_hooks';
import * as inspector from 'inspector';

interface ProfileNode { id: number; parent?: number; children?: number[]; callFrame: { functionName: string; url: string; lineNumber: number } }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number }

function post<T>(s: inspector.Session, method: string, params: object = {}): Promise<T> {
  return new Promise((resolve, reject) => s.post(method, params, (err, res) => (err ? reject(err) : resolve(res as T))));
}

export interface Slice {
  /** The longest stretch of our code, in ms, each sample counted up to MAX_SAMPLE_MS. */
  readonly ms: number;
  /** The rest of that stretch's samples' time: the host's thread (or the profiler's) off a CPU. */
  readonly offCpu: number;
  /** The functions that took most of it, by self time, for the report. */
  readonly top: readonly string[];
  /** The same with a collection that follows a slice of ours counted in it. */
  readonly withCollection: number;
  /** The longest stretch of any code on the host (no idle sample in it), its top functions, and whose code called
   *  them (the extension or part of VS Code whose frame is nearest on the stack): whose the block is. */
  readonly busy: { readonly ms: number; readonly offCpu: number; readonly top: readonly string[]; readonly owners: readonly string[]; readonly path: string };
}

/** Profiles `work` and returns the longest slice of code from a file whose URL contains `ours`. */
export async function longestOwnSlice(ours: string, work: () => Promise<void>): Promise<Slice> {
  const s = new inspector.Session();
  s.connect();
  try {
    await post(s, 'Profiler.enable');
    await post(s, 'Profiler.setSamplingInterval', { interval: 500 });
    await post(s, 'Profiler.start');
    const turns = loopTurns();
    let failed: unknown;
    await work().catch((err: unknown) => { failed = err ?? new Error('the phase failed'); });
    turns.hook.disable();
    const { profile } = await post<{ profile: CpuProfile }>(s, 'Profiler.stop');
    if (failed) throw failed;
    return longest(profile, ours, turns.starts);
  } finally {
    s.disconnect();
  }
}

/**
 * When each callback the event loop runs starts (µs, the profile's clock: both are CLOCK_MONOTONIC): a timer, an
 * immediate, an I/O or IPC callback. Two slices of ours with nothing between them (a lookup that yields with
 * setImmediate) are consecutive samples, but the host could run anything else between them. Promise reactions,
 * microtasks and process.nextTick callbacks are left out: they run in the same turn, before the loop gets control
 * back.
 */
const SAME_TURN = new Set(['PROMISE', 'Microtask', 'TickObject']);
function loopTurns(): { hook: ReturnType<typeof createHook>; starts: number[] } {
  const starts: number[] = [];
  const sameTurn = new Set<number>();
  const hook = createHook({
    init(id, type) { if (SAME_TURN.has(type)) sameTurn.add(id); },
    before(id) { if (!sameTurn.has(id)) starts.push(Number(process.hrtime.bigint() / 1000n)); },
    after(id) { sameTurn.delete(id); },
    destroy(id) { sameTurn.delete(id); },
  }).enable();
  return { hook, starts };
}

/**
 * The most a sample counts, in ms. A sample's time is the gap to the next one, and the profiler interrupts a running
 * thread every 0.5 ms: a longer gap is time the host's thread, or the profiler's own, waited for a CPU (one sample of
 * 68 ms in a provider that takes 1-2 ms, on two cores with Chromium rendering). The rest is reported apart.
 */
const MAX_SAMPLE_MS = 5;

/** The longest run of samples that `counts` within one loop turn, and the functions with most self time in it. */
function stretch(profile: CpuProfile, byId: Map<number, ProfileNode>, counts: (i: number) => boolean, ends: (i: number) => boolean = () => true, turnStarts: readonly number[] = [], ownerOf?: (i: number) => string, parent?: ReadonlyMap<number, number>): { ms: number; offCpu: number; top: string[]; owners: string[]; path: string } {
  const gap = (i: number): number => (profile.timeDeltas[i + 1] ?? 0) / 1000; // a sample's time is the gap to the next one
  const counted = (i: number): number => Math.min(gap(i), MAX_SAMPLE_MS);
  let best = { ms: 0, offCpu: 0, from: 0, to: 0 };
  let start = -1;
  let ms = 0;
  let offCpu = 0;
  let at = profile.startTime;
  let turn = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const before = at;
    at += profile.timeDeltas[i] ?? 0;
    // A callback that started between the last sample and this one ends the stretch.
    let newTurn = false;
    while (turn < turnStarts.length && turnStarts[turn]! <= at) { if (turnStarts[turn]! > before) newTurn = true; turn++; }
    if (newTurn) start = -1;
    if (!counts(i)) { start = -1; continue; }
    if (start < 0) { start = i; ms = 0; offCpu = 0; }
    ms += counted(i);
    offCpu += gap(i) - counted(i);
    if (ms > best.ms && ends(i)) best = { ms, offCpu, from: start, to: i };
  }
  const self = new Map<string, number>();
  const owners = new Map<string, number>();
  const add = (m: Map<string, number>, key: string, i: number) => m.set(key, (m.get(key) ?? 0) + counted(i));
  for (let i = best.from; i <= best.to && best.ms > 0; i++) {
    const f = byId.get(profile.samples[i]!)!.callFrame;
    add(self, `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber}`, i);
    if (ownerOf) add(owners, ownerOf(i), i);
  }
  const ranked = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, v]) => `${v.toFixed(1)} ms ${k}`);
  // The heaviest function's callers, from the first sample of it: who asked for the work.
  const heaviest = [...self].sort((a, b) => b[1] - a[1])[0]?.[0];
  let path = '';
  for (let i = best.from; i <= best.to && best.ms > 0 && heaviest; i++) {
    const frames: string[] = [];
    for (let id: number | undefined = profile.samples[i]!; id !== undefined && frames.length < 8; id = parent?.get(id)) {
      const f = byId.get(id)!.callFrame;
      frames.push(`${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-3).join('/')}:${f.lineNumber}`);
    }
    if (frames[0]!.startsWith(heaviest.split(' ')[0]!)) { path = frames.join(' < '); break; }
  }
  return { ms: best.ms, offCpu: best.offCpu, top: ranked(self), owners: ranked(owners), path };
}

/** Whose code a frame's URL is: an extension's folder name, VS Code's extension host, or Node's own. */
function ownerOfUrl(url: string): string | undefined {
  const ext = /\/extensions\/([^/]+)\//.exec(url);
  if (ext) return ext[1];
  if (/extensionHostProcess|\/vs\//.test(url)) return 'VS Code';
  return undefined;
}

/** A property of a profile's nodes that a node without one of its own takes from its caller (memoised). */
function inherited<T>(byId: ReadonlyMap<number, ProfileNode>, parent: ReadonlyMap<number, number>, own: (n: ProfileNode) => T | undefined, root: T): (id: number) => T {
  const memo = new Map<number, T>();
  const of = (id: number): T => {
    let v = memo.get(id);
    if (v === undefined) {
      const p = parent.get(id);
      v = own(byId.get(id)!) ?? (p === undefined ? root : of(p));
      memo.set(id, v);
    }
    return v;
  };
  return of;
}

function longest(profile: CpuProfile, ours: string, turnStarts: readonly number[]): Slice {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const isOurs = inherited(byId, parent, (n) => (n.callFrame.url.includes(ours) ? true : undefined), false);
  const name = (i: number): string => byId.get(profile.samples[i]!)!.callFrame.functionName;
  // Ours: a sample in our bundle's code, or a collection right after one (our allocations set it off).
  let inOurs = false;
  const ownOrCollection = (i: number): boolean => (inOurs = isOurs(profile.samples[i]!) || (inOurs && name(i) === '(garbage collector)'));
  // A collection inside a slice of ours is part of it; one at its end is counted apart: its length is the whole
  // heap's (VS Code's copies of every open document), whoever's allocation set it off.
  const mine = stretch(profile, byId, ownOrCollection, (i) => isOurs(profile.samples[i]!), turnStarts);
  inOurs = false;
  const withCollection = stretch(profile, byId, ownOrCollection, undefined, turnStarts);
  // The nearest frame with an owner up a sample's stack; a collection is the heap's, whoever allocated.
  const ownerOfNode = inherited(byId, parent, (n) => (n.callFrame.functionName === '(garbage collector)' ? 'garbage collector' : ownerOfUrl(n.callFrame.url)), 'Node');
  const busy = stretch(profile, byId, (i) => name(i) !== '(idle)' && name(i) !== '(program)', undefined, [], (i) => ownerOfNode(profile.samples[i]!), parent);
  return { ...mine, withCollection: withCollection.ms, busy };
}
