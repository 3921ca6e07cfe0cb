// Pins what Linux 6.18 x86_64 was observed to do, question by question: Q1–Q11 are test/conformance/facts-qN-*.timens,
// whose headers name the kernel functions that decide.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, op, F, C, shift, OFFSETS, MONO_BOOT, FACTS_MACHINE } from './helpers';

test('Q1 unshare: caller stays, tfc is new, offsets written to tfc, frozen at first entry', () => {
  const h = harness();
  assert.equal(h.run('P1', op.unshare()).ret, 0);
  assert.deepEqual(h.nsOf('P1'), ['ns#0', 'ns#1']);
  assert.equal(h.run('P1', op.read(OFFSETS)).text, 'monotonic           0         0\nboottime            0         0\n');
  assert.equal(h.run('P1', op.write(OFFSETS, MONO_BOOT)).ret, MONO_BOOT.length);
  assert.equal(h.run('P1', op.read(OFFSETS)).text, 'monotonic        3600         0\nboottime         7200         0\n');
  assert.equal(shift(h.run('P1', op.gettime(C.CLOCK_MONOTONIC))), 0, 'the unsharer is not shifted');
  assert.equal(h.sim.state().timeNamespaces['ns#1'].frozen_offsets, false);
  h.run('P1', op.fork('P2'));
  assert.equal(h.sim.state().timeNamespaces['ns#1'].frozen_offsets, true);
  assert.equal(shift(h.run('P2', op.gettime(C.CLOCK_MONOTONIC))), 3600);
  assert.equal(shift(h.run('P2', op.gettime(C.CLOCK_BOOTTIME))), 7200);
  assert.equal(h.run('P1', op.write(OFFSETS, 'monotonic 1 0\n')).errno, 'EACCES');
  assert.equal(h.run('P2', op.write(OFFSETS, 'monotonic 1 0\n')).errno, 'EACCES');
  assert.equal(h.run('P1', op.write('/proc/P2/timens_offsets', 'monotonic 1 0\n')).errno, 'EACCES');
});

test('Q1 check order: frozen still reports EINVAL and ERANGE; init ns is frozen', () => {
  const h = harness();
  assert.equal(h.run('P1', op.write(OFFSETS, 'monotonic 1 0\n')).errno, 'EACCES', 'tfc ns#0 is always frozen');
  assert.equal(h.run('P1', op.write(OFFSETS, 'bogus 1 0\n')).errno, 'EINVAL');
  assert.equal(h.run('P1', op.write(OFFSETS, 'monotonic -99999999 0\n')).errno, 'ERANGE');
});

test('Q1 a second unshare copies the pending offsets into a new writable ns#2', () => {
  const h = harness();
  h.run('P1', op.unshare());
  h.run('P1', op.write(OFFSETS, 'monotonic 3601 0\nboottime 7200 0\n'));
  h.run('P1', op.fork('P2'));
  h.run('P1', op.unshare());
  assert.deepEqual(h.nsOf('P1'), ['ns#0', 'ns#2']);
  const ns2 = h.sim.state().timeNamespaces['ns#2'];
  assert.deepEqual(ns2.offsets.monotonic, { sec: 3601, nsec: 0 });
  assert.equal(h.run('P1', op.write(OFFSETS, 'monotonic 5 0\n')).ret, 14);
});

test('Q2 offsets are absolute, copied from the creator tfc, not summed through nesting', () => {
  const h = harness();
  h.run('P1', op.unshare());
  h.run('P1', op.write(OFFSETS, MONO_BOOT));
  h.run('P1', op.fork('P2'));
  h.run('P2', op.unshare());
  h.run('P2', op.write(OFFSETS, 'monotonic 100 0\n'));
  h.run('P2', op.fork('P3'));
  assert.equal(shift(h.run('P3', op.gettime(C.CLOCK_MONOTONIC))), 100);
  assert.equal(shift(h.run('P3', op.gettime(C.CLOCK_BOOTTIME))), 7200);
});

test('Q3 parser: names, ids, %9s, nsec range, wraps, junk', () => {
  const cases: [string, string | number][] = [
    ['monotonic 1 0\n', 14], ['boottime 1 0', 12], ['1 5 0\n', 6], ['7 5 0\n', 6],
    ['Monotonic 1 0\n', 'EINVAL'], ['realtime 1 0\n', 'EINVAL'], ['0 1 0\n', 'EINVAL'], ['4 1 0\n', 'EINVAL'],
    ['9 1 0\n', 'EINVAL'], ['01 1 0\n', 'EINVAL'], ['monotonic1 2 3', 14], ['monotonicX 2 3', 'EINVAL'],
    ['monotonic 1 999999999\n', 22], ['monotonic 1 1000000000\n', 'EINVAL'], ['monotonic 1 -1\n', 'EINVAL'],
    ['monotonic -1 5\n', 15], ['monotonic 1\n', 'EINVAL'], ['', 'EINVAL'], ['\n', 'EINVAL'],
    ['monotonic 1 0\n\n', 'EINVAL'], ['\nmonotonic 1 0\n', 'EINVAL'], [' \tmonotonic 1 0 junk\n', 21],
    ['monotonic 0x10 0\n', 'EINVAL'], ['monotonic +7 0\n', 'EINVAL'],
    ['monotonic 18446744073709551616 0\n', 33], ['monotonic 9223372036854775808 0\n', 'ERANGE'],
  ];
  for (const [data, want] of cases) {
    const h = harness();
    h.run('P1', op.unshare());
    const r = h.run('P1', op.write(OFFSETS, data));
    if (typeof want === 'number') assert.equal(r.ret, want, JSON.stringify(data));
    else assert.equal(r.errno, want, JSON.stringify(data));
  }
  const h = harness();
  h.run('P1', op.unshare());
  h.run('P1', op.write(OFFSETS, 'monotonic 18446744073709551621 0\n'));
  assert.deepEqual(h.sim.state().timeNamespaces['ns#1'].offsets.monotonic, { sec: 5, nsec: 0 }, '2^64+5 wraps to 5');
  h.run('P1', op.write(OFFSETS, 'monotonic1 2 3'));
  assert.deepEqual(h.sim.state().timeNamespaces['ns#1'].offsets.monotonic, { sec: 1, nsec: 2 });
});

test('Q3 ERANGE bounds follow the host uptime (1000 s at boot)', () => {
  const h = harness();
  h.run('P1', op.unshare());
  const H = h.sim.state().host.monotonic.sec;
  assert.equal(h.run('P1', op.write(OFFSETS, `monotonic ${-H} 0\n`)).errno, null);
  assert.equal(h.run('P1', op.write(OFFSETS, `monotonic ${-H - 1} 0\n`)).errno, 'ERANGE');
  assert.equal(h.run('P1', op.write(OFFSETS, `boottime ${4611686018 - H} 0\n`)).errno, null);
  assert.equal(h.run('P1', op.write(OFFSETS, `boottime ${4611686018 - H + 1} 0\n`)).errno, 'ERANGE');
  assert.equal(h.run('P1', op.write(OFFSETS, 'monotonic 9223372037 0\n')).errno, 'ERANGE');
});

test('Q3 two lines at most, short count, last wins, all-or-nothing', () => {
  const h = harness();
  h.run('P1', op.unshare());
  const three = 'monotonic 1 0\nboottime 2 0\nmonotonic 3 0\n';
  assert.equal(three.length, 41);
  assert.equal(h.run('P1', op.write(OFFSETS, three)).ret, 27);
  assert.deepEqual(h.sim.state().timeNamespaces['ns#1'].offsets, { monotonic: { sec: 1, nsec: 0 }, boottime: { sec: 2, nsec: 0 } });
  assert.equal(h.run('P1', op.write(OFFSETS, 'monotonic 10 0\nmonotonic 11 0\n')).ret, 30);
  assert.equal(h.sim.state().timeNamespaces['ns#1'].offsets.monotonic.sec, 11);
  assert.equal(h.run('P1', op.write(OFFSETS, 'monotonic 20 0\nbogus 1 0\n')).errno, 'EINVAL');
  assert.equal(h.run('P1', op.write(OFFSETS, 'monotonic 20 0\nboottime -99999999 0\n')).errno, 'ERANGE');
  assert.equal(h.sim.state().timeNamespaces['ns#1'].offsets.monotonic.sec, 11, 'nothing applied');
  const many = 'monotonic 1 0\n'.repeat(292);
  assert.equal(many.length, 4088);
  assert.equal(h.run('P1', op.write(OFFSETS, many)).ret, 28);
  assert.equal(h.run('P1', op.write(OFFSETS, 'monotonic 1 0\n'.repeat(293))).errno, 'EINVAL', '>= 4096 bytes');
});

test('Q3 position: lseek(1) EINVAL, lseek(0) ok, pwrite ESPIPE', () => {
  const h = harness();
  h.run('P1', op.unshare());
  h.run('P1', op.open(OFFSETS, 'fd', 'rw'));
  h.run('P1', { op: 'lseek', fd: 'fd', offset: 1 });
  assert.equal(h.run('P1', op.writeFd('fd', 'monotonic 1 0\n')).errno, 'EINVAL');
  h.run('P1', { op: 'lseek', fd: 'fd', offset: 0 });
  assert.equal(h.run('P1', op.writeFd('fd', 'monotonic 1 0\n')).ret, 14);
  assert.equal(h.run('P1', { op: 'pwrite', file: { fd: 'fd' }, data: 'monotonic 1 0\n', offset: 0 }).errno, 'ESPIPE');
  assert.equal(h.run('P1', { op: 'pwrite', file: { fd: 'fd' }, data: 'monotonic 1 0\n', offset: 5 }).errno, 'ESPIPE');
});

test('Q3 permissions: owner of the tfc, opener creds, NEWTIME then NEWUSER', () => {
  const h = harness();
  h.run(null, op.spawn('U', 65534));
  assert.equal(h.run('U', op.unshare()).errno, 'EPERM');
  assert.equal(h.run('U', op.unshare(F.CLONE_NEWTIME | F.CLONE_NEWUSER)).ret, 0);
  assert.equal(h.sim.state().timeNamespaces['ns#1'].userNs, 'user#1');
  assert.equal(h.run('U', op.write(OFFSETS, 'monotonic 50 0\n')).ret, 15);
  h.run('U', op.fork('U2'));
  assert.equal(shift(h.run('U2', op.gettime(C.CLOCK_MONOTONIC))), 50);
  // unshare NEWTIME first, NEWUSER second: the tfc stays owned by user#0.
  const g = harness();
  g.run('P1', op.unshare());
  assert.equal(g.run('P1', op.unshare(F.CLONE_NEWUSER)).ret, 0);
  assert.equal(g.run('P1', op.write(OFFSETS, 'monotonic 5 0\n')).errno, 'EPERM');
  // uid 65534 whose tfc is owned by user#0: EPERM on write; non-dumpable: EACCES at open.
  const k = harness();
  k.run(null, op.spawn('N', 65534));
  assert.equal(k.run('N', op.write(OFFSETS, 'monotonic 5 0\n')).errno, 'EPERM');
  k.run('N', { op: 'prctl_set_dumpable', dumpable: false });
  assert.equal(k.run('N', op.open(OFFSETS, 'fd', 'w')).errno, 'EACCES');
  assert.equal(k.run('N', op.open('/proc/P1/timens_offsets', 'fd2', 'w')).errno, 'EACCES', 'root-owned file');
});

test('Q3 root of the initial user ns can write a tfc owned by user#0 after the owner moved to a child user ns', () => {
  const h = harness();
  h.run('P1', op.fork('Q'));
  h.run('Q', op.unshare());
  h.run('Q', op.unshare(F.CLONE_NEWUSER));
  assert.equal(h.run('P1', op.write('/proc/Q/timens_offsets', 'monotonic 5 0\n')).ret, 14);
  h.run('Q', op.unshare());
  assert.equal(h.sim.state().timeNamespaces['ns#2'].userNs, 'user#1');
  assert.equal(h.run('Q', op.write(OFFSETS, 'monotonic 6 0\n')).ret, 14);
});

test('Q4 setns: EUSERS when multi-threaded, both fields switch, freezes tfc, pidfd joins time_ns', () => {
  const h = harness();
  h.run('P1', op.unshare());
  h.run('P1', op.write(OFFSETS, MONO_BOOT));
  h.run('P1', op.open('/proc/self/ns/time_for_children', 'child'));
  h.run('P1', op.open('/proc/self/ns/time', 'parent'));
  h.run('P1', op.thread('T'));
  assert.equal(h.run('P1', op.setnsFd('child', F.CLONE_NEWTIME)).errno, 'EUSERS');
  assert.equal(h.run('T', op.setnsFd('child', F.CLONE_NEWTIME)).errno, 'EUSERS');
  h.run('T', op.exit());
  assert.equal(h.run('P1', op.setnsFd('child', F.CLONE_NEWTIME)).ret, 0);
  assert.deepEqual(h.nsOf('P1'), ['ns#1', 'ns#1']);
  assert.equal(h.sim.state().timeNamespaces['ns#1'].frozen_offsets, true);
  assert.equal(shift(h.run('P1', op.gettime(C.CLOCK_MONOTONIC, 'vdso'))), 3600);
  assert.equal(shift(h.run('P1', op.gettime(C.CLOCK_MONOTONIC, 'syscall'))), 3600);
  assert.equal(h.run('P1', op.setnsFd('parent', F.CLONE_NEWUSER)).errno, 'EINVAL');
  assert.equal(h.run('P1', op.setnsFd('parent', 0)).ret, 0);
  assert.equal(shift(h.run('P1', op.gettime(C.CLOCK_MONOTONIC, 'vdso'))), 0);
  assert.equal(h.run('P1', op.setnsFd('parent', 0)).ret, 0, 'own namespace is fine');
  // pidfd → target time_ns, not its tfc
  const g = harness();
  g.run('P1', op.fork('Q'));
  g.run('Q', op.unshare());
  g.run('P1', op.open('/proc/Q', 'pfd'));
  g.run('P1', op.setnsFd('pfd', F.CLONE_NEWTIME));
  assert.deepEqual(g.nsOf('P1'), ['ns#0', 'ns#0']);
});

test('Q4 setns into another task tfc freezes it; the owner then gets EACCES', () => {
  const h = harness();
  h.run('P1', op.fork('Q'));
  h.run('Q', op.unshare());
  h.run('P1', op.setnsPath('/proc/Q/ns/time_for_children'));
  assert.deepEqual(h.nsOf('P1'), ['ns#1', 'ns#1']);
  assert.equal(h.run('Q', op.write(OFFSETS, 'monotonic 1 0\n')).errno, 'EACCES');
});

test('Q4 unprivileged: open of another task ns file EACCES, setns own EPERM', () => {
  const h = harness();
  h.run(null, op.spawn('U', 65534));
  assert.equal(h.run('U', op.open('/proc/P1/ns/time', 'fd')).errno, 'EACCES');
  assert.equal(h.run('U', op.setnsPath('/proc/self/ns/time')).errno, 'EPERM');
  h.run('U', op.unshare(F.CLONE_NEWUSER));
  assert.equal(h.run('U', op.setnsPath('/proc/self/ns/time')).errno, 'EPERM', 'full caps in user#1 do not cover ns#0 owned by user#0');
});

test('Q5 fork, vfork, CLONE_VM, thread and exec after unshare (6.18)', () => {
  const h = harness();
  h.run('P1', op.unshare());
  h.run('P1', op.write(OFFSETS, MONO_BOOT));
  h.run('P1', op.vfork('V'));
  assert.deepEqual(h.nsOf('V'), ['ns#0', 'ns#1']);
  h.run('V', op.exec());
  assert.deepEqual(h.nsOf('V'), ['ns#1', 'ns#1']);
  assert.equal(shift(h.run('V', op.gettime(C.CLOCK_MONOTONIC))), 3600);
  assert.equal(h.sim.state().tasks.P1.state, 'running');
  h.run('P1', op.clone(F.CLONE_VM | F.CLONE_VFORK | 17, 'V2'));
  assert.deepEqual(h.nsOf('V2'), ['ns#0', 'ns#1']);
  h.run('V2', op.exit());
  h.run('P1', op.clone(F.CLONE_VM | 17, 'M'));
  assert.deepEqual(h.nsOf('M'), ['ns#0', 'ns#1']);
  h.run('M', op.exit());
  h.run('P1', op.thread('T'));
  assert.deepEqual(h.nsOf('T'), ['ns#0', 'ns#1']);
  assert.equal(shift(h.run('T', op.gettime(C.CLOCK_MONOTONIC))), 0);
  h.run('T', op.fork('TF'));
  assert.deepEqual(h.nsOf('TF'), ['ns#1', 'ns#1']);
  h.run('P1', op.exec());
  assert.deepEqual(h.nsOf('P1'), ['ns#1', 'ns#1']);
  assert.equal(h.sim.state().tasks.T.state, 'exited', 'exec kills the other threads');
  assert.equal(shift(h.run('P1', op.gettime(C.CLOCK_MONOTONIC))), 3600);
  h.run('P1', op.exec());
  assert.deepEqual(h.nsOf('P1'), ['ns#1', 'ns#1']);
});

test('Q5 a thread can unshare alone; /proc/self from a thread is the leader, /proc/<tid> the thread', () => {
  const h = harness();
  h.run('P1', op.thread('T'));
  h.run('T', op.unshare());
  assert.deepEqual(h.nsOf('T'), ['ns#0', 'ns#1']);
  assert.deepEqual(h.nsOf('P1'), ['ns#0', 'ns#0']);
  assert.equal(h.run('T', op.write(OFFSETS, 'monotonic 1 0\n')).errno, 'EACCES', "leader's tfc is ns#0");
  assert.equal(h.run('T', op.write('/proc/T/timens_offsets', 'monotonic 1 0\n')).ret, 14);
  h.run('T', op.fork('F'));
  assert.deepEqual(h.nsOf('F'), ['ns#1', 'ns#1']);
});

test('Q6 clone3(CLONE_NEWTIME) and legacy clone(0x80)', () => {
  const h = harness();
  assert.equal(h.run('P1', op.clone3(F.CLONE_NEWTIME, 'A')).errno, null);
  assert.deepEqual(h.nsOf('A'), ['ns#1', 'ns#1']);
  assert.deepEqual(h.nsOf('P1'), ['ns#0', 'ns#0']);
  assert.equal(h.run('A', op.write(OFFSETS, 'monotonic 1 0\n')).errno, 'EACCES');
  assert.equal(h.run('P1', op.clone3(F.CLONE_NEWTIME | 0x11, 'B', 0)).errno, 'EINVAL', 'SIGCHLD bits in clone3 flags');
  h.run('P1', op.clone3(F.CLONE_NEWTIME | F.CLONE_VM | F.CLONE_VFORK, 'V'));
  assert.deepEqual(h.nsOf('V'), ['ns#0', 'ns#2']);
  h.run('V', op.exec());
  assert.deepEqual(h.nsOf('V'), ['ns#2', 'ns#2']);
  h.run('P1', op.clone3(F.CLONE_NEWTIME | F.CLONE_NEWUSER, 'W'));
  const st = h.sim.state();
  assert.equal(st.timeNamespaces[h.nsOf('W')[0]].userNs, 'user#1');
  h.run('P1', op.clone(F.CLONE_NEWTIME, 'L'));
  assert.deepEqual(h.nsOf('L'), ['ns#0', 'ns#0']);
  assert.equal(h.sim.state().tasks.L.exitSignal, 128);
  h.run('P1', op.clone(F.CLONE_NEWTIME | 17, 'L2'));
  assert.equal(h.sim.state().tasks.L2.exitSignal, 0x91);
  // with a pending tfc carrying +3600, clone3(NEWTIME) copies it
  const g = harness();
  g.run('P1', op.unshare());
  g.run('P1', op.write(OFFSETS, 'monotonic 3600 0\n'));
  g.run('P1', op.clone3(F.CLONE_NEWTIME, 'A'));
  assert.equal(shift(g.run('A', op.gettime(C.CLOCK_MONOTONIC))), 3600);
});

test('Q7 which clocks shift, vDSO and syscall agree; ALARM EINVAL without RTC; negative and fractional offsets', () => {
  const h = harness('6.18', 'x86_64', [], FACTS_MACHINE);
  h.run('P1', op.unshare());
  h.run('P1', op.write(OFFSETS, MONO_BOOT));
  h.run('P1', op.fork('P2'));
  const want: [number, number][] = [
    [C.CLOCK_MONOTONIC, 3600], [C.CLOCK_MONOTONIC_RAW, 3600], [C.CLOCK_MONOTONIC_COARSE, 3600], [C.CLOCK_BOOTTIME, 7200],
    [C.CLOCK_REALTIME, 0], [C.CLOCK_REALTIME_COARSE, 0], [C.CLOCK_TAI, 0],
  ];
  for (const [clock, off] of want) {
    assert.equal(shift(h.run('P2', op.gettime(clock, 'vdso'))), off, `vdso clock ${clock}`);
    assert.equal(shift(h.run('P2', op.gettime(clock, 'syscall'))), off, `syscall clock ${clock}`);
  }
  assert.equal(h.run('P2', op.gettime(C.CLOCK_BOOTTIME_ALARM, 'syscall')).errno, 'EINVAL');
  const r = h.run('P2', op.gettime(C.CLOCK_REALTIME_ALARM, 'vdso'));
  assert.equal(r.errno, 'EINVAL');
  const g = harness();
  g.run('P1', op.unshare());
  g.run('P1', op.write(OFFSETS, 'monotonic -10 0\nboottime 1 750000000\n'));
  g.run('P1', op.fork('P2'));
  assert.equal(shift(g.run('P2', op.gettime(C.CLOCK_MONOTONIC))), -10);
  assert.equal(shift(g.run('P2', op.gettime(C.CLOCK_BOOTTIME))), 1.75);
});

test('Q8 /proc/uptime carries the boottime offset; /proc/stat btime moves back by it', () => {
  const h = harness();
  h.run('P1', op.unshare());
  h.run('P1', op.write(OFFSETS, MONO_BOOT));
  h.run('P1', op.fork('P2'));
  assert.equal(h.run('P1', op.read('/proc/uptime')).text?.split(' ')[0], '1000.00');
  assert.equal(h.run('P2', op.read('/proc/uptime')).text?.split(' ')[0], '8200.00');
  const b1 = Number(h.run('P1', op.read('/proc/stat')).text?.split(' ')[1]);
  const b2 = Number(h.run('P2', op.read('/proc/stat')).text?.split(' ')[1]);
  assert.equal(b1 - b2, 7200);
});

test('Q9 layout and fault table, root and namespace, setns re-fault', () => {
  const h = harness();
  const mm = h.sim.state().mms[h.sim.state().tasks.P1.mm!];
  assert.deepEqual(mm.vmas.map((v) => [v.name, v.pages, (v.start - mm.vmas[2].start) / 4096]), [['[vvar]', 4, -6], ['[vvar_vclock]', 2, -2], ['[vdso]', 2, 0]]);
  const sig = (r: { signal: string | null }): string => r.signal ?? 'ok';
  assert.deepEqual([0, 1, 2, 3].map((p) => sig(h.run('P1', op.touch(p)))), ['ok', 'SIGBUS', 'ok', 'SIGBUS']);
  assert.deepEqual([0, 1].map((p) => sig(h.run('P1', op.touch(p, '[vvar_vclock]')))), ['ok', 'SIGBUS']);
  h.run('P1', op.unshare());
  h.run('P1', op.fork('P2'));
  assert.deepEqual([0, 1, 2, 3].map((p) => sig(h.run('P2', op.touch(p)))), ['ok', 'ok', 'ok', 'SIGBUS']);
  assert.equal(sig(h.run('P1', op.touch(1))), 'SIGBUS', 'unshare alone changes nothing');
  h.run('P1', op.setnsPath('/proc/P2/ns/time'));
  assert.equal(sig(h.run('P1', op.touch(1))), 'ok');
  assert.equal(sig(h.run('P1', op.touch(0))), 'ok');
  const st = h.sim.state();
  const vvar = st.mms[st.tasks.P1.mm!].vmas[0];
  assert.equal(vvar.ptes[0]?.page, 'page#ns#1');
  assert.equal(vvar.ptes[1]?.page, 'page#host');
});

test('Q9 mprotect, munmap, mremap on [vvar]', () => {
  const h = harness();
  const R = 1;
  assert.equal(h.run('P1', { op: 'mprotect', mapping: '[vvar]', prot: R | 2 }).errno, 'EACCES');
  assert.equal(h.run('P1', { op: 'mprotect', mapping: '[vvar]', prot: R | 4 }).errno, 'EACCES');
  assert.equal(h.run('P1', { op: 'mprotect', mapping: '[vvar]', prot: 0 }).ret, 0);
  assert.equal(h.run('P1', op.touch(0)).signal, 'SIGSEGV');
  assert.equal(h.run('P1', op.gettime(C.CLOCK_MONOTONIC)).signal, 'SIGSEGV');
  assert.equal(h.run('P1', { op: 'mprotect', mapping: '[vvar]', prot: R }).ret, 0);
  assert.equal(h.run('P1', op.gettime(C.CLOCK_MONOTONIC)).signal, null);
  for (const p of [0, 1, 3]) assert.equal(h.run('P1', { op: 'munmap', mapping: '[vvar]', page: p, pages: 1 }).errno, 'EINVAL');
  assert.equal(h.run('P1', { op: 'mremap', mapping: '[vvar]', newPages: 2, flags: 0 }).errno, 'EINVAL', 'shrink');
  assert.equal(h.run('P1', { op: 'mremap', mapping: '[vvar]', newPages: 5, flags: 0 }).errno, 'EFAULT', 'grow');
  assert.equal(h.run('P1', { op: 'mremap', mapping: '[vvar]', newPages: 5, flags: 1 }).errno, 'EFAULT', 'grow MAYMOVE');
  assert.ok((h.run('P1', { op: 'mremap', mapping: '[vvar]', newPages: 4, flags: 3 }).ret ?? 0) > 0, 'move');
  assert.equal(h.run('P1', op.touch(0)).signal, null, 'moved pages still fault');
  assert.equal(h.run('P1', op.gettime(C.CLOCK_MONOTONIC, 'vdso')).signal, 'SIGSEGV');
  assert.equal(h.run('P1', op.gettime(C.CLOCK_MONOTONIC, 'syscall')).errno, null);
  const g = harness();
  assert.equal(g.run('P1', { op: 'munmap', mapping: '[vvar]' }).ret, 0);
  assert.equal(g.run('P1', op.gettime(C.CLOCK_MONOTONIC)).signal, 'SIGSEGV');
});

test('Q10 absolute timers are converted to host time; relative ones are not', () => {
  const h = harness();
  h.run('P1', op.unshare());
  h.run('P1', op.write(OFFSETS, MONO_BOOT));
  h.run('P1', op.fork('P2'));
  const one = { sec: 1, nsec: 0 };
  for (const clock of [C.CLOCK_MONOTONIC, C.CLOCK_BOOTTIME, C.CLOCK_REALTIME]) {
    assert.deepEqual(h.run('P2', { op: 'clock_nanosleep', clock, abs: true, value: { base: 'now', delta: one } }).waited, one);
    assert.deepEqual(h.run('P2', { op: 'timerfd_settime', clock, abs: true, value: { base: 'now', delta: one } }).waited, one);
  }
  assert.deepEqual(h.run('P2', { op: 'clock_nanosleep', clock: C.CLOCK_MONOTONIC, abs: false, value: { base: 'abs', delta: one } }).waited, one);
  assert.deepEqual(h.run('P2', { op: 'clock_nanosleep', clock: C.CLOCK_MONOTONIC, abs: true, value: { base: 'host', delta: one } }).waited, { sec: 0, nsec: 0 });
  const before = h.sim.state().host.monotonic.sec;
  h.run('P2', { op: 'clock_nanosleep', clock: C.CLOCK_MONOTONIC, abs: true, value: { base: 'now', delta: { sec: 10, nsec: 0 } } });
  assert.equal(h.sim.state().host.monotonic.sec - before, 10, 'sleeping advances host time');
  const g = harness();
  g.run('P1', op.unshare());
  g.run('P1', op.write(OFFSETS, 'monotonic -10 0\nboottime -20 0\n'));
  g.run('P1', op.fork('P2'));
  assert.deepEqual(g.run('P2', { op: 'clock_nanosleep', clock: C.CLOCK_MONOTONIC, abs: true, value: { base: 'now', delta: { sec: 11, nsec: 0 } } }).waited, { sec: 11, nsec: 0 });
});

test('Q11 limits: sysctl in init userns EACCES, child userns limit, ENOSPC counts live namespaces, chain walk', () => {
  const h = harness('6.18', 'x86_64', [], FACTS_MACHINE);
  assert.equal(h.run(null, { op: 'sysctl', name: 'user.max_time_namespaces', value: 3 }).errno, 'EACCES');
  assert.equal(h.sim.state().userNamespaces['user#0'].maxTimeNamespaces, 96364);
  h.run('P1', op.unshare(F.CLONE_NEWUSER));
  assert.equal(h.sim.state().userNamespaces['user#1'].maxTimeNamespaces, 2147483647);
  assert.equal(h.run(null, { op: 'sysctl', name: 'user.max_time_namespaces', value: 3, userNs: 'user#1' }).errno, null);
  for (let i = 0; i < 3; i++) {
    assert.equal(h.run('P1', op.unshare()).errno, null);
    h.run('P1', op.open('/proc/self/ns/time_for_children', `keep${i}`));
  }
  assert.equal(h.run('P1', op.unshare()).errno, 'ENOSPC');
  assert.equal(h.run('P1', op.clone3(F.CLONE_NEWTIME, 'X')).errno, 'ENOSPC');
  for (let i = 0; i < 3; i++) h.run('P1', op.close(`keep${i}`));
  assert.equal(h.run('P1', op.unshare()).errno, null);
  // limit 1: replacing an unused tfc needs room for one more
  const g = harness();
  g.run('P1', op.unshare(F.CLONE_NEWUSER));
  g.run(null, { op: 'sysctl', name: 'user.max_time_namespaces', value: 1, userNs: 'user#1' });
  assert.equal(g.run('P1', op.unshare()).errno, null);
  assert.equal(g.run('P1', op.unshare()).errno, 'ENOSPC');
  g.run(null, { op: 'sysctl', name: 'user.max_time_namespaces', value: 0, userNs: 'user#1' });
  // a nested user ns has INT_MAX but is charged to its parent for the owner uid
  const k = harness();
  k.run('P1', op.unshare(F.CLONE_NEWUSER));
  k.run(null, { op: 'sysctl', name: 'user.max_time_namespaces', value: 2, userNs: 'user#1' });
  assert.equal(k.run('P1', op.unshare(F.CLONE_NEWUSER)).errno, 'EPERM', 'create_user_ns: euid unmapped in user#1');
  k.run('P1', op.write('/proc/self/uid_map', '0 0 1'));
  k.run('P1', op.write('/proc/self/setgroups', 'deny'));
  k.run('P1', op.write('/proc/self/gid_map', '0 0 1'));
  assert.equal(k.run('P1', op.unshare(F.CLONE_NEWUSER)).errno, null);
  assert.equal(k.run('P1', op.unshare()).errno, null);
  k.run('P1', op.open('/proc/self/ns/time_for_children', 'a'));
  assert.equal(k.run('P1', op.unshare()).errno, null);
  k.run('P1', op.open('/proc/self/ns/time_for_children', 'b'));
  assert.equal(k.run('P1', op.unshare()).errno, 'ENOSPC');
});

test('readlink of ns files (5.7+: time:[inum])', () => {
  const h = harness();
  assert.equal(h.run('P1', op.readlink('/proc/self/ns/time')).text, 'time:[4026531834]');
  h.run('P1', op.unshare());
  assert.match(h.run('P1', op.readlink('/proc/self/ns/time_for_children')).text ?? '', /^time:\[40265322\d\d\]$/);
});

test('vDSO calls need the [vdso] text: after munmap or mremap of [vdso] alone the call faults', () => {
  const h = harness();
  h.run('P1', { op: 'munmap', mapping: '[vdso]' });
  assert.equal(h.run('P1', op.gettime(C.CLOCK_MONOTONIC, 'vdso')).signal, 'SIGSEGV');
  assert.equal(h.run('P1', op.gettime(C.CLOCK_MONOTONIC, 'syscall')).errno, null);
  const g = harness();
  g.run('P1', { op: 'mremap', mapping: '[vdso]', newPages: 2, flags: 3 });
  assert.equal(g.run('P1', op.gettime(C.CLOCK_MONOTONIC, 'vdso')).signal, 'SIGSEGV', 'the text moved, [vvar] did not: data lookup misses');
});
