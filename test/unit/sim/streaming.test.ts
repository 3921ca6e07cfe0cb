// A simulation without history (createSimulation(profile, { keepHistory: false })): each step's events read as a
// full recording's do, the state at the end is the same, travelling back is refused with a clear message, and the
// memory it keeps does not grow with the number of events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { createSimulation } from '../../../extension/sim/index';
import type { Simulation } from '../../../extension/sim/api';
import type { Operation, Step } from '../../../extension/sim/ops';
import { C, F } from './helpers';

const PROFILE = { arch: 'x86_64', kernel: '6.18', disabledPatches: [] } as const;

/** Steps that touch every part of the model but create no objects that outlive them once the loop is running. */
function* workload(): Generator<Step> {
  let line = 0;
  const step = (task: string | null, operation: Operation): Step => ({ line: line++, task, operation });
  yield step('P1', { op: 'open', path: '/proc/self/ns/time', mode: 'r', fd: 'root' });
  yield step('P1', { op: 'unshare', flags: F.CLONE_NEWTIME });
  yield step('P1', { op: 'write', file: { path: '/proc/self/timens_offsets' }, data: 'monotonic 100 0\nboottime 200 0\n' });
  yield step('P1', { op: 'fork', child: 'C' });
  for (let k = 0; ; k++) {
    yield step('C', { op: 'clock_gettime', clock: C.CLOCK_MONOTONIC, via: 'vdso' });
    yield step('C', { op: 'clock_gettime', clock: C.CLOCK_BOOTTIME, via: 'syscall' });
    yield step('C', { op: 'touch', mapping: '[vvar]', page: k % 4 });
    yield step('P1', { op: 'setns', target: { path: '/proc/C/ns/time' }, nstype: 0 });
    yield step('P1', { op: 'read', file: { path: '/proc/uptime' } });
    yield step('P1', { op: 'setns', target: { fd: 'root' }, nstype: F.CLONE_NEWTIME });
    yield step('C', { op: 'open', path: '/proc/P1/ns/time', mode: 'r', fd: 'x' });
    yield step('C', { op: 'close', fd: 'x' });
    yield step(null, { op: 'sleep', delta: { sec: 0, nsec: 1_000_000 } });
  }
}

function runTo(sim: Simulation, steps: Iterator<Step>, events: number, each?: (step: Step) => void): void {
  while (sim.eventCount < events) {
    const s = steps.next().value as Step;
    sim.exec(s);
    each?.(s);
  }
}

test('without history, each step reads as in a full recording; the end state is the same; going back is refused', () => {
  const full = createSimulation(PROFILE);
  const stream = createSimulation(PROFILE, { keepHistory: false });
  assert.equal(full.keepsHistory, true);
  assert.equal(stream.keepsHistory, false);
  const steps = workload();
  let checked = 0;
  runTo(stream, steps, 20_000, (s) => {
    const first = full.eventCount;
    full.exec(s);
    assert.equal(stream.eventCount, full.eventCount);
    const spans = stream.lineSpans();
    assert.deepEqual(spans.map((x) => ({ ...x })), [{ line: s.line, first, end: full.eventCount }]);
    assert.deepEqual(stream.resultOfLine(s.line), full.resultOfLine(s.line));
    for (let i = first; i < full.eventCount; i++) {
      assert.deepEqual(stream.event(i), full.event(i));
      assert.equal(stream.kindOf(i), full.kindOf(i));
      assert.equal(stream.depthOf(i), full.depthOf(i));
      checked++;
    }
    assert.deepEqual(stream.lastChanges(), full.lastChanges());
    if (first > 0) assert.throws(() => stream.event(first - 1), /event \d+ is gone: without history only the last step's events/);
  });
  assert.ok(checked >= 20_000);
  assert.deepEqual(stream.state(), full.state());
  assert.equal(stream.stateOf!('tasks', 'C'), stream.state().tasks.C);
  // Expectations are steps of their own; the spans handed out for the step before stay as they were.
  const held = stream.lineSpans();
  const heldLine = held[0].line;
  stream.recordExpectation(9999, 'C', true, 'expect C.time_ns == ns#1: ok');
  assert.deepEqual(stream.lineSpans().map((x) => x.line), [9999]);
  assert.deepEqual(held.map((x) => x.line), [heldLine]);
  assert.equal(stream.event(stream.eventCount - 1).summary, 'expect C.time_ns == ns#1: ok');
  assert.equal(stream.resultOfLine(0), undefined, 'results of earlier lines are gone');
  // Travel: only staying at the end is allowed.
  const n = stream.eventCount;
  stream.goto(n);
  assert.equal(stream.stepForward(), false);
  assert.throws(() => stream.stepBack(), /stepBack: this simulation keeps no history \(createSimulation\(profile, \{ keepHistory: false \}\)\)/);
  assert.throws(() => stream.goto(0), /goto\(0\): this simulation keeps no history/);
  assert.equal(stream.position, n);
  // A what-if fork from the end works, and keeps no history either.
  const fork = stream.forkAtPosition();
  assert.equal(fork.keepsHistory, false);
  assert.deepEqual(fork.state(), stream.state());
});

function getGc(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/** Heap kept after `events` events, over the heap before the simulation was made. */
function retained(keepHistory: boolean, events: number[]): number[] {
  const gc = getGc();
  gc();
  const h0 = process.memoryUsage().heapUsed;
  const sim = createSimulation(PROFILE, { keepHistory });
  const steps = workload();
  const out: number[] = [];
  for (const n of events) {
    runTo(sim, steps, n);
    gc();
    gc();
    out.push(process.memoryUsage().heapUsed - h0);
  }
  assert.ok(sim.eventCount >= events[events.length - 1]);
  return out;
}

test('without history the memory kept does not grow with the events (10^5 and 8·10^5 events, against what history keeps)', () => {
  retained(false, [20_000]); // warm-up: compiled code and the first chunks of the columns
  const [c, d] = retained(true, [100_000, 200_000]);
  assert.ok(d / c > 1.5, `with history it grows: ${(c / 1e6).toFixed(2)} MB, then ${(d / 1e6).toFixed(2)} MB (the check can fail)`);
  const [a, b] = retained(false, [100_000, 800_000]);
  // Kept history would add about 7 times c over the 7·10^5 more events; without it the growth is noise (a few
  // hundred KB of compiled code and caches), so it is held to a tenth of what history keeps for 10^5 events.
  assert.ok(b - a < c / 10, `without history: ${(a / 1e6).toFixed(2)} MB after 10^5 events, ${(b / 1e6).toFixed(2)} MB after 8·10^5; history keeps ${(c / 1e6).toFixed(2)} MB per 10^5`);
});
