// Shared signal handlers (kernel/fork.c copy_sighand, check_unshare_flags; fs/exec.c unshare_sighand): a process
// made with CLONE_SIGHAND and its creator may not unshare CLONE_SIGHAND or CLONE_VM until the other exits or execs.
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
