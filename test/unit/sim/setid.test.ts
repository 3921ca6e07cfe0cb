// The set*id calls' ids as the kernel receives them: uid_t and gid_t (u32), to which C converts the value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, op } from './helpers';

test('an id is taken mod 2^32: 4294967295 is (uid_t)-1 (kept by setres*id, EINVAL for setuid), 4294967296 is 0, -2 is 4294967294', () => {
  // kernel/sys.c __sys_setresuid: "(ruid != (uid_t) -1) && !uid_valid(kruid)"; the model had refused every value
  // outside 0..2^32-2 with EINVAL, and verify's helper had made up the same EINVAL
  const h = harness();
  h.run('P1', op.fork('A'));
  const ids = () => { const a = h.sim.state().tasks.A; return [a.uid, a.euid]; };
  assert.equal(h.run('A', { op: 'setresuid', r: 4294967295, e: -1, s: -1 }).errno, null, 'all three kept: a no-op');
  assert.equal(h.run('A', op.setuid(4294967295)).errno, 'EINVAL');
  assert.equal(h.run('A', op.setuid(-1)).errno, 'EINVAL');
  assert.equal(h.run('A', op.setuid(4294967296)).errno, null);
  assert.deepEqual(ids(), [0, 0]);
  assert.equal(h.run('A', op.setuid(-2)).errno, null);
  assert.deepEqual(ids(), [4294967294, 4294967294]);
});
