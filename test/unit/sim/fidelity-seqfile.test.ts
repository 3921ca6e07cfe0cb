// Issue 13 item 3: reads of the /proc seq_files go by the fd's position (fs/seq_file.c), pinned to what
// Linux 6.18 gave in a probe program; and the language's read(file, count) and lseek whence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, op } from './helpers';
import { parseScenario } from '../../../extension/scenario/parser';
import type { Operation } from '../../../extension/sim/ops';

const rd = (fd: string, count?: number): Operation => ({ op: 'read', file: { fd }, ...(count !== undefined ? { count } : {}) });
const seek = (fd: string, offset: number, whence?: 'SEEK_SET' | 'SEEK_CUR' | 'SEEK_END'): Operation => ({ op: 'lseek', fd, offset, ...(whence ? { whence } : {}) });

function opened(): ReturnType<typeof harness> {
  const h = harness();
  h.run('P1', op.unshare());
  h.run('P1', op.open('/proc/self/timens_offsets', 'fd1', 'rw'));
  assert.equal(h.run('P1', op.writeFd('fd1', 'monotonic 3600 0\nboottime 7200 0\n')).ret, 33);
  return h;
}

test('a second read on the same fd is at the end; a write there gives EINVAL; lseek(10) reads from byte 10', () => {
  const h = opened();
  assert.equal(h.run('P1', seek('fd1', 0, 'SEEK_CUR')).ret, 0, 'the write did not move the position');
  assert.equal(h.run('P1', rd('fd1')).ret, 64);
  const again = h.run('P1', rd('fd1'));
  assert.equal(again.ret, 0);
  assert.equal(again.text, '');
  assert.equal(h.run('P1', op.writeFd('fd1', 'monotonic 1 0')).errno, 'EINVAL');
  assert.equal(h.run('P1', seek('fd1', 10)).ret, 10);
  assert.equal(h.run('P1', rd('fd1')).text, '       3600         0\nboottime         7200         0\n');
});

test('reads by size continue where the last stopped', () => {
  const h = opened();
  assert.deepEqual([5, 5, 30, 30, 30].map((n) => h.run('P1', rd('fd1', n)).text),
    ['monot', 'onic ', '       3600         0\nboottime', '         7200         0\n', '']);
  assert.equal(h.run('P1', seek('fd1', 5, 'SEEK_CUR')).ret, 69);
  assert.equal(h.run('P1', seek('fd1', 0, 'SEEK_END')).errno, 'EINVAL');
  assert.equal(h.run('P1', seek('fd1', -1)).errno, 'EINVAL');
  assert.equal(h.run('P1', seek('fd1', 100)).ret, 100);
  assert.equal(h.run('P1', rd('fd1')).ret, 0);
  assert.equal(h.run('P1', rd('fd1', 0)).ret, 0);
  assert.equal(h.run('P1', rd('fd1', -1)).errno, 'EFAULT');
});

test('the text of a pass stays in the buffer: a change through another fd shows in the next pass only', () => {
  const h = opened();
  assert.equal(h.run('P1', rd('fd1', 5)).text, 'monot');
  assert.equal(h.run('P1', op.write('/proc/self/timens_offsets', 'monotonic 2 5\n')).ret, 14);
  assert.equal(h.run('P1', rd('fd1')).text, 'onic        3600         0\nboottime         7200         0\n');
  h.run('P1', seek('fd1', 0));
  assert.equal(h.run('P1', rd('fd1')).text, 'monotonic           2         5\nboottime         7200         0\n');
  assert.equal(h.run('P1', op.read('/proc/self/timens_offsets')).ret, 64, 'a path is a fresh open: always from 0');
});

test('a thread reads and seeks through its leader\'s fd, and moves that fd\'s position', () => {
  const h = opened();
  h.run('P1', op.thread('T2'));
  assert.equal(h.run('T2', rd('fd1', 5)).text, 'monot');
  assert.equal(h.run('P1', rd('fd1', 5)).text, 'onic ');
});

test('a forked child shares the struct file: one position and one buffer for both', () => {
  const h = opened();
  assert.equal(h.run('P1', rd('fd1', 5)).text, 'monot');
  h.run('P1', op.fork('P2'));
  assert.equal(h.run('P2', rd('fd1', 5)).text, 'onic ');
  assert.equal(h.run('P1', rd('fd1', 5)).text, '     ');
  assert.equal(h.run('P2', seek('fd1', 0, 'SEEK_CUR')).ret, 15);
  h.run('P2', op.close('fd1'));
  h.run('P2', op.open('/proc/self/timens_offsets', 'fd1'));
  assert.equal(h.run('P2', rd('fd1', 5)).text, 'monot', 'a new open is a new struct file');
  assert.equal(h.run('P1', rd('fd1', 5)).text, '  360', 'and the parent\'s is left where it was');
});

test('the language: read(file, count) and lseek(fd, offset, whence), with a diagnostic for a bad whence', () => {
  const p = parseScenario('P1: open("/proc/self/timens_offsets") = fd1\nP1: read(fd1, 5)\nP1: lseek(fd1, 5, SEEK_CUR)\nP1: lseek(fd1, 1)\nP1: read(fd1)\n');
  assert.deepEqual(p.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.deepEqual(p.steps.slice(1).map((s) => s.operation), [
    { op: 'read', file: { fd: 'fd1' }, count: 5 }, { op: 'lseek', fd: 'fd1', offset: 5, whence: 'SEEK_CUR' },
    { op: 'lseek', fd: 'fd1', offset: 1 }, { op: 'read', file: { fd: 'fd1' } }]);
  const bad = parseScenario('P1: open("/proc/self/timens_offsets") = fd1\nP1: lseek(fd1, 5, SEEK_CURR)\n');
  const d = bad.diagnostics.find((x) => x.code === 'unknown-flag');
  assert.ok(d && /did you mean SEEK_CUR/.test(d.message), JSON.stringify(bad.diagnostics));
  const three = parseScenario('P1: open("/proc/self/timens_offsets") = fd1\nP1: lseek(fd1, 5, 3)\n');
  assert.ok(three.diagnostics.some((x) => x.code === 'bad-value' && /not a whence/.test(x.message)), JSON.stringify(three.diagnostics));
});

test('uid_map shows one record per extent: a read returns the whole records that fit PAGE_SIZE, the next goes on from there', () => {
  const extents = Array.from({ length: 340 }, (_, i) => `${i} ${i} 1\n`).join('');
  const line = (i: number) => `${String(i).padStart(10)} ${String(i).padStart(10)} ${'1'.padStart(10)}\n`;
  for (const [arch, pageSize, perRead] of [['x86_64', 4096, 124], ['arm64', 16384, 340]] as const) {
    const h = harness('6.12', arch, [], { pageSize });
    h.run('P1', op.fork('C'));
    h.run('C', op.unshare(0x10000000));
    assert.equal(h.run('P1', op.write('/proc/C/uid_map', extents)).ret, extents.length);
    h.run('P1', op.open('/proc/C/uid_map', 'm'));
    // seq_read_iter: 124 records of 33 bytes fill 4092 of a 4096-byte buffer; the 125th does not fit
    const first = h.run('P1', rd('m')).text ?? '';
    assert.equal(first.length, perRead * 33, `${pageSize}: one read`);
    assert.ok(first.endsWith(line(perRead - 1)));
    const second = h.run('P1', rd('m')).text ?? '';
    assert.equal(second.slice(0, 33), perRead < 340 ? line(perRead) : '', `${pageSize}: the next read starts at the next record`);
    // a small read takes a second record into the buffer and hands out its start; the rest comes first next time
    h.run('P1', seek('m', 0));
    assert.equal(h.run('P1', rd('m', 40)).text, line(0) + line(1).slice(0, 7));
    assert.equal(h.run('P1', rd('m', 100)).text, line(1).slice(7) + line(2) + line(3) + line(4).slice(0, 8));
  }
});
