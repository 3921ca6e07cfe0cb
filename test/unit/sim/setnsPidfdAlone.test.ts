// setns through a pidfd of namespace types other than time and user (kernel/nsproxy.c validate_nsset): each
// *_install's checks, pidns_install's, and mntns_install's shared fs_struct test for flags == CLONE_NEWNS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Operation } from '../../../extension/sim/ops';
import { harness, op, F } from './helpers';

const setns = (who: string, nstype: number): Operation => ({ op: 'setns', target: { pidfd: who }, nstype });

test('setns(pidfd) of other types alone joins them (the model refused them with EINVAL)', () => {
  const h = harness();
  h.run('P1', op.fork('P2'));
  assert.equal(h.run('P1', setns('P2', F.CLONE_NEWUTS)).errno, null);
  assert.equal(h.run('P1', setns('P2', F.CLONE_NEWNS)).errno, null);
  assert.equal(h.run('P1', setns('P2', F.CLONE_NEWPID)).errno, null);
  assert.equal(h.run('P1', setns('P2', F.CLONE_NEWIPC | F.CLONE_NEWNET | F.CLONE_NEWCGROUP)).errno, null);
});

test('mntns_install: EINVAL with a thread sharing the fs_struct, only when CLONE_NEWNS is alone (prepare_nsset copies it otherwise)', () => {
  const h = harness();
  h.run('P1', op.fork('P2'));
  h.run('P1', { op: 'pthread_create', child: 'T1' });
  assert.equal(h.run('P1', setns('P2', F.CLONE_NEWNS)).errno, 'EINVAL');
  assert.equal(h.run('P1', setns('P2', F.CLONE_NEWNS | F.CLONE_NEWUTS)).errno, null);
  assert.equal(h.run('P1', setns('P2', F.CLONE_NEWNS | F.CLONE_NEWTIME)).errno, 'EUSERS', 'timens_install after mntns_install');
});

test('pidns_install: CAP_SYS_ADMIN over the initial pid namespace\'s owner, in validate_nsset\'s order', () => {
  const h = harness();
  h.run('P1', op.fork('P2'));
  h.run('P2', op.unshare(F.CLONE_NEWUSER | F.CLONE_NEWNET));
  h.run('P2', op.fork('P3'));
  // P3 is P2's own child (ptrace access is no matter): its pid namespace is the initial one, user#0's
  assert.equal(h.run('P2', setns('P3', F.CLONE_NEWPID)).errno, 'EPERM');
  assert.equal(h.run('P2', setns('P3', F.CLONE_NEWNET)).errno, null, 'its net namespace is its user namespace\'s');
  assert.equal(h.run('P2', setns('P3', F.CLONE_NEWPID | F.CLONE_NEWNET)).errno, 'EPERM');
});

test('before 5.8 setns takes no pidfd: proc_ns_fget\'s EINVAL whatever the flags (the model joined other types)', () => {
  for (const kernel of ['5.6', '5.7'] as const) {
    const h = harness(kernel);
    h.run('P1', op.fork('P2'));
    assert.equal(h.run('P1', setns('P2', F.CLONE_NEWUTS)).errno, 'EINVAL', kernel);
    assert.equal(h.run('P1', setns('P2', F.CLONE_NEWNS | F.CLONE_NEWNET)).errno, 'EINVAL', kernel);
  }
  const h = harness('5.8');
  h.run('P1', op.fork('P2'));
  assert.equal(h.run('P1', setns('P2', F.CLONE_NEWUTS)).errno, null, '5.8 joins through a pidfd');
  assert.equal(h.run('P1', setns('P2', F.CLONE_NEWTIME | F.CLONE_NEWUTS)).errno, 'EINVAL', 'but not a time namespace before 5.9');
});
