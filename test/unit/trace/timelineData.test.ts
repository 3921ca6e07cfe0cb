// The timeline's columnar data built from a real simulation: lanes, depths, categories, namespace lanes,
// causal arrows, clock samples (offsets, suspend, freezing), chunk slicing and per-event details.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenario } from '../../../extension/scenario/index';
import { buildTimelineData, eventDetails } from '../../../extension/trace/timelineData';
import { CATEGORY, COLUMN_BYTES, COLUMN_NAMES, EVENT_KINDS, FLAG_FAILED, NO_LANE, isHostMessage, sliceColumns } from '../../../webview/protocol';

const TEXT = `arch x86_64
kernel 6.18
P1: unshare(CLONE_NEWTIME)
P1: open("/proc/self/timens_offsets", O_WRONLY) = fd1
P1: write(fd1, "monotonic 86400 0")
P1: fork() = P2
P2: clock_gettime(CLOCK_MONOTONIC)
suspend 60s
P2: pthread_create() = T1
T1: clock_gettime(CLOCK_BOOTTIME)
P1: write(fd1, "monotonic 5 0")
`;

function build() {
  const run = runScenario(TEXT, { file: 'data.timens' });
  assert.ok(run.valid, run.diagnostics.map((d) => `${d.range.line + 1}: ${d.message}`).join('\n'));
  return { run, data: buildTimelineData(run.sim, { source: TEXT, file: 'data.timens' }) };
}

test('lanes: processes with their threads under them, host, then namespaces', () => {
  const { data } = build();
  const lanes = data.header.lanes.map((l) => `${l.kind}:${l.id}:${l.indent}`);
  assert.deepEqual(lanes.filter((l) => l.startsWith('task')), ['task:P1:0', 'task:P2:0', 'task:T1:1']);
  assert.ok(lanes.includes('host:host:0'));
  assert.deepEqual(lanes.filter((l) => l.startsWith('ns')), ['ns:ns#0:0', 'ns:ns#1:0']);
  const t1 = data.header.lanes.find((l) => l.id === 'T1')!;
  assert.equal(data.header.lanes[t1.group].id, 'P2', 'T1 is grouped under its process P2');
});

test('columns: depth counted from the outermost span, categories, failures, namespace lanes, arrows', () => {
  const { run, data } = build();
  const c = data.columns;
  const n = run.sim.eventCount;
  for (const name of COLUMN_NAMES) assert.equal(c[name].length, n, name);
  for (let i = 0; i < n; i++) {
    const k = EVENT_KINDS[c.kind[i]];
    assert.equal(k, run.sim.kindOf(i));
    if ((k === 'syscall-enter' || k === 'vdso-enter') && c.depth[i] === 0) assert.notEqual(c.flags[i] & 7, CATEGORY.none);
  }
  const firstEnter = EVENT_KINDS.indexOf('syscall-enter');
  assert.equal(c.kind[0], firstEnter);
  assert.equal(c.depth[0], 0, 'the syscall itself is depth 0');
  assert.ok(Math.max(...c.depth) >= 4, 'kernel calls nest below it');
  const failedWrite = [...c.flags].some((f) => f & FLAG_FAILED);
  assert.ok(failedWrite, 'the write after the freeze failed');
  const ns1Lane = data.header.lanes.findIndex((l) => l.id === 'ns#1');
  assert.ok([...c.nsLane].some((l) => l === ns1Lane), 'some events touch ns#1');
  assert.ok([...c.nsLane].every((l) => l === NO_LANE || data.header.lanes[l].kind === 'ns'));
  const pairs = new Int32Array(data.header.causes);
  assert.ok(pairs.length >= 2);
  for (let k = 0; k < pairs.length; k += 2) {
    assert.ok(pairs[k] < pairs[k + 1]);
    if (k > 0) assert.ok(pairs[k + 1] >= pairs[k - 1], 'sorted by target');
  }
});

test('clock samples show the offset, the suspend and the freeze', () => {
  const { data } = build();
  const clocks = data.header.clocks;
  const pos = new Float64Array(clocks.positions);
  const mono = new Float64Array(clocks.hostMonotonic);
  const boot = new Float64Array(clocks.hostBoottime);
  assert.equal(pos[0], 0);
  assert.equal(pos[pos.length - 1], data.header.eventCount);
  const last = pos.length - 1;
  assert.equal(boot[last] - boot[0] - (mono[last] - mono[0]), 60, 'suspend moved BOOTTIME, not MONOTONIC');
  const nsIndex = data.header.lanes.filter((l) => l.kind === 'ns').findIndex((l) => l.id === 'ns#1');
  const off = new Float64Array(clocks.nsMonotonicOffset[nsIndex]);
  assert.ok(Number.isNaN(off[0]), 'ns#1 does not exist at the start');
  assert.equal(off[last], 86400);
  assert.ok(clocks.frozenAt[nsIndex] > 0, 'ns#1 froze when P2 was forked into it');
});

test('chunks are exact, transferable slices the webview accepts', () => {
  const { data } = build();
  const n = data.header.eventCount;
  const chunk = sliceColumns(data.columns, 10, 25);
  for (const name of COLUMN_NAMES) assert.equal(chunk[name].byteLength, 25 * COLUMN_BYTES[name]);
  assert.equal(new Uint8Array(chunk.kind)[0], data.columns.kind[10]);
  assert.ok(isHostMessage({ type: 'chunk', run: 0, start: 10, count: 25, columns: chunk }));
  assert.ok(isHostMessage({ type: 'init', mode: 'single', runs: [data.header], divergence: null, cursor: n, restore: null }));
  assert.ok(!isHostMessage({ type: 'chunk', run: 0, start: 10, count: 26, columns: chunk }), 'wrong count is refused');
  assert.ok(isHostMessage({ type: 'lines', run: 0, lines: data.lines }));
  assert.ok(!isHostMessage({ type: 'lines', run: 0, lines: data.lines.split('\n') }), 'lines are one string');
});

test('event details: stack, changes, result and the line text', () => {
  const { run, data } = build();
  const exit = run.sim.event(0).match!;
  const d = eventDetails(run.sim, 0, exit, data.lines.split('\n'));
  assert.equal(d.kind, 'syscall-exit');
  assert.equal(d.line, 2);
  assert.equal(d.lineText, 'P1: unshare(CLONE_NEWTIME)');
  assert.match(d.result ?? '', /^ret 0/);
  const withChanges = Array.from({ length: run.sim.eventCount }, (_, i) => i).find((i) => run.sim.event(i).changes.length > 0)!;
  const dc = eventDetails(run.sim, 0, withChanges);
  assert.ok(dc.changes.length > 0 && dc.stack.length > 0);
  assert.equal(run.sim.position, run.sim.eventCount, 'building and details leave the cursor where it was');
});
