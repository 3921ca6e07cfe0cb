// The helper's output read strictly: any line, however hostile, becomes a record or 'noise' and never throws;
// console frames are checked; the initramfs writer and the image sniffer read what they should.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { crc32, deathOf, decodeHex, parseLine, unframe, seconds } from '../../../extension/verify/protocol';
import { cpioNewc } from '../../../extension/verify/cpio';
import { checkCmdline, machineFromCmdline, sniffImage } from '../../../extension/verify/qemu';
import { verifyCommand } from '../../../extension/verify/cli';
import { ABSENT_PID, OPERATIONS, helperOpsHeader, procPathToken } from '../../../extension/verify/operations';
import { clockPointUnchecked } from '../../../extension/verify/operationsClock';
import { createSimulation } from '../../../extension/sim/index';
import { CLONE_FLAGS, machineOf, type Machine } from '../../../extension/sim/types';
import { machineText } from '../../../extension/verify/plan';

test('parseLine never throws, whatever the bytes, and keeps what it does not know as noise', () => {
  fc.assert(fc.property(fc.string({ maxLength: 300, unit: 'binary' }), (s) => { parseLine(s); }), { numRuns: 3000 });
  const words = fc.constantFrom('res', 'obs', 'hello', 'ready', 'fail', 'done', 'error', 'task', 'ns', 'vma', 'P1', '-', '1', '0', 'x=1', 'st=live', 'text=:zz', ':', '=', '[vvar]:4:1');
  fc.assert(fc.property(fc.array(words, { maxLength: 8 }), (ws) => { parseLine(ws.join(' ')); }), { numRuns: 3000 });
  assert.equal(parseLine('res 3 P1 ret=0 errno=0 sig=0').kind, 'res');
  assert.equal(parseLine('res 3 P1 ret=0 errno').kind, 'noise', 'a field without =');
  assert.equal(parseLine('res 0 P1 ret=0').kind, 'noise', 'line 0 is no scenario line');
  assert.equal(parseLine('res 3 $(rm) ret=0').kind, 'noise', 'a task name that is not one');
  assert.equal(parseLine('obs 3 task P1 st=dead').kind, 'noise');
  assert.equal(parseLine('obs 3 vma P1 [vvar]:4:9').kind, 'noise', 'a protection that is not one');
  assert.equal(parseLine('res 3 P1 ret=\u0000').kind, 'noise', 'control characters');
  assert.equal(parseLine('x'.repeat(500_000)).kind, 'noise');
});

test('fields named like Object.prototype do not reach the prototype', () => {
  const r = parseLine('res 2 P1 ret=0 errno=0 sig=0 constructor=1');
  assert.equal(r.kind, 'res');
  if (r.kind === 'res') assert.equal(Object.getPrototypeOf(r.f), null);
});

test('hex and time values are decoded strictly', () => {
  assert.equal(decodeHex(':74696d65'), 'time');
  assert.equal(decodeHex(':'), '');
  assert.equal(decodeHex('74696d65'), null);
  assert.equal(decodeHex(':7'), null);
  assert.equal(decodeHex(':zz'), null);
  assert.equal(seconds('12:500000000'), 12.5);
  assert.ok(Number.isNaN(seconds('12:5')));
  assert.ok(Number.isNaN(seconds('1e3:000000000')));
});

test('a death field is the signal, the exit status, or why neither can be told, and nothing else', () => {
  const r = parseLine('res 4 P1 skip=died death=SIGSEGV');
  assert.ok(r.kind === 'res');
  assert.deepEqual(deathOf(r.f), { kind: 'signal', signal: 'SIGSEGV' });
  assert.deepEqual(deathOf({ death: 'exit:70' }), { kind: 'exit', status: 70 });
  assert.deepEqual(deathOf({ death: 'unknown:reaped' }), { kind: 'unknown', why: 'reaped' });
  assert.equal(deathOf({ ret: '0' }), null, 'no field: the process lives on');
  for (const bad of ['sigsegv', 'SIG', 'exit:256', 'exit:-1', 'unknown:toString', 'unknown:', ''])
    assert.deepEqual(deathOf({ death: bad }), { kind: 'unknown', why: 'malformed' }, bad);
});

test('a console frame is accepted only with its checksum', () => {
  const payload = 'done 7';
  const line = `[   12.3] noise before @@TV ${payload} ~${crc32(payload).toString(16).padStart(8, '0')}`;
  assert.equal(unframe(line), payload);
  assert.equal(unframe(line.replace('done 7', 'done 8')), null, 'damaged by interleaved console text');
  assert.equal(unframe('@@TV done 7'), null);
  assert.equal(crc32('123456789'), 0xcbf43926, 'the standard CRC-32 check value');
});

test('the initramfs is a newc cpio archive the kernel can unpack', () => {
  const data = new TextEncoder().encode('hello');
  const a = cpioNewc([{ name: 'dev', type: 'dir', mode: 0o755 }, { name: 'dev/console', type: 'char', mode: 0o600, rdev: [5, 1] }, { name: 'plan', type: 'file', mode: 0o644, data }]);
  const text = new TextDecoder('latin1').decode(a);
  const headers = [...text.matchAll(/070701([0-9a-f]{104})/g)].map((m) => m[1].match(/.{8}/g)!.map((h) => parseInt(h, 16)));
  assert.equal(headers.length, 4, 'three entries and the trailer');
  assert.equal(headers[1][1], 0o020600, 'a character device');
  assert.deepEqual([headers[1][9], headers[1][10]], [5, 1]);
  assert.equal(headers[2][6], 5, 'file size');
  assert.ok(text.includes('plan\u0000') && text.includes('TRAILER!!!'));
  assert.equal(a.length % 4, 0);
});

test('kernel images tell their architecture and release', () => {
  const bz = new Uint8Array(0x400);
  bz.set(new TextEncoder().encode('HdrS'), 0x202);
  bz[0x20e] = 0x00; bz[0x20f] = 0x01;          // version string at 0x100 + 0x200
  bz.set(new TextEncoder().encode('6.1.0-57-amd64 (debian-kernel@lists.debian.org) #1\u0000'), 0x300);
  assert.deepEqual(sniffImage(bz), { arch: 'x86_64', release: '6.1.0-57-amd64' });
  const img = new Uint8Array(0x1000);
  img.set([0x41, 0x52, 0x4d, 0x64], 0x38);
  img.set(new TextEncoder().encode('Linux version 6.12.118+deb12-arm64 (gcc)'), 0x800);
  assert.deepEqual(sniffImage(img), { arch: 'arm64', release: '6.12.118+deb12-arm64' });
  assert.deepEqual(sniffImage(new Uint8Array(16)), { arch: null, release: null });
});

test('an arm64 Image header says its page size (flags bits 1-2, booting.rst), which the hello\'s getpagesize() confirms', () => {
  const img = new Uint8Array(0x1000);
  img.set([0x41, 0x52, 0x4d, 0x64], 0x38);
  img.set(new TextEncoder().encode('Linux version 6.12.118+deb12-arm64-16k (gcc)'), 0x800);
  // Debian's images: 0xa (4K, little-endian, anywhere in memory), 0xc (16K)
  for (const [flags, pageSize] of [[0xa, 4096], [0xc, 16384], [0xe, 65536]] as const) {
    img[24] = flags;
    assert.deepEqual(sniffImage(img), { arch: 'arm64', release: '6.12.118+deb12-arm64-16k', pageSize });
  }
  img[24] = 0;
  assert.equal(sniffImage(img).pageSize, undefined, 'unspecified (before 3.17)');
  const hello = (ps: string) => parseLine(`hello proto=1 arch=aarch64 release=6.12.118+deb12-arm64-16k mode=initial euid=0 pagesize=${ps} timens=1 userns=1 capsysres=1 rtc=1 clocksource=arch_sys_counter vsyscall=none exec32=1`);
  assert.deepEqual((hello('16384') as { machine: object }).machine, { capSysResource: true, rtc: true, clocksource: 'arch_sys_counter', vsyscall: 'none', pageSize: 16384 });
  assert.equal((hello('8192') as { machine: { pageSize?: number } }).machine.pageSize, undefined, 'no arm64 page size');
});

test('the hello says whether the pvclock page mapped (kvm-clock used since boot): the model\'s machine follows it', () => {
  const hello = (pv: string) => parseLine(`hello proto=1 arch=x86_64 release=6.18.44 mode=sandbox euid=0 pagesize=4096 timens=1 userns=1 capsysres=1 rtc=1 clocksource=tsc pvclock=${pv} vsyscall=none exec32=1`) as { machine: Partial<Machine> };
  assert.equal(hello('1').machine.kvmclockUsed, true);
  assert.equal(hello('0').machine.kvmclockUsed, false);
  assert.equal(hello('-1').machine.kvmclockUsed, undefined, 'not probed: the clocksource decides');
  assert.equal(machineOf({ arch: 'x86_64', machine: hello('1').machine }).kvmclockUsed, true);
  assert.match(machineText(machineOf({ arch: 'x86_64', machine: hello('1').machine })), /clocksource=tsc kvmclock_used=yes/);
  assert.doesNotMatch(machineText(machineOf({ arch: 'x86_64', machine: hello('0').machine })), /kvmclock_used/, 'as the clocksource says');
});

test('every operation has a helper signature, and the generated table lists every task operation once', () => {
  const header = helperOpsHeader();
  for (const [name, spec] of Object.entries(OPERATIONS)) {
    assert.match(spec.sig, /^[ionrkxpFNmTd]*$/, name);
    assert.equal(header.includes(`OP(${name}, "${spec.sig}",`), !(spec.flags & 1), name);
  }
});

test('only the /proc files the model knows become helper paths; task names and model pids are resolved', () => {
  const before = createSimulation({ arch: 'x86_64', kernel: '6.18', disabledPatches: [] }).state();
  const c = { mode: { kind: 'sandbox', uids: 'all', sleepCapMs: 3000 } as const, profile: { arch: 'x86_64', kernel: '6.18', disabledPatches: [] } as const, before, task: 'P1' };
  assert.equal(procPathToken('/proc/self/timens_offsets', c), 'self/timens_offsets');
  assert.equal(procPathToken('/proc/P1/ns/time_for_children', c), '@P1/ns/time_for_children');
  assert.equal(procPathToken(`/proc/${before.tasks.P1.pid}/ns/time`, c), '@P1/ns/time');
  // name_to_int (fs/proc/util.c) refuses a leading 0: the helper is sent a pid nobody has, not P1's
  assert.equal(procPathToken(`/proc/0${before.tasks.P1.pid}/ns/time`, c), `#${ABSENT_PID}/ns/time`);
  assert.equal(procPathToken('/proc/uptime', c), 'uptime');
  // a thread's directory (fs/proc/base.c proc_task_lookup): both names resolved, the rest as below /proc/PID
  assert.equal(procPathToken('/proc/self/task/P1/ns/time', c), 'self/task/@P1/ns/time');
  assert.equal(procPathToken(`/proc/P1/task/${before.tasks.P1.pid}`, c), '@P1/task/@P1');
  assert.equal(procPathToken('/proc/P1/task/Gone/stat', c), `@P1/task/#${ABSENT_PID}/stat`);
  // a trailing slash after a task's directory stays (fs/namei.c lookup_last follows /proc/self for it: readlink is
  // EINVAL); the helper had been sent "self" and read the link
  assert.equal(procPathToken('/proc/self/', c), 'self/');
  assert.equal(procPathToken('/proc/thread-self/', c), 'thread-self/');
  assert.equal(procPathToken('/proc/self', c), 'self');
  assert.equal(procPathToken('/proc/P1/task/P1/', c), '@P1/task/@P1/');
  for (const bad of ['/etc/passwd', '/proc/self/../../etc/shadow', '/proc/1/ns/time', '/proc/self/mem', '/proc/self/ns/net', '/proc/nobody/ns/time', '/proc/self/ns/time/..',
    '/proc/self/task', '/proc/self/task/self/stat', '/proc/self/task/1/stat', '/proc/self/task/P1/status', '/proc/thread-self/task/P1/stat']) {
    assert.equal(procPathToken(bad, c), null, bad);
  }
});

test('a /proc path of a task name that is no task at this line: a pid above PID_MAX_LIMIT (ENOENT), or not run when the name could be a /proc entry', () => {
  const before = createSimulation({ arch: 'x86_64', kernel: '6.18', disabledPatches: [] }).state();
  const c = { mode: { kind: 'sandbox', uids: 'all', sleepCapMs: 3000 } as const, profile: { arch: 'x86_64', kernel: '6.18', disabledPatches: [] } as const, before, task: 'P1' };
  const reason = (r: unknown): string => (r as { notRun: string }).notRun;
  assert.deepEqual(OPERATIONS.readlink.encode({ op: 'readlink', path: '/proc/K11/ns/user' } as never, c), [`#${ABSENT_PID}/ns/user`]);
  assert.deepEqual(OPERATIONS.write.encode({ op: 'write', file: { path: '/proc/K11/uid_map' }, data: '0 0 1' } as never, c), [`path:#${ABSENT_PID}/uid_map`, ':3020302031']);
  assert.deepEqual(OPERATIONS.setns.encode({ op: 'setns', target: { path: '/proc/K11' }, nstype: 0 } as never, c), [`path:#${ABSENT_PID}`, '0']);
  assert.ok(ABSENT_PID > 4 * 1024 * 1024, 'above PID_MAX_LIMIT of a 64-bit kernel');
  // a lower-case name could be an entry of /proc's root (sys, net…), where the path is no ENOENT
  assert.match(reason(OPERATIONS.readlink.encode({ op: 'readlink', path: '/proc/sys/ns/user' } as never, c)), /^sys is no task at this line/);
  assert.match(reason(OPERATIONS.write.encode({ op: 'write', file: { path: '/proc/k11/uid_map' }, data: '0 0 1' } as never, c)), /^k11 is no task/);
  assert.match(reason(OPERATIONS.readlink.encode({ op: 'readlink', path: '/proc/self/ns/net' } as never, c)), /^the helper opens only/);
  assert.deepEqual(OPERATIONS.readlink.encode({ op: 'readlink', path: '/proc/P1/ns/user' } as never, c), ['@P1/ns/user']);
});

test('an absolute wall-clock deadline is not run, unless it is 0 or negative (refused before any clock is read)', () => {
  const at = (sec: number, nsec = 0) => ({ base: 'abs' as const, delta: { sec, nsec } });
  assert.match(clockPointUnchecked(0, true, at(5))?.notRun ?? '', /absolute wall-clock deadline/);
  assert.equal(clockPointUnchecked(0, true, at(0)), null);
  assert.equal(clockPointUnchecked(0, true, at(-1)), null);
  assert.equal(clockPointUnchecked(11, true, at(-1, 500000000)), null, 'CLOCK_TAI, -0.5 s');
  assert.equal(clockPointUnchecked(1, true, at(5)), null, 'CLOCK_MONOTONIC is aligned');
});

test('--kernel-cmdline adds boot options but never verify\'s own, and goes with --kernel-image', async () => {
  assert.equal(checkCmdline('vsyscall=xonly'), null);
  assert.equal(checkCmdline('vsyscall=xonly ia32_emulation=0'), null);
  assert.match(checkCmdline('vsyscall=xonly rdinit=/bin/sh')!, /sets rdinit=, which verify needs/);
  assert.match(checkCmdline('console=tty0')!, /sets console=/);
  assert.match(checkCmdline('a  b')!, /printable words separated by single spaces/);
  assert.match(checkCmdline('x\ny')!, /printable words/);
  const run = async (...args: string[]) => { let err = ''; const code = await verifyCommand(args, () => undefined, (s) => { err += s; }); return { code, err }; };
  assert.deepEqual(await run('--kernel-cmdline', 'vsyscall=xonly', 'x.timens'), { code: 2, err: "timens verify: --arch, --kernel and --kernel-cmdline go with --kernel-image\nTry 'timens --help'.\n" });
  assert.equal((await run('--kernel-image', '/nonexistent', '--kernel-cmdline', 'init=/x', 'x.timens')).code, 2);
  // a switch takes no value ('--verbose=no' had been --verbose)
  assert.deepEqual(await run('--verbose=no', 'x.timens'), { code: 2, err: "timens verify: --verbose takes no value\nTry 'timens --help'.\n" });
  assert.deepEqual(await run('--json=0', 'x.timens'), { code: 2, err: "timens verify: --json takes no value\nTry 'timens --help'.\n" });
});

test('a relative time that the wall clock carries past KTIME_MAX is not run on REALTIME_ALARM and TAI (found on arm64 6.12)', () => {
  const at = (sec: number) => ({ base: 'abs' as const, delta: { sec, nsec: 0 } });
  assert.match(clockPointUnchecked(8, false, at(9223372000))?.notRun ?? '', /past KTIME_MAX/);
  assert.match(clockPointUnchecked(11, false, at(9223372000))?.notRun ?? '', /past KTIME_MAX/);
  assert.equal(clockPointUnchecked(0, false, at(9223372000)), null, 'a relative REALTIME hrtimer runs on MONOTONIC');
  assert.equal(clockPointUnchecked(8, false, at(5)), null);
});

test('boot options that change the machine are planned for before the hello: vsyscall= and ia32_emulation=', () => {
  assert.deepEqual(machineFromCmdline('vsyscall=xonly'), { vsyscall: 'xonly' });
  assert.deepEqual(machineFromCmdline('ia32_emulation=0 quiet'), { ia32Emulation: false });
  assert.deepEqual(machineFromCmdline('ia32_emulation=off vsyscall=bogus'), { ia32Emulation: false });
  assert.deepEqual(machineFromCmdline('ia32_emulation=1'), { ia32Emulation: true });
});

test('FUTEX_WAIT\'s relative timeout of now + … is a clock reading used as a duration: not run; FUTEX_WAIT_BITSET\'s deadline is', () => {
  const before = createSimulation({ arch: 'arm64', kernel: '6.12', disabledPatches: [] }).state();
  const c = { mode: { kind: 'initial', uids: 'all', sleepCapMs: 3000 } as const, profile: { arch: 'arm64', kernel: '6.12', disabledPatches: [] } as const, before, task: 'P1' };
  const value = { base: 'now' as const, delta: { sec: 0, nsec: 20_000_000 } };
  // found under qemu arm64 6.12 (fuzz seed 112000): a VM up for seconds made now + 20ms a wait under the cap on
  // the model's side and over it on the kernel's, whose clock had moved on while the helper ran the lines before
  assert.match((OPERATIONS.futex_wait.encode({ op: 'futex_wait', futexOp: 0, value } as never, c) as { notRun: string }).notRun, /a clock reading used as a duration/);
  assert.ok(Array.isArray(OPERATIONS.futex_wait.encode({ op: 'futex_wait', futexOp: 9, value } as never, c)), 'FUTEX_WAIT_BITSET runs');
  assert.ok(Array.isArray(OPERATIONS.futex_wait.encode({ op: 'futex_wait', futexOp: 0, value: { base: 'abs', delta: { sec: 0, nsec: 30_000_000 } } } as never, c)), 'a plain 30ms runs');
});

test('CLONE_NEWUSER near the 33-level limit is not run in the sandbox (nested in the host\'s), and is under qemu', () => {
  const sim = createSimulation({ arch: 'x86_64', kernel: '6.18', disabledPatches: [] });
  const sandbox = { kind: 'sandbox', uids: 'all', sleepCapMs: 3000 } as const;
  const profile = { arch: 'x86_64', kernel: '6.18', disabledPatches: [] } as const;
  const unshare = { op: 'unshare', flags: CLONE_FLAGS.CLONE_NEWUSER } as never;
  assert.deepEqual(OPERATIONS.unshare.encode(unshare, { mode: sandbox, profile, before: sim.state(), task: 'P1' }), [String(CLONE_FLAGS.CLONE_NEWUSER)]);
  let line = 0;
  for (let i = 0; i < 25; i++) {
    sim.exec({ line: line++, task: 'P1', operation: { op: 'unshare', flags: CLONE_FLAGS.CLONE_NEWUSER } });
    for (const [path, data] of [['setgroups', 'deny'], ['uid_map', '0 0 1'], ['gid_map', '0 0 1']]) {
      sim.exec({ line: line++, task: 'P1', operation: { op: 'write', file: { path: `/proc/self/${path}` }, data } });
    }
  }
  const c = { mode: sandbox, profile, before: sim.state(), task: 'P1' };
  assert.match((OPERATIONS.unshare.encode(unshare, c) as { notRun: string }).notRun, /25 levels below/);
  assert.match((OPERATIONS.clone3.encode({ op: 'clone3', flags: CLONE_FLAGS.CLONE_NEWUSER, exitSignal: 17, child: 'X' } as never, c) as { notRun: string }).notRun, /kernel's limit/);
  assert.deepEqual(OPERATIONS.unshare.encode(unshare, { ...c, mode: { ...sandbox, kind: 'initial' } as const }), [String(CLONE_FLAGS.CLONE_NEWUSER)]);
  // a task the model does not have (its creating line failed): no crash, the line is sent (found by the fuzz batch)
  assert.deepEqual(OPERATIONS.unshare.encode(unshare, { ...c, task: 'T9' }), [String(CLONE_FLAGS.CLONE_NEWUSER)]);
  // verify in the initial user namespace: the sandbox is one level down, so only the model's level 32 differs
  const oneDown = { ...sandbox, userNsLevel: 1 };
  assert.deepEqual(OPERATIONS.unshare.encode(unshare, { ...c, mode: oneDown }), [String(CLONE_FLAGS.CLONE_NEWUSER)], 'level 25 runs');
  for (let i = 25; i < 32; i++) {
    sim.exec({ line: line++, task: 'P1', operation: { op: 'unshare', flags: CLONE_FLAGS.CLONE_NEWUSER } });
    for (const [path, data] of [['setgroups', 'deny'], ['uid_map', '0 0 1'], ['gid_map', '0 0 1']]) {
      sim.exec({ line: line++, task: 'P1', operation: { op: 'write', file: { path: `/proc/self/${path}` }, data } });
    }
  }
  assert.match((OPERATIONS.unshare.encode(unshare, { mode: oneDown, profile, before: sim.state(), task: 'P1' }) as { notRun: string }).notRun, /32 levels below/);
});
