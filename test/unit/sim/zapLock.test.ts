// vdso_join_timens's mmap lock by version (issue 13 "mechanisms" item 6): the events name the lock the kernel takes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Arch, KernelVersion } from '../../../extension/sim/types';
import { KERNEL_FUNCTIONS } from '../../../extension/sim/index';
import { harness, op } from './helpers';

function locks(kernel: KernelVersion, arch: Arch = 'x86_64'): string[] {
  const h = harness(kernel, arch);
  h.run('P1', op.unshare());
  h.run('P1', op.fork('P2'));
  const out: string[] = [];
  for (let i = 0; i < h.sim.eventCount; i++) {
    const e = h.sim.event(i);
    if (e.kind === 'call' && /lock|write_killable|up_write/.test(e.fn)) out.push(e.fn);
    for (const fn of e.stack) assert.ok(KERNEL_FUNCTIONS.includes(fn), fn);
  }
  return out;
}

test('x86 5.6-5.7 down_write_killable, 5.8 mmap_write_lock_killable, 5.9+ and arm64 mmap_read_lock, each with its unlock', () => {
  assert.deepEqual(locks('5.6'), ['down_write_killable', 'up_write']);
  assert.deepEqual(locks('5.7'), ['down_write_killable', 'up_write']);
  assert.deepEqual(locks('5.8'), ['mmap_write_lock_killable', 'mmap_write_unlock']);
  assert.deepEqual(locks('5.9'), ['mmap_read_lock', 'mmap_read_unlock']);
  assert.deepEqual(locks('6.18'), ['mmap_read_lock', 'mmap_read_unlock']);
  assert.deepEqual(locks('5.9', 'arm64'), ['mmap_read_lock', 'mmap_read_unlock']);
  assert.deepEqual(locks('6.18', 'arm64'), ['mmap_read_lock', 'mmap_read_unlock']);
});
