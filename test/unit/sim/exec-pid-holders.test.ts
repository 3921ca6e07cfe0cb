// A thread's exec takes over its leader's struct pid (fs/exec.c de_thread: exchange_tids, transfer_pid): what held
// the leader's pid (a /proc/PID file, a pidfd) reaches the exec'd thread, what held the thread's own tid reaches no
// task (ESRCH). Fuzz seed 8307 on arm64 6.17 (an lseek of the thread's timens_offsets fd) and this machine's 6.18.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PIDFD_FLAGS, type Operation } from '../../../extension/sim/ops';
import { harness, op } from './helpers';

const rd = (fd: string): Operation => ({ op: 'read', file: { fd } });

test('after a non-leader thread execs, fds on its tid are ESRCH and fds on the leader reach it', () => {
  const h = harness('6.18', 'x86_64');
  h.run('P1', op.thread('T1'));
  h.run('P1', op.fork('W'));
  assert.equal(h.run('W', op.open('/proc/T1/timens_offsets', 'thr', 'w')).errno, null);
  assert.equal(h.run('W', op.open('/proc/P1/timens_offsets', 'lead')).errno, null);
  assert.equal(h.run('W', { op: 'pidfd_open', task: 'P1', flags: 0, fd: 'pf' }).errno, null);
  assert.equal(h.run('W', { op: 'pidfd_open', task: 'T1', flags: PIDFD_FLAGS.PIDFD_THREAD, fd: 'tf' }).errno, null);
  h.run('T1', op.unshare());
  assert.equal(h.run('T1', op.exec()).errno, null);
  assert.equal(h.run('W', { op: 'lseek', fd: 'thr', offset: 5 }).errno, 'ESRCH', 'seq_lseek traverses: the show finds no task');
  assert.equal(h.run('W', op.writeFd('thr', 'monotonic 5 0')).errno, 'ESRCH');
  assert.equal(h.run('W', rd('lead')).errno, null, 'the leader\'s pid is T1\'s now');
  assert.equal(h.run('W', op.setnsPidfd('tf')).errno, 'ESRCH');
  assert.equal(h.run('W', op.setnsPidfd('pf')).errno, null);
  assert.deepEqual(h.nsOf('W'), h.nsOf('T1'), 'W joined the namespace T1 entered at its exec');
});
