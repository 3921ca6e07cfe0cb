// Writes of user.max_time_namespaces as the kernel's sysctl handler parses them (kernel/sysctl.c): blanks alone,
// proc_get_long's 21-byte bound and the separators it takes after a number, the int handler before 5.14, the position
// a write moves and the PAGE_SIZE - 1 bytes a write's parse sees.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, op, F } from './helpers';
import type { KernelVersion } from '../../../extension/sim/types';

const MAX = '/proc/sys/user/max_time_namespaces';

/** A task in a user namespace of its own, which may write that namespace's limit. */
function writer(kernel: KernelVersion = '6.18') {
  const h = harness(kernel);
  h.run('P1', op.fork('A'));
  h.run('A', op.unshare(F.CLONE_NEWUSER));
  const write = (data: string) => h.run('A', op.write(MAX, data));
  const value = () => h.run('A', op.read(MAX)).text;
  return { write, value };
}

test('a write of blanks alone is EINVAL (the handler finds no first value); an empty one returns 0', () => {
  const w = writer();
  for (const blanks of ['  ', '\n', ' \t\n', '\r\v']) assert.equal(w.write(blanks).errno, 'EINVAL', JSON.stringify(blanks));
  const empty = w.write('');
  assert.deepEqual([empty.errno, empty.ret], [null, 0]);
  assert.equal(w.value(), '2147483647\n');
});

test('proc_get_long refuses a number of 21 bytes or more, and a byte after it outside " \\t\\n"', () => {
  const w = writer();
  assert.equal(w.write('00000000000000000006').ret, 20);
  assert.equal(w.write('000000000000000000007').errno, 'EINVAL');
  assert.equal(w.write('0x0000000000000000009').errno, 'EINVAL');
  assert.equal(w.value(), '6\n');
  for (const bad of ['5\r', '5\v', '5\f']) assert.equal(w.write(bad).errno, 'EINVAL', JSON.stringify(bad));
  assert.equal(w.write('\v\r\f 8').ret, 5, 'isspace skips them before a number');
  assert.equal(w.write('4\n\r\v').ret, 4, 'and after the separator');
  assert.equal(w.value(), '4\n');
});

test('"-0" is EINVAL for the long handler (5.14+) and 0 for the int handler before it', () => {
  const long = writer('6.1');
  assert.equal(long.write('-0').errno, 'EINVAL');
  const int = writer('5.11');
  assert.equal(int.write('-1').errno, 'EINVAL');
  assert.equal(int.write('-0').ret, 2);
  assert.equal(int.value(), '0\n');
});

test('lseek SEEK_END on a /proc/sys file counts from i_size 0 (default_llseek); an id file\'s seq_lseek refuses it', () => {
  const h = harness();
  h.run('P1', op.fork('A'));
  h.run('A', op.unshare(F.CLONE_NEWUSER));
  h.run('A', op.open(MAX, 's', 'rw'));
  assert.equal(h.run('A', { op: 'lseek', fd: 's', offset: 5, whence: 'SEEK_END' }).ret, 5);
  assert.equal(h.run('A', { op: 'lseek', fd: 's', offset: -1, whence: 'SEEK_END' }).errno, 'EINVAL');
  h.run('A', op.open('/proc/self/uid_map', 'u'));
  assert.equal(h.run('A', { op: 'lseek', fd: 'u', offset: 0, whence: 'SEEK_END' }).errno, 'EINVAL');
});

test('the global sysctls open for writing for an euid of kuid 0 only (test_perm), and their write is not run', () => {
  // outsider7-proc-writes (Linux 6.18 x86_64): the open was ok where the model said ENOENT
  const h = harness();
  const open = (t: string, p: string, fd: string) => h.run(t, op.open(p, fd, 'w'));
  assert.equal(open('P1', '/proc/sys/kernel/overflowuid', 'o').errno, null);
  assert.equal(open('P1', '/proc/sys/fs/suid_dumpable', 'd').errno, null);
  const w = h.run('P1', op.write('/proc/sys/kernel/overflowgid', '7'));
  assert.equal(w.errno, null);
  assert.match(w.refused ?? '', /kernel\.overflowgid/);
  assert.equal(h.run('P1', op.read('/proc/sys/kernel/overflowgid')).text, '65534\n', 'unchanged');
  h.run('P1', op.fork('A'));
  h.run('A', op.unshare(F.CLONE_NEWUSER));
  assert.equal(open('A', '/proc/sys/kernel/overflowuid', 'a').errno, null, 'kuid 0 in a user namespace of its own: no capability is asked');
  h.run('P1', op.fork('B'));
  h.run('B', op.setuid(1000));
  assert.equal(open('B', '/proc/sys/kernel/overflowuid', 'b').errno, 'EACCES');
  assert.equal(h.run('B', { op: 'write', file: { fd: 'o' }, data: '5' }).errno, 'EPERM', 'through root\'s fd: test_perm again at the write');
});

test('a write past position 0 is ignored yet moves the position by its count ("out: *ppos += *lenp;")', () => {
  const h = harness();
  h.run('P1', op.fork('A'));
  h.run('A', op.unshare(F.CLONE_NEWUSER));
  h.run('A', op.open(MAX, 's', 'rw'));
  const at = () => h.run('A', { op: 'lseek', fd: 's', offset: 0, whence: 'SEEK_CUR' }).ret;
  const write = (data: string) => h.run('A', { op: 'write', file: { fd: 's' }, data });
  assert.equal(write('7').ret, 1);
  assert.equal(write('1 9 0').ret, 5);
  assert.equal(at(), 6);
  assert.equal(write('x').errno, null, 'ignored, not parsed');
  assert.equal(at(), 7);
  assert.equal(h.run('A', op.read(MAX)).text, '7\n');
});

test('a write at 0 is parsed in its first PAGE_SIZE - 1 bytes, and returns the count less what is left of them', () => {
  const w = writer();
  assert.equal(w.write(`${' '.repeat(4095)}9`).errno, 'EINVAL', 'the number lies past the window');
  assert.equal(w.write(`${' '.repeat(4094)}9x`).ret, 4096, 'a number ending the window is taken, whatever follows');
  assert.equal(w.value(), '9\n');
  assert.equal(w.write(`3 x${'y'.repeat(4997)}`).ret, 5000 - (4095 - 2));
  assert.equal(w.write(`4${' '.repeat(5000)}junk`).ret, 5005);
  assert.equal(w.value(), '4\n');
});
