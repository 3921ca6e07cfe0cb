// Recording internals that views see only through their output: the per-kind record copies keep every key in
// the order the kernel created it, lazily formatted summaries read exactly as the template literal would, and
// line spans, results and causes kept in columns read back as recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runScenario } from '../../../extension/scenario/index';
import { cloneRec, kindOfKey } from '../../../extension/sim/records';
import { Recorder, fmtTs, type Rec } from '../../../extension/sim/recorder';
import type { OpResult, Simulation } from '../../../extension/sim/api';
import { harness, op, C } from './helpers';

const ROOT = path.resolve(__dirname, '../../../..');
const scenarios = ['examples', 'test/conformance'].flatMap((d) =>
  fs.readdirSync(path.join(ROOT, d)).filter((f) => f.endsWith('.timens')).sort().map((f) => path.join(ROOT, d, f)));

function storeOf(sim: Simulation): Iterable<[string, Rec]> {
  return (sim as unknown as { rec: { objs: Iterable<[string, Rec]> } }).rec.objs;
}

test('a record copy has the same keys, in the same order, and the same values (every scenario, several positions)', () => {
  assert.ok(scenarios.length >= 20);
  let checked = 0;
  for (const file of scenarios) {
    const run = runScenario(fs.readFileSync(file, 'utf8'), { file });
    const sim = run.sim;
    const n = sim.eventCount;
    for (const p of [0, n >> 2, n >> 1, n - (n >> 2), n]) {
      sim.goto(p);
      for (const [key, rec] of storeOf(sim)) {
        const copy = cloneRec(key, rec);
        assert.notEqual(copy, rec);
        assert.deepEqual(Object.keys(copy), Object.keys(rec), `${path.basename(file)} at ${p}: ${key}`);
        for (const k of Object.keys(rec)) assert.equal(copy[k], (rec as Record<string, unknown>)[k], `${key}.${k}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 1000, `${checked} records checked`);
});

test('a summary made with the template tag reads as the template literal, Timespecs as seconds.nanoseconds', () => {
  const r = new Recorder();
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

test('a store key tells its record kind by its prefix; any other key (a task name, whatever it is) is a task', () => {
  const cases: [string, ReturnType<typeof kindOfKey>][] = [
    ['host#clocks', 'host'], ['#counters', 'counters'], ['ns#0', 'ns'], ['ns#12', 'ns'], ['nsproxy#3', 'nsproxy'],
    ['user#1', 'user'], ['mm#2', 'mm'], ['mm#2/[vvar]', 'vma'], ['page#host', 'page'], ['page#ns#4', 'page'],
    ['P1', 'task'], ['C0', 'task'], ['', 'task'], ['host', 'task'], ['#count', 'task'], ['ns', 'task'], ['nsproxy', 'task'],
    ['n#1', 'task'], ['mm', 'task'], ['mm/x', 'task'], ['user', 'task'], ['page', 'task'], ['hostess', 'task'], ['x#counters', 'task'],
  ];
  for (const [key, kind] of cases) assert.equal(kindOfKey(key), kind, key);
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
