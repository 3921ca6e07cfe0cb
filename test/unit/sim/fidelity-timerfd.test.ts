// Issue 13 item 6: timerfd_settime with an it_value of 0 disarms, and the zero test comes before the time
// namespace conversion (fs/timerfd.c timerfd_setup), pinned to what Linux 6.18 gave in a probe program.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, op, C, OFFSETS } from './helpers';
import { timerState } from '../../../extension/sim/api';
import type { Operation, TimeExpr } from '../../../extension/sim/ops';
import { parseScenario } from '../../../extension/scenario/parser';
import { runScenario } from '../../../extension/scenario/index';

const at = (base: TimeExpr['base'], sec: number, nsec = 0): TimeExpr => ({ base, delta: { sec, nsec } });
const tfd = (abs: boolean, value: TimeExpr, clock: number = C.CLOCK_MONOTONIC): Operation => ({ op: 'timerfd_settime', clock, abs, value });

function inNamespace(offset: string): ReturnType<typeof harness> {
  const h = harness();
  h.run('P1', op.unshare());
  h.run('P1', op.write(OFFSETS, offset));
  h.run('P1', op.fork('P2'));
  return h;
}

test('an it_value of 0 disarms, relative or absolute, whatever the offset would make of it', () => {
  for (const offset of ['monotonic -10 0', 'monotonic 3600 0']) {
    const h = inNamespace(offset);
    for (const abs of [false, true]) {
      const r = h.run('P2', tfd(abs, at('abs', 0)));
      assert.equal(r.ret, 0);
      assert.equal(timerState(r), 'disarmed', `${offset} abs=${abs}`);
      assert.deepEqual(r.waited, { sec: 0, nsec: 0 }, 'timerfd_gettime reads 0');
    }
  }
});

test('an absolute deadline that converts to 0 or to a past host time is armed and fires at once', () => {
  const neg = inNamespace('monotonic -10 0');
  assert.equal(timerState(neg.run('P2', tfd(true, at('abs', 0, 1)))), 'expired');
  const pos = inNamespace('monotonic 3600 0');
  assert.equal(timerState(pos.run('P2', tfd(true, at('abs', 0, 1)))), 'expired');
  assert.equal(timerState(pos.run('P2', tfd(true, at('abs', 3600)))), 'expired');
  const r = pos.run('P2', tfd(true, at('now', 1)));
  assert.equal(timerState(r), 'armed');
  assert.deepEqual(r.waited, { sec: 1, nsec: 0 });
  assert.equal(timerState(pos.run('P2', tfd(false, at('abs', 0, 1)))), 'armed', 'relative 1 ns is a timer');
});

test('expect timer == disarmed checks the line above; a bad state is a diagnostic', () => {
  const text = 'arch x86_64\nkernel 6.18\nP1: timerfd_settime(CLOCK_MONOTONIC, 0, 0s)\nexpect timer == disarmed\nP1: timerfd_settime(CLOCK_MONOTONIC, 0, 1s)\nexpect timer == disarmed\n';
  const run = runScenario(text);
  assert.deepEqual(run.expectations.map((e) => e.passed), [true, false]);
  assert.match(run.expectations[1].message, /expected the timer disarmed, it is armed/);
  const bad = parseScenario('P1: timerfd_settime(CLOCK_MONOTONIC, 0, 0s)\nexpect timer == disarmd\n');
  assert.ok(bad.diagnostics.some((d) => d.code === 'bad-value' && /timer state/.test(d.message)), JSON.stringify(bad.diagnostics));
});
