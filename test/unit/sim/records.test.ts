// Recording internals that views see only through their output: the per-kind record copies keep every key in
// the order the kernel created it, each kind of object lives in its own table, lazily formatted summaries read
// exactly as the template literal would, and line spans, results and causes kept in columns read back as recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runScenario } from '../../../extension/scenario/index';
import { Recorder } from '../../../extension/sim/log/recorder';
import { internalsOf } from '../../../extension/sim/simulation';
import { fmtTs } from '../../../extension/sim/types';
import type { OpResult } from '../../../extension/sim/api';
import { harness, op, C } from './helpers';

const ROOT = path.resolve(__dirname, '../../../..');
const scenarios = ['examples', 'test/conformance'].flatMap((d) =>
  fs.readdirSync(path.join(ROOT, d)).filter((f) => f.endsWith('.timens')).sort().map((f) => path.join(ROOT, d, f)));

test('a record copy has the same keys, in the same order, and the same values (every scenario, several positions)', () => {
  assert.ok(scenarios.length >= 20);
  let checked = 0;
  for (const file of scenarios) {
    const run = runScenario(fs.readFileSync(file, 'utf8'), { file });
    const sim = run.sim;
    const n = sim.eventCount;
    for (const p of [0, n >> 2, n >> 1, n - (n >> 2), n]) {
      sim.goto(p);
      for (const table of internalsOf(sim).store.all) {
        table.forEach((rec, key) => {
          const copy = table.kind.copy(rec);
          assert.notEqual(copy, rec);
          assert.deepEqual(Object.keys(copy), Object.keys(rec), `${path.basename(file)} at ${p}: ${key}`);
          for (const k of Object.keys(rec)) assert.equal((copy as Record<string, unknown>)[k], (rec as Record<string, unknown>)[k], `${key}.${k}`);
          checked++;
        });
      }
    }
  }
  assert.ok(checked > 1000, `${checked} records checked`);
});

test('a summary made with the template tag reads as the template literal, Timespecs as seconds.nanoseconds', () => {
  const r = new Recorder(true);
  const ts = { sec: 1767225600, nsec: 1000 };
  const neg = { sec: -3, nsec: 5 };
  const cases: [number, string][] = [
    [r.summary`plain text`, 'plain text'],
    [r.summary``, ''],
    [r.summary`${'ns#1'}`, 'ns#1'],
    [r.summary`a ${'x'} b ${42} c ${null} d ${undefined} e ${true} f ${false}`, `a ${'x'} b ${42} c ${null} d ${undefined} e ${true} f ${false}`],
    [r.summary`${-0} ${1.5} ${4026532202} ${-7} ${Number.MAX_SAFE_INTEGER}`, `${-0} ${1.5} ${4026532202} ${-7} ${Number.MAX_SAFE_INTEGER}`],
    [r.summary`host ${ts} + ${neg} = ${'→'}${''}!`, `host ${fmtTs(ts)} + ${fmtTs(neg)} = →!`],
    [r.summary`${'a'.repeat(100)}/${'é ✓'}`, `${'a'.repeat(100)}/é ✓`],
  ];
  // Ids stay valid while more summaries and strings are added.
  for (let i = 0; i < 40000; i++) assert.ok(r.summary`filler ${i} ${'s' + i}` < 0);
  for (const [id, text] of cases) assert.equal(r.summaryText(id), text);
  const id = r.summary`late ${7}`;
  assert.equal(r.summaryText(id), 'late 7');
  assert.equal(r.summaryText(r.intern('interned')), 'interned');
});

test('line spans, made on demand, list every line in order, also after more lines are recorded', () => {
  const h = harness();
  h.run('P1', op.unshare());
  const first = h.sim.lineSpans().map((s) => ({ ...s }));
  assert.deepEqual(first, [{ line: 0, first: 0, end: h.sim.eventCount }]);
  const mid = h.sim.eventCount;
  h.run('P1', op.fork('C1'));
  h.run('C1', op.gettime(C.CLOCK_MONOTONIC));
  const spans = h.sim.lineSpans();
  assert.deepEqual(spans.map((s) => s.line), [0, 1, 2]);
  assert.deepEqual({ ...spans[1] }, { line: 1, first: mid, end: spans[2].first });
  assert.equal(spans[2].end, h.sim.eventCount);
  assert.equal(h.sim.lineSpans(), spans, 'the same array while nothing new was recorded');
});

test('results and single causes read back as recorded, without their wrapper objects in the log', () => {
  const h = harness();
  h.run('P1', op.unshare());
  const fork = h.run('P1', op.fork('C1'));
  const read = h.run('C1', op.gettime(C.CLOCK_MONOTONIC));
  let exits = 0;
  let caused = 0;
  let freezes = 0;
  for (let i = 0; i < h.sim.eventCount; i++) {
    const e = h.sim.event(i);
    if (e.kind === 'syscall-exit' && e.line === 1) { assert.equal(e.result, fork); exits++; }
    if (e.kind === 'vdso-exit') { assert.equal(e.result, read); exits++; }
    if (e.causes) {
      assert.ok(e.causes.length > 0 && e.causes.every((c) => Number.isInteger(c) && c >= 0 && c < i));
      caused++;
    }
    if (e.kind === 'freeze') { assert.deepEqual(e.causes, [h.sim.lineSpans()[1].first]); freezes++; }
  }
  assert.equal(exits, 2);
  assert.equal(freezes, 1);
  assert.ok(caused >= 4);
});

test('each kind of object lives in its own table: a task may be named like another object without touching it', () => {
  const h = harness();
  h.run('P1', op.unshare());
  h.run('P1', op.fork('P2'));
  // Counter changes are hidden from events; VMA changes show as fields of their mm.
  const changes = Array.from({ length: h.sim.eventCount }, (_, i) => h.sim.event(i).changes).flat();
  assert.ok(!changes.some((c) => c.obj === '#counters'));
  assert.ok(changes.some((c) => c.obj === 'mm#1' && c.field === '[vvar]'));
  const st0 = h.sim.state();
  // The scenario language allows only plain words as task names; the API takes any string.
  for (const name of ['ns#1', 'mm#0', 'page#host', 'nsproxy#0', 'user#0', 'host#clocks', '#counters']) {
    assert.equal(h.run('P1', op.fork(name)).errno, null, name);
    const st = h.sim.state();
    assert.equal(st.tasks[name].parent, 'P1', name);
    assert.equal(st.timeNamespaces['ns#1'].inum, st0.timeNamespaces['ns#1'].inum, name);
    assert.equal(st.mms['mm#0'].id, 'mm#0', name);
    assert.equal(st.pages['page#host'], st0.pages['page#host'], name);
    assert.equal(st.userNamespaces['user#0'], st0.userNamespaces['user#0'], name);
    assert.equal(st.nsproxies['nsproxy#0'].time_ns, 'ns#0', name);
    assert.equal(st.host, st0.host, name);
  }
  const store = internalsOf(h.sim).store;
  assert.deepEqual(store.all.map((t) => t.kind.name), ['host', 'counters', 'tasks', 'nsproxies', 'timeNamespaces', 'userNamespaces', 'mms', 'vmas', 'pages', 'files', 'openFiles']);
});

test('vDSO reads in a row share summaries only while clock, host time, offset and page are the same', () => {
  const h = harness();
  h.run('P1', op.unshare());
  h.run('P1', op.write('/proc/self/timens_offsets', 'monotonic 5 0\nboottime 7 0\n'));
  h.run('P1', op.fork('C'));
  const reads: [number, OpResult][] = [];
  const read = (clock: number): void => { reads.push([h.sim.eventCount, h.run('C', op.gettime(clock))]); };
  read(C.CLOCK_MONOTONIC); read(C.CLOCK_MONOTONIC); read(C.CLOCK_BOOTTIME); read(C.CLOCK_MONOTONIC);
  h.run(null, { op: 'sleep', delta: { sec: 0, nsec: 2_500_000 } });
  read(C.CLOCK_MONOTONIC); read(C.CLOCK_REALTIME); read(C.CLOCK_REALTIME); read(C.CLOCK_MONOTONIC_COARSE);
  const seen = new Set<string>();
  for (const [first, res] of reads) {
    const evs = Array.from({ length: h.sim.eventCount - first }, (_, k) => h.sim.event(first + k));
    const exit = evs.find((e) => e.kind === 'vdso-exit')!;
    const v = res.clock!;
    assert.equal(exit.summary, `__vdso_clock_gettime = ${fmtTs(v.value)} (${v.path})`);
    const off = evs.find((e) => e.kind === 'state' && e.summary.startsWith('host '));
    if (v.path === 'vdso-timens') {
      const name = Object.entries(C).find(([, n]) => n === v.clock)![0];
      const offset = v.value.sec - v.host.sec;
      assert.match(off!.summary, new RegExp(`^host ${name} ${fmtTs(v.host)} \\+ offset ${offset}\\.000000000 from page#\\S+ = ${fmtTs(v.value)}$`));
      const call = evs.find((e) => e.kind === 'call' && e.fn.endsWith('_timens'))!;
      assert.match(call.summary, new RegExp(`^seq 1 is odd and clock_mode is VDSO_CLOCKMODE_TIMENS: ${call.fn} via page#\\S+$`));
      seen.add(`${name} ${v.host.nsec}`);
    } else {
      assert.equal(off, undefined);
    }
  }
  assert.ok(seen.size >= 3, [...seen].join(', '));
});
