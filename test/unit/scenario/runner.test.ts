// The runner on the real simulator: steps run in order, expectations are evaluated against the state after
// the operation above them, failures become diagnostics, parse errors stop everything, options override the header.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenario, describeOperation, completionData } from '../../../extension/scenario/index';

const BASE = [
  'arch x86_64', 'kernel 6.18',
  'P1: unshare(CLONE_NEWTIME)',
  'P1: write("/proc/self/timens_offsets", "monotonic 3600 0\\nboottime 7200 0")',
  'expect ok',
  'expect P1.time_ns == ns#0',
  'expect P1.time_ns_for_children == ns#1',
  'expect ns#1 not frozen',
  'expect ns#1 offset monotonic == 3600s',
  'P1: fork() = P2',
  'expect ns#1 frozen',
  'P2: clock_gettime(CLOCK_BOOTTIME)',
  'expect P2 CLOCK_BOOTTIME == host + 7200s',
  'expect P2 CLOCK_MONOTONIC == host + 3600s',
  'expect P1 CLOCK_MONOTONIC == host',
  'expect P2 CLOCK_REALTIME == host',
].join('\n');

test('a passing scenario: outcomes with stable namespace names, every expectation held', () => {
  const run = runScenario(BASE, { file: 'base.timens' });
  assert.equal(run.valid, true);
  assert.deepEqual(run.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.equal(run.passed, true);
  assert.equal(run.expectations.length, 10);
  assert.deepEqual(run.outcomes.map((o) => [o.line, o.time_ns, o.time_ns_for_children]), [[2, 'ns#0', 'ns#1'], [3, 'ns#0', 'ns#1'], [9, 'ns#0', 'ns#1'], [11, 'ns#1', 'ns#1']]);
  assert.equal(run.outcomes[2].result.child, 'P2');
  assert.ok(run.sim.eventCount > 0);
  // Expectations are recorded in the event log.
  const expects = Array.from({ length: run.sim.eventCount }, (_, i) => run.sim.kindOf(i)).filter((k) => k === 'expect');
  assert.equal(expects.length, 10);
});

test('a failed expectation is a diagnostic on its line saying expected and actual', () => {
  const run = runScenario(BASE.replace('host + 7200s', 'host + 7201s'));
  assert.equal(run.valid, true);
  assert.equal(run.passed, false);
  const failed = run.diagnostics.filter((d) => d.code === 'expect-failed');
  assert.equal(failed.length, 1);
  assert.deepEqual(failed[0].range, { line: 12, col: 0, endLine: 12, endCol: 40 });
  assert.match(failed[0].message, /expected P2 CLOCK_BOOTTIME == host \+ 7201s, it is host \+ 7200s/);
  assert.equal(run.expectations.find((e) => !e.passed)?.actual, 'host + 7200s');
});

test('parse errors: nothing runs', () => {
  const run = runScenario('arch x86_64\nkernel 6.18\nP1: unshar(0)\nexpect ok');
  assert.equal(run.valid, false);
  assert.equal(run.passed, false);
  assert.equal(run.outcomes.length, 0);
  assert.equal(run.sim.eventCount, 0);
});

test('options override the header, and profile checks follow the profile used', () => {
  const text = 'arch x86_64\nkernel 6.18\nP1: unshare(CLONE_NEWTIME)\nP1: vfork() = P2\nexpect errno == EINVAL';
  assert.equal(runScenario(text).passed, false);
  const old = runScenario(text, { kernel: '6.1' });
  assert.equal(old.profile.kernel, '6.1');
  assert.equal(old.passed, true);
  const vclock = 'arch x86_64\nkernel 6.18\nP1: touch([vvar_vclock], 0)';
  assert.equal(runScenario(vclock).valid, true);
  const arm = runScenario(vclock, { arch: 'arm64' });
  assert.equal(arm.valid, false);
  assert.ok(arm.diagnostics.some((d) => d.code === 'not-on-profile'));
});

test('expect forms on results: errno, ret, signal, read, path and pte', () => {
  const run = runScenario([
    'arch arm64', 'kernel 6.12',
    'P1: fork() = P2',
    'P2: touch([vvar], 1)', 'expect signal == SIGBUS',
    'P1: touch([vvar], 0)', 'expect signal == none', 'expect P1 [vvar][0] -> host', 'expect P1 [vvar][1] -> none',
    'P1: readlink("/proc/self/ns/time")', 'expect read == "time:[4026531834]"',
    'P1: clock_gettime(CLOCK_MONOTONIC)', 'expect path == vdso-fast', 'expect ret == 0',
    'P1: write("/proc/self/timens_offsets", "monotonic 1 0")', 'expect errno == EACCES',
  ].join('\n'));
  assert.deepEqual(run.expectations.filter((e) => !e.passed).map((e) => e.message), []);
  assert.equal(run.passed, true);
});

test('maxEvents stops the run with a run-incomplete warning', () => {
  const run = runScenario(BASE, { maxEvents: 5 });
  assert.equal(run.passed, false);
  assert.ok(run.diagnostics.some((d) => d.code === 'run-incomplete'));
  assert.equal(run.outcomes.length, 1);
});

test('describeOperation gives call paths by profile and the version differences', () => {
  const old = describeOperation('execve', { arch: 'x86_64', kernel: '6.1', disabledPatches: [] });
  const neu = describeOperation('execve', { arch: 'x86_64', kernel: '6.2', disabledPatches: [] });
  assert.ok(old && neu);
  assert.ok(!old.callPath.includes('exec_task_namespaces'));
  assert.ok(neu.callPath.includes('exec_task_namespaces'));
  assert.ok(neu.differences.some((d) => d.since === '6.2'));
  const sysinfo = describeOperation('sysinfo', { arch: 'arm64', kernel: '6.12', disabledPatches: [] });
  assert.ok(sysinfo && sysinfo.callPath.includes('do_sysinfo') && sysinfo.callPath.includes('timens_add_boottime'), sysinfo?.callPath.join(' > '));
  assert.ok(sysinfo.differences.some((d) => d.since === '5.6'));
  assert.equal(describeOperation('exec', { arch: 'arm64', kernel: '6.12', disabledPatches: [] })?.word, 'execve');
  assert.equal(describeOperation('nope', { arch: 'arm64', kernel: '6.12', disabledPatches: [] }), undefined);
  const c = completionData();
  assert.ok(c.operations.some((o) => o.word === 'clone3'));
  assert.ok(c.clocks.includes('CLOCK_BOOTTIME'));
  assert.ok(c.flags.cloneFlags.includes('CLONE_NEWTIME'));
});
