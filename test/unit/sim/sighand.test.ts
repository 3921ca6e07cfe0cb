// Shared signal handlers (kernel/fork.c copy_sighand, check_unshare_flags; fs/exec.c unshare_sighand): a process
// made with CLONE_SIGHAND and its creator may not unshare CLONE_SIGHAND or CLONE_VM until the other exits or execs;
// copy_process's flag tests for a CLONE_THREAD task (CLONE_PIDFD before 6.9); create_user_ns's depth limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, op, F } from './helpers';

const SIGCHLD = 17;

test('unshare(CLONE_SIGHAND) is EINVAL for both sharers of a sighand_struct, before the CLONE_NEWTIME work (the model allowed it)', () => {
  const h = harness();
  h.run('P1', op.clone(F.CLONE_VM | F.CLONE_SIGHAND | SIGCHLD, 'K'));
  assert.equal(h.run('P1', op.unshare(F.CLONE_SIGHAND | F.CLONE_NEWTIME)).errno, 'EINVAL');
  assert.equal(h.run('K', op.unshare(F.CLONE_SIGHAND)).errno, 'EINVAL');
  assert.equal(h.run('K', op.unshare(F.CLONE_THREAD | F.CLONE_NEWTIME)).errno, null, 'CLONE_THREAD alone asks only for an empty thread group');
  h.run('K', op.setuid(1000));
  assert.equal(h.run('K', op.unshare(F.CLONE_SIGHAND | F.CLONE_NEWTIME)).errno, 'EINVAL', 'check_unshare_flags comes before the EPERM');
  h.run('K', op.exit());
  assert.equal(h.run('P1', op.unshare(F.CLONE_SIGHAND | F.CLONE_NEWTIME)).errno, null, 'the other sharer has exited');
});

test('exec gives the exec\'ing sharer a sighand_struct of its own; a vfork child shares none', () => {
  const h = harness();
  h.run('P1', op.clone3(F.CLONE_VM | F.CLONE_SIGHAND, 'K'));
  h.run('K', op.exec('/proc/self/exe'));
  assert.equal(h.run('K', op.unshare(F.CLONE_SIGHAND)).errno, null);
  assert.equal(h.run('P1', op.unshare(F.CLONE_SIGHAND)).errno, null);
  h.run('P1', op.vfork('V'));
  assert.equal(h.run('V', op.unshare(F.CLONE_SIGHAND)).errno, null);
  assert.equal(h.run('V', op.unshare(F.CLONE_VM)).errno, 'EINVAL', 'the mm is still shared');
});

test('clone3 CLONE_PIDFD|CLONE_THREAD: EINVAL before 6.9, ahead of copy_namespaces\' EPERM; a thread from 6.9 (the model made it on 6.1)', () => {
  const thread = F.CLONE_PIDFD | F.CLONE_THREAD | F.CLONE_SIGHAND | F.CLONE_VM;
  const old = harness('6.1');
  assert.equal(old.run('P1', op.clone3(thread, 'T1', 0)).errno, 'EINVAL');
  old.run('P1', op.fork('A'));
  old.run('A', op.setuid(1000));
  assert.equal(old.run('A', op.clone3(thread | F.CLONE_NEWTIME, 'T2', 0)).errno, 'EINVAL');
  const h = harness('6.18');
  assert.equal(h.run('P1', op.clone3(thread, 'T1', 0)).errno, null);
  h.run('P1', op.fork('A'));
  h.run('A', op.setuid(1000));
  assert.equal(h.run('A', op.clone3(thread | F.CLONE_NEWTIME, 'T2', 0)).errno, 'EPERM');
});

test('create_user_ns: a parent 33 levels down is ENOSPC, before an unmapped creator\'s EPERM (the model had no limit)', () => {
  const h = harness();
  const nest = (): void => {
    h.run('P1', op.unshare(F.CLONE_NEWUSER));
    h.run('P1', op.write('/proc/self/setgroups', 'deny'));
    h.run('P1', op.write('/proc/self/uid_map', '0 0 1'));
    h.run('P1', op.write('/proc/self/gid_map', '0 0 1'));
  };
  for (let i = 0; i < 32; i++) nest();
  assert.equal(h.run('P1', op.unshare(F.CLONE_NEWUSER)).errno, null, 'level 33 is made');
  assert.equal(h.run('P1', op.unshare(F.CLONE_NEWUSER)).errno, 'ENOSPC', 'its creator is unmapped there, but the depth comes first');
  assert.equal(h.run('P1', op.clone3(F.CLONE_NEWUSER | F.CLONE_NEWTIME, 'C')).errno, 'ENOSPC');
});
