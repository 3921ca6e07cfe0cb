// Calls into x86_64's legacy vsyscall page (time and gettimeofday via vsyscall): emulated as the system call
// with xonly and emulate, SIGSEGV with vsyscall=none and on arm64; and the scenario words for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../../extension/scenario/parser';
import { runScenario } from '../../../extension/scenario/runner';
import { completionsAt } from '../../../extension/scenario/editor/language';
import { KERNEL_FUNCTIONS } from '../../../extension/sim/index';
import { DEFAULT_PROFILE } from '../../../extension/sim/types';
import { harness, op, OFFSETS } from './helpers';

test('in a time namespace a vsyscall call is emulated as the system call: REALTIME, no offset, path syscall', () => {
  const h = harness('6.18');
  h.run('P1', op.unshare());
  h.run('P1', op.write(OFFSETS, 'monotonic 86400 0'));
  h.run('P1', op.fork('P2'));
  const host = h.sim.state().host.realtime;
  for (const r of [h.run('P2', { op: 'time', via: 'vsyscall' }), h.run('P2', { op: 'gettimeofday', via: 'vsyscall' })]) {
    assert.equal(r.signal, null);
    assert.equal(r.clock?.path, 'syscall');
    assert.equal(r.clock?.value.sec, host.sec, 'CLOCK_REALTIME has no namespace offset');
  }
  const fns = new Set(Array.from({ length: h.sim.eventCount }, (_, i) => h.sim.event(i).fn));
  for (const fn of ['__vsyscall_page', 'emulate_vsyscall', '__x64_sys_time', '__x64_sys_gettimeofday']) {
    assert.ok(fns.has(fn), fn);
    assert.ok(KERNEL_FUNCTIONS.includes(fn), `${fn} is a known kernel function`);
  }
});

test('vsyscall=none and arm64: the call into the page ends in SIGSEGV', () => {
  for (const h of [harness('6.1', 'x86_64', [], { vsyscall: 'none' }), harness('6.12', 'arm64')]) {
    h.run('P1', op.fork('P2'));
    assert.equal(h.run('P1', { op: 'gettimeofday', via: 'vsyscall' }).signal, 'SIGSEGV');
    assert.equal(h.run('P2', { op: 'time', via: 'vsyscall' }).signal, 'SIGSEGV');
  }
  assert.equal(harness('6.18', 'x86_64', [], { vsyscall: 'emulate' }).run('P1', { op: 'time', via: 'vsyscall' }).signal, null);
});

test('only time and gettimeofday take vsyscall; completion offers it there', () => {
  const ok = parseScenario('P1: time(vsyscall)\nP1: gettimeofday(vsyscall)\n');
  assert.deepEqual(ok.diagnostics.filter((d) => d.severity === 'error' || d.code === 'bad-value'), []);
  const bad = parseScenario('P1: clock_gettime(CLOCK_MONOTONIC, vsyscall)\n').diagnostics.find((d) => d.code === 'bad-value');
  assert.ok(bad && /only time and gettimeofday/.test(bad.message), bad?.message);
  assert.deepEqual(bad.range, { line: 0, col: 35, endLine: 0, endCol: 43 });
  const labels = (text: string) => completionsAt(text, 0, text.length, { parsed: null, profile: DEFAULT_PROFILE }).map((c) => c.label);
  assert.ok(labels('P1: time(').includes('vsyscall'));
  assert.ok(!labels('P1: clock_gettime(CLOCK_MONOTONIC, ').includes('vsyscall'));
  const run = runScenario('arch x86_64\nmachine vsyscall=none\nP1: time(vsyscall)\nexpect signal == SIGSEGV\n');
  assert.ok(run.passed, JSON.stringify(run.expectations.map((e) => e.message)));
});
