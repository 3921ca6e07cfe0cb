// The boot-time readers a time namespace shifts: sysinfo's uptime (kernel/sys.c do_sysinfo, 5.6) and
// /proc/PID/stat's starttime (fs/proc/array.c do_task_stat, 5.11), with the reader's boottime offset.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, op } from './helpers';
import type { Operation } from '../../../extension/sim/ops';
import type { KernelVersion } from '../../../extension/sim/types';

const sysinfo: Operation = { op: 'sysinfo' };
const sleep = (sec: number, nsec = 0): Operation => ({ op: 'sleep', delta: { sec, nsec } });
/** Field 22 of a /proc/PID/stat line. */
const starttime = (text: string | undefined): string => (text ?? '').slice((text ?? '').lastIndexOf(')') + 2).trim().split(' ')[19];

/** P1 unshares, sets a boottime offset for its children, 2.5 s pass, A is forked into the namespace. */
function withChild(offset: string, kernel: KernelVersion = '6.18') {
  const h = harness(kernel);
  h.run('P1', op.unshare());
  // 5.6 names the clocks by number only
  assert.equal(h.run('P1', op.write('/proc/self/timens_offsets', `${kernel === '5.6' ? 7 : 'boottime'} ${offset}`)).errno, null);
  h.run(null, sleep(2, 500_000_000));
  h.run('P1', op.fork('A'));
  return h;
}

test('sysinfo: host boottime plus the reader\'s offset, rounded up to whole seconds (not down, as /proc/uptime)', () => {
  const h = withChild('7200 250000000');
  assert.equal(h.run('P1', sysinfo).text, 'uptime=1003', 'P1 stays in ns#0: 1002.5 s rounded up');
  assert.equal(h.run('A', sysinfo).text, 'uptime=8203', '1002.5 + 7200.25 = 8202.75, rounded up');
  assert.equal(h.run('A', op.read('/proc/uptime')).text?.split(' ')[0], '8202.75');
  const at5_6 = withChild('7200 0', '5.6');
  assert.equal(at5_6.run('A', sysinfo).text, 'uptime=8203', 'sysinfo was shifted from the first release with time namespaces');
});

test('a whole second of boottime is not rounded up', () => {
  const h = harness();
  assert.equal(h.run('P1', sysinfo).text, 'uptime=1000');
  assert.equal(h.run('P1', sysinfo).ret, 0);
});

test('/proc/PID/stat starttime: the task\'s start_boottime in ticks plus the offset of the reader, not of the task', () => {
  const h = withChild('7200 0');
  const p1 = h.run('P1', op.read('/proc/self/stat')).text;
  assert.match(p1 ?? '', /^1000 \(P1\) (- ){19}100000\n$/, 'P1 started at boot: 1000 s = 100000 ticks');
  assert.equal(starttime(h.run('P1', op.read('/proc/A/stat')).text), '100250', 'A started 2.5 s later, read from ns#0');
  assert.equal(starttime(h.run('A', op.read('/proc/self/stat')).text), '820250', 'A reads itself from ns#1: + 720000 ticks');
  assert.equal(starttime(h.run('A', op.read('/proc/P1/stat')).text), '820000', 'P1 (in ns#0) read by A: A\'s offset');
});

test('before 5.11 starttime is the host\'s whatever namespace reads it', () => {
  const h = withChild('7200 0', '5.10');
  assert.equal(starttime(h.run('A', op.read('/proc/self/stat')).text), '100250');
  assert.equal(h.run('A', sysinfo).text, 'uptime=8203', 'sysinfo was shifted already');
});

test('a negative offset larger than a task\'s start wraps the u64 sum', () => {
  // A's namespace has boottime -1001 s (allowed: host boottime 1002.5 at the write); P1 started at 1000 s
  const h = harness();
  h.run(null, sleep(2, 500_000_000));
  h.run('P1', op.unshare());
  assert.equal(h.run('P1', op.write('/proc/self/timens_offsets', 'boottime -1001 0')).errno, null);
  h.run('P1', op.fork('A'));
  const expected = ((1n << 64n) - 1_000_000_000n) / 10_000_000n;
  assert.equal(starttime(h.run('A', op.read('/proc/P1/stat')).text), String(expected), '(1000 - 1001) s as a u64, in ticks');
  assert.equal(starttime(h.run('A', op.read('/proc/self/stat')).text), '150', 'A: 1002.5 - 1001 s');
});

test('a thread has its own start time; /proc/self from a thread is the leader, /proc/thread-self the thread', () => {
  const h = harness();
  h.run(null, sleep(5));
  h.run('P1', { op: 'pthread_create', child: 'T' });
  assert.equal(starttime(h.run('T', op.read('/proc/thread-self/stat')).text), '100500');
  assert.equal(starttime(h.run('T', op.read('/proc/self/stat')).text), '100000');
});

test('/proc/PID/stat is read-only to anyone but CAP_DAC_OVERRIDE, whose fd has no write; a gone task is ENOENT', () => {
  const h = harness();
  h.run('P1', op.fork('A'));
  h.run('A', { op: 'setuid', uid: 1000 });
  assert.equal(h.run('A', op.open('/proc/P1/stat', 'fd1', 'w')).errno, 'EACCES');
  assert.equal(h.run('A', op.open('/proc/P1/stat', 'fd2')).errno, null, 'no ptrace check at open');
  assert.equal(h.run('P1', op.open('/proc/A/stat', 'fd3', 'w')).errno, null);
  assert.equal(h.run('P1', op.writeFd('fd3', 'x')).errno, 'EINVAL');
  h.run('A', { op: 'exit', code: 0 });
  assert.equal(h.run('P1', op.read('/proc/A/stat')).errno, 'ENOENT');
});

test('a thread that execs takes over the leader\'s start time with its pid (fs/exec.c de_thread)', () => {
  const h = harness();
  h.run(null, sleep(3));
  h.run('P1', { op: 'pthread_create', child: 'T' });
  assert.equal(starttime(h.run('T', op.read('/proc/thread-self/stat')).text), '100300');
  h.run('T', { op: 'execve', path: '/proc/self/exe' });
  const text = h.run('T', op.read('/proc/self/stat')).text;
  assert.match(text ?? '', /^1000 \(T\) /);
  assert.equal(starttime(text), '100000', 'the birthdate of the process, not of the thread');
});
