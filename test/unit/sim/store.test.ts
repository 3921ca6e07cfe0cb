// The store behind the read model: reference lists that share their past read back exactly as plain arrays
// would, stateOf gives the objects state() holds, and the kernel's memo (live tasks, thread groups, pids, which mm
// maps a page) always agrees with a walk over the store, also in a simulation forked from a past state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createSimulation } from '../../../extension/sim/index';
import type { Simulation, StateTable } from '../../../extension/sim/api';
import { internalsOf } from '../../../extension/sim/simulation';
import { EMPTY_REFS, refsAdd, refsEntries, refsItems, refsRemove, type RefList } from '../../../extension/sim/store/reflist';
import { fdsDelete, fdsEach, fdsEntries, fdsItems, fdsPointingAt, fdsSet, type FdTable } from '../../../extension/sim/store/fdtable';
import type { Operation } from '../../../extension/sim/ops';
import { F, C } from './helpers';

test('a reference list reads back as the array of the same adds and removes, at every version', () => {
  const opArb = fc.record({ add: fc.boolean(), x: fc.integer({ min: 0, max: 40 }) });
  fc.assert(fc.property(fc.array(opArb, { maxLength: 400 }), fc.integer({ min: 0, max: 60 }), (ops, grow) => {
    // Grow first, so long lists (replayed versions) are covered as well as short ones (copied).
    let list: RefList = EMPTY_REFS;
    let arr: string[] = [];
    const versions: [RefList, string[]][] = [];
    const all = [...Array.from({ length: grow }, (_, i) => ({ add: true, x: 100 + i })), ...ops];
    for (const o of all) {
      const x = `T${o.x}`;
      if (o.add) { list = refsAdd(list, x); arr = [...arr, x]; } else { list = refsRemove(list, x); arr = arr.filter((v) => v !== x); }
      versions.push([list, arr]);
    }
    // Read in an order unlike the order of recording: the newest first, then every third.
    for (let i = versions.length - 1; i >= 0; i--) assert.deepEqual(refsItems(versions[i][0]), versions[i][1]);
    for (let i = 0; i < versions.length; i += 3) assert.deepEqual(refsItems(versions[i][0]), versions[i][1]);
  }), { numRuns: 200 });
});

// What events show of a list's or a table's change: the entries that differ. Applied to the earlier version's items
// they must give the later one's, for neighbours (one operation, the fast path) and versions further apart.
test('the entries between two versions of a list or an fd table make the one from the other', () => {
  const opArb = fc.record({ add: fc.boolean(), x: fc.integer({ min: 0, max: 30 }) });
  fc.assert(fc.property(fc.array(opArb, { maxLength: 300 }), fc.integer({ min: 0, max: 40 }), fc.array(fc.nat(), { minLength: 20, maxLength: 20 }), (ops, grow, picks) => {
    let list: RefList = EMPTY_REFS;
    let table: FdTable<{ _nr: number; file: string }> = {};
    const lists: RefList[] = [list];
    const tables: FdTable<{ _nr: number; file: string }>[] = [table];
    let nr = 0;
    for (const o of [...Array.from({ length: grow }, (_, i) => ({ add: true, x: 100 + i })), ...ops]) {
      const x = `T${o.x}`;
      // A holder is added once and only a holder is removed (the lists stand for references).
      const held = refsItems(list).includes(x);
      if (o.add && !held) list = refsAdd(list, x);
      if (!o.add && held) list = refsRemove(list, x);
      // A table's name is opened (again: replaced, as a delete and a set) or closed.
      // Some struct files are pointed at by several names (as after dup).
      table = o.add ? fdsSet(o.x % 3 ? table : fdsDelete(table, x), x, { _nr: nr++, file: `F${nr % 40}` }) : fdsDelete(table, x);
      lists.push(list);
      tables.push(table);
      // The fds pointing at a struct file, from the newest version's index or read whole, are the table's.
      const items: Readonly<Record<string, { _nr: number; file: string }>> = fdsItems(table);
      // A walk of the table (from the newest version's index, or read whole) gives its items in their order.
      const walked: [string, unknown][] = [];
      fdsEach(table, (name, v) => walked.push([name, v]));
      assert.deepEqual(walked, Object.entries(items), 'fdsEach walks the items in their order');
      for (const f of ['F0', `F${nr % 40}`, `F${(nr + 7) % 40}`]) {
        assert.deepEqual(fdsPointingAt(table, [f]), Object.keys(items).filter((k) => items[k].file === f).map((k) => [k, items[k]]), `fds pointing at ${f}`);
      }
    }
    const n = lists.length;
    const pairs: [number, number][] = [];
    for (let i = 0; i + 1 < n; i++) pairs.push([i, i + 1]);
    for (let k = 0; k + 1 < picks.length; k += 2) {
      const [a, b] = [picks[k] % n, picks[k + 1] % n].sort((p, q) => p - q);
      pairs.push([a, b]);
    }
    for (const [i, j] of pairs) {
      const holders = new Set(refsItems(lists[i]));
      for (const e of refsEntries('l', lists[i], lists[j])) {
        assert.equal(e.before === true, holders.has(e.key), `${e.key} was held iff the entry says so`);
        if (e.after === true) holders.add(e.key);
        else holders.delete(e.key);
      }
      assert.deepEqual([...holders].sort(), [...refsItems(lists[j])].sort(), `list versions ${i} and ${j}`);
      const files: Record<string, unknown> = { ...fdsItems(tables[i]) };
      for (const e of fdsEntries('t', tables[i], tables[j])) {
        assert.equal(e.before, files[e.key], `${e.key} before, table versions ${i} and ${j}`);
        if (e.after === undefined) delete files[e.key];
        else files[e.key] = e.after;
      }
      assert.deepEqual(files, { ...fdsItems(tables[j]) }, `table versions ${i} and ${j}`);
    }
  }), { numRuns: 100 });
});

test('a namespace with thousands of tasks records each join in constant space, and reads back in join order', () => {
  const sim = createSimulation({ arch: 'x86_64', kernel: '6.18', disabledPatches: [] });
  let line = 0;
  for (let i = 0; i < 3000; i++) sim.exec({ line: line++, task: 'P1', operation: { op: 'fork', child: `C${i}` } });
  for (let i = 0; i < 3000; i += 7) sim.exec({ line: line++, task: `C${i}`, operation: { op: 'exit', code: 0 } });
  const refs = sim.state().timeNamespaces['ns#0'].refs;
  const want = ['P1', ...Array.from({ length: 3000 }, (_, i) => `C${i}`).filter((_, i) => i % 7 !== 0)];
  assert.deepEqual(refs.time_ns, want);
  assert.deepEqual(refs.time_ns_for_children, want);
  // A join shows as the holder it adds to each list, not the lists: what a fork's events show does not grow with
  // the tasks before it (a fork among 4,000 tasks once showed each list whole, twice).
  const nsChanges = (line: number) => {
    const span = sim.lineSpans()[line];
    return Array.from({ length: span.end - span.first }, (_, i) => sim.event(span.first + i).changes).flat().filter((c) => c.obj === 'ns#0');
  };
  const child = (k: number) => [
    { obj: 'ns#0', field: `refs.time_ns.C${k}`, before: undefined, after: true },
    { obj: 'ns#0', field: `refs.time_ns_for_children.C${k}`, before: undefined, after: true },
  ];
  assert.deepEqual(nsChanges(1500), child(1500));
  assert.deepEqual(nsChanges(10), child(10));
  // An exit shows the holder each list lost.
  assert.deepEqual(nsChanges(3000 + 10).map((c) => [c.field, c.before, c.after]), [['refs.time_ns.C70', true, undefined], ['refs.time_ns_for_children.C70', true, undefined]]);
});

function steps(sim: Simulation, ops: [string | null, Operation][]): void {
  let line = sim.lineSpans().length;
  for (const [task, operation] of ops) sim.exec({ line: line++, task, operation });
}

const MIXED: [string | null, Operation][] = [
  ['P1', { op: 'unshare', flags: F.CLONE_NEWTIME }],
  ['P1', { op: 'open', path: '/proc/self/ns/time', mode: 'r', fd: 'root' }],
  ['P1', { op: 'fork', child: 'A' }],
  ['A', { op: 'pthread_create', child: 'A1' }],
  ['A', { op: 'pthread_create', child: 'A2' }],
  ['A', { op: 'clock_gettime', clock: C.CLOCK_MONOTONIC, via: 'vdso' }],
  ['A1', { op: 'execve', path: '/bin/true' }],
  ['P1', { op: 'setns', target: { path: '/proc/A1/ns/time' }, nstype: 0 }],
  ['P1', { op: 'clock_gettime', clock: C.CLOCK_BOOTTIME, via: 'vdso' }],
  ['P1', { op: 'vfork', child: 'V' }],
  ['V', { op: 'exit', code: 0 }],
  ['P1', { op: 'setns', target: { fd: 'root' }, nstype: F.CLONE_NEWTIME }],
  ['A1', { op: 'exit', code: 0 }],
  [null, { op: 'spawn', child: 'S', uid: 1000 }],
  ['S', { op: 'touch', mapping: '[vvar]', page: 0 }],
];

function checkMemo(sim: Simulation): void {
  const { store, memo } = internalsOf(sim);
  const tasks: { id: string; pid: number; leader: string; state: string; mm: string | null }[] = [];
  store.tasks.forEach((t) => tasks.push(t));
  const live = tasks.filter((t) => t.state !== 'exited').map((t) => t.id);
  assert.deepEqual([...memo.liveTasks()], live, 'live tasks in creation order');
  for (const t of live) {
    const group = live.filter((u) => store.tasks.get(u)!.leader === store.tasks.get(t)!.leader);
    assert.deepEqual(memo.threadsOf(t), group, `threads of ${t}`);
    assert.equal(memo.threadCount(t), group.length, `thread count of ${t}`);
  }
  for (const pid of new Set(tasks.map((t) => t.pid))) assert.equal(memo.taskByPid(pid), tasks.filter((t) => t.pid === pid).at(-1)!.id, `pid ${pid}`);
  store.mms.forEach((m, id) => assert.deepEqual([...memo.usersOf(id)].sort(), [...sim.stateOf!('mms', id)!.users].sort(), `users of ${id}`));
  store.pages.forEach((_p, page) => {
    let want: string | null = null;
    for (const t of live) {
      const m = store.tasks.get(t)!.mm;
      if (!m || want) continue;
      if (store.mms.get(m)!._vmas.some((v) => store.vmas.get(v)!.ptes.some((p) => p?.page === page))) want = m;
    }
    assert.equal(memo.mmMapping(page), want, `mm mapping ${page}`);
  });
}

test('the memo agrees with a walk over the store, built at once or kept up step by step, and in a fork', () => {
  for (const kernel of ['6.18', '6.1', '5.10'] as const) {
    const sim = createSimulation({ arch: 'x86_64', kernel, disabledPatches: [] });
    for (let i = 0; i < MIXED.length; i++) {
      steps(sim, [MIXED[i]]);
      checkMemo(sim);
    }
    // A fork builds its memo from the store; it must then behave as the original does, step for step.
    const fork = sim.forkAtPosition();
    const more: [string | null, Operation][] = [
      ['A', { op: 'execve', path: '/bin/sh' }], ['P1', { op: 'read', file: { path: '/proc/1001/timens_offsets' } }],
      ['A', { op: 'exit', code: 0 }], ['S', { op: 'setuid', uid: 1000 }], ['P1', { op: 'fork', child: 'B' }],
    ];
    const n0 = sim.eventCount;
    steps(sim, more);
    steps(fork, more);
    checkMemo(fork);
    for (let i = 0; i < fork.eventCount; i++) assert.deepEqual(fork.event(i).summary, sim.event(n0 + i).summary, `${kernel} event ${i}`);
  }
});

test('stateOf gives the very objects state() holds, at the end and after time travel', () => {
  const sim = createSimulation({ arch: 'x86_64', kernel: '6.18', disabledPatches: [] });
  steps(sim, MIXED);
  for (const p of [sim.eventCount, 0, Math.floor(sim.eventCount / 2), sim.eventCount]) {
    sim.goto(p);
    const st = sim.state();
    for (const table of ['tasks', 'nsproxies', 'timeNamespaces', 'userNamespaces', 'mms', 'pages'] as StateTable[]) {
      for (const [id, obj] of Object.entries(st[table])) assert.deepEqual(sim.stateOf!(table, id), obj, `${table} ${id} at ${p}`);
      assert.equal(sim.stateOf!(table, 'nothing'), undefined);
    }
    assert.equal(sim.stateOf!('tasks', 'P1'), st.tasks.P1, 'the same object');
  }
});
