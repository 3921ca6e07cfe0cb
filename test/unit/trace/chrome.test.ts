// Trace export against the format: real simulator runs exported to Chrome JSON, read back by a strict
// trace-format reader (slices nest, required fields, names, flows bind to slices), gzip and determinism.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenario } from '../../../extension/scenario/index';
import { chromeTrace, chromeTraceJson, HOST_PID } from '../../../extension/trace/chrome';
import { decodeTrace, encodeTrace } from '../../../extension/trace/encode';
import { parseTrace } from './traceFormat';

const SCENARIO = `arch x86_64
kernel 6.18
P1: unshare(CLONE_NEWTIME)
P1: open("/proc/self/timens_offsets", O_WRONLY) = fd1
P1: write(fd1, "monotonic 86400 0")
P1: fork() = P2
P2: clock_gettime(CLOCK_MONOTONIC)
expect P2 CLOCK_MONOTONIC == host + 86400s
sleep 10s
suspend 60s
P2: clock_gettime(CLOCK_BOOTTIME)
P1: setns("/proc/P2/ns/time", CLONE_NEWTIME)
P1: clock_gettime(CLOCK_MONOTONIC)
P1: write(fd1, "monotonic 1 0")
`;

function exported(text = SCENARIO) {
  const run = runScenario(text, { file: 'trace-test.timens' });
  assert.ok(run.valid, run.diagnostics.map((d) => `${d.range.line + 1}: ${d.message}`).join('\n'));
  const json = chromeTraceJson(chromeTrace(run.sim, { source: text, file: 'trace-test.timens' }));
  return { run, json, parsed: parseTrace(json) };
}

test('the export is a valid Chrome JSON trace: fields present, slices nest, flows bind', () => {
  const { parsed } = exported();
  assert.deepEqual(parsed.errors, []);
  assert.ok(parsed.slices.size > 0);
});

test('namespaces are processes and tasks are threads, with names', () => {
  const { parsed } = exported();
  const names = [...parsed.processes.values()];
  assert.ok(names.includes('time namespace ns#0 (init_time_ns)'), names.join(', '));
  assert.ok(names.includes('time namespace ns#1'), names.join(', '));
  assert.equal(parsed.processes.get(HOST_PID), 'host');
  const threads = [...parsed.threads.values()];
  assert.ok(threads.some((t) => /^P1 \(pid \d+\)$/.test(t)), threads.join(', '));
  assert.ok(threads.some((t) => /^P2 \(pid \d+\)$/.test(t)), threads.join(', '));
  // P2 was forked into ns#1: its slices live in that process.
  const ns1 = [...parsed.processes].find(([, n]) => n === 'time namespace ns#1')![0];
  const p2Thread = [...parsed.threads].find(([key, n]) => n.startsWith('P2') && key.startsWith(`${ns1}:`));
  assert.ok(p2Thread, 'P2 appears as a thread of the ns#1 process');
});

test('system calls and kernel functions are nested slices with details in args', () => {
  const { parsed, run } = exported();
  const all = [...parsed.slices.values()].flat();
  const unshare = all.find((s) => /unshare/.test(s.name) && s.depth === 0);
  assert.ok(unshare, 'the unshare system call is a top-level slice');
  const inner = all.filter((s) => s.ts > unshare!.ts && s.end <= unshare!.end);
  assert.ok(inner.some((s) => s.name === 'copy_time_ns' && s.depth >= 2), 'copy_time_ns nests inside it');
  assert.ok(inner.some((s) => s.name === 'clone_time_ns'));
  assert.equal(unshare!.args.line, 3);
  assert.equal(unshare!.args.source, 'P1: unshare(CLONE_NEWTIME)');
  assert.equal(unshare!.args.ret, 0);
  assert.match(String(unshare!.args.stack), /unshare/);
  // Every event is accounted for: slices start at enter/call events, instants at marks.
  const starts = all.length + parsed.instants.length;
  assert.ok(starts <= run.sim.eventCount);
});

test('faults and zaps are instants; causal arrows are flows; vvar PTEs are a counter', () => {
  const { parsed, run } = exported();
  assert.ok(parsed.instants.some((i) => i.name.startsWith('zap')), 'a zap instant');
  assert.ok(parsed.instants.some((i) => i.name.startsWith('fault')), 'a fault instant');
  assert.ok(parsed.instants.some((i) => i.name.startsWith('pte-insert')), 'a pte-insert instant');
  const withCauses = Array.from({ length: run.sim.eventCount }, (_, i) => run.sim.event(i)).filter((e) => e.causes?.length).length;
  assert.ok(withCauses > 0);
  assert.ok(parsed.flows.length >= withCauses, `${parsed.flows.length} flows for ${withCauses} caused events`);
  const faultFlow = parsed.flows.find((f) => f.to.slice.name === 'vmf_insert_pfn' || /fault/.test(f.to.slice.name));
  assert.ok(faultFlow, 'a flow ends at the fault handling');
  const counter = parsed.counters.filter((c) => c.name === 'vvar PTEs mapped');
  assert.ok(counter.length >= 2, 'the counter changes over the run');
  assert.ok(counter.some((c) => Object.values(c.values).some((v) => v > 0)), 'some PTE gets mapped');
});

test('a failed expectation and an errno are visible in the trace', () => {
  const text = `${SCENARIO}expect errno == EACCES\nP2: setns("/proc/1/ns/time", CLONE_NEWTIME)\n`;
  const { parsed } = exported(text.replace('expect errno == EACCES\n', 'expect P2.time_ns == ns#0\n'));
  assert.deepEqual(parsed.errors, []);
  assert.ok(parsed.instants.some((i) => i.name === 'expect FAILED') || [...parsed.slices.values()].flat().some((s) => s.name === 'expect FAILED'));
  const failed = [...parsed.slices.values()].flat().filter((s) => s.args.errno);
  assert.ok(failed.length > 0, 'the write after the freeze returned an errno');
});

test('gzip round trip and byte-for-byte determinism', () => {
  const a = exported().json;
  const b = exported().json;
  assert.equal(a, b);
  const gz = encodeTrace(a, true);
  assert.deepEqual([...gz.subarray(0, 2)], [0x1f, 0x8b]);
  assert.ok(gz.length < a.length / 3, `compresses: ${gz.length} of ${a.length}`);
  assert.equal(decodeTrace(gz), a);
  assert.equal(decodeTrace(encodeTrace(a, false)), a);
});

test('the reader catches what the format forbids', () => {
  const bad = JSON.stringify({ traceEvents: [
    { name: 'a', ph: 'X', ts: 0, dur: 10, pid: 1, tid: 1 },
    { name: 'b', ph: 'X', ts: 5, dur: 10, pid: 1, tid: 1 },
    { name: 'c', ph: 'B', ts: 1, pid: 1, tid: 2 },
    { name: 'd', ph: 's', ts: 1, pid: 1, tid: 1, id: 3 },
    { ph: 'i', ts: 1, pid: 1, tid: 1 },
  ] });
  const errors = parseTrace(bad).errors.join('\n');
  assert.match(errors, /overlaps a/);
  assert.match(errors, /B without E/);
  assert.match(errors, /flow 3 has no end/);
  assert.match(errors, /name must be/);
});
