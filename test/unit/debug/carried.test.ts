// A vDSO read with two kernel answers (an offset with unnormalised nanoseconds, fidelity-i2-offsets-64bit.timens)
// shows the second one wherever its value is shown: the model's trace, the debugger's variables, the trace exports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { runScenario } from '../../../extension/scenario/index';
import { Timeline } from '../../../extension/debug/cursor';
import { variableTreeAt } from '../../../extension/debug/frames';
import type { VariableTree } from '../../../extension/debug/variables';
import { CARRIED_WHEN } from '../../../extension/sim/offset64';
import type { SimEvent, Simulation } from '../../../extension/sim/api';
import { chromeTrace } from '../../../extension/trace/chrome';
import { eventDetails } from '../../../extension/trace/timelineData';

// {5 s, -1e9 ns} as the kernel stores it: the vDSO's u64 sum wraps (host + 1266874893.709551616 s), a read
// before the tick's update_vsyscall does not (host + 4 s); a syscall adds it normalised (host + 4 s).
const TEXT = [
  'arch x86_64', 'kernel 6.18',
  'P1: unshare(CLONE_NEWTIME)',
  'P1: write("/proc/self/timens_offsets", "monotonic 5 18446744072709551616")',
  'P1: fork() = P2',
  'P2: clock_gettime(CLOCK_MONOTONIC)',
  'P2: clock_gettime(CLOCK_MONOTONIC)',
  'P2: clock_gettime(CLOCK_MONOTONIC, syscall)',
  'P2: clock_gettime(CLOCK_MONOTONIC_COARSE)',
  '',
].join('\n');
const OR = `, or 1004.000000000 ${CARRIED_WHEN}`;

function eventsOfLine(sim: Simulation, line: number): SimEvent[] {
  const span = sim.lineSpans().find((s) => s.line === line)!;
  const out: SimEvent[] = [];
  for (let i = span.first; i < span.end; i++) out.push(sim.event(i));
  return out;
}

test('the model\'s trace of a vDSO read shows the stored offset, the value and the second answer; one answer elsewhere', () => {
  const run = runScenario(TEXT);
  assert.ok(run.valid);
  // Both reads: the second takes the texts from the cache of the first.
  for (const line of [5, 6]) {
    const events = eventsOfLine(run.sim, line);
    const sum = events.find((e) => e.kind === 'state' && e.fn === 'do_hres_timens')!;
    assert.equal(sum.summary, `host CLOCK_MONOTONIC 1000.000000000 + offset {5 s, -1000000000 ns} (syscalls add 4.000000000) from page#ns#1 = 1266875893.709551616${OR}`, `line ${line + 1}`);
    const exit = events.find((e) => e.kind === 'vdso-exit')!;
    assert.equal(exit.summary, `__vdso_clock_gettime = 1266875893.709551616 (vdso-timens)${OR}`, `line ${line + 1}`);
  }
  // timespec64_add in the syscall and the base nanoseconds of do_coarse_timens: no second answer.
  for (const line of [7, 8]) for (const e of eventsOfLine(run.sim, line)) assert.ok(!e.summary.includes(CARRIED_WHEN), `line ${line + 1}: ${e.summary}`);
});

test('a vDSO read of a normalised offset has one answer in the trace', () => {
  const run = runScenario(TEXT.replace('monotonic 5 18446744072709551616', 'monotonic 4 0'));
  const events = eventsOfLine(run.sim, 5);
  assert.equal(events.find((e) => e.kind === 'state' && e.fn === 'do_hres_timens')!.summary, 'host CLOCK_MONOTONIC 1000.000000000 + offset 4.000000000 from page#ns#1 = 1004.000000000');
  assert.equal(events.find((e) => e.kind === 'vdso-exit')!.summary, '__vdso_clock_gettime = 1004.000000000 (vdso-timens)');
});

function children(tree: VariableTree, v: { variablesReference: number }): DebugProtocol.Variable[] {
  return tree.variables({ variablesReference: v.variablesReference });
}
function named(vars: readonly DebugProtocol.Variable[], name: string): DebugProtocol.Variable {
  const v = vars.find((x) => x.name.replace(/ \*$/, '') === name);
  assert.ok(v, `${name} among ${vars.map((x) => x.name).join(', ')}`);
  return v;
}

test('the debugger words a vDSO read\'s result, with its second answer: the Event scope and the task\'s last result', () => {
  const run = runScenario(TEXT);
  const tl = new Timeline(run.sim);
  const exit = eventsOfLine(run.sim, 5).find((e) => e.kind === 'vdso-exit')!;
  const tree = variableTreeAt(tl, { kind: 'event', index: exit.index }, exit.index, 1000);
  const scopes = tree.scopes();
  const event = children(tree, scopes.find((s) => s.name.startsWith('Event #'))!);
  const result = named(event, 'result');
  assert.equal(result.value, `→ 0 · CLOCK_MONOTONIC 1266875893.709551616s = host 1000s +1266874893.709551616s (vdso-timens), or 1004s = host +4s ${CARRIED_WHEN}`);
  const clock = named(children(tree, result), 'clock');
  assert.equal(clock.value, `CLOCK_MONOTONIC 1266875893.709551616s = host 1000s +1266874893.709551616s (vdso-timens), or 1004s = host +4s ${CARRIED_WHEN}`);
  assert.equal(named(children(tree, clock), 'carried').value, '1004.000000000');
  const task = children(tree, scopes.find((s) => s.name === 'Task P2')!);
  assert.match(named(task, 'lastResult').value, new RegExp(`\\(vdso-timens\\), or 1004s = host \\+4s ${CARRIED_WHEN}$`));

  // The syscall's result: one answer, in the same words.
  const sys = eventsOfLine(run.sim, 7).find((e) => e.kind === 'syscall-exit' && e.result?.clock)!;
  const after = variableTreeAt(tl, { kind: 'event', index: sys.index }, sys.index, 1000);
  const sysResult = named(children(after, after.scopes().find((s) => s.name.startsWith('Event #'))!), 'result');
  assert.equal(sysResult.value, '→ 0 · CLOCK_MONOTONIC 1004s = host 1000s +4s (syscall)');
});

test('the trace exports show the second answer of a vDSO read: the timeline\'s details and the Chrome trace', () => {
  const run = runScenario(TEXT);
  const exit = eventsOfLine(run.sim, 5).find((e) => e.kind === 'vdso-exit')!;
  assert.match(eventDetails(run.sim, 0, exit.index).result ?? '', new RegExp(`clock 1 = 1266875893\\.709551616s \\(host 1000\\.000000000s, vdso-timens\\), or 1004\\.000000000s ${CARRIED_WHEN}`));
  const slice = chromeTrace(run.sim).traceEvents.find((e) => e.ph === 'X' && e.name === '__vdso_clock_gettime');
  assert.equal((slice?.args as { clock?: string } | undefined)?.clock, `1266875893.709551616 (host 1000.000000000, vdso-timens)${OR}`);
});
