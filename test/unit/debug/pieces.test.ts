// The adapter's pure parts on the real simulator: the point walk (forwards and backwards are inverse), the
// console expression language (never anything but a clear error), hit conditions and the vvar byte layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { runScenario } from '../../../extension/scenario/index';
import { Timeline, type Point } from '../../../extension/debug/cursor';
import { ExpressionError, evaluateExpression, interpolate } from '../../../extension/debug/expressions';
import { hitConditionHolds } from '../../../extension/debug/breakpoints';
import { blockLayout, pageBytes } from '../../../extension/debug/vvarMemory';

const TEXT = [
  'kernel 6.18',
  'P1: unshare(CLONE_NEWTIME)',
  'P1: write("/proc/self/timens_offsets", "monotonic 86400 0\\nboottime 7 5")',
  'P1: fork() = P2',
  'P2: clock_gettime(CLOCK_BOOTTIME)',
  'sleep 10s',
  'P2: clock_gettime(CLOCK_MONOTONIC)',
  '',
].join('\n');

test('the point walk visits every event once, and prev undoes next', () => {
  const run = runScenario(TEXT);
  assert.ok(run.valid);
  const tl = new Timeline(run.sim);
  const points: Point[] = [];
  for (let p: Point | null = tl.first(); p; p = tl.next(p)) points.push(p);
  const events = points.filter((p) => p.kind === 'event').length;
  assert.equal(events, run.sim.eventCount);
  assert.equal(points[points.length - 1]!.kind, 'end');
  for (let i = 1; i < points.length; i++) {
    const back = tl.prev(points[i]!);
    assert.ok(back && tl.same(back, points[i - 1]!), `prev of point ${i}`);
    assert.ok(tl.position(points[i]!) >= tl.position(points[i - 1]!));
  }
  // Every position maps back to a point at that position.
  for (let pos = 0; pos <= run.sim.eventCount; pos++) assert.equal(tl.position(tl.pointAt(pos)), pos);
});

test('expressions read the state; bad ones give an ExpressionError, never another exception', () => {
  const run = runScenario(TEXT);
  const state = run.sim.state();
  assert.deepEqual(evaluateExpression('ns#1.offsets.boottime', state).value, { sec: 7, nsec: 5 });
  assert.equal(evaluateExpression('P2.time_ns == ns#1 && ns#1.frozen_offsets', state).value, true);
  assert.equal(evaluateExpression('P1.time_ns != P1.time_ns_for_children', state).value, true);
  assert.equal(evaluateExpression('ns#1.offsets.monotonic > 86399', state).value, true);
  assert.equal(evaluateExpression('P2.lastResult.clock.path == vdso-timens', state).value, true);
  assert.deepEqual([...evaluateExpression('P2.time_ns.offsets', state).objects].sort(), ['P2', 'ns#1', 'nsproxy#2'].sort());
  assert.equal(interpolate('mono {ns#1.offsets.monotonic}, bad {nope.x}', state).startsWith('mono 86400.000000000, bad <'), true);
  fc.assert(fc.property(fc.string({ maxLength: 40 }), (text) => {
    try {
      evaluateExpression(text, state);
    } catch (err) {
      assert.ok(err instanceof ExpressionError, `${JSON.stringify(text)} threw ${String(err)}`);
    }
  }), { numRuns: 2000 });
});

test('an expression reads the state\'s own fields only: P1.constructor was Object\'s function, P1[state] a field "[object Object]"', () => {
  const state = runScenario(TEXT).sim.state();
  const problem = (text: string): [string, number] => {
    try {
      return [`value ${String(evaluateExpression(text, state).value)}`, -1];
    } catch (err) {
      assert.ok(err instanceof ExpressionError, `${text} threw ${String(err)}`);
      return [err.message.replace(/ \(fields: .*/, ''), err.column];
    }
  };
  assert.deepEqual(problem('P1.constructor'), ["no field 'constructor'", 3]);
  assert.deepEqual(problem('P1.__proto__'), ["no field '__proto__'", 3]);
  assert.deepEqual(problem('ns#1.offsets.toString'), ["no field 'toString'", 13]);
  assert.deepEqual(problem('tasks.hasOwnProperty'), ["no field 'hasOwnProperty'", 6]);
  assert.deepEqual(problem('P1[state]'), ['an index is a number or a name', 3]);
  assert.deepEqual(problem('constructor'), ['value constructor', -1], 'a bare word that names no object is a constant');
  assert.equal(interpolate('{P1.valueOf}', state), "<no field 'valueOf' (fields: id, pid, tgid, leader, parent, uid, euid, userNs, fullCaps, dumpable, nsproxy, mm)>");
});

test('hit conditions', () => {
  assert.equal(hitConditionHolds('3', 3), true);
  assert.equal(hitConditionHolds('3', 4), false);
  assert.equal(hitConditionHolds('>= 2', 5), true);
  assert.equal(hitConditionHolds('% 2', 3), false);
  assert.equal(hitConditionHolds('% 2', 4), true);
  assert.equal(hitConditionHolds('', 1), true);
});

test('vvar block layout: x86 before 6.12 has no max_cycles and blocks at byte 128; arm64 starts at 0', () => {
  const old = blockLayout({ arch: 'x86_64', kernel: '6.1', disabledPatches: [] });
  assert.equal(old.values, 32);
  assert.equal(old.size, 240);
  const recent = blockLayout({ arch: 'x86_64', kernel: '6.18', disabledPatches: [] });
  assert.equal(recent.values, 40);
  assert.equal(recent.tz_minuteswest, null, 'tz lives once in vdso_time_data from 6.15');
  const run = runScenario(TEXT.replace('kernel 6.18', 'kernel 6.1'));
  const page = run.sim.state().pages['page#ns#1']!;
  assert.equal(page.blockOffset, 128);
  const bytes = pageBytes(page, run.profile);
  const dv = new DataView(bytes.buffer);
  for (const block of [0, 1]) {
    const base: number = 128 + block * old.size;
    assert.equal(dv.getUint32(base, true), 1);
    assert.equal(dv.getInt32(base + 4, true), 0x7fffffff);
    assert.equal(dv.getBigInt64(base + old.values + 7 * 16, true), 7n, 'offset[CLOCK_BOOTTIME].sec');
    assert.equal(dv.getBigUint64(base + old.values + 7 * 16 + 8, true), 5n, 'offset[CLOCK_BOOTTIME].nsec');
  }
  const arm = runScenario(TEXT.replace('kernel 6.18', 'arch arm64\nkernel 5.9'));
  assert.equal(arm.sim.state().pages['page#ns#1']!.blockOffset, 0);
});
