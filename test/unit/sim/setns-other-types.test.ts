// setns through a pidfd with other namespace types besides CLONE_NEWTIME: each *_install of validate_nsset wants
// CAP_SYS_ADMIN over the owner of the target's namespace of that type (nsOwners.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, op, F } from './helpers';

const OTHERS: readonly number[] = [F.CLONE_NEWNS, F.CLONE_NEWUTS, F.CLONE_NEWIPC, F.CLONE_NEWCGROUP, F.CLONE_NEWNET];

/** P4, in a child user namespace that owns ns#1, and P3, whose other namespaces are still the initial ones. */
function childUserNs() {
  const h = harness();
  h.run('P1', op.fork('P2'));
  h.run('P2', op.unshare(F.CLONE_NEWUSER | F.CLONE_NEWTIME));
  h.run('P2', op.fork('P3'));
  h.run('P2', op.fork('P4'));
  return h;
}

test('a namespace of the initial user namespace: EPERM from its install, and the time namespace is not joined either', () => {
  const h = childUserNs();
  const before = h.sim.state().tasks.P4.nsproxy;
  for (const flag of OTHERS) {
    assert.equal(h.run('P4', op.setnsPidfd('P3', F.CLONE_NEWTIME | flag)).errno, 'EPERM', `flag 0x${flag.toString(16)}`);
    assert.equal(h.sim.state().tasks.P4.nsproxy, before, 'no commit_nsset');
  }
  assert.equal(h.run('P4', op.setnsPidfd('P3', F.CLONE_NEWTIME)).errno, null, 'time alone is its own user namespace\'s');
});

test('a namespace the child user namespace made (unshare, clone): joined; the joiner then owns nothing more', () => {
  const h = childUserNs();
  h.run('P3', op.unshare(F.CLONE_NEWUTS | F.CLONE_NEWTIME));
  h.run('P3', op.fork('P5'));
  assert.equal(h.run('P4', op.setnsPidfd('P5', F.CLONE_NEWTIME | F.CLONE_NEWUTS)).errno, null);
  assert.deepEqual(h.nsOf('P4'), ['ns#2', 'ns#2']);
  // P4's uts namespace is now P5's, owned by user#1: a task of user#1 may join P4's too, but not its ipc namespace
  h.run('P2', op.fork('P6'));
  assert.equal(h.run('P6', op.setnsPidfd('P4', F.CLONE_NEWTIME | F.CLONE_NEWUTS)).errno, null);
  assert.equal(h.run('P6', op.setnsPidfd('P4', F.CLONE_NEWTIME | F.CLONE_NEWIPC)).errno, 'EPERM');
  // clone3 with CLONE_NEWIPC: the child's ipc namespace is owned by the parent's user namespace
  h.run('P2', op.clone3(F.CLONE_NEWIPC, 'P7'));
  assert.equal(h.run('P6', op.setnsPidfd('P7', F.CLONE_NEWTIME | F.CLONE_NEWIPC)).errno, null);
});

test('root of the initial user namespace joins them all', () => {
  const h = childUserNs();
  const all = OTHERS.reduce((a, b) => a | b, F.CLONE_NEWTIME);
  assert.equal(h.run('P1', op.setnsPidfd('P3', all)).errno, null);
  assert.deepEqual(h.nsOf('P1'), ['ns#1', 'ns#1']);
});

test('fs->users counts the tasks on the caller\'s fs_struct, not its threads: CLONE_FS shares it, unshare(CLONE_FS) and exit leave it', () => {
  const h = harness();
  h.run('P1', op.fork('P2'));
  h.run('P1', op.clone(F.CLONE_NEWUSER | 17, 'P3'));
  // copy_fs without CLONE_FS: a thread with a copy of its own
  h.run('P1', op.clone3(F.CLONE_THREAD | F.CLONE_SIGHAND | F.CLONE_VM, 'T1', 0));
  assert.equal(h.run('P1', op.setnsPidfd('P2', F.CLONE_NEWNS)).errno, null);
  // a CLONE_FS child that is no thread: mntns_install (flags == CLONE_NEWNS) and userns_install refuse
  h.run('P2', op.clone(F.CLONE_FS | 17, 'P4'));
  assert.equal(h.run('P2', op.setnsPidfd('P1', F.CLONE_NEWNS)).errno, 'EINVAL');
  assert.equal(h.run('P2', op.setnsPidfd('P3', F.CLONE_NEWUSER)).errno, 'EINVAL');
  // prepare_nsset's copy for more flags (6.18)
  assert.equal(h.run('P2', op.setnsPidfd('P1', F.CLONE_NEWNS | F.CLONE_NEWUTS)).errno, null);
  // unshare_fs: P2 gets a copy, P4 is alone on the old one
  assert.equal(h.run('P2', op.unshare(F.CLONE_FS)).errno, null);
  assert.equal(h.run('P2', op.setnsPidfd('P1', F.CLONE_NEWNS)).errno, null);
  assert.equal(h.run('P4', op.setnsPidfd('P1', F.CLONE_NEWNS)).errno, null);
  assert.equal(h.run('P2', op.setnsPidfd('P3', F.CLONE_NEWUSER)).errno, null);
  // pthread_create passes CLONE_FS; exit_fs drops the thread's
  h.run('P1', op.thread('T2'));
  assert.equal(h.run('P1', op.setnsPidfd('P2', F.CLONE_NEWNS)).errno, 'EINVAL');
  h.run('T2', op.exit());
  assert.equal(h.run('P1', op.setnsPidfd('P2', F.CLONE_NEWNS)).errno, null);
});
