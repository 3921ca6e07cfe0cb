// /proc/PID/maps through an fd shows the mm its open took (fs/proc/task_mmu.c proc_maps_open → proc_mem_open;
// m_start: ESRCH once the task has gone, nothing once that mm was freed). Found by an outsider scenario on 6.18.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Operation } from '../../../extension/sim/ops';
import { harness, op } from './helpers';

const rd = (fd: string): Operation => ({ op: 'read', file: { fd } });
const seek0 = (fd: string): Operation => ({ op: 'lseek', fd, offset: 0, whence: 'SEEK_SET' });

test('an exec leaves an fd of the old maps empty; the task\'s exit makes its read ESRCH', () => {
  const h = harness();
  h.run('P1', op.fork('A'));
  h.run('P1', op.open('/proc/A/maps', 'm'));
  assert.match(h.run('P1', rd('m')).text ?? '', /\[vdso\]\n/);
  h.run('A', op.exec());
  h.run('P1', seek0('m'));
  assert.equal(h.run('P1', rd('m')).text, '', 'mmget_not_zero fails on the freed mm');
  h.run('P1', op.open('/proc/A/maps', 'm2'));
  h.run('A', op.exit());
  assert.equal(h.run('P1', rd('m2')).errno, 'ESRCH');
});

test('a vfork child\'s fd of its own maps still shows its parent\'s mm after the child\'s exec', () => {
  const h = harness();
  h.run('P1', op.fork('B'));
  assert.equal(h.run('B', { op: 'munmap', mapping: '[vdso]' }).errno, null);
  h.run('B', op.vfork('V'));
  h.run('V', op.open('/proc/self/maps', 'vm'));
  h.run('V', op.exec());
  const text = h.run('V', rd('vm')).text ?? '';
  assert.match(text, /\[vvar\]\n/);
  assert.doesNotMatch(text, /\[vdso\]\n/, 'B unmapped it; V\'s new mm has one');
});
