// setns(…, race=sigkill): SIGKILL while vdso_join_timens waits for an mmap lock a /proc/PID/maps reader holds.
// x86_64 5.6-5.8 take the write lock killable (-EINTR, the namespace frozen but not entered); 5.9+ and arm64 the
// read lock (no wait). The caller's group dies either way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../../extension/scenario/parser';
import { runScenario } from '../../../extension/scenario/runner';
import { completionsAt } from '../../../extension/scenario/editor/language';
import { formatResult } from '../../../extension/scenario/format';
import { DEFAULT_PROFILE } from '../../../extension/sim/types';

const scenario = (arch: string, kernel: string) => `arch ${arch}\nkernel ${kernel}\nP1: fork() = P2\nP2: unshare(CLONE_NEWTIME)\nP1: pthread_create() = T1\nP1: fork() = P3\nP3: setns("/proc/P2/ns/time_for_children", CLONE_NEWTIME, race=sigkill)\n`;

test('the killable write lock of 5.6-5.8 fails with EINTR after the freeze; the read lock of 5.9+ does not wait', () => {
  for (const [arch, kernel, errno] of [['x86_64', '5.6', 'EINTR'], ['x86_64', '5.8', 'EINTR'], ['x86_64', '5.9', null], ['x86_64', '6.18', null], ['arm64', '5.9', null]] as const) {
    const run = runScenario(scenario(arch, kernel) + 'P3: clock_gettime(CLOCK_MONOTONIC)\n');
    const r = run.outcomes[4]!.result;
    assert.deepEqual([r.ret, r.errno, r.signal], [null, errno, 'SIGKILL'], `${arch} ${kernel}`);
    const s = run.sim.state();
    assert.equal(s.tasks.P3!.state, 'exited', `${arch} ${kernel}: the caller died`);
    assert.equal(s.timeNamespaces['ns#1']!.frozen_offsets, true, `${arch} ${kernel}: frozen in both cases`);
    assert.equal(run.outcomes[5]!.result.errno, 'ESRCH', 'a later line of the dead task does not run');
    const summaries = Array.from({ length: run.sim.eventCount }, (_, i) => run.sim.event(i).summary).join('\n');
    if (errno) assert.match(summaries, /SIGKILL is pending while (down_write_killable|mmap_write_lock_killable) waits: -EINTR/);
    else assert.match(summaries, /the read lock is shared, no wait/);
    assert.match(summaries, /P3 is exiting \(killed by SIGKILL\)/);
  }
});

test('SIGKILL takes the whole thread group', () => {
  const run = runScenario('arch x86_64\nkernel 6.18\nP1: fork() = P2\nP2: unshare(CLONE_NEWTIME)\nP1: pthread_create() = T1\nP1: setns("/proc/P2/ns/time_for_children", CLONE_NEWTIME, race=sigkill)\n');
  assert.equal(run.outcomes[3]!.result.errno, 'EUSERS', 'a threaded caller still fails the single-threaded check');
  assert.equal(run.outcomes[3]!.result.signal, 'SIGKILL');
  assert.equal(run.sim.state().tasks.T1!.state, 'exited');
  assert.equal(run.sim.state().tasks.P1!.state, 'exited');
});

test('the race argument of setns: parse, diagnostics, completion, the result text', () => {
  const p = parseScenario('P1: fork() = P2\nP1: setns("/proc/P2/ns/time", CLONE_NEWTIME, race=sigkill)\n');
  assert.deepEqual(p.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.deepEqual(p.steps[1]!.operation, { op: 'setns', target: { path: '/proc/P2/ns/time' }, nstype: 0x80, race: 'sigkill' });
  const bad = parseScenario('P1: fork() = P2\nP1: setns("/proc/P2/ns/time", CLONE_NEWTIME, race=sigkil)\n').diagnostics;
  assert.ok(bad.some((d) => d.code === 'bad-value' && d.fixes?.[0]?.newText === 'sigkill'), JSON.stringify(bad));
  const labels = completionsAt('P1: setns(fd1, CLONE_NEWTIME, ', 0, 30, { parsed: null, profile: DEFAULT_PROFILE }).map((c) => c.label);
  assert.ok(labels.includes('race=sigkill'), labels.join());
  const out = runScenario('arch x86_64\nkernel 5.8\nP1: fork() = P2\nP2: unshare(CLONE_NEWTIME)\nP1: setns("/proc/P2/ns/time_for_children", CLONE_NEWTIME, race=sigkill)\n');
  assert.equal(formatResult(out.outcomes[2]!.result, out), '= ? (-EINTR in the kernel) +++ killed by SIGKILL +++');
});
