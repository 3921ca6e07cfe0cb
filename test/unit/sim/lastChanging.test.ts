// "The last event that changed X before the cursor" from the recorder's index of the objects and fields events show
// changed: the same answer as walking back over the events' changes (the walk it replaced), for every object and
// field at many positions, with the store anywhere and across snapshots; and the engine's requests build no event.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Change, Simulation } from '../../../extension/sim/api';
import { createSimulation } from '../../../extension/sim/index';
import { SimulationImpl } from '../../../extension/sim/simulation';
import { SNAPSHOT_INTERVAL } from '../../../extension/sim/log/snapshots';
import { runScenario } from '../../../extension/scenario/index';
import { eventsForFunctions } from '../../../extension/tours/links';
import { functionsOfRun } from '../../../extension/debug/functions';
import { FUNCTION_EVENT_KINDS } from '../../../extension/tours/knowledge';
import { generatedSteps } from '../../bench/sim';
import { sharedFilesRun } from './helpers';
import { readsScenario } from '../../bench/scenarios';
import { closeOpenHarnesses, DEFAULTS, engineHarness } from '../engine/engineClient';

after(closeOpenHarnesses);

const ROOT = path.resolve(__dirname, '../../../..');

/** The walk the index replaced (navigation.ts lastEventChanging before it), over the events' changes; `touching`,
 *  when given, lists the events whose changes show `obj`, in order: the walk skips the others anyway. */
function walk(changesOf: (i: number) => readonly Change[], position: number, obj: string, field?: string, touching?: readonly number[]): number | null {
  let anyField: number | null = null;
  let k = touching ? touching.length : 0;
  for (let i = position - 1; i >= 0; i--) {
    if (touching) {
      while (k > 0 && touching[k - 1]! > i) k--;
      if (k === 0) break;
      i = touching[k - 1]!;
    }
    const changes = changesOf(i).filter((c) => c.obj === obj);
    if (!changes.length) continue;
    if (!field || changes.some((c) => c.field === field || c.field.startsWith(`${field}.`))) return i;
    anyField ??= i;
  }
  return anyField;
}

/** Every question worth asking of a run: each object shown changed, with no field, each field shown (for an object
 *  with hundreds, such as a namespace's holders, the first and last 20), the part of a field before each '.', a
 *  field below one and a field it never had; and an object that never changed. */
function questions(changes: readonly (readonly Change[])[]): [string, string | undefined][] {
  const fields = new Map<string, Set<string>>();
  for (const cs of changes) for (const c of cs) {
    let f = fields.get(c.obj);
    if (!f) fields.set(c.obj, (f = new Set()));
    f.add(c.field);
  }
  const out: [string, string | undefined][] = [['nothing#1', undefined], ['nothing#1', 'fds']];
  for (const [obj, fs] of fields) {
    const asked = new Set<string>(['nope', '']);
    const all = [...fs];
    for (const f of all.length > 40 ? [...all.slice(0, 20), ...all.slice(-20)] : all) {
      asked.add(f);
      asked.add(`${f}.below`);
      for (let dot = f.indexOf('.'); dot > 0; dot = f.indexOf('.', dot + 1)) asked.add(f.slice(0, dot));
    }
    out.push([obj, undefined], ...[...asked].map((f): [string, string] => [obj, f]));
  }
  return out;
}

/** Positions 0..n: every one for a short run, else `count` spread over it with both ends and the snapshot edges. */
function positions(n: number, count = 60): number[] {
  if (n <= count) return Array.from({ length: n + 1 }, (_, i) => i);
  const out = new Set([0, 1, n - 1, n]);
  for (let k = SNAPSHOT_INTERVAL; k <= n; k += SNAPSHOT_INTERVAL) [k - 1, k, k + 1].forEach((p) => p <= n && out.add(p));
  for (let k = 0; k < count; k++) out.add(Math.floor((k * n) / count) + (k % 7));
  return [...out].filter((p) => p <= n).sort((a, b) => a - b);
}

/** Asserts the index's answers equal the walk's, over changes shown with the store at the end, then at `goto`s. */
function assertSameAsWalk(sim: Simulation, what: string, count = 60): number {
  const n = sim.eventCount;
  const shown = Array.from({ length: n }, (_, i) => sim.event(i).changes);
  let asked = 0;
  const qs = questions(shown);
  const touching = new Map<string, number[]>();
  shown.forEach((cs, i) => { for (const c of cs) { const t = touching.get(c.obj) ?? []; if (t[t.length - 1] !== i) t.push(i); touching.set(c.obj, t); } });
  for (const p of positions(n, count)) {
    for (const [obj, field] of qs) {
      assert.equal(sim.lastChanging(p, obj, field), walk((i) => shown[i]!, p, obj, field, touching.get(obj) ?? []), `${what}: at ${p}, ${obj} ${field ?? '(any field)'}`);
      asked++;
    }
  }
  // Wherever the store stands (the walk built each event's changes with the store there), the same answers.
  for (const at of [Math.floor(n / 2), 1, n]) {
    sim.goto(at);
    for (const p of [n, Math.max(0, at - 3)]) {
      for (const [obj, field] of qs.filter((_q, k) => k % 29 === 0)) {
        assert.equal(sim.lastChanging(p, obj, field), walk((i) => sim.event(i).changes, p, obj, field), `${what}: store at ${at}, asked at ${p}, ${obj} ${field ?? ''}`);
      }
    }
  }
  return asked;
}

test('the last change of every object and field equals the walk\'s: shared struct files, fd tables, exec, exits, across snapshots', () => {
  const sim = sharedFilesRun(2 * SNAPSHOT_INTERVAL + 300, true);
  assert.ok(assertSameAsWalk(sim, 'files') > 1000);
});

test('the last change equals the walk\'s on the bench\'s generated steps (namespaces, setns by fd, faults, VMAs, exits)', () => {
  const sim = createSimulation({ arch: 'x86_64', kernel: '6.18', disabledPatches: [] });
  generatedSteps(2 * SNAPSHOT_INTERVAL + 500, sim);
  assertSameAsWalk(sim, 'generated');
  const arm = createSimulation({ arch: 'arm64', kernel: '6.1', disabledPatches: [] });
  generatedSteps(3000, arm);
  assertSameAsWalk(arm, 'generated arm64 6.1', 30);
});

test('the last change equals the walk\'s at every position of the conformance scenarios about files, exec, threads and mappings', () => {
  const dir = path.join(ROOT, 'test/conformance');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.timens') && /files|exec|thread|mremap|munmap|clone|pidfd|setns|vvar/.test(f)).sort();
  assert.ok(files.length >= 10, files.join(' '));
  for (const f of files) assertSameAsWalk(runScenario(fs.readFileSync(path.join(dir, f), 'utf8'), { file: f }).sim, f, 400);
});

test('eventsForFunctions finds what reading every event found: the functions on its stack, else its kind', () => {
  const sim = createSimulation({ arch: 'x86_64', kernel: '6.18', disabledPatches: [] });
  generatedSteps(3000, sim);
  const events = Array.from({ length: sim.eventCount }, (_, i) => sim.event(i));
  const mentions = (i: number, f: string) => events[i]!.fn === f || events[i]!.stack.includes(f);
  const old = (functions: readonly string[]): number[] => {
    const out = new Set<number>();
    const byStack = new Set<string>();
    events.forEach((_e, i) => { for (const f of functions) if (mentions(i, f)) { out.add(i); byStack.add(f); } });
    const kinds = new Set(functions.filter((f) => !byStack.has(f)).flatMap((f) => FUNCTION_EVENT_KINDS[f] ?? []));
    events.forEach((e, i) => { if (kinds.has(e.kind)) out.add(i); });
    return [...out].sort((a, b) => a - b);
  };
  const named = [...new Set(events.flatMap((e) => e.stack))];
  for (const functions of [['clone_time_ns'], ['vvar_fault'], ['vdso_join_timens', 'timens_commit'], ['do_hres_timens'], named.slice(0, 5), ['nope'], [''], []]) {
    assert.deepEqual(eventsForFunctions(sim, functions), old(functions), functions.join(','));
  }
  assert.deepEqual([...functionsOfRun(sim)].sort(), [...new Set(events.filter((e) => ['call', 'syscall-enter', 'vdso-enter'].includes(e.kind)).map((e) => e.fn))].sort());
});

/** Events built (Simulation.event) in this thread, where the harness's engine runs, while counting is on. */
let built = 0;
let counting = false;
function countEventsBuilt(): () => void {
  const proto = SimulationImpl.prototype;
  const original = proto.event;
  proto.event = function (this: SimulationImpl, index: number) { if (counting) built++; return original.call(this, index); };
  return () => { proto.event = original; };
}
async function counted<T>(body: () => Promise<T>): Promise<T> {
  counting = true;
  try {
    return await body();
  } finally {
    counting = false;
  }
}

// Counts, not times: the walk built one event per event between the cursor and the change (all of them for an
// object changed first), and find built every event; the answers now come from the index and the columns.
test('the engine answers lastChange and find by functions without building events, at every position', async () => {
  const restore = countEventsBuilt();
  after(restore);
  const h = engineHarness();
  const uri = 'file:///reads.timens';
  await h.host.request('open', { uri, version: 1, file: '/reads.timens', text: readsScenario(400) });
  const s = (await h.host.request('run', { uri, version: 1, request: DEFAULTS, job: 1, source: 'run' }))!;
  const n = s.eventCount;
  assert.ok(n > 2000);
  const lastChange = (obj: string, field?: string) => h.host.request('lastChange', { runId: s.runId, obj, ...(field ? { field } : {}) });
  const answers: (number | null)[] = [];
  for (let p = n; p >= 0; p -= 97) {
    await h.host.request('move', { runId: s.runId, move: { kind: 'goto', position: p }, source: 'command' });
    answers.push(...await counted(async () => [await lastChange('ns#1', 'offsets'), await lastChange('P1', 'nsproxy'), await lastChange('P2')]));
  }
  assert.equal(built, 0, 'lastChange built events');
  assert.ok(answers.filter((a) => a !== null).length > 40, 'the offsets write is found');
  const [clone, faults] = await counted(async () => [
    await h.host.request('find', { runId: s.runId, functions: ['clone_time_ns'] }),
    await h.host.request('find', { runId: s.runId, functions: ['vvar_fault'] }),
  ]);
  assert.equal(built, 0, 'find built events');
  assert.ok(clone.length >= 1 && clone.some((e) => e.fn === 'clone_time_ns'), JSON.stringify(clone.slice(0, 3)));
  assert.ok(faults.length >= 1);
  h.close();
});
