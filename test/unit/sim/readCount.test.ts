// The count of a read as vfs_read and the files check it (fs/read_write.c, fs/proc/proc_sysctl.c): EBADF, the EINVAL
// of a file without a read, access_ok's EFAULT, then the file: a directory's EISDIR, a sysctl's ENOMEM from
// KMALLOC_MAX_SIZE bytes (5.8+, by page size), access_ok's bound by version and architecture.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Operation } from '../../../extension/sim/ops';
import type { Arch, KernelVersion, Machine } from '../../../extension/sim/types';
import { F, harness, op } from './helpers';

const MAX = '/proc/sys/user/max_time_namespaces';
const rd = (path: string, count?: number): Operation => ({ op: 'read', file: { path }, ...(count === undefined ? {} : { count }) });
const rdFd = (fd: string, count?: number): Operation => ({ op: 'read', file: { fd }, ...(count === undefined ? {} : { count }) });

function reader(kernel: KernelVersion = '6.18', arch: Arch = 'x86_64', pageSize?: Machine['pageSize']) {
  const h = harness(kernel, arch, [], pageSize ? { pageSize } : undefined);
  h.run('P1', op.fork('A'));
  h.run('A', op.unshare(F.CLONE_NEWUSER));
  return (o: Operation) => h.run('A', o);
}

test('a sysctl read of KMALLOC_MAX_SIZE bytes or more is ENOMEM from 5.8, at 4 MiB with 4K pages, 32 MiB with 16K', () => {
  const a = reader();
  assert.equal(a(rd(MAX, 4194303)).text, '2147483647\n');
  assert.equal(a(rd(MAX, 4194304)).errno, 'ENOMEM');
  assert.equal(a(rd(MAX)).text, '2147483647\n', 'a read without a count takes the whole value');
  assert.equal(reader('5.7')(rd(MAX, 4194304)).text, '2147483647\n', 'before 5.8 the handler took the user buffer');
  const k16 = reader('6.12', 'arm64', 16384);
  assert.equal(k16(rd(MAX, 4194304)).text, '2147483647\n');
  assert.equal(k16(rd(MAX, 2 ** 25)).errno, 'ENOMEM');
  assert.equal(a(rd('/proc/self/timens_offsets', 4194304)).errno, null, 'a seq_file has no such bound');
});

test('access_ok comes before a directory\'s EISDIR and a sysctl\'s read, after EBADF and a file without a read', () => {
  const a = reader();
  a(op.open('/proc/self', 'd'));
  assert.equal(a(rdFd('d', 10)).errno, 'EISDIR');
  assert.equal(a(rdFd('d', -1)).errno, 'EFAULT');
  assert.equal(a(rd(MAX, -1)).errno, 'EFAULT');
  a(op.open('/proc/self/ns/time', 'n'));
  assert.equal(a(rdFd('n', -1)).errno, 'EINVAL');
  a(op.open('/proc/self/uid_map', 'w', 'w'));
  assert.equal(a(rdFd('w', -1)).errno, 'EBADF');
});

test('a count past the user address space is EFAULT, except on x86_64 6.4-6.11, where access_ok is a sign test', () => {
  const past = 2 ** 47;
  assert.equal(reader()(rd('/proc/uptime', past)).errno, 'EFAULT');
  assert.equal(reader('6.1')(rd('/proc/uptime', past)).errno, 'EFAULT');
  assert.equal(reader('6.5')(rd('/proc/uptime', past)).errno, null);
  assert.equal(reader('6.12', 'arm64')(rd('/proc/uptime', past)).errno, null, 'arm64: 48-bit addresses');
  assert.equal(reader('6.12', 'arm64')(rd('/proc/uptime', 2 ** 48)).errno, 'EFAULT');
});

test('a thread\'s directory /proc/PID/task/TID opened as a file is a directory: EISDIR, and pwrite reaches EBADF', () => {
  const h = harness();
  h.run('P1', { op: 'pthread_create', child: 'U' });
  h.run('P1', op.open('/proc/P1/task/U', 'u'));
  assert.equal(h.run('P1', rdFd('u')).errno, 'EISDIR');
  assert.equal(h.run('P1', rdFd('u', -1)).errno, 'EFAULT');
  assert.equal(h.run('P1', { op: 'pwrite', file: { fd: 'u' }, data: '', offset: 0 }).errno, 'EBADF');
});
