// setns through a pidfd with CLONE_NEWUSER (issue 13 item 5): userns_install then timens_install on the nsset,
// committed together or not at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, op, F, shift, C } from './helpers';

const BOTH = F.CLONE_NEWTIME | F.CLONE_NEWUSER;

test('into a task of the caller\'s own user namespace: EINVAL for the whole call, nothing changes', () => {
  const h = harness();
  h.run('P1', op.unshare());
  h.run('P1', op.fork('P2'));
  const before = h.sim.state();
  assert.equal(h.run('P1', op.setnsPidfd('P2', BOTH)).errno, 'EINVAL');
  assert.equal(h.run('P1', op.setnsPidfd('P2', F.CLONE_NEWUSER)).errno, 'EINVAL');
  const after = h.sim.state();
  assert.equal(after.tasks.P1.nsproxy, before.tasks.P1.nsproxy);
  assert.equal(after.tasks.P1.userNs, 'user#0');
  assert.deepEqual(Object.keys(after.nsproxies).sort(), Object.keys(before.nsproxies).sort(), 'the nsset was put again');
  assert.equal(h.run('P1', op.setnsPidfd('P2', F.CLONE_NEWTIME)).errno, null);
  assert.deepEqual(h.nsOf('P1'), ['ns#1', 'ns#1']);
});

test('into a task of a child user namespace: both joined at once, with every capability there', () => {
  const h = harness();
  h.run(null, op.spawn('Q0', 0));
  h.run(null, op.spawn('Q1', 0));
  h.run('Q1', op.unshare(BOTH));
  h.run('Q1', op.write('/proc/self/timens_offsets', 'monotonic 3600 0'));
  h.run('Q1', op.fork('Q2'));
  assert.equal(h.run('Q0', op.setnsPidfd('Q2', BOTH)).errno, null);
  const q0 = h.sim.state().tasks.Q0;
  assert.equal(q0.userNs, 'user#1');
  assert.equal(q0.fullCaps, true);
  assert.deepEqual(h.nsOf('Q0'), ['ns#1', 'ns#1']);
  assert.equal(shift(h.run('Q0', op.gettime(C.CLOCK_MONOTONIC))), 3600);
  assert.equal(h.run('Q0', op.open('/proc/P1/ns/time', 'f')).errno, 'EACCES', 'rule 7 from the child user namespace');
  assert.equal(h.run('Q0', op.setnsPidfd('Q2', F.CLONE_NEWUSER)).errno, 'EINVAL', 'now its own');
});

test('with a second thread: EINVAL from userns_install before EUSERS from timens_install; a failed time join leaves the user', () => {
  const h = harness();
  h.run(null, op.spawn('Q1', 0));
  h.run('Q1', op.unshare(BOTH));
  h.run('Q1', op.fork('Q2'));
  h.run(null, op.spawn('R0', 0));
  h.run('R0', op.thread('R1'));
  assert.equal(h.run('R0', op.setnsPidfd('Q2', BOTH)).errno, 'EINVAL');
  assert.equal(h.run('R0', op.setnsPidfd('Q2', F.CLONE_NEWTIME)).errno, 'EUSERS');
  // V passes userns_install (it owns user#1) but not timens_install (ns#1 belongs to user#0): no user change either
  h.run(null, op.spawn('W', 0));
  h.run('W', op.unshare());
  h.run('W', op.fork('W2'));
  h.run('W2', op.setuid(1000));
  h.run('W2', { op: 'prctl_set_dumpable', dumpable: true });
  h.run('W2', op.unshare(F.CLONE_NEWUSER));
  h.run(null, op.spawn('V', 1000));
  const r = h.run('V', op.setnsPidfd('W2', BOTH));
  assert.equal(r.errno, 'EPERM');
  assert.ok(h.sim.state().tasks.W2.userNs !== 'user#0', 'W2 is in the user namespace V owns');
  assert.equal(h.sim.state().tasks.V.userNs, 'user#0');
});

test('a namespace file by path is opened for the call: a user namespace path joins it, any other file is EINVAL', () => {
  // kernel/nsproxy.c setns on the fd the program opened: proc_ns_file → userns_install; not a namespace file and
  // not a pidfd → EINVAL. Found on Linux 6.18 x86_64 (outsider7-setns-paths): the model had said ENOENT for both.
  const h = harness();
  h.run('P1', op.fork('A'));
  h.run('A', op.unshare(F.CLONE_NEWUSER));
  assert.equal(h.run('P1', op.setnsPath('/proc/A/ns/user', F.CLONE_NEWTIME)).errno, 'EINVAL', 'type mismatch');
  assert.equal(h.run('P1', op.setnsPath('/proc/self/timens_offsets')).errno, 'EINVAL');
  assert.equal(h.run('P1', op.setnsPath('/proc/uptime', F.CLONE_NEWTIME)).errno, 'EINVAL');
  assert.equal(h.run('P1', op.setnsPath('/proc/self')).errno, 'EINVAL');
  assert.equal(h.run('A', op.setnsPath('/proc/P1/ns/user')).errno, 'EACCES', 'the link\'s ptrace check at open');
  assert.equal(h.run('A', op.setnsPath('/proc/self/ns/user', F.CLONE_NEWUSER)).errno, 'EINVAL', 'its own user namespace');
  assert.equal(h.run('P1', op.setnsPath('/proc/A/ns/user')).errno, null);
  const p1 = h.sim.state().tasks.P1;
  assert.equal(p1.userNs, 'user#1');
  assert.equal(p1.fullCaps, true);
  assert.deepEqual(h.nsOf('P1'), ['ns#0', 'ns#0'], 'the time namespaces stay');
});
