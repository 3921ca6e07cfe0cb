// One struct file per open file description (fs/file.c dup_fd copies the fd table's pointers): a fork's fds and
// its parent's share f_pos and the seq_file, the record lives while an fd points at it, and events show a move of
// it in every fd table pointing at it, the same when shown later, after time travel or without history.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSimulation } from '../../../extension/sim/index';
import type { Operation } from '../../../extension/sim/ops';
import { internalsOf } from '../../../extension/sim/simulation';
import type { Change, Simulation } from '../../../extension/sim/api';
import { SNAPSHOT_INTERVAL } from '../../../extension/sim/log/snapshots';
import { harness, op, sharedFilesRun } from './helpers';

const rd = (fd: string, count?: number): Operation => ({ op: 'read', file: { fd }, ...(count === undefined ? {} : { count }) });

test('a fork\'s fd points at its parent\'s struct file: one record, freed with the last fd', () => {
  const h = harness();
  h.run('P1', op.open('/proc/self/timens_offsets', 'f'));
  h.run('P1', op.fork('A'));
  h.run('P1', op.fork('B'));
  const files = internalsOf(h.sim).store.openFiles;
  const ids = (): string[] => { const out: string[] = []; files.forEach((_f, id) => out.push(id)); return out; };
  assert.deepEqual(ids(), ['P1:f@0']);
  assert.equal(files.get('P1:f@0')?._count, 3);
  h.run('A', rd('f', 4));
  assert.equal(h.sim.state().tasks.B.fds.f.pos, 4, 'a sibling sees the move');
  h.run('P1', op.close('f'));
  h.run('A', op.close('f'));
  assert.equal(files.get('P1:f@0')?._count, 1);
  h.run('B', op.close('f'));
  assert.deepEqual(ids(), []);
});

// Linux 6.18 (timens verify): after the child read the sysctl, the parent's read of the same fd is at 6: "".
test('a sysctl file\'s position is shared too, not only a seq_file\'s', () => {
  const h = harness();
  h.run('P1', op.open('/proc/sys/kernel/overflowuid', 's'));
  h.run('P1', op.fork('P2'));
  assert.equal(h.run('P2', rd('s')).text, '65534\n');
  assert.equal(h.run('P1', rd('s')).text, '');
});

function readChanges(sim: Simulation, from: number): Change[] {
  const out: Change[] = [];
  for (let i = from; i < sim.eventCount; i++) out.push(...sim.event(i).changes.filter((c) => c.field.startsWith('fds.')));
  return out;
}

function scenario(sim: Simulation): number {
  let line = 0;
  const run = (task: string, operation: Operation): void => { sim.exec({ line: line++, task, operation }); };
  run('P1', op.open('/proc/self/timens_offsets', 'f'));
  // Another fd in the same tables: a read of `f` shows `f` moving, not the tables.
  run('P1', op.open('/proc/uptime', 'g'));
  run('P1', op.fork('P2'));
  run('P1', op.fork('P3'));
  const from = sim.eventCount;
  run('P2', rd('f', 4));
  return from;
}

test('a read shows in every table pointing at the file, the reader\'s first, the same after time travel and without history', () => {
  const sim = createSimulation({ arch: 'x86_64', kernel: '6.18', disabledPatches: [] });
  const from = scenario(sim);
  const shown = readChanges(sim, from);
  assert.deepEqual(shown.map((c) => `${c.obj}.${c.field}`), ['P2.fds.f', 'P1.fds.f', 'P3.fds.f']);
  for (const c of shown) {
    assert.equal((c.before as { pos: number }).pos, 0);
    assert.equal((c.after as { pos: number }).pos, 4);
  }
  // Shown again from the start of the log, and from the middle of the read: the store is elsewhere then.
  sim.goto(0);
  assert.deepEqual(readChanges(sim, from), shown);
  sim.goto(from + 1);
  assert.deepEqual(readChanges(sim, from), shown);
  assert.equal(sim.state().tasks.P3.fds.f.pos, 0, 'before the read');
  sim.goto(sim.eventCount);
  assert.equal(sim.state().tasks.P3.fds.f.pos, 4);
  while (sim.position > from) sim.stepBack();
  assert.equal(sim.state().tasks.P1.fds.f.pos, 0, 'stepping back restores the one position');
  const streaming = createSimulation({ arch: 'x86_64', kernel: '6.18', disabledPatches: [] }, { keepHistory: false });
  scenario(streaming);
  assert.deepEqual(readChanges(streaming, streaming.eventCount - (sim.eventCount - from)), shown);
});

// Past changes are shown from a view of the store at their event, started from the last one shown, the store or
// a snapshot, and moved over the kept changes in between: any order of asking must show what a first pass did.
test('an event shows the same changes whatever was asked before it, wherever the store is, across snapshots', () => {
  const sim = sharedFilesRun(3 * SNAPSHOT_INTERVAL + 500);
  const n = sim.eventCount;
  const first = Array.from({ length: n }, (_, i) => JSON.stringify(sim.event(i).changes));
  const same = (order: readonly number[], where: string) => {
    for (const i of order) assert.equal(JSON.stringify(sim.event(i).changes), first[i], `event ${i} ${where}`);
  };
  let seed = 7;
  const random = Array.from({ length: 3000 }, () => (seed = (seed * 16807) % 2147483647) % n);
  same(random, 'asked at random, the store at the end');
  same(Array.from({ length: n }, (_, i) => n - 1 - i), 'asked backwards');
  sim.goto(Math.floor(n / 2));
  same(random, 'asked at random, the store in the middle');
  same(Array.from({ length: 3000 }, (_, i) => Math.floor(n / 2) - 1500 + i), 'asked in order around the store');
  assert.ok(first.some((c) => c.includes('"pos":3')), 'the reads are among the changes shown');
});
