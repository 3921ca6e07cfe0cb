// pidfd(TASK) in setns is pidfd_open(TASK, 0) first (issue 13 item 4): a non-leader thread has no pidfd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, op } from './helpers';

for (const [kernel, errno] of [['6.18', 'ENOENT'], ['6.12', 'EINVAL'], ['5.9', 'EINVAL']] as const) {
  test(`pidfd_open of a non-leader thread on ${kernel}: ${errno}, and the setns does not happen`, () => {
    const h = harness(kernel);
    h.run('P1', op.unshare());
    h.run('P1', op.fork('P2'));
    h.run('P2', op.thread('T2'));
    assert.equal(h.run('P1', op.setnsPidfd('T2')).errno, errno);
    assert.deepEqual(h.nsOf('P1'), ['ns#0', 'ns#1']);
    assert.equal(h.run('P1', op.setnsPidfd('P2')).errno, null, 'the leader has a pidfd');
    assert.deepEqual(h.nsOf('P1'), ['ns#1', 'ns#1']);
  });
}

test('pidfd_open of a name whose creating line failed is ESRCH (no task has a pid for it), not an internal error', () => {
  const h = harness('6.18');
  h.run('P1', op.setuid(1000));
  assert.equal(h.run('P1', { op: 'clone3', flags: 0x80, exitSignal: 17, child: 'K2' }).errno, 'EPERM', 'CLONE_NEWTIME without CAP_SYS_ADMIN');
  const r = h.run('P1', { op: 'pidfd_open', task: 'K2', flags: 0, fd: 'f1' });
  assert.deepEqual([r.ret, r.errno], [-1, 'ESRCH']);
  assert.equal(h.run('P1', op.setnsPidfd('K2')).errno, 'ESRCH', 'pidfd(K2) is pidfd_open(K2, 0) first');
  h.run('P1', op.open('/proc/self/ns/time', 'f2'));
  assert.equal(h.run('P1', op.setnsPidfd('f2')).errno, 'EBADF', 'an fd that is no pidfd');
});
