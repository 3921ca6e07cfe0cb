// Verify's comparison of what /proc files and sysinfo read, without a kernel: starttime as a shift from the host's
// view, uptime and btime as boottime offsets (by path and through an fd, whole or in part), and maps by layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KernelLine } from '../../../extension/verify/protocol';
import { kernelText, verdicts } from './verdicts';

test('starttime is compared as the shift from the host\'s view of the task: a tick of rounding agrees, two do not', () => {
  const text = 'arch x86_64\nkernel 6.18\nP1: unshare(CLONE_NEWTIME)\nP1: write("/proc/self/timens_offsets", "boottime 7200 0")\nP1: fork() = A\nA: read("/proc/P1/stat")\nA: sysinfo()\n';
  const hs = (by: bigint) => (k: Map<number, KernelLine>) => { const l = k.get(6)!; l.res = { ...l.res!, f: { ...l.res!.f, hs: String(BigInt(l.res!.f.hs) - by) } }; };
  const clean = verdicts(text);
  assert.equal(clean.disagree, 0);
  assert.match(clean.lines.find((l) => l.line === 5)!.kernel, /starttime of P1 \+720000 ticks from the host's/);
  assert.equal(verdicts(text, hs(1n)).disagree, 0, 'one tick: where in its tick each side\'s task started');
  const r = verdicts(text, hs(2n));
  const l = r.lines.find((x) => x.line === 5)!;
  assert.equal(l.status, 'disagree');
  assert.deepEqual([l.diffs[0].kernel, l.diffs[0].model], ['starttime of P1 +720002 ticks from the host\'s', 'starttime of P1 +720000 ticks from the host\'s']);
  const unshifted = verdicts(text, hs(-720000n));
  assert.equal(unshifted.lines.find((x) => x.line === 5)!.status, 'disagree', 'a kernel that does not shift it (before 5.11)');
});

test('sysinfo\'s uptime is an offset from host boottime within the rounding up to a second', () => {
  const text = 'arch x86_64\nkernel 6.18\nP1: unshare(CLONE_NEWTIME)\nP1: write("/proc/self/timens_offsets", "boottime 7200 0")\nP1: fork() = A\nA: sysinfo()\n';
  const up = (u: string) => kernelText(6, u);
  assert.equal(verdicts(text).disagree, 0);
  assert.equal(verdicts(text, up('uptime=8201')).disagree, 0);
  const r = verdicts(text, up('uptime=1000'));
  assert.equal(r.lines.find((x) => x.line === 5)!.status, 'disagree', 'the host\'s uptime: no offset added');
});

test('/proc/uptime through an fd: the end of the line agrees, a part of it is not compared, the whole line is', () => {
  const text = 'arch x86_64\nkernel 6.18\nP1: open("/proc/uptime") = up\nP1: read(up)\nP1: fork() = C\nC: read(up)\nC: lseek(up, 0)\nC: read(up, 4)\nC: read(up)\nP1: read(up)\n';
  // kernel lines by their line in the file, verdicts from 0
  const status = (r: ReturnType<typeof verdicts>, line: number) => r.lines.find((x) => x.line === line - 1)!.status;
  assert.equal(verdicts(text).disagree, 0);
  // the kernel's numbers are wider than the model's: its first 4 bytes and the rest differ, and are not compared
  const wide = verdicts(text, (k) => { kernelText(8, '6181')(k); kernelText(9, '0.23 54170.74\n')(k); });
  assert.equal(wide.disagree, 0, JSON.stringify(wide.lines.filter((x) => x.status === 'disagree')));
  assert.match(wide.lines.find((x) => x.line === 8)!.kernel, /part of the uptime line \(not compared/);
  // a whole line where the model is at the end (or the other way) is a position apart
  assert.equal(status(verdicts(text, kernelText(6, '1000.00 2000.00\n')), 6), 'disagree');
  assert.equal(status(verdicts(text, kernelText(4, '')), 4), 'disagree');
  // the whole line from the start is compared by its value
  assert.equal(status(verdicts(text, kernelText(4, '9000.00 2000.00\n')), 4), 'disagree');
});

test('/proc/stat through an fd: its btime line from the start is compared, a read past the start is not', () => {
  const text = 'arch x86_64\nkernel 6.18\nP1: open("/proc/stat") = st\nP1: read(st)\nP1: read(st)\nP1: lseek(st, 3)\nP1: read(st)\n';
  assert.equal(verdicts(text).disagree, 0);
  const r = verdicts(text, kernelText(7, 'u 1 2 3\nbtime 12\n'));
  assert.equal(r.disagree, 0);
  assert.match(r.lines.find((x) => x.line === 6)!.kernel, /not compared: the model has the btime line alone/);
  assert.equal(verdicts(text, kernelText(4, 'cpu 1\nbtime 1\n')).lines.find((x) => x.line === 3)!.status, 'disagree');
});

test('a starttime whose u64 sum wrapped on one side only is unwrapped: the tasks started at different host times', () => {
  // the model's P1 started at its boot (1000 s), so boottime -1001 wraps its sum; a kernel's P1 that started at
  // 50000 s does not wrap: both are the same offset from the host's view
  const text = 'arch x86_64\nkernel 6.18\nsleep 2s\nP1: unshare(CLONE_NEWTIME)\nP1: write("/proc/self/timens_offsets", "boottime -1001 0")\nP1: fork() = A\nA: read("/proc/P1/stat")\n';
  const kernelStart = (start: number) => (k: Map<number, KernelLine>) => {
    const l = k.get(7)!;
    const model = Buffer.from(l.res!.f.text.slice(1), 'hex').toString();
    const kText = model.replace(/ \d+\n$/, ` ${start}\n`);
    l.res = { ...l.res!, f: { ...l.res!.f, hs: '5000000', text: ':' + Buffer.from(kText).toString('hex') } };
  };
  assert.equal(verdicts(text).disagree, 0);
  const r = verdicts(text, kernelStart(5000000 - 100100));
  assert.equal(r.disagree, 0, JSON.stringify(r.lines.find((x) => x.line === 6)));
  assert.equal(verdicts(text, kernelStart(5000000)).disagree, 1, 'an unshifted kernel still disagrees');
});

test('a maps read once [vdso] was moved compares the special mappings without their distances: the kernel put the move where the helper reserved room', () => {
  const read = 'P1: read("/proc/self/maps")\n';
  const moved = `arch x86_64\nkernel 6.18\nP1: mremap([vdso], 2, MREMAP_MAYMOVE|MREMAP_FIXED)\n${read}`;
  const still = `arch x86_64\nkernel 6.18\n${read}`;
  // the kernel's [vdso] lies elsewhere than the model's, here 0x10 pages below its [vvar]
  const elsewhere = (line: number) => (k: Map<number, KernelLine>) => {
    const l = k.get(line)!;
    const text = Buffer.from(l.res!.f.text.slice(1), 'hex').toString().replace(/^[0-9a-f]+-[0-9a-f]+(?= r-xp .*\[vdso\])/m, '7ffff7fab000-7ffff7fad000');
    l.res = { ...l.res!, f: { ...l.res!.f, text: ':' + Buffer.from(text).toString('hex') } };
  };
  assert.equal(verdicts(moved).disagree, 0);
  assert.equal(verdicts(moved, elsewhere(4)).disagree, 0);
  assert.equal(verdicts(still, elsewhere(3)).disagree, 1, 'side by side, the distances are the kernel\'s layout');
  const shrunk = (line: number) => (k: Map<number, KernelLine>) => {
    const l = k.get(line)!;
    const text = Buffer.from(l.res!.f.text.slice(1), 'hex').toString().replace(/^([0-9a-f]+)-7f0000002000/m, '$1-7f0000001000');
    l.res = { ...l.res!, f: { ...l.res!.f, text: ':' + Buffer.from(text).toString('hex') } };
  };
  assert.equal(verdicts(moved, shrunk(4)).disagree, 1, 'sizes are still compared');
});

test('a maps read without [vdso] places the others relative to the first: the kernel\'s addresses are randomised', () => {
  const text = 'arch x86_64\nkernel 6.18\nP1: munmap([vdso])\nP1: read("/proc/self/maps")\n';
  // the kernel's mappings lie 0x1000 pages higher than the model's, all of them but the fixed [vsyscall]
  const shifted = (by: number) => (k: Map<number, KernelLine>) => {
    const l = k.get(4)!;
    const text2 = Buffer.from(l.res!.f.text.slice(1), 'hex').toString().replace(/^([0-9a-f]+)-([0-9a-f]+)(?= .*\[vvar)/gm,
      (_, a: string, b: string) => [a, b].map((x) => (parseInt(x, 16) + by * 4096).toString(16)).join('-'));
    l.res = { ...l.res!, f: { ...l.res!.f, text: ':' + Buffer.from(text2).toString('hex') } };
  };
  assert.equal(verdicts(text).disagree, 0);
  assert.equal(verdicts(text, shifted(0x1000)).disagree, 0);
  const apart = (k: Map<number, KernelLine>) => {
    const l = k.get(4)!;
    const text2 = Buffer.from(l.res!.f.text.slice(1), 'hex').toString().replace(/^([0-9a-f]+)-([0-9a-f]+)(?= .*\[vvar_vclock\])/m,
      (_, a: string, b: string) => [a, b].map((x) => (parseInt(x, 16) + 4096).toString(16)).join('-'));
    l.res = { ...l.res!, f: { ...l.res!.f, text: ':' + Buffer.from(text2).toString('hex') } };
  };
  assert.equal(verdicts(text, apart).disagree, 1, 'the distance between [vvar] and [vvar_vclock] is still compared');
});

test('an lseek from the current position after a read of /proc/uptime is not compared; after a read of timens_offsets it is', () => {
  // the kernel's uptime line was a byte shorter than the model's: its position is one less (fuzz seed 510013, 7.3.4)
  const ret = (line: number, by: number) => (k: Map<number, KernelLine>) => { const l = k.get(line)!; l.res = { ...l.res!, f: { ...l.res!.f, ret: String(Number(l.res!.f.ret) + by) } }; };
  const up = 'arch x86_64\nkernel 6.18\nP1: open("/proc/uptime") = up\nP1: read(up)\nP1: lseek(up, 4096, SEEK_CUR)\nP1: lseek(up, 5, SEEK_SET)\n';
  assert.equal(verdicts(up).disagree, 0);
  const r = verdicts(up, ret(5, -1));
  assert.equal(r.disagree, 0);
  assert.match(r.lines.find((x) => x.line === 4)!.reason ?? '', /the position in \/proc\/uptime may count the bytes of a read/);
  assert.equal(verdicts(up, ret(6, -1)).disagree, 1, 'SEEK_SET is still compared');
  const offs = 'arch x86_64\nkernel 6.18\nP1: open("/proc/self/timens_offsets") = o\nP1: read(o)\nP1: lseek(o, 1, SEEK_CUR)\n';
  assert.equal(verdicts(offs, ret(5, -1)).disagree, 1, 'the offsets text is the same on both sides');
});

test('/proc/uptime after an lseek: nothing against a part of the line is not compared, nothing against the whole line is', () => {
  // the kernel's line was 11 bytes long, the model's longer (fuzz seed 530006 on x86_64 6.1)
  const text = 'arch x86_64\nkernel 6.18\nP1: open("/proc/uptime") = up\nP1: lseek(up, 11)\nP1: read(up)\n';
  assert.equal(verdicts(text).disagree, 0);
  assert.equal(verdicts(text, kernelText(5, '')).disagree, 0);
  assert.match(verdicts(text, kernelText(5, '')).lines.find((x) => x.line === 4)!.kernel, /part of the uptime line/);
  const whole = 'arch x86_64\nkernel 6.18\nP1: open("/proc/uptime") = up\nP1: read(up)\n';
  assert.equal(verdicts(whole, kernelText(4, '')).disagree, 1, 'nothing against the whole line from the start');
});

test('a part of /proc/PID/maps or /proc/PID/stat read through an fd is not run, and the lines after it are still compared', () => {
  for (const file of ['/proc/self/maps', '/proc/self/stat']) {
    const text = `arch x86_64\nkernel 6.18\nP1: open("${file}") = m\nP1: read(m, 4)\nP1: read(m)\nP1: lseek(m, 2, SEEK_CUR)\nP1: lseek(m, 0)\nP1: read(m)\nP1: clock_gettime(CLOCK_MONOTONIC)\n`;
    const r = verdicts(text);
    const status = r.lines.map((l) => `${l.line + 1} ${l.status}`);
    assert.deepEqual(status, ['3 agree', '4 unchecked', '5 unchecked', '6 unchecked', '7 agree', '8 agree', '9 agree'], `${file}: ${JSON.stringify(r.lines.map((l) => l.reason))}`);
    assert.match(r.lines[1]!.reason ?? '', /only a whole read from the start is compared/);
  }
});

test('an id map fd opened in user#0 reads the sandbox\'s map after its task left user#0: its text is not compared; one opened in a child namespace is', () => {
  // fuzz seeds 700048, 700174 on 6.18: the fd's file keeps the user namespace it was opened on (proc_id_map_open)
  const text = 'arch x86_64\nkernel 6.18\nP1: open("/proc/P1/uid_map") = f\nP1: unshare(CLONE_NEWUSER)\nP1: read(f)\nP1: write("/proc/self/uid_map", "0 0 1")\nP1: open("/proc/self/uid_map") = g\nP1: read(g)\n';
  const sandbox = { kind: 'sandbox', uids: 'all', sleepCapMs: 3000 } as const;
  const r = verdicts(text, (k) => { kernelText(5, '         0     100000      65536\n')(k); kernelText(8, '         0          0          1\n')(k); }, 't.timens', sandbox);
  const l = (n: number) => r.lines.find((x) => x.line === n - 1)!;
  assert.equal(l(5).status, 'agree', JSON.stringify(l(5)));
  assert.doesNotMatch(l(5).model, /4294967295/, 'the text is left out, as for a read by path of a user#0 task\'s map');
  assert.equal(l(8).status, 'agree');
  const wrong = verdicts(text, kernelText(8, '         0       1000          1\n'), 't.timens', sandbox);
  assert.equal(wrong.lines.find((x) => x.line === 7)!.status, 'disagree');
});

test('readlink of /proc/thread-self is compared as "TGID/task/TID", each number named by its task on its own side', () => {
  const text = 'arch x86_64\nkernel 6.18\nP1: pthread_create() = T\nT: readlink("/proc/thread-self")\n';
  const clean = verdicts(text);
  assert.equal(clean.disagree, 0);
  assert.match(clean.lines.find((x) => x.line === 3)!.kernel, /P1\/task\/T/);
  const leader = verdicts(text, (k) => {
    const tgid = Buffer.from(k.get(4)!.res!.f.text.slice(1), 'hex').toString().split('/')[0];
    kernelText(4, `${tgid}/task/${tgid}`)(k);
  });
  assert.equal(leader.lines.find((x) => x.line === 3)!.status, 'disagree', 'the leader\'s tid where the thread\'s was');
});

test('after a non-leader\'s exec, the pid in /proc/self and /proc/thread-self is the exec\'d thread\'s, not its gone leader\'s', () => {
  // de_thread gives the thread its leader's pid; the model keeps the leader's record, gone, with the same number
  const text = 'arch x86_64\nkernel 6.18\nP1: pthread_create() = T\nT: execve()\nT: readlink("/proc/thread-self")\nT: readlink("/proc/self")\n';
  const r = verdicts(text);
  assert.equal(r.disagree, 0, JSON.stringify(r.lines.filter((x) => x.status === 'disagree')));
  assert.match(r.lines.find((x) => x.line === 4)!.model, /T\/task\/T/);
});
