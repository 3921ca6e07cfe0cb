// The /proc names the model does not have (kernel/proc/names.ts): a name no kernel has is the kernel's ENOENT
// (proc_pident_lookup, proc_ns_dir_lookup) or ENOTDIR, a name the kernel has is refused (no errno), in the run, in
// the editor's diagnostics and in verify's plan. The model had answered ENOENT "not modelled" for all of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../../extension/scenario/parser';
import { planScenario } from '../../../extension/verify/plan';
import { F, harness, op } from './helpers';
import { createSimulation } from '../../../extension/sim/index';
import { MODE, PROFILE } from '../verify/verdicts';

test('a name the kernel has and the model does not is refused, with no errno and no fd', () => {
  const h = harness();
  for (const path of ['/proc/self/status', '/proc/self/comm', '/proc/P1/cmdline', '/proc/self/ns/mnt', '/proc/self/ns/net', '/proc/self/fd/0',
    '/proc/self/task/P1/status', '/proc/thread-self/children', '/proc/self/sched', '/proc/self/ksm_stat', '/proc/meminfo', '/proc/sys/kernel/hostname', '/etc/passwd', 'proc/self/stat']) {
    const r = h.run('P1', op.open(path, 'f'));
    assert.equal(r.errno, null, path);
    assert.match(r.refused ?? '', /which the model does not have \(our choice/, path);
  }
  assert.deepEqual(Object.keys(h.sim.state().tasks.P1.fds), [], 'no refused open installed an fd');
  assert.match(h.run('P1', op.read('/proc/self/status')).refused ?? '', /"status" of tgid_base_stuff/);
  assert.match(h.run('P1', op.setnsPath('/proc/self/ns/mnt')).refused ?? '', /namespace link ns\/mnt/);
  assert.match(h.run('P1', op.readlink('/proc/self/exe')).refused ?? '', /"exe"/);
  assert.match(h.run('P1', op.readlink('/proc/self/cwd')).refused ?? '', /"cwd"/);
});

test('a name no kernel has is ENOENT, as proc_pident_lookup and proc_ns_dir_lookup answer; below a file, ENOTDIR', () => {
  const h = harness();
  h.run('P1', op.thread('T1'));
  const errno = (task: string, path: string) => h.run(task, op.open(path, 'f')).errno;
  assert.equal(errno('P1', '/proc/self/nosuchfile'), 'ENOENT');
  assert.equal(errno('P1', '/proc/self/ns/nosuch'), 'ENOENT');
  // children is in tid_base_stuff only; timens_offsets, timers and mountstats in tgid_base_stuff only
  assert.equal(errno('P1', '/proc/self/children'), 'ENOENT');
  assert.equal(errno('P1', '/proc/T1/children'), 'ENOENT', '/proc/TID is a tgid directory too (proc_pid_instantiate)');
  assert.equal(errno('T1', '/proc/thread-self/timens_offsets'), 'ENOENT');
  assert.equal(errno('T1', '/proc/thread-self/mountstats'), 'ENOENT');
  assert.equal(errno('T1', '/proc/thread-self/task'), 'ENOENT');
  assert.equal(errno('P1', '/proc/self/stat/x'), 'ENOTDIR');
  assert.equal(errno('P1', '/proc/self/status/'), 'ENOTDIR');
  assert.equal(h.run('P1', op.readlink('/proc/self/stat/x')).errno, 'ENOTDIR');
  assert.equal(h.run('P1', op.readlink('/proc/self/nosuch')).errno, 'ENOENT');
  assert.equal(errno('P1', '/proc/Nobody/status'), 'ENOENT', 'a task name with no task: no such pid');
  // behind CONFIG_KSM a name below it may be ENOENT or ENOTDIR: refused
  assert.match(h.run('P1', op.open('/proc/self/ksm_stat/x', 'f')).refused ?? '', /ksm_stat/);
});

test('below a file the model has (a trailing slash too) is ENOTDIR; below a namespace link, after its ptrace check', () => {
  const h = harness();
  const errno = (task: string, path: string) => h.run(task, op.open(path, 'f')).errno;
  for (const path of ['/proc/self/timens_offsets/', '/proc/self/uid_map/x', '/proc/self/setgroups/..', '/proc/uptime/', '/proc/stat/x',
    '/proc/sys/user/max_time_namespaces/', '/proc/sys/kernel/overflowuid/x', '/proc/self/ns/time/', '/proc/self/ns/user/x']) {
    assert.equal(errno('P1', path), 'ENOTDIR', path);
  }
  assert.equal(h.run('P1', op.readlink('/proc/self/ns/time_for_children/')).errno, 'ENOTDIR');
  h.run(null, { op: 'spawn', child: 'S', uid: 1000 });
  assert.equal(errno('S', '/proc/P1/ns/time/'), 'EACCES', 'proc_ns_get_link follows the link first');
  assert.equal(errno('S', '/proc/P1/timens_offsets/'), 'ENOTDIR');
  const noTimeNs = createSimulation({ arch: 'x86_64', kernel: '6.18', disabledPatches: [], config: { timeNs: false } });
  assert.equal(noTimeNs.exec({ line: 0, task: 'P1', operation: op.open('/proc/self/timens_offsets/', 'f') }).errno, 'ENOENT', 'not there without CONFIG_TIME_NS');
});

test('/proc/PID/task/TID is a thread of that thread group, with the files of tid_base_stuff (proc_task_lookup)', () => {
  const h = harness();
  h.run('P1', op.fork('A'));
  h.run('A', op.thread('T1'));
  // ksys_unshare switches the calling thread's nsproxy only: T1's time_for_children is its own
  h.run('T1', op.unshare());
  const link = (task: string, path: string) => h.run(task, op.readlink(path));
  const own = link('T1', '/proc/thread-self/ns/time_for_children').text;
  const leaders = link('A', '/proc/thread-self/ns/time_for_children').text;
  assert.notEqual(own, leaders);
  assert.equal(link('A', '/proc/A/task/T1/ns/time_for_children').text, own);
  assert.equal(link('P1', `/proc/${h.sim.state().tasks.A.pid}/task/${h.sim.state().tasks.T1.pid}/ns/time_for_children`).text, own, 'by pid and tid');
  assert.equal(link('A', '/proc/self/task/A/ns/time_for_children').text, leaders);
  assert.equal(link('T1', '/proc/T1/task/A/ns/time_for_children').text, leaders, "a thread's pid names a directory of its thread group");
  // same_thread_group: a task of another group, a number no task has, self: no such entry
  assert.equal(link('A', '/proc/A/task/P1/ns/time').errno, 'ENOENT');
  assert.equal(link('A', '/proc/A/task/99999/ns/time').errno, 'ENOENT');
  assert.equal(link('A', '/proc/A/task/self/ns/time').errno, 'ENOENT');
  // timens_offsets is in tgid_base_stuff only; the thread's directory itself is no link; stat is in both
  assert.equal(h.run('A', op.open('/proc/A/task/T1/timens_offsets', 'f')).errno, 'ENOENT');
  assert.equal(link('A', '/proc/A/task/T1').errno, 'EINVAL');
  assert.equal(h.run('A', op.open('/proc/A/task/T1/stat', 'g')).errno, null);
  // setns through the thread's link joins its namespace
  h.run('P1', op.fork('B'));
  assert.equal(h.run('B', op.setnsPath('/proc/A/task/T1/ns/time_for_children', F.CLONE_NEWTIME)).errno, null);
  const st = h.sim.state();
  assert.equal(st.nsproxies[st.tasks.B.nsproxy].time_ns, st.nsproxies[st.tasks.T1.nsproxy].time_ns_for_children);
  // a thread that has exited is no longer there
  h.run('T1', op.exit());
  assert.equal(link('A', '/proc/A/task/T1/ns/time').errno, 'ENOENT');
});

test('the editor reports an unknown task in /proc/PID/task/NAME at the name, and a name the model lacks there', () => {
  const p = parseScenario('P1: pthread_create() = T1\nP1: readlink("/proc/P1/task/T2/ns/time")\nP1: open("/proc/self/task/T1/status") = f\nP1: readlink("/proc/P1/task/T1/ns/time")');
  const unknown = p.diagnostics.filter((d) => d.code === 'unknown-task');
  assert.deepEqual(unknown.map((d) => [d.range.line, d.range.col, d.range.endCol]), [[1, 28, 30]]);
  assert.match(unknown[0].message, /No task named T2/);
  assert.deepEqual(p.diagnostics.filter((d) => d.code === 'not-modelled').map((d) => d.range.line), [2]);
});

test('the editor warns at a path the model does not have, and says nothing of a name no kernel has', () => {
  const p = parseScenario('P1: open("/proc/self/status") = f\nP1: read("/proc/self/nosuch")\nP1: readlink("/proc/self/ns/mnt")\nP1: open("/proc/meminfo") = m\nP1: execve()\nP1: open("/etc/hosts") = e\nP1: setns("/proc/self/ns/time", 0)');
  const warned = p.diagnostics.filter((d) => d.code === 'not-modelled');
  assert.deepEqual(warned.map((d) => [d.range.line, d.range.col, d.severity]), [[0, 9, 'warning'], [2, 13, 'warning'], [3, 9, 'warning'], [5, 9, 'warning']]);
  assert.match(warned[0].message, /it has \/proc\/uptime, .*timens_offsets/);
  assert.deepEqual(p.diagnostics.filter((d) => d.severity === 'error'), [], '/proc/meminfo is no unknown task');
  assert.equal(p.steps.length, 7, 'every line runs (and the run refuses the warned ones)');
});

test('a name with a line break is a name: the kernel splits a path at "/" only; messages show such a path escaped, on one line', () => {
  const h = harness();
  // proc_pident_lookup and proc_ns_dir_lookup compare whole names: "no\nsuch" and "mnt\n" are no entry (ENOENT)
  assert.equal(h.run('P1', op.readlink('/proc/self/no\nsuch')).errno, 'ENOENT');
  assert.equal(h.run('P1', op.readlink('/proc/self/ns/mnt\n')).errno, 'ENOENT');
  h.run('P1', op.open('/x\ny', 'f'));
  h.run('P1', op.setnsPath('/x\ny'));
  for (let i = 0; i < h.sim.eventCount; i++) assert.ok(!/[\n\r]/.test(h.sim.event(i).summary), h.sim.event(i).summary);
  const summaries = Array.from({ length: h.sim.eventCount }, (_, i) => h.sim.event(i).summary);
  assert.ok(summaries.includes('open("/x\\ny", r) as f'), summaries.join('\n'));
  const refused = h.run('P1', op.readlink('1 0 0\n7 0 0')).refused ?? '';
  assert.match(refused, /^"1 0 0\\n7 0 0": a path outside \/proc/);
  const p = parseScenario('P1: readlink("1 0 0\\n7 0 0")\nP1: readlink("/proc/self/\\u2028")');
  const warned = p.diagnostics.filter((d) => d.code === 'not-modelled');
  assert.equal(warned.length, 1, JSON.stringify(p.diagnostics));
  assert.ok(!/[\n\r\u2028\u2029]/.test(warned[0].message), warned[0].message);
  assert.match(warned[0].message, /^"1 0 0\\n7 0 0": a path outside \/proc/);
});

test('verify does not compare a line the model refuses: the helper does not run it, and later lines are still compared', () => {
  const plan = planScenario('P1: open("/proc/self/status") = f\nP1: read("/proc/self/comm")\nP1: unshare(CLONE_NEWTIME)', 't.timens', PROFILE, MODE);
  for (const i of [0, 1]) {
    assert.equal(plan.lines[i].command, null);
    assert.match(plan.lines[i].notRun?.notRun ?? '', /^the model does not run it: \/proc\/self\/(status|comm)/);
    assert.equal(plan.lines[i].notRun?.noChange, true);
  }
  assert.notEqual(plan.lines[2].command, null);
});

test('a task may have a lowercase name: /proc/child is its directory, a misspelt one is an unknown task, /proc/meminfo a root entry', () => {
  const p = parseScenario('P1: fork() = child\nP1: open("/proc/child/timens_offsets") = f\nP1: open("/proc/chld/timens_offsets") = g\nP1: open("/proc/meminfo") = m');
  const errors = p.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors.map((d) => [d.range.line, d.code]), [[2, 'unknown-task']]);
  assert.match(errors[0].message, /chld/);
  assert.deepEqual(p.diagnostics.filter((d) => d.code === 'not-modelled').map((d) => d.range.line), [3]);
  const h = harness();
  h.run('P1', op.fork('child'));
  assert.equal(h.run('P1', op.open('/proc/child/timens_offsets', 'f')).errno, null, "the task's own directory");
  assert.equal(h.run('P1', op.open('/proc/chld/status', 'g')).errno, 'ENOENT', 'no task of that name: no such pid');
});

test('a pid written with a leading 0 names no /proc directory (name_to_int, fs/proc/util.c): ENOENT', () => {
  const h = harness();
  h.run('P1', op.fork('A'));
  const pid = h.sim.state().tasks.A.pid;
  assert.equal(h.run('P1', op.read(`/proc/${pid}/timens_offsets`)).errno, null);
  for (const path of [`/proc/0${pid}/timens_offsets`, `/proc/00${pid}/stat`, `/proc/0${pid}/ns/time`]) {
    assert.equal(h.run('P1', op.open(path, 'f')).errno, 'ENOENT', path);
  }
  assert.equal(h.run('P1', op.readlink(`/proc/0${pid}/ns/time`)).errno, 'ENOENT');
  assert.equal(h.run('P1', op.setnsPath(`/proc/0${pid}/ns/time`)).errno, 'ENOENT');
});
