// Shared fd tables (struct files_struct): threads and CLONE_FILES children use their creator's table
// (kernel/fork.c copy_files), fork copies it (dup_fd), unshare(CLONE_FILES) and exec give the caller a copy
// (unshare_fd, fs/exec.c unshare_files), exit closes the files only with the table's last user (exit_files), and
// numbers are the lowest free ones (fs/file.c alloc_fd). Found by `timens verify` on 6.18: a thread's close was
// EBADF in the model, and the owner's close after it ok.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Operation } from '../../../extension/sim/ops';
import { F, harness, op } from './helpers';

const pidfd = (task: string, fd: string): Operation => ({ op: 'pidfd_open', task, flags: 0, fd });
const rd = (fd: string, count?: number): Operation => ({ op: 'read', file: { fd }, ...(count === undefined ? {} : { count }) });

test('a thread closes its process\'s fd: the table is one', () => {
  const h = harness();
  h.run('P1', op.open('/proc/self/ns/time', 'f1'));
  h.run('P1', op.thread('T1'));
  assert.equal(h.run('T1', op.close('f1')).errno, null);
  assert.equal(h.run('P1', op.close('f1')).errno, 'EBADF');
  assert.equal(h.run('T1', op.open('/proc/self/ns/time', 'f2')).ret, 3, 'the number T1 freed');
  assert.equal(h.run('P1', op.open('/proc/self/ns/time', 'f3')).ret, 4);
  const st = h.sim.state();
  assert.equal(st.tasks.T1.files, st.tasks.P1.files);
  assert.deepEqual(Object.keys(st.tasks.T1.fds), ['f2', 'f3']);
  assert.deepEqual(st.timeNamespaces['ns#0'].refs.files, ['P1:f2', 'P1:f3'], 'one holder per table, not per task');
});

test('clone(CLONE_FILES) and clone3(CLONE_FILES) share the table, fork and vfork copy it', () => {
  const h = harness();
  h.run('P1', op.open('/proc/self/ns/time', 'f1'));
  h.run('P1', op.clone(F.CLONE_FILES | 17, 'C1'));
  h.run('P1', op.clone3(F.CLONE_FILES, 'C2'));
  h.run('P1', op.fork('K1'));
  assert.equal(h.run('C1', op.close('f1')).errno, null);
  assert.equal(h.run('C2', op.close('f1')).errno, 'EBADF');
  assert.equal(h.run('K1', op.close('f1')).errno, null, 'the copy still has it');
  h.run('P1', op.open('/proc/self/ns/time', 'f3'));
  assert.equal(h.run('K1', op.close('f3')).errno, 'EBADF', 'opened after the fork');
  h.run('P1', op.vfork('V1'));
  assert.equal(h.run('V1', op.close('f3')).errno, null);
  h.run('V1', op.exit());
  assert.equal(h.run('C2', op.close('f3')).errno, null, 'the vfork child closed its copy');
});

test('unshare(CLONE_FILES) gives a shared table\'s user a copy; alone it keeps its table', () => {
  const h = harness();
  h.run('P1', op.open('/proc/self/ns/time', 'f1'));
  h.run('P1', op.clone(F.CLONE_FILES | 17, 'C1'));
  assert.equal(h.run('P1', op.unshare(F.CLONE_FILES)).errno, null);
  const st = h.sim.state();
  assert.notEqual(st.tasks.P1.files, st.tasks.C1.files);
  assert.equal(h.run('C1', op.close('f1')).errno, null);
  assert.equal(h.run('P1', op.close('f1')).errno, null, 'dup_fd copied it');
  const before = h.sim.state().tasks.C1.files;
  assert.equal(h.run('C1', op.unshare(F.CLONE_FILES)).errno, null);
  assert.equal(h.sim.state().tasks.C1.files, before, 'files->count was 1: no copy');
});

test('exec unshares the table before closing the O_CLOEXEC fds: a CLONE_FILES sibling keeps its pidfd', () => {
  const h = harness();
  h.run('P1', op.clone(F.CLONE_FILES | 17, 'C1'));
  h.run('C1', pidfd('P1', 'pf'));
  assert.equal(h.run('C1', op.exec()).errno, null);
  assert.equal(h.run('P1', op.setnsFd('pf', F.CLONE_NEWTIME)).errno, null);
  assert.equal(h.run('C1', op.setnsFd('pf', F.CLONE_NEWTIME)).errno, 'EBADF');
});

test('a table\'s files close with its last user: a namespace fd of an exited sharer keeps the namespace alive', () => {
  const h = harness();
  h.run('P1', op.clone(F.CLONE_FILES | 17, 'C1'));
  h.run('C1', op.unshare());
  h.run('C1', op.open('/proc/self/ns/time_for_children', 'n1'));
  const [, tfc] = h.nsOf('C1');
  h.run('C1', op.exit());
  assert.equal(h.sim.state().timeNamespaces[tfc].alive, true);
  assert.equal(h.run('P1', op.setnsFd('n1', F.CLONE_NEWTIME)).errno, null);
  assert.equal(h.nsOf('P1')[0], tfc);
  h.run('P1', op.fork('K1'));
  h.run('K1', op.unshare());
  h.run('K1', op.open('/proc/self/ns/time_for_children', 'n2'));
  const [, kfc] = h.nsOf('K1');
  h.run('K1', op.exit());
  assert.equal(h.sim.state().timeNamespaces[kfc].alive, false, 'K1 was its table\'s only user');
});

test('the position is the open file\'s: a read through one sharer moves it for the other', () => {
  const h = harness();
  h.run('P1', op.open('/proc/self/timens_offsets', 'f1'));
  h.run('P1', op.thread('T1'));
  assert.equal(h.run('T1', rd('f1', 10)).text, 'monotonic ');
  assert.equal(h.run('P1', { op: 'lseek', fd: 'f1', offset: 0, whence: 'SEEK_CUR' }).ret, 10);
});

test('fd numbers are the lowest free ones, kept by the copy fork makes', () => {
  const h = harness();
  h.run('P1', op.open('/proc/self/ns/time', 'a'));
  h.run('P1', op.open('/proc/self/ns/time', 'b'));
  h.run('P1', op.open('/proc/self/ns/time', 'c'));
  h.run('P1', op.close('a'));
  h.run('P1', op.fork('K1'));
  assert.equal(h.run('K1', op.open('/proc/self/ns/time', 'd')).ret, 3);
  assert.equal(h.run('K1', op.open('/proc/self/ns/time', 'e')).ret, 6);
});

test('a large table (past the plain objects\' size) numbers the same way', () => {
  const h = harness();
  for (let i = 0; i < 40; i++) h.run('P1', op.open('/proc/self/ns/time', `x${i}`));
  h.run('P1', op.close('x7'));
  h.run('P1', op.close('x3'));
  h.run('P1', op.close('x30'));
  assert.equal(h.run('P1', op.open('/proc/self/ns/time', 'y')).ret, 3 + 3, 'x3\'s');
  assert.equal(h.run('P1', op.open('/proc/self/ns/time', 'z')).ret, 3 + 7, 'then x7\'s');
  h.run('P1', op.thread('T1'));
  assert.equal(h.run('T1', op.open('/proc/self/ns/time', 'w')).ret, 3 + 30, 'then x30\'s, in the table T1 shares');
  assert.equal(h.run('P1', op.open('/proc/self/ns/time', 'v')).ret, 3 + 40, 'then past the last');
  h.run('P1', op.fork('K1'));
  h.run('K1', op.close('x0'));
  assert.equal(h.run('K1', op.open('/proc/self/ns/time', 'u')).ret, 3, 'the copy keeps the numbers');
});

test('a write to /proc/uptime or /proc/stat is EIO (proc_reg_write, no proc_write), to /proc/PID/stat EINVAL', () => {
  // fs/proc/inode.c pde_write: -EIO without a proc_write; vfs_write: -EINVAL without FMODE_CAN_WRITE
  // (outsider7-proc-writes, Linux 6.18 x86_64: the model had said EINVAL for all three)
  const h = harness();
  assert.equal(h.run('P1', op.write('/proc/uptime', '1')).errno, 'EIO');
  assert.equal(h.run('P1', op.write('/proc/stat', '1')).errno, 'EIO');
  assert.equal(h.run('P1', op.write('/proc/self/stat', '1')).errno, 'EINVAL');
  assert.equal(h.run('P1', op.write('/proc/self/maps', '1')).errno, 'EINVAL');
});
