// Behaviour that changed after 6.18, found by `timens verify` on Debian's arm64 7.1.13, 7.2.12 and 7.3.4 under
// qemu and read in Debian's 7.3 source: each test pins the release before the change and the one it came in.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOffsetsWrite } from '../../../extension/sim/offsets';
import { harness, op, F, OFFSETS } from './helpers';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const vvarPages = (h: ReturnType<typeof harness>, t: string): (string | null)[] => {
  const st = h.sim.state();
  return st.mms[st.tasks[t].mm!].vmas.find((v) => v.name === '[vvar]')!.ptes.map((p) => p?.page ?? null);
};
const sig = (r: { signal: string | null; errno: string | null }): string => r.signal ?? r.errno ?? 'ok';

test('7.1: kernel_clone checks every exit signal, so a legacy clone() with CLONE_NEWTIME in its low byte is EINVAL', () => {
  for (const [kernel, want] of [['6.18', 'ok'], ['7.1', 'EINVAL'], ['7.3', 'EINVAL']] as const) {
    const h = harness(kernel, 'arm64');
    assert.equal(sig(h.run('P1', op.clone(F.CLONE_NEWTIME, 'C'))), want, `clone(CLONE_NEWTIME) on ${kernel}`);
    assert.equal(sig(h.run('P1', op.clone(F.CLONE_NEWTIME | 17, 'D'))), want, `clone(CLONE_NEWTIME|SIGCHLD) on ${kernel}`);
    assert.equal(sig(h.run('P1', op.clone(64, 'E'))), 'ok', `exit signal 64 is valid on ${kernel}`);
  }
});

test('7.2: sscanf saturates an overflowing number at ULLONG_MAX instead of wrapping it', () => {
  const parsed = (saturate: boolean, text: string) => {
    const p = parseOffsetsWrite(enc(text), false, { saturate });
    return p.ok ? p.offsets.map((o) => [o.sec, o.nsec]) : p.reason;
  };
  assert.deepEqual(parsed(false, 'monotonic 18446744073709551616 0'), [[0n, 0n]]);
  assert.deepEqual(parsed(true, 'monotonic 18446744073709551616 0'), [[-1n, 0n]]);
  assert.deepEqual(parsed(false, 'monotonic 18446744073709551621 0'), [[5n, 0n]]);
  assert.deepEqual(parsed(true, 'monotonic 18446744073709551621 0'), [[-1n, 0n]]);
  // simple_strntoll negates the saturated magnitude: -(2^64 - 1) is 1 as an s64
  assert.deepEqual(parsed(true, 'monotonic -99999999999999999999 0'), [[1n, 0n]]);
  // 2^64 - 1 itself does not overflow: a %lu of it is -1 either way
  assert.deepEqual(parsed(true, 'monotonic 5 18446744073709551615'), [[5n, -1n]]);
});

test('7.2: proc_timens_set_offset refuses a negative tv_nsec with EINVAL, after the seconds\' range check', () => {
  for (const [kernel, want] of [['7.1', null], ['7.2', 'EINVAL']] as const) {
    const h = harness(kernel, 'arm64');
    h.run('P1', op.unshare());
    assert.equal(h.run('P1', op.write(OFFSETS, 'boottime 5 18446744073709551615')).errno, want, `nanoseconds -1 on ${kernel}`);
    assert.equal(h.run('P1', op.write(OFFSETS, 'monotonic 9223372036 9223372036854775808')).errno, want, `nanoseconds LONG_MIN on ${kernel}`);
  }
  const h = harness('7.2', 'arm64');
  h.run('P1', op.unshare());
  assert.equal(h.run('P1', op.write(OFFSETS, 'monotonic 9223372037 18446744073709551615')).errno, 'ERANGE', 'the seconds are checked first');
  assert.equal(h.run('P1', op.write(OFFSETS, 'monotonic 18446744073709551616 0')).errno, null);
  assert.equal(h.run('P1', op.read(OFFSETS)).text, 'monotonic          -1         0\nboottime            0         0\n');
});

test('7.3: the datastore\'s allocated pages map at every slot: the timens slot outside a namespace, the arch slot', () => {
  for (const arch of ['arm64', 'x86_64'] as const) {
    const old = harness('6.18', arch);
    assert.equal(sig(old.run('P1', op.touch(1))), 'SIGBUS', `${arch} 6.18 timens slot`);
    assert.equal(sig(old.run('P1', op.touch(3))), 'SIGBUS', `${arch} 6.18 arch slot`);
    const h = harness('7.3', arch);
    assert.equal(sig(h.run('P1', op.touch(1))), 'ok', `${arch} 7.3 timens slot`);
    assert.equal(sig(h.run('P1', op.touch(3))), 'ok', `${arch} 7.3 arch slot`);
    assert.deepEqual(vvarPages(h, 'P1'), [null, 'page#datastore-timens', null, 'page#arch'], `${arch} 7.3 pages mapped`);
    // in a time namespace the timens slot is the host's data page, as before
    h.run('P1', op.unshare());
    h.run('P1', op.fork('P2'));
    assert.equal(sig(h.run('P2', op.touch(1))), 'ok');
    assert.equal(vvarPages(h, 'P2')[1], 'page#host');
  }
});

test('7.3: mntns_install tests the caller\'s own fs_struct, so CLONE_NEWNS with other flags beside a thread is EINVAL', () => {
  for (const [kernel, mnt, time] of [['6.1', 'ok', 'EUSERS'], ['6.12', 'EINVAL', 'EINVAL'], ['7.2', 'ok', 'EUSERS'], ['7.3', 'EINVAL', 'EINVAL']] as const) {
    const h = harness(kernel, 'arm64');
    h.run('P1', op.fork('P2'));
    h.run('P1', op.thread('T1'));
    assert.equal(sig(h.run('P1', op.setnsPidfd('P2', F.CLONE_NEWNS | F.CLONE_NEWUTS))), mnt, `NEWNS|NEWUTS on ${kernel}`);
    assert.equal(sig(h.run('P1', op.setnsPidfd('P2', F.CLONE_NEWTIME | F.CLONE_NEWNS))), time, `NEWTIME|NEWNS on ${kernel}`);
    assert.equal(sig(h.run('P1', op.setnsPidfd('P2', F.CLONE_NEWTIME | F.CLONE_NEWUTS))), 'EUSERS', `NEWTIME|NEWUTS on ${kernel}`);
  }
});

test('the nanoseconds check of proc_timens_set_offset: after the EPERM test, after the seconds\' range on 6.1.y and 7.2, before it on 6.12.y, none on 6.16-7.1', () => {
  const cases = [['6.1', 'ERANGE', 'EINVAL'], ['6.12', 'EINVAL', 'EINVAL'], ['6.18', 'ERANGE', null], ['7.1', 'ERANGE', null], ['7.2', 'ERANGE', 'EINVAL']] as const;
  for (const [kernel, bothBad, nsecBad] of cases) {
    const h = harness(kernel, 'arm64');
    h.run('P1', op.unshare());
    assert.equal(h.run('P1', op.write(OFFSETS, 'monotonic 9223372037 18446744073709551615')).errno, bothBad, `seconds and nanoseconds out of range on ${kernel}`);
    assert.equal(h.run('P1', op.write(OFFSETS, 'monotonic 1 18446744073709551615')).errno, nsecBad, `nanoseconds -1 on ${kernel}`);
  }
  // the capability is tested first: EPERM, not EINVAL, for a writer without CAP_SYS_TIME over the namespace
  const g = harness('6.1', 'arm64');
  g.run(null, op.spawn('U', 65534));
  assert.equal(g.run('U', op.write(OFFSETS, 'monotonic 1 18446744073709551615')).errno, 'EPERM');
});
