// The comparison of verify, without a kernel: identities as a bijection, clock offsets and durations within
// their tolerances, and whole scenarios against a kernel made from the model, broken one field at a time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Bijection } from '../../../extension/verify/identity';
import { compareRun } from '../../../extension/verify/compare';
import { planScenario, profileForKernel } from '../../../extension/verify/plan';
import type { KernelLine } from '../../../extension/verify/protocol';
import { LOCAL_TOLERANCES } from '../../../extension/verify/index';
import { kernelFromModel } from './fakeKernel';
import { INFO, MODE, PROFILE, verdicts } from './verdicts';

const ROOT = path.resolve(__dirname, '../../../..');

test('the profile comes from the kernel: architecture, and the nearest known version at or below the release', () => {
  assert.deepEqual(profileForKernel('aarch64', '6.12.118+deb12-arm64'), { arch: 'arm64', kernel: '6.12', disabledPatches: [] });
  assert.deepEqual(profileForKernel('x86_64', '6.17.2'), { arch: 'x86_64', kernel: '6.17', disabledPatches: [] });
  assert.deepEqual(profileForKernel('x86_64', '6.19.14+deb13-amd64')?.kernel, '6.18');
  assert.deepEqual(profileForKernel('aarch64', '7.3.4+deb13-arm64')?.kernel, '7.3');
  assert.deepEqual(profileForKernel('aarch64', '8.0.1')?.kernel, '7.3');
  assert.deepEqual(profileForKernel('x86_64', '6.1.0-57-amd64')?.kernel, '6.1');
  assert.equal(profileForKernel('riscv64', '6.18'), null);
  assert.equal(profileForKernel('x86_64', '5.4.0'), null);
});

test('a bijection: a kernel namespace that is two model names, or a name that is two kernel namespaces, is a clash', () => {
  const b = new Bijection('time namespace');
  assert.equal(b.pair(100, 'ns#0'), null);
  assert.equal(b.pair(101, 'ns#1'), null);
  assert.equal(b.pair(101, 'ns#1'), null, 'the same pair again is fine');
  const twoNames = b.pair(101, 'ns#2');
  assert.ok(twoNames && /\[101\] is the model's ns#1 and also ns#2/.test(twoNames.message), twoNames?.message);
  const twoInodes = b.pair(102, 'ns#0');
  assert.ok(twoInodes && /ns#0 is two kernel time namespaces, \[100\] and \[102\]/.test(twoInodes.message), twoInodes?.message);
});

test('a freed model namespace gives its inode back: the kernel may reuse it for a new one', () => {
  const b = new Bijection('time namespace');
  b.pair(200, 'ns#1');
  b.release('ns#1');
  assert.equal(b.pair(200, 'ns#2'), null);
  assert.equal(b.modelOf(200), 'ns#2');
});

test('a kernel that answers what the model says agrees on every line of every x86_64 scenario', () => {
  for (const dir of ['examples', 'test/conformance']) {
    for (const f of fs.readdirSync(path.join(ROOT, dir)).filter((x) => x.endsWith('.timens'))) {
      const r = verdicts(fs.readFileSync(path.join(ROOT, dir, f), 'utf8'), undefined, f);
      if (r.fileNotChecked) continue;
      assert.equal(r.disagree, 0, `${f}: ${JSON.stringify(r.lines.filter((l) => l.status === 'disagree'))}`);
      assert.ok(r.agree > 0, f);
    }
  }
});

const SCENARIO = [
  'P1: unshare(CLONE_NEWTIME)',                                   // line 1
  'P1: write("/proc/self/timens_offsets", "monotonic 3600 0")',   // 2
  'P1: fork() = P2',                                              // 3
  'P2: clock_gettime(CLOCK_MONOTONIC)',                           // 4
  'P2: clock_nanosleep(CLOCK_MONOTONIC, 0, 1s)',                  // 5
  'P2: timerfd_settime(CLOCK_BOOTTIME, 0, 2s)',                   // 6
  'P1: write("/proc/self/timens_offsets", "monotonic 1 0")',      // 7
  'P1: readlink("/proc/P2/ns/time")',                             // 8
].join('\n');

test('a broken errno is a disagreement on its line, in the outcome field, with both values', () => {
  const r = verdicts(SCENARIO, (k) => { const l = k.get(7)!; l.res = { ...l.res!, f: { ...l.res!.f, errno: 'EPERM', ret: '-1' } }; });
  const bad = r.lines.filter((l) => l.status === 'disagree');
  assert.deepEqual(bad.map((l) => l.line + 1), [7]);
  assert.deepEqual(bad[0].diffs[0], { field: 'outcome', kernel: 'EPERM', model: 'EACCES' });
});

test('clock readings are offsets from the host clock: agree within half a second, disagree by whole seconds', () => {
  const shift = (by: number) => (k: Map<number, KernelLine>) => {
    const l = k.get(4)!;
    const [s, n] = l.res!.f.v.split(':').map(Number);
    l.res = { ...l.res!, f: { ...l.res!.f, v: `${s + Math.floor(by)}:${String(n + Math.round((by % 1) * 1e9)).padStart(9, '0')}` } };
  };
  assert.equal(verdicts(SCENARIO, shift(0.3)).disagree, 0);
  const r = verdicts(SCENARIO, shift(1));
  const l = r.lines.find((x) => x.line === 3)!;
  assert.equal(l.status, 'disagree');
  assert.equal(l.diffs[0].field, 'clock offset');
  assert.equal(l.diffs[0].kernel, '+3601 s');
  assert.equal(l.diffs[0].model, '+3600 s');
});

test('durations agree within the stated tolerance, and a sleep never ends early', () => {
  const waited = (line: number, w: string) => (k: Map<number, KernelLine>) => { const l = k.get(line)!; l.res = { ...l.res!, f: { ...l.res!.f, w } }; };
  assert.equal(verdicts(SCENARIO, waited(5, '1:200000000')).disagree, 0, 'late by 0.2 s: within 0.25 s');
  assert.equal(verdicts(SCENARIO, waited(5, '1:300000000')).disagree, 1, 'late by 0.3 s');
  assert.equal(verdicts(SCENARIO, waited(5, '0:900000000')).disagree, 1, 'early');
  assert.equal(verdicts(SCENARIO, waited(6, '1:900000000')).disagree, 0, 'a timer read 0.1 s after arming');
  assert.equal(verdicts(SCENARIO, waited(6, '1:500000000')).disagree, 1);
});

test('a sleep to host + …: its wait counts from the supervisor\'s reading of the host clock, not the task\'s own start', () => {
  const text = 'arch x86_64\nkernel 6.18\nP1: clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, host + 200ms)\n';
  // The command reached the task 50 ms after the supervisor read the host clock (h1): its own wait is 150 ms.
  const late = (w: string, fromH1: number) => (k: Map<number, KernelLine>) => {
    const l = k.get(3)!;
    l.res = { ...l.res!, f: { ...l.res!.f, w, h1: '100:000000000', h2: `100:${String(Math.round(fromH1 * 1e9)).padStart(9, '0')}` } };
  };
  assert.equal(verdicts(text, late('0:150000000', 0.21)).disagree, 0, 'woke at the deadline, 50 ms after the command');
  assert.equal(verdicts(text, late('0:150000000', 0.15)).disagree, 1, 'woke 50 ms before the deadline');
  assert.equal(verdicts(text, late('0:500000000', 0.51)).disagree, 1, 'slept 300 ms past it');
});

test('a timer\'s state is compared: disarmed is not expired; a deadline within the tolerance may be either', () => {
  const text = 'arch x86_64\nkernel 6.18\nP1: timerfd_settime(CLOCK_MONOTONIC, 0, 0s)\nP1: timerfd_settime(CLOCK_MONOTONIC, 0, 0.1s)\nP1: timerfd_settime(CLOCK_MONOTONIC, 0, 5s)\n';
  const state = (line: number, tm: string) => (k: Map<number, KernelLine>) => { const l = k.get(line)!; l.res = { ...l.res!, f: { ...l.res!.f, tm } }; };
  assert.equal(verdicts(text).disagree, 0);
  assert.equal(verdicts(text, state(3, 'expired')).disagree, 1, 'the kernel fired a timer the model disarmed');
  assert.equal(verdicts(text, state(4, 'expired')).disagree, 0, '0.1 s left: it may have fired before the helper looked');
  assert.equal(verdicts(text, state(5, 'disarmed')).disagree, 1);
});

test('a namespace link is compared as an identity, not as digits', () => {
  // The kernel's inode differs from the model's inum, but maps to the same name through the bijection.
  const r = verdicts(SCENARIO, (k) => {
    for (const l of k.values()) for (const [name, t] of l.tasks) l.tasks.set(name, { ...t, time: t.time + 7, tfc: t.tfc + 7 });
    const l8 = k.get(8)!;
    const text = Buffer.from(l8.res!.f.text.slice(1), 'hex').toString().replace(/\d+/, (n) => String(Number(n) + 7));
    l8.res = { ...l8.res!, f: { ...l8.res!.f, text: ':' + Buffer.from(text).toString('hex') } };
  });
  assert.equal(r.disagree, 0, JSON.stringify(r.lines.filter((l) => l.status === 'disagree')));
  const wrong = verdicts(SCENARIO, (k) => {
    const l8 = k.get(8)!;
    l8.res = { ...l8.res!, f: { ...l8.res!.f, text: ':' + Buffer.from('time:[4026531834]').toString('hex') } };
  });
  const l = wrong.lines.find((x) => x.line === 7)!;
  assert.equal(l.status, 'disagree');
  assert.deepEqual([l.diffs[0].field, l.diffs[0].kernel, l.diffs[0].model], ['text', 'time: ns#0', 'time: ns#1']);
});

test('a task in the wrong namespace after a line is a state disagreement, reported once where it appears', () => {
  const r = verdicts(SCENARIO, (k) => {
    for (const [line, l] of k) {
      const p2 = l.tasks.get('P2');
      const p1 = l.tasks.get('P1');
      if (p2 && p1 && line >= 3) l.tasks.set('P2', { ...p2, time: p1.time, tfc: p1.time });
    }
  });
  const bad = r.lines.filter((l) => l.status === 'disagree');
  assert.deepEqual(bad.map((l) => l.line + 1), [3, 8], JSON.stringify(bad));
  assert.ok(bad[0].diffs.some((d) => d.field === 'P2.time_ns'), JSON.stringify(bad[0].diffs));
  assert.deepEqual(bad[1].diffs.map((d) => [d.field, d.model]), [['text', 'time: ns#1']], 'readlink of P2\'s namespace then differs too');
});

test('a line the kernel did not run after the model changed state makes the following lines not checkable', () => {
  const text = 'sysctl user.max_time_namespaces=3 userns=user#0\nP1: unshare(CLONE_NEWTIME)';
  const container = { ...PROFILE, machine: { capSysResource: false } };
  const plan = planScenario(text, 't.timens', container, { kind: 'sandbox', uids: 'all', sleepCapMs: 3000 });
  assert.equal(plan.lines[0].command, null);
  const r = compareRun({ plan, kernel: kernelFromModel(plan), info: INFO, tol: LOCAL_TOLERANCES });
  assert.deepEqual(r.lines.map((l) => l.status), ['unchecked', 'agree'], 'the model refused the sysctl (EACCES): nothing diverged');
  const normal = planScenario(text, 't.timens', { ...PROFILE, machine: { capSysResource: true } }, { kind: 'sandbox', uids: 'all', sleepCapMs: 3000 });
  const r2 = compareRun({ plan: normal, kernel: kernelFromModel(normal), info: INFO, tol: LOCAL_TOLERANCES });
  assert.deepEqual(r2.lines.map((l) => l.status), ['unchecked', 'unchecked'], 'the model wrote the limit the kernel was not asked to');
});

test('opening user#0\'s max_time_namespaces for writing is not checkable in the sandbox, whose root may (the open names an fd too)', () => {
  const text = 'P1: open("/proc/sys/user/max_time_namespaces", O_RDWR) = s\nP1: fork() = P2\nP2: unshare(CLONE_NEWUSER)\nP2: open("/proc/sys/user/max_time_namespaces", O_RDWR) = t';
  const container = { ...PROFILE, machine: { capSysResource: false } };
  const plan = planScenario(text, 't.timens', container, { kind: 'sandbox', uids: 'all', sleepCapMs: 3000 });
  assert.match(plan.lines[0].notRun?.notRun ?? '', /sandbox's user namespace has its own/);
  assert.notEqual(plan.lines[3].command, null, 'a child user namespace\'s file is checked');
});

test('the machine\'s own sysctls (overflowuid, overflowgid, suid_dumpable) are never opened for writing nor written; read, they are', () => {
  // the sandbox's root is the machine's kuid 0, which test_perm lets write them: the helper once wrote overflowuid
  const text = 'P1: open("/proc/sys/kernel/overflowuid", O_WRONLY) = o\nP1: write("/proc/sys/fs/suid_dumpable", "2")\nP1: pwrite("/proc/sys/kernel/overflowgid", "1", 0)\nP1: open("/proc/sys/kernel/overflowgid") = r';
  const plan = planScenario(text, 't.timens', PROFILE, { kind: 'sandbox', uids: 'all', sleepCapMs: 3000 });
  for (const i of [0, 1, 2]) assert.match(plan.lines[i].notRun?.notRun ?? '', /setting of the whole machine/, `line ${i + 1}`);
  assert.notEqual(plan.lines[3].command, null);
});

test('a set*id id is the uid_t the call receives: 4294967296 is uid 0 (run), -2 is 4294967294 (beyond the sandbox), -1 no id', () => {
  const text = 'P1: fork() = A\nA: setuid(4294967296)\nA: setresuid(4294967295, -1, -2)\nA: setgid(-1)';
  const plan = planScenario(text, 't.timens', PROFILE, { kind: 'sandbox', uids: 'all', sleepCapMs: 3000 });
  assert.notEqual(plan.lines[1].command, null);
  assert.match(plan.lines[2].notRun?.notRun ?? '', /uid 4294967294 is beyond/);
  assert.notEqual(plan.lines[3].command, null, '(gid_t)-1: the kernel\'s EINVAL');
});

test('a write of user#0\'s id map that map_write refuses for its position is not checkable in the sandbox (its namespace has a parent)', () => {
  // fuzz seed 725226 on Linux 6.18: kernel EINVAL (map_write's *ppos test), model EPERM (proc_uid_map_write: !ns->parent)
  const text = 'P1: open("/proc/self/uid_map", O_RDWR) = m\nP1: read(m, 4)\nP1: write(m, "0 0 1")\nP1: lseek(m, 0)\nP1: write(m, "0 0 1")';
  const plan = planScenario(text, 't.timens', PROFILE, { kind: 'sandbox', uids: 'all', sleepCapMs: 3000 });
  assert.match(plan.lines[2].notRun?.notRun ?? '', /no parent/);
  assert.notEqual(plan.lines[4].command, null, 'at position 0 both say EPERM');
  assert.ok(planScenario(text, 't.timens', PROFILE, MODE).lines.every((l) => l.notRun === null), 'qemu\'s initial namespace has no parent either');
});

test('a file written for another architecture, or without a patch, is not checkable as a whole', () => {
  const arm = verdicts('arch arm64\nkernel 6.1\nP1: unshare(CLONE_NEWTIME)');
  assert.match(arm.fileNotChecked ?? '', /written for arm64/);
  const patch = verdicts('arch arm64\nkernel 5.9\npatch off zap-vvar\nP1: unshare(CLONE_NEWTIME)');
  assert.match(patch.fileNotChecked ?? '', /without patch zap-vvar/);
  const runOn = verdicts('arch arm64\nkernel 6.1\n# run-on: x86_64 6.18\nP1: unshare(CLONE_NEWTIME)');
  assert.equal(runOn.fileNotChecked, null);
});

test('ids beyond what the sandbox maps are not checkable, in id maps, setuid and spawn; qemu\'s initial namespaces check them', () => {
  const text = [
    'P1: fork() = P2', 'P2: unshare(CLONE_NEWUSER)',
    'P1: write("/proc/P2/uid_map", "0 100000 1")', 'P1: write("/proc/P2/gid_map", "0 0 65536")',
    'spawn P3 uid=65536', 'spawn P4 uid=65535', 'P1: open("/proc/P2/uid_map", O_WRONLY) = u', 'P1: setuid(70000)',
  ].join('\n');
  const sandbox = planScenario(text, 't.timens', PROFILE, { kind: 'sandbox', uids: 'all', sleepCapMs: 3000 });
  const why = (n: number) => sandbox.lines.find((l) => l.line === n - 1)?.notRun?.notRun ?? null;
  assert.match(why(3) ?? '', /lower uid 100000 is beyond what the sandbox maps \(0-65535\)/);
  assert.equal(why(4), null, 'gids 0-65535 exist in the sandbox');
  assert.match(why(5) ?? '', /uid 65536 is beyond/);
  assert.equal(why(6), null);
  assert.match(why(8) ?? '', /uid 70000 is beyond/);
  const unprivileged = planScenario(text, 't.timens', PROFILE, { kind: 'sandbox', uids: 'root-only', sleepCapMs: 3000 });
  assert.match(unprivileged.lines[3].notRun?.notRun ?? '', /gids 0-65535 do not exist in a sandbox made without root/);
  const qemu = planScenario(text, 't.timens', PROFILE, MODE);
  assert.ok(qemu.lines.every((l) => l.notRun === null), JSON.stringify(qemu.lines.map((l) => l.notRun)));
});

test('an id map line is measured against the sandbox as map_write reads it: u32 fields, and lines it refuses are checked', () => {
  const text = [
    'P1: fork() = A', 'A: unshare(CLONE_NEWUSER)', 'P1: write("/proc/A/uid_map", "0 0 18446744073709551617")',
    'P1: fork() = B', 'B: unshare(CLONE_NEWUSER)', 'P1: write("/proc/B/uid_map", "0 1000 4294967295")',
    'P1: fork() = C', 'C: unshare(CLONE_NEWUSER)', 'P1: write("/proc/C/uid_map", "0 0 4294967296000")',
  ].join('\n');
  const sandbox = planScenario(text, 't.timens', PROFILE, { kind: 'sandbox', uids: 'all', sleepCapMs: 3000 });
  const why = (n: number) => sandbox.lines.find((l) => l.line === n - 1)?.notRun?.notRun ?? null;
  assert.equal(why(3), null, 'count 2^64 + 1 wraps to 1 (simple_strtoul into a u32)');
  assert.equal(why(6), null, 'lower + count wraps: EINVAL on both sides');
  assert.equal(why(9), null, 'a count of 1000 * 2^32 is 0 as a u32: EINVAL on both sides');
});

test('an id map line is measured up to the first NUL, where map_write\'s C string ends', () => {
  const text = ['P1: fork() = A', 'A: unshare(CLONE_NEWUSER)', 'P1: write("/proc/A/uid_map", "0 100000 1\\0junk")'].join('\n');
  const sandbox = planScenario(text, 't.timens', PROFILE, { kind: 'sandbox', uids: 'all', sleepCapMs: 3000 });
  assert.match(sandbox.lines.find((l) => l.line === 2)?.notRun?.notRun ?? '', /lower uid 100000 is beyond what the sandbox maps/);
});

test('a touch beyond its mapping once a mapping was moved is not checkable; within it, or beyond it while the mappings lie side by side, it is', () => {
  const text = 'kernel 6.18\nP1: touch([vvar], 5)\nP1: mremap([vdso], 2, MREMAP_MAYMOVE|MREMAP_FIXED)\nP1: touch([vdso], 3)\nP1: touch([vdso], 1)';
  // On a real kernel the reservation MREMAP_FIXED moved [vdso] into lay right below [vvar] (Debian arm64 6.12), so its page 3 was [vvar] page 1.
  const r = verdicts(text, (k) => { const l = k.get(4)!; l.res = { ...l.res!, f: { ...l.res!.f, sig: 'SIGBUS' } }; });
  const status = (n: number) => r.lines.find((l) => l.line === n - 1)!;
  assert.equal(status(2).status, 'agree', 'touch([vvar], 5) reaches [vvar_vclock] page 1, where the model lays it');
  assert.equal(status(4).status, 'unchecked');
  assert.match(status(4).reason ?? '', /page 3 is beyond \[vdso\] after the special mappings were moved or unmapped/);
  assert.equal(status(5).status, 'agree');
  assert.equal(r.disagree, 0);
});

test('a thread made in a vfork child is not run: glibc would set it up in the memory of the suspended parent', () => {
  const text = 'kernel 6.18\nP1: vfork() = C\nC: pthread_create() = T\nP1: pthread_create() = T2';
  const plan = planScenario(text, 't.timens', PROFILE, MODE);
  const why = (n: number) => plan.lines.find((l) => l.line === n - 1)?.notRun?.notRun ?? null;
  assert.match(why(3) ?? '', /a thread made in a vfork child/);
  assert.equal(why(2), null, 'the vfork itself runs');
  const r = compareRun({ plan, kernel: kernelFromModel(plan), info: INFO, tol: LOCAL_TOLERANCES });
  assert.equal(r.lines.find((l) => l.line === 2)?.status, 'unchecked');
});

test('a read through the vDSO once a special mapping was moved is not checkable; through the syscall it is', () => {
  const text = 'kernel 6.18\nP1: clock_gettime(CLOCK_MONOTONIC)\nP1: mremap([vdso], 2, MREMAP_MAYMOVE|MREMAP_FIXED)\nP1: clock_gettime(CLOCK_MONOTONIC)\nP1: clock_gettime(CLOCK_MONOTONIC, syscall)';
  // On Debian's arm64 6.12 a moved [vvar] landed where a moved [vdso] looks for its data: the read worked.
  const r = verdicts(text, (k) => { const l = k.get(4)!; l.res = { ...l.res!, f: { ...l.res!.f, sig: '0' } }; });
  const at = (n: number) => r.lines.find((l) => l.line === n - 1)!;
  assert.equal(at(2).status, 'agree');
  assert.equal(at(4).status, 'unchecked');
  assert.match(at(4).reason ?? '', /a vDSO read after the special mappings were moved or unmapped/);
  assert.equal(at(5).status, 'agree');
  assert.equal(r.disagree, 0);
});

test('a task that dies running its line agrees with a model that kills it there, and only with such a model', () => {
  // glibc's set*id on arm64 with another thread, once [vdso] is gone: the other thread's handler cannot return.
  const text = 'arch arm64\nP1: pthread_create() = K1\nP1: munmap([vdso])\nP1: setresgid(-1, 0, -1)\nK1: id()';
  const died = (k: Map<number, KernelLine>) => { const l = k.get(4)!; l.res = { ...l.res!, f: { skip: 'died', death: 'SIGSEGV' } }; };
  const run = (profile: typeof PROFILE, mutate = died) => {
    const plan = planScenario(profile.arch === 'arm64' ? text : text.replace('arch arm64', '#'), 'd.timens', profile, MODE);
    const kernel = kernelFromModel(plan);
    mutate(kernel);
    return compareRun({ plan, kernel, info: INFO, tol: LOCAL_TOLERANCES }).lines;
  };
  const arm = run(profileForKernel('aarch64', '6.1.0-57-arm64')!);
  assert.deepEqual(arm.map((l) => l.status), ['agree', 'agree', 'agree', 'agree'], JSON.stringify(arm));
  assert.equal(arm[2].model, 'killed (SIGSEGV)');
  // a model that keeps the process (x86_64: glibc's handlers return through its own SA_RESTORER) disagrees
  const x86 = run(PROFILE);
  assert.equal(x86[2].status, 'disagree');
  assert.deepEqual(x86[2].diffs[0], { field: 'outcome', kernel: 'died before answering: killed (SIGSEGV)', model: 'ran' });
  // the other thread, still exiting when the kernel's state is read right after the line, is not a difference there;
  // seen running on the next line too, it is one
  const live = (n: number) => (k: Map<number, KernelLine>) => { const o = k.get(n)!.tasks.get('K1')!; k.get(n)!.tasks.set('K1', { ...o, st: 'live' }); };
  const exiting = run(profileForKernel('aarch64', '6.1.0-57-arm64')!, (k) => { died(k); live(4)(k); });
  assert.deepEqual(exiting.map((l) => l.status), ['agree', 'agree', 'agree', 'agree'], JSON.stringify(exiting));
  const stays = run(profileForKernel('aarch64', '6.1.0-57-arm64')!, (k) => { died(k); live(4)(k); live(5)(k); });
  assert.equal(stays[2].status, 'agree');
  assert.ok(stays[3].diffs.some((d) => d.field === 'K1 state' && d.kernel === 'running'), JSON.stringify(stays[3]));
  // the caller's own call may return before the other thread's fault ends the process (glibc's handler wakes the
  // caller before it returns): an answer says it did, and is compared with the model's own call, then the death
  const answer = (errno: string, death: Record<string, string> = { death: 'SIGSEGV' }) => (k: Map<number, KernelLine>) => {
    const l = k.get(4)!; l.res = { ...l.res!, f: { ret: errno === '0' ? '0' : '-1', errno, sig: '0', ...death } };
  };
  const answered = run(profileForKernel('aarch64', '6.1.0-57-arm64')!, (k) => { answer('0')(k); live(4)(k); });
  assert.deepEqual(answered.map((l) => l.status), ['agree', 'agree', 'agree', 'agree'], JSON.stringify(answered));
  assert.equal(answered[2].model, 'ok, then killed (SIGSEGV)');
  const refused = run(profileForKernel('aarch64', '6.1.0-57-arm64')!, answer('EPERM'));
  assert.equal(refused[2].status, 'disagree');
  assert.deepEqual(refused[2].diffs[0], { field: 'outcome', kernel: 'EPERM', model: 'ok' });
  // answered, and the process lived on once no thread was in glibc's handler (no death field): a difference there
  const survived = run(profileForKernel('aarch64', '6.1.0-57-arm64')!, (k) => { answer('0', {})(k); for (const t of ['P1', 'K1']) for (const n of [4, 5]) { const o = k.get(n)!.tasks.get(t)!; k.get(n)!.tasks.set(t, { ...o, st: 'live' }); } });
  assert.equal(survived[2].status, 'disagree');
  assert.deepEqual(survived[2].diffs[0], { field: 'death', kernel: 'lived on', model: 'killed (SIGSEGV)' });
  assert.ok(survived[2].diffs.some((d) => d.field === 'K1 state' && d.kernel === 'running'), JSON.stringify(survived[2]));
});

test('the signal that killed a process is compared with the model\'s, answered or not; not checkable only when it cannot be told', () => {
  // the same death as above (arm64 glibc set*id, no [vdso]): the model says SIGSEGV
  const text = 'arch arm64\nP1: pthread_create() = K1\nP1: munmap([vdso])\nP1: setresgid(-1, 0, -1)\nK1: id()';
  const profile = profileForKernel('aarch64', '6.12.118+deb12-arm64')!;
  const run = (f: Record<string, string>) => {
    const plan = planScenario(text, 'd.timens', profile, MODE);
    const kernel = kernelFromModel(plan);
    const l = kernel.get(4)!;
    l.res = { ...l.res!, f };
    return compareRun({ plan, kernel, info: INFO, tol: LOCAL_TOLERANCES }).lines[2];
  };
  // the kernel made from the model reports the model's own signal, as the helper does
  const plan = planScenario(text, 'd.timens', profile, MODE);
  assert.deepEqual(kernelFromModel(plan).get(4)!.res!.f, { skip: 'died', death: 'SIGSEGV' });
  assert.equal(run({ skip: 'died', death: 'SIGSEGV' }).status, 'agree');
  for (const [f, kernel] of [
    [{ skip: 'died', death: 'SIGBUS' }, 'killed (SIGBUS)'],
    [{ skip: 'died', death: 'SIGKILL' }, 'killed (SIGKILL)'],
    [{ skip: 'died', death: 'exit:70' }, 'exited (status 70)'],
    [{ ret: '0', errno: '0', sig: '0', death: 'SIGBUS' }, 'killed (SIGBUS)'],
  ] as const) {
    const l = run(f);
    assert.equal(l.status, 'disagree', JSON.stringify(l));
    assert.deepEqual(l.diffs[0], { field: 'death', kernel, model: 'killed (SIGSEGV)' });
  }
  assert.equal(run({ skip: 'died', death: 'SIGBUS' }).kernel, 'died before answering: killed (SIGBUS)');
  assert.equal(run({ ret: '0', errno: '0', sig: '0', death: 'SIGSEGV' }).kernel, 'ok, then killed (SIGSEGV)');
  // reaped before its exit code was read, its pid another process's: the death agrees, the signal cannot be told
  for (const [f, why] of [
    [{ skip: 'died', death: 'unknown:reaped' }, /cannot be told: its \/proc entry was gone \(reaped\)/],
    [{ ret: '0', errno: '0', sig: '0', death: 'unknown:reused' }, /cannot be told: its pid was already another process's/],
    [{ skip: 'died', death: 'bogus' }, /cannot be told: the helper's death field was none of its forms/],
  ] as const) {
    const l = run(f);
    assert.equal(l.status, 'unchecked', JSON.stringify(l));
    assert.match(l.reason ?? '', why);
  }
  // a set*id whose process died after its answer where the model's lives on (x86_64 glibc returns through its own
  // SA_RESTORER): the death is a difference on its line
  const x86 = planScenario(text.replace('arch arm64', '#'), 'd.timens', PROFILE, MODE);
  const k86 = kernelFromModel(x86);
  k86.get(4)!.res = { ...k86.get(4)!.res!, f: { ...k86.get(4)!.res!.f, death: 'SIGSEGV' } };
  const l86 = compareRun({ plan: x86, kernel: k86, info: INFO, tol: LOCAL_TOLERANCES }).lines[2];
  assert.equal(l86.status, 'disagree');
  assert.deepEqual(l86.diffs[0], { field: 'death', kernel: 'killed (SIGSEGV)', model: 'lived on' });
});

test('a relative timer armed with a clock reading is compared as the value\'s offset from each side\'s host clock', () => {
  const text = 'kernel 6.18\nP1: unshare(CLONE_NEWTIME)\nP1: write("/proc/self/timens_offsets", "monotonic 3600 0")\nP1: fork() = P2\nP2: timerfd_settime(CLOCK_MONOTONIC, 0, now - 1s)\nP2: timer_settime(CLOCK_REALTIME, 0, now + 5s)';
  // the machine's host is `by` seconds ahead of the model's, and the kernel's value differs from the model's by `off`
  const machine = (by: number, off = 0, line = 5) => (k: Map<number, KernelLine>) => {
    const l = k.get(line)!;
    const move = (x: string, d: number) => { const [s, n] = x.split(':').map(Number); return `${s + d}:${String(n).padStart(9, '0')}`; };
    l.res = { ...l.res!, f: { ...l.res!.f, h1: move(l.res!.f.h1, by), h2: move(l.res!.f.h2, by), w: move(l.res!.f.w, by + off) } };
  };
  const plan = planScenario(text, 't.timens', PROFILE, MODE);
  assert.ok(plan.lines.every((l) => l.notRun === null), 'both timers run');
  const at = (r: ReturnType<typeof verdicts>, n: number) => r.lines.find((l) => l.line === n - 1)!;
  const same = verdicts(text);
  assert.equal(at(same, 5).status, 'agree');
  assert.equal(at(same, 5).model, 'ok value +3599 s from the host timer armed');
  assert.equal(at(verdicts(text, machine(86400, 0, 6)), 6).status, 'agree', 'the machine\'s wall clock is a day ahead of the model\'s: the same offset');
  assert.equal(at(verdicts(text, machine(40, 0.3)), 5).status, 'agree', 'within the clock tolerance');
  const off = at(verdicts(text, machine(40, 2)), 5);
  assert.equal(off.status, 'disagree');
  assert.deepEqual([off.diffs[0].field, off.diffs[0].kernel, off.diffs[0].model], ['value offset', '+3601 s', '+3599 s']);
  // a value far from 0 on both hosts: EINVAL on the kernel is the kernel's answer to another offset
  const einval = at(verdicts(text, (k) => { const l = k.get(5)!; l.res = { ...l.res!, f: { ...l.res!.f, errno: 'EINVAL', ret: '-1' } }; }), 5);
  assert.deepEqual(einval.diffs[0], { field: 'outcome', kernel: 'EINVAL', model: 'ok' });
});

test('a clock reading used as a duration that lands near 0 or below it on the other side\'s host is not checkable', () => {
  // the namespace's monotonic clock reads 1.5 s at the model's host (1000 s): the value is 0.5 s
  const text = 'kernel 6.18\nP1: unshare(CLONE_NEWTIME)\nP1: write("/proc/self/timens_offsets", "monotonic -999 500000000")\nP1: fork() = P2\nP2: timerfd_settime(CLOCK_MONOTONIC, 0, now - 1s)';
  const behind = (k: Map<number, KernelLine>) => {
    const l = k.get(5)!;
    l.res = { ...l.res!, f: { ...l.res!.f, errno: 'EINVAL', ret: '-1', h1: '999:000000000', h2: '999:000000000' } };
  };
  const r = verdicts(text, behind).lines.find((l) => l.line === 4)!;
  assert.equal(r.status, 'unchecked');
  assert.match(r.reason ?? '', /within \+0\.5 s of 0 or below it on the other side's host/);
});

test('an offsets write the range check decides at the kernel\'s short uptime only stops the lines after it when one side wrote', () => {
  // a fresh VM up 5 s: "monotonic -25 0" is ERANGE there (proc_timens_set_offset checks the range before frozen)
  const upFor5s = (n: number) => (k: Map<number, KernelLine>) => {
    const l = k.get(n)!;
    l.res = { ...l.res!, f: { ...l.res!.f, errno: 'ERANGE', ret: '-1', hm: '5:000000000', hboot: '5:000000000' } };
  };
  const frozen = 'kernel 6.18\nP1: unshare(CLONE_NEWTIME)\nP1: fork() = P2\nP1: write("/proc/self/timens_offsets", "monotonic -25 0")\nP1: clock_gettime(CLOCK_MONOTONIC)';
  const both = verdicts(frozen, upFor5s(4)).lines.slice().sort((a, b) => a.line - b.line);
  const at = (ls: readonly (typeof both)[number][], n: number) => ls.find((l) => l.line === n - 1)!;
  assert.equal(at(both, 4).model, 'EACCES');
  assert.equal(at(both, 4).status, 'unchecked');
  assert.match(at(both, 4).reason ?? '', /the range check adds the host's uptime/);
  assert.equal(at(both, 5).status, 'agree', 'both writes failed: nothing changed on either side');
  const open = 'kernel 6.18\nP1: unshare(CLONE_NEWTIME)\nP1: write("/proc/self/timens_offsets", "monotonic -25 0")\nP1: clock_gettime(CLOCK_MONOTONIC)';
  const one = verdicts(open, upFor5s(3)).lines;
  assert.equal(at(one, 3).status, 'unchecked');
  assert.match(at(one, 4).reason ?? '', /follows line 3/, 'the model wrote the offsets the kernel refused');
});

test('the range check\'s excuse reads an offsets write as the model\'s kernel does: saturated from 7.2, not wrapped', () => {
  // 2 * 2^64 - 25 s: wrapped, -25 s (ERANGE on a host up 5 s, not on the model's up 1000 s); saturated (7.2+,
  // lib/kstrtox.c _parse_integer_limit), ULLONG_MAX, -1 s: in range on both, so a kernel ERANGE is no host's doing.
  const text = 'kernel 7.3\nP1: unshare(CLONE_NEWTIME)\nP1: write("/proc/self/timens_offsets", "monotonic 36893488147419103207 0")';
  const plan = planScenario(text, 't.timens', { arch: 'x86_64', kernel: '7.3', disabledPatches: [] }, MODE);
  assert.equal(plan.lines[1].model.result.errno, null, 'the model (7.3) writes -1 s');
  const kernel = kernelFromModel(plan);
  const l = kernel.get(3)!;
  l.res = { ...l.res!, f: { ...l.res!.f, errno: 'ERANGE', ret: '-1', hm: '5:000000000', hboot: '5:000000000' } };
  const line = compareRun({ plan, kernel, info: INFO, tol: LOCAL_TOLERANCES }).lines.find((v) => v.line === 2)!;
  assert.equal(line.status, 'disagree', `not excused by the hosts' uptimes: ${line.reason ?? ''}`);
  assert.deepEqual(line.diffs[0], { field: 'outcome', kernel: 'ERANGE', model: 'ok' });
});

test('on a machine up for less than the model\'s 1000 s the model boots at its uptime: the range check asks both the same', () => {
  const text = 'kernel 6.18\nP1: unshare(CLONE_NEWTIME)\nP1: write("/proc/self/timens_offsets", "monotonic -25 0")\nP1: write("/proc/self/timens_offsets", "monotonic -3 0")';
  const plan = planScenario(text, 't.timens', PROFILE, MODE, 'l', { monotonic: 5.25, boottime: 7.25 });
  assert.deepEqual(plan.lines[0].model.before.host.monotonic, { sec: 5, nsec: 250000000 });
  assert.deepEqual(plan.lines[0].model.before.host.boottime, { sec: 7, nsec: 250000000 }, 'the boottime difference as a suspend');
  assert.deepEqual(plan.lines.map((l) => l.model.result.errno), [null, 'ERANGE', null], '5.25 s - 25 s is below 0 (proc_timens_set_offset)');
  const longer = planScenario(text, 't.timens', PROFILE, MODE, 'l', { monotonic: 5000, boottime: 5000 });
  assert.deepEqual(longer.lines[0].model.before.host.monotonic, { sec: 5000, nsec: 0 });
  assert.deepEqual(longer.lines.map((l) => l.model.result.errno), [null, null, null]);
});

test('a line the kernel did not run stops the lines after it only when the model changed something in it', () => {
  const refused = (n: number) => (k: Map<number, KernelLine>) => { const l = k.get(n)!; l.res = { ...l.res!, f: { ret: '-1', errno: 'EINVAL', sig: '0', refused: 'range' } }; };
  // [vdso] is 2 pages on x86_64 6.18: its page 2 is nothing of the model's (the helper's ld.so lies there)
  const nothing = verdicts('kernel 6.18\nP1: munmap([vdso], 2)\nP1: clock_gettime(CLOCK_MONOTONIC)', refused(2)).lines;
  assert.equal(nothing[0].status, 'unchecked');
  assert.equal(nothing[1].status, 'agree', 'the model unmapped nothing: both machines are as before');
  const some = verdicts('kernel 6.18\nP1: munmap([vdso])\nP1: clock_gettime(CLOCK_MONOTONIC, syscall)', refused(2)).lines;
  assert.match(some[1].reason ?? '', /follows line 2/, 'the model unmapped the [vdso] the kernel kept');
  // a change the state snapshot does not show (a gid: the snapshot has uid and euid only) still counts: the kernel
  // did not run glibc's setgid (a thread is suspended in vfork), the model did (found by fuzz seed 103092 on 6.1)
  // (the first setgid already made the mm not dumpable, so the second changes nothing else the snapshot shows)
  const gid = verdicts('kernel 6.18\nP1: setgid(1000)\nP1: pthread_create() = T\nT: vfork() = C\nP1: setgid(0)\nP1: id()').lines;
  assert.match(gid[3].reason ?? '', /suspended in vfork/);
  assert.match(gid[4].reason ?? '', /follows line 5/, 'the model changed the gids of P1 and T');
  // a thread made by clone3(CLONE_THREAD) is not in glibc's list: the helper's set*id reaches only the caller
  const raw = verdicts('kernel 6.18\nP1: clone3(CLONE_THREAD|CLONE_SIGHAND|CLONE_VM, exit_signal=0) = K\nK: setresuid(-1, 1000, -1)\nP1: pthread_create() = T\nT: setuid(0)').lines;
  assert.match(raw[1].reason ?? '', /K is a thread made by clone\(CLONE_THREAD\)/);
  const libc = verdicts('kernel 6.18\nP1: pthread_create() = T\nT: setresuid(-1, 1000, -1)').lines;
  assert.equal(libc[1].status, 'agree', 'pthread_create threads are glibc\'s');
});

test('a line the model failed on (a bug in the model) is a disagreement, not a line it could not check', () => {
  const text = 'kernel 6.18\nP1: unshare(CLONE_NEWTIME)\nP1: fork() = P2\n';
  const plan = planScenario(text, 'test.timens', PROFILE, MODE);
  const failed = { ...plan, lines: plan.lines.filter((l) => l.line !== 2), skipped: [...plan.skipped, { line: 2, why: 'the model failed on this line: boom', modelFailed: true }] };
  const r = compareRun({ plan: failed, kernel: kernelFromModel(failed), info: INFO, tol: LOCAL_TOLERANCES });
  const line = r.lines.find((l) => l.line === 2)!;
  assert.equal(line.status, 'disagree');
  assert.equal(r.disagree, 1);
  assert.match(line.diffs[0]!.model, /the model failed on this line: boom/);
  // a line not run for another reason stays not checkable
  const skipped = { ...plan, lines: plan.lines.filter((l) => l.line !== 2), skipped: [...plan.skipped, { line: 2, why: 'not run here' }] };
  assert.equal(compareRun({ plan: skipped, kernel: kernelFromModel(skipped), info: INFO, tol: LOCAL_TOLERANCES }).lines.find((l) => l.line === 2)!.status, 'unchecked');
});

test('a timer saturated at KTIME_MAX, or with an absolute deadline ahead, is compared by its expiry, whatever the two hosts are (found by fuzz seed 39)', () => {
  const text = 'kernel 6.18\nP1: timer_settime(CLOCK_BOOTTIME, 0, 99999999999s)\nP1: timerfd_settime(CLOCK_MONOTONIC, 0, 5s)\nP1: timer_settime(CLOCK_REALTIME, 0, 99999999999s)';
  // the machine's host is `by` seconds ahead of the model's (a wait the helper cut at its cap): its time left is less
  const ahead = (by: number, off = 0, line = 2) => (k: Map<number, KernelLine>) => {
    const l = k.get(line)!;
    const move = (x: string, d: number) => { const [s, n] = x.split(':').map(Number); return `${s + d}:${String(n).padStart(9, '0')}`; };
    l.res = { ...l.res!, f: { ...l.res!.f, h1: move(l.res!.f.h1, by), h2: move(l.res!.f.h2, by), w: move(l.res!.f.w, off - by) } };
  };
  const at = (r: ReturnType<typeof verdicts>, n: number) => r.lines.find((l) => l.line === n - 1)!;
  assert.equal(at(verdicts(text), 2).model, 'ok expires at KTIME_MAX timer armed');
  assert.equal(at(verdicts(text, ahead(2000)), 2).status, 'agree', 'the hosts 2000 s apart');
  const off = at(verdicts(text, ahead(2000, -5)), 2);
  assert.equal(off.status, 'disagree', 'an expiry 5 s short of KTIME_MAX');
  assert.equal(off.diffs[0].field, 'expiry');
  assert.equal(at(verdicts(text, ahead(2000, 0, 3)), 3).status, 'disagree', 'an ordinary timer is still compared by its time left');
  assert.match(at(verdicts(text), 4).reason ?? '', /runs on CLOCK_MONOTONIC/);
  // an absolute deadline given as a number: the machine's clock ran on 2 s while the helper worked (found under qemu)
  const absText = 'kernel 6.18\nP1: timerfd_settime(CLOCK_MONOTONIC, TFD_TIMER_ABSTIME, 5000s)\nP1: timer_settime(CLOCK_BOOTTIME, TIMER_ABSTIME, 1s)';
  assert.equal(at(verdicts(absText, ahead(2)), 2).status, 'agree');
  assert.equal(at(verdicts(absText, ahead(2, 2)), 2).status, 'disagree', 'an expiry 2 s later');
});

test('a timer\'s time left read late on a loaded machine agrees within the host bracket, and only within it (arm64 7.3.4 under qemu)', () => {
  const text = 'kernel 6.18\nP1: timerfd_settime(CLOCK_BOOTTIME_ALARM, 0, 5000s)';
  // the time left is read `late` seconds after h1 (by h2), and is `short` seconds less than the model's
  const read = (late: number, short: number) => (k: Map<number, KernelLine>) => {
    const l = k.get(2)!, f = l.res!.f; // the kernel's answers are keyed by 1-based line
    const move = (x: string, d: number) => { const [sec, nsec] = x.split(':').map(Number); const t = sec * 1e9 + nsec + Math.round(d * 1e9); return `${Math.floor(t / 1e9)}:${String(t % 1e9).padStart(9, '0')}`; };
    const h1 = '100:000000000'; // the model's kernel reads no host clock around a timer
    l.res = { ...l.res!, f: { ...f, h1, h2: move(h1, late), w: move(f.w, -short) } };
  };
  const at = (r: ReturnType<typeof verdicts>) => r.lines.find((l) => l.line === 1)!;
  assert.equal(at(verdicts(text)).status, 'agree');
  assert.equal(at(verdicts(text, read(1.9, 1.7))).status, 'agree', 'read 1.9 s late, 1.7 s short');
  const early = at(verdicts(text, read(0.1, 1.7)));
  assert.equal(early.status, 'disagree', 'read at once, yet 1.7 s short');
  assert.equal(early.diffs[0].field, 'time left');
  assert.equal(at(verdicts(text, read(1.9, -1.5))).status, 'disagree', 'a late read gives no more time left');
});

test('fidelity-i2\'s wrapped vDSO sum: the kernel\'s +4 s agrees as the sum of a read whose nanoseconds carried a second, and is not checkable when the helper saw the vDSO fall back', () => {
  // fidelity-i2-offsets-64bit.timens: the vDSO's u64 sum wraps, the system call's timespec64_add does not (+4 s)
  const text = 'kernel 6.18\nP1: unshare(CLONE_NEWTIME)\nP1: write("/proc/self/timens_offsets", "monotonic 5 18446744072709551616")\n'
    + 'P1: fork() = P2\nP2: clock_gettime(CLOCK_MONOTONIC)\nP2: clock_gettime(CLOCK_THREAD_CPUTIME_ID)';
  const syscallAnswer = (fb?: string) => (k: Map<number, KernelLine>) => {
    const l = k.get(5)!, f = l.res!.f;
    const [sec, nsec] = f.h1.split(':');
    l.res = { ...l.res!, f: { ...f, v: `${Number(sec) + 4}:${nsec}`, ...(fb === undefined ? {} : { fb }) } };
  };
  const at = (r: ReturnType<typeof verdicts>, n: number) => r.lines.find((l) => l.line === n - 1)!;
  assert.equal(at(verdicts(text), 5).status, 'agree');
  const seen = verdicts(text, syscallAnswer('1'));
  assert.equal(at(seen, 5).status, 'unchecked');
  assert.match(at(seen, 5).reason ?? '', /the vDSO fell back to the syscall for this call/);
  assert.equal(seen.disagree, 0);
  // +4 s is also what the vDSO itself gives when its nanoseconds carried a second (a read before the tick's
  // update_vsyscall): the u64 sum does not wrap then
  const carried = at(verdicts(text, syscallAnswer('0')), 5);
  assert.equal(carried.status, 'agree');
  assert.match(carried.kernel ?? '', /carried a second/);
  assert.equal(at(verdicts(text, syscallAnswer()), 5).status, 'agree');
  const neither = at(verdicts(text, (k) => { const l = k.get(5)!, f = l.res!.f; l.res = { ...l.res!, f: { ...f, v: `${Number(f.h1.split(':')[0]) + 100}:${f.h1.split(':')[1]}`, fb: '0' } }; }), 5);
  assert.equal(neither.status, 'disagree', 'a value that is neither sum');
  // a clock the vDSO does not handle: the model's fallback is now checked against what the helper saw
  const cpu = (fb: string) => at(verdicts(text, (k) => { const l = k.get(6)!; l.res = { ...l.res!, f: { ...l.res!.f, path: '?', fb } }; }), 6);
  assert.equal(cpu('1').status, 'agree');
  assert.equal(cpu('0').status, 'disagree');
  assert.deepEqual(cpu('0').diffs?.map((d) => d.field), ['vDSO path']);
});

test('a wait past the sleep cap in an ia32 task without an executable [vdso] is run: the helper\'s SIGALRM handler returns through its own trampoline', () => {
  // helper/task.c installs the ia32 build's cap with SA_RESTORER, so ia32_setup_rt_frame returns it to the helper's
  // rt_sigreturn, not the vDSO's __kernel_rt_sigreturn (once the task of 6.18 died of SIGSEGV there)
  const text = ['P1: fork() = A', 'A: execve("/proc/self/exe", compat)', 'A: clock_nanosleep(CLOCK_MONOTONIC, 0, 5s)', 'A: munmap([vdso])',
    'A: clock_nanosleep(CLOCK_MONOTONIC, 0, 5s)', 'A: clock_nanosleep(CLOCK_MONOTONIC, 0, 30ms)', 'A: futex(FUTEX_WAIT, 5s)',
    'A: futex(FUTEX_WAIT_BITSET, now + 20ms)', 'A: futex_waitv(CLOCK_MONOTONIC, now + 5s)', 'A: clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, now + 5s)',
    'A: mprotect([vdso], PROT_READ)', 'A: futex(FUTEX_WAIT_BITSET, now + 5s)', 'P1: clock_nanosleep(CLOCK_MONOTONIC, 0, 5s)'].join('\n');
  const plan = planScenario(text, 't.timens', PROFILE, MODE);
  const line = (n: number) => plan.lines.find((l) => l.line === n - 1)!;
  for (let n = 3; n <= 13; n++) assert.equal(line(n).notRun, null, `line ${n}`);
  const r = compareRun({ plan, kernel: kernelFromModel(plan), info: INFO, tol: LOCAL_TOLERANCES });
  assert.equal(r.disagree, 0);
  assert.equal(r.unchecked, 0);
  assert.equal(r.lines.find((l) => l.line === 6)!.kernel, 'ETIMEDOUT waited more than the 3 s cap', 'FUTEX_WAIT 5s, cut at the cap');
});
