// The event log: call paths, errno events, causality links, changes per event, determinism, and the offsets parser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseOffsetsWrite, formatOffsets } from '../../../extension/sim/index';
import { harness, op, F, C, OFFSETS, MONO_BOOT } from './helpers';

test('unshare runs through ksys_unshare > … > clone_time_ns and changes only the caller nsproxy', () => {
  const h = harness();
  h.run('P1', op.unshare());
  const s = h.sim;
  let found = false;
  for (let i = 0; i < s.eventCount; i++) {
    const e = s.event(i);
    if (e.fn === 'clone_time_ns' && e.kind === 'call') {
      assert.deepEqual(e.stack, ['__x64_sys_unshare', 'ksys_unshare', 'unshare_nsproxy_namespaces', 'create_new_namespaces', 'copy_time_ns', 'clone_time_ns']);
      found = true;
    }
    assert.notEqual(e.kind, 'zap', 'unshare never zaps');
  }
  assert.ok(found);
  const changed = new Set<string>();
  for (let i = 0; i < s.eventCount; i++) for (const c of s.event(i).changes) changed.add(`${c.obj}.${c.field}`);
  assert.ok(changed.has('P1.nsproxy'));
  assert.ok(changed.has('ns#1.'));
  assert.ok(!changed.has('P1.userNs'));
});

test('every errno is decided at an error event between the syscall enter and exit', () => {
  const h = harness();
  h.run('P1', op.write(OFFSETS, 'monotonic 1 0\n'));
  h.run('P1', op.write(OFFSETS, 'bogus'));
  h.run('P1', op.setnsFd('nope'));
  h.run('P1', op.clone3(0x11, 'X', 0));
  const s = h.sim;
  for (let i = 0; i < s.eventCount; i++) {
    const e = s.event(i);
    if (e.kind !== 'syscall-exit' || !e.result?.errno) continue;
    let hit = false;
    for (let j = e.match!; j < i; j++) if (s.event(j).kind === 'error' && s.event(j).errno === e.result.errno) hit = true;
    assert.ok(hit, `errno ${e.result.errno} of event ${i} has an error event`);
  }
});

test('causality: fork → freeze/zap, zap → next fault, fault → pte-insert', () => {
  const h = harness();
  h.run('P1', op.unshare());
  h.run('P1', op.write(OFFSETS, MONO_BOOT));
  h.run('P1', op.gettime(C.CLOCK_MONOTONIC));
  h.run('P1', op.fork('P2'));
  h.run('P2', op.gettime(C.CLOCK_MONOTONIC));
  const s = h.sim;
  const evs = Array.from({ length: s.eventCount }, (_, i) => s.event(i));
  const forkEnter = evs.find((e) => e.kind === 'syscall-enter' && e.fn === '__x64_sys_fork')!;
  const zap = evs.find((e) => e.kind === 'zap')!;
  assert.deepEqual(zap.causes, [forkEnter.index]);
  assert.ok(evs.find((e) => e.kind === 'freeze')!.causes!.includes(forkEnter.index));
  const fault = evs.find((e) => e.kind === 'fault' && e.task === 'P2')!;
  assert.ok(fault.causes!.includes(zap.index), 'the zap caused the next fault');
  const insert = evs.find((e) => e.kind === 'pte-insert' && e.index > fault.index)!;
  assert.deepEqual(insert.causes, [fault.index]);
  assert.equal(insert.page?.mm, s.state().tasks.P2.mm);
  // The parent's read faulted in the data page and, on the default kvm-clock machine, the pvclock page that
  // vread_pvclock reads: fork copies both PTEs (VM_PFNMAP).
  const copied = evs.filter((e) => e.kind === 'pte-insert' && e.summary.includes('copied')).map((e) => e.summary.replace(/ copied.*/, ''));
  assert.deepEqual(copied, ['PTE [vvar][0] → page#host', 'PTE [vvar_vclock][0] → page#pvclock']);
});

test('lastChanges and events show PTE changes as mm#N / [vvar].ptes', () => {
  const h = harness();
  h.run('P1', op.touch(0));
  const s = h.sim;
  const i = Array.from({ length: s.eventCount }, (_, k) => s.event(k)).find((e) => e.kind === 'pte-insert')!.index;
  s.goto(i + 1);
  const ch = s.lastChanges();
  assert.equal(ch[0].obj, 'mm#0');
  assert.equal(ch[0].field, '[vvar].ptes');
  assert.equal((ch[0].after as { page: string }[])[0].page, 'page#host');
});

test('exec at a travelled position throws a clear error; expectation events are recorded', () => {
  const h = harness();
  h.run('P1', op.unshare());
  h.sim.recordExpectation(1, 'P1', true, 'expect ok');
  assert.equal(h.sim.event(h.sim.eventCount - 1).kind, 'expect');
  assert.equal(h.sim.event(h.sim.eventCount - 1).passed, true);
  h.sim.stepBack();
  assert.throws(() => h.run('P1', op.fork('X')), /position \d+ of \d+/);
  assert.deepEqual(h.sim.lineSpans().map((l) => l.line), [0, 1]);
  assert.equal(h.sim.resultOfLine(0)?.ret, 0);
});

test('bad input gives errors, never exceptions: unknown task, unknown fd, bad profile', () => {
  const h = harness();
  assert.equal(h.run('NOPE', op.unshare()).errno, 'ESRCH');
  assert.equal(h.run('P1', op.close('fd9')).errno, 'EBADF');
  const outside = h.run('P1', op.open('/etc/passwd', 'x'));
  assert.equal(outside.errno, null, 'a path outside /proc is refused, not ENOENT: the kernel would open it');
  assert.match(outside.refused ?? '', /outside \/proc/);
  assert.equal(h.run('P1', op.gettime(99, 'syscall')).errno, 'EINVAL');
  assert.equal(h.run('P1', op.fork('P1')).errno, 'EINVAL');
  assert.throws(() => harness('9.9' as never), /unknown kernel version 9\.9/);
});

test('setns through a pidfd fd and a vfork parent that waits', () => {
  const h = harness();
  h.run('P1', op.vfork('V'));
  const r = h.run('P1', op.unshare());
  assert.equal(r.ret, null, 'a vfork parent cannot run');
  h.run('V', op.exit());
  assert.equal(h.run('P1', op.unshare(F.CLONE_NEWTIME)).ret, 0);
});

test('exportColumns mirrors the per-event reads', () => {
  const h = harness();
  h.run('P1', op.unshare());
  h.run('P1', op.fork('P2'));
  h.run('P2', op.gettime(C.CLOCK_MONOTONIC));
  const cols = (h.sim as unknown as { exportColumns(): { kind: Uint8Array; depth: Uint8Array; line: Int32Array; task: Uint16Array; tasks: string[]; fn: Uint16Array; fns: string[]; match: Int32Array } }).exportColumns();
  assert.equal(cols.kind.length, h.sim.eventCount);
  for (let i = 0; i < h.sim.eventCount; i++) {
    const e = h.sim.event(i);
    assert.equal(cols.depth[i], e.stack.length);
    assert.equal(cols.line[i], e.line);
    assert.equal(cols.task[i] === 0xffff ? null : cols.tasks[cols.task[i]], e.task);
    assert.equal(cols.fn[i] === 0xffff ? '' : cols.fns[cols.fn[i]], e.fn);
    assert.equal(cols.match[i], e.match ?? -1);
  }
});

test('timens_offsets parser never throws and never consumes more than it was given', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 80 }), fc.boolean(), (bytes, numeric) => {
    const r = parseOffsetsWrite(bytes, numeric);
    if (r.ok) {
      assert.ok(r.count <= bytes.length && r.offsets.length >= 1 && r.offsets.length <= 2);
      for (const o of r.offsets) assert.ok(o.nsec < 1000000000n);
    }
  }), { numRuns: 2000 });
  const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
  assert.deepEqual(parseOffsetsWrite(enc('monotonic 1 0\0junk\n'), false), { ok: true, count: 19, offsets: [{ clockid: 1, sec: 1n, nsec: 0n, text: 'monotonic 1 0' }] });
  assert.equal(formatOffsets({ sec: -1, nsec: 5 }, { sec: 0, nsec: 0 }, true), 'monotonic          -1         5\nboottime            0         0\n');
});
