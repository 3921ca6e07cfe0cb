// The debug adapter driven through DAP messages in process, on the real simulator: stepping over, into and
// out of the kernel path, back in time, breakpoints of every kind, variables, memory and the console.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DapClient, SAMPLE_SCENARIO, newClient, scenarioFile } from './dapClient';

const SCENARIO = SAMPLE_SCENARIO;

async function launched(configure?: (c: DapClient, program: string) => Promise<void>, extra: Record<string, unknown> = {}): Promise<{ client: DapClient; entry: DebugProtocol.StoppedEvent | undefined; program: string }> {
  const client = newClient();
  const program = scenarioFile('dap.timens', SCENARIO);
  const entry = await client.start({ program, ...extra } as never, configure ? () => configure(client, program) : undefined);
  return { client, entry, program };
}

async function evalText(client: DapClient, expression: string): Promise<string> {
  const r = await client.evaluate(expression, 'watch');
  assert.ok(r.success, `evaluate ${expression}: ${r.message}`);
  return r.body.result;
}

test('launch stops before the first operation line, with a scenario frame named by the line', async () => {
  const { client, entry } = await launched();
  assert.equal(entry?.body.reason, 'entry');
  const frames = await client.frames();
  assert.equal(frames.length, 1);
  assert.equal(frames[0]!.line, 3);
  assert.equal(frames[0]!.name, 'P1: unshare(CLONE_NEWTIME)');
  const threads = await client.request<DebugProtocol.ThreadsResponse['body']>('threads');
  assert.equal(threads.threads.length, 1);
  await client.request('disconnect', {});
});

test('next goes line by line; stepBack restores the earlier namespace offset', async () => {
  const { client } = await launched();
  await client.step('next'); // unshare ran
  assert.equal((await client.frames())[0]!.line, 4);
  assert.equal(await evalText(client, 'ns#1.offsets.monotonic'), '0.000000000');
  await client.step('next'); // offsets written
  await client.step('next'); // fork ran
  assert.equal((await client.frames())[0]!.line, 6);
  assert.equal(await evalText(client, 'ns#1.offsets.monotonic'), '86400.000000000');
  assert.equal(await evalText(client, 'ns#1.frozen_offsets'), 'true');
  assert.equal(await evalText(client, 'P2.time_ns'), 'ns#1');
  // Back over the fork and the write: the state, not just the line, is the earlier one.
  await client.step('stepBack');
  assert.equal((await client.frames())[0]!.line, 5);
  assert.equal(await evalText(client, 'ns#1.frozen_offsets'), 'false');
  assert.equal((await client.evaluate('P2.pid', 'watch')).success, false, 'P2 does not exist before the fork');
  await client.step('stepBack');
  assert.equal((await client.frames())[0]!.line, 4);
  assert.equal(await evalText(client, 'ns#1.offsets.monotonic'), '0.000000000');
  await client.request('disconnect', {});
});

test('stepIn walks the kernel path of unshare one event at a time; stepOut leaves the function', async () => {
  const { client } = await launched();
  const seen = new Set<string>();
  let deepest: DebugProtocol.StackFrame[] = [];
  for (let i = 0; i < 60; i++) {
    await client.step('stepIn');
    const cur = await client.cursor();
    if (cur.kind === 'line') break; // left the line
    const frames = await client.frames();
    assert.equal(frames[frames.length - 1]!.name, 'P1: unshare(CLONE_NEWTIME)', 'the scenario frame stays at the bottom');
    for (const f of frames) seen.add(f.name);
    if (frames.length > deepest.length) deepest = frames;
    if (frames.some((f) => f.name === 'clone_time_ns')) break;
  }
  for (const fn of ['copy_time_ns', 'clone_time_ns']) assert.ok(seen.has(fn), `stepped through ${fn}: saw ${[...seen].join(', ')}`);
  const before = (await client.frames()).length;
  await client.step('stepOut');
  const after = await client.frames();
  const cur = await client.cursor();
  assert.ok(cur.kind === 'line' || after.length <= before, `step out does not go deeper (${before} → ${after.length})`);
  // Step back inside a line undoes one event.
  const here = await client.cursor();
  if (here.kind === 'event') {
    await client.step('stepBack');
    assert.equal((await client.cursor()).position, here.position - 1);
  }
  await client.request('disconnect', {});
});

test('a function breakpoint on vvar_fault stops inside the fault, with the fault handler on top', async () => {
  const { client } = await launched(async (c) => {
    const r = await c.request<DebugProtocol.SetFunctionBreakpointsResponse['body']>('setFunctionBreakpoints', { breakpoints: [{ name: 'vvar_fault' }, { name: 'no_such_function' }] });
    assert.equal(r.breakpoints[0]!.verified, true);
    assert.equal(r.breakpoints[1]!.verified, false);
  });
  const stop = await client.step('continue');
  assert.equal(stop.body.reason, 'function breakpoint');
  const frames = await client.frames();
  const names = frames.map((f) => f.name);
  assert.ok(names.includes('vvar_fault'), `frames: ${names.join(' < ')}`);
  assert.equal(frames[frames.length - 1]!.name, 'P2: clock_gettime(CLOCK_MONOTONIC)');
  const scopes = await client.scopes();
  const scopeNames = scopes.map((s) => s.name);
  for (const s of ['Task P2', 'Namespaces', 'Memory', 'Clocks']) assert.ok(scopeNames.includes(s), `scopes: ${scopeNames.join(', ')}`);
  assert.ok(scopeNames[0]!.startsWith('Event #'), 'the current event comes first');
  const task = await client.variables(scopes.find((s) => s.name === 'Task P2')!.variablesReference);
  assert.equal(task.find((v) => v.name.startsWith('time_ns') && !v.name.includes('children'))?.value.split(' ')[0], 'ns#1');
  await client.request('disconnect', {});
});

test('the errno exception filter with condition EACCES stops on the write to a frozen namespace', async () => {
  const { client } = await launched(async (c) => {
    const r = await c.request<DebugProtocol.SetExceptionBreakpointsResponse['body']>('setExceptionBreakpoints', { filters: [], filterOptions: [{ filterId: 'errno', condition: 'EACCES' }] });
    assert.equal(r!.breakpoints?.[0]?.verified, true);
  });
  const stop = await client.step('continue');
  assert.equal(stop.body.reason, 'exception');
  assert.equal((await client.cursor()).line, 7);
  const info = await client.request<DebugProtocol.ExceptionInfoResponse['body']>('exceptionInfo', { threadId: 1 });
  assert.equal(info.exceptionId, 'EACCES');
  // An unknown errno name is reported, not ignored.
  const bad = await client.request<DebugProtocol.SetExceptionBreakpointsResponse['body']>('setExceptionBreakpoints', { filters: [], filterOptions: [{ filterId: 'errno', condition: 'EWHAT' }] });
  assert.equal(bad!.breakpoints?.[0]?.verified, false);
  await client.request('disconnect', {});
});

test('line breakpoints: conditions, hit counts, log points, and reverseContinue stops at them backwards', async () => {
  const { client } = await launched(async (c, program) => {
    const other = await c.request<DebugProtocol.SetBreakpointsResponse['body']>('setBreakpoints', { source: { path: '/elsewhere/other.timens' }, breakpoints: [{ line: 3 }] });
    assert.equal(other.breakpoints[0]!.verified, false, 'breakpoints of another file do not apply');
    const r = await c.request<DebugProtocol.SetBreakpointsResponse['body']>('setBreakpoints', {
      source: { path: program },
      breakpoints: [
        { line: 4, logMessage: 'offset is {ns#1.offsets.monotonic}' },
        { line: 6, condition: 'ns#1.offsets.monotonic.sec == 86400' },
        { line: 8, condition: 'ns#1.offsets.monotonic.sec == 5' },
        { line: 7 }, // an expect line moves to the next operation line? it runs too: stays
      ],
    });
    assert.equal(r.breakpoints.length, 4);
    assert.ok(r.breakpoints.every((b) => b.verified));
  });
  const output = client.waitEvent<DebugProtocol.OutputEvent>('output');
  const first = await client.step('continue');
  assert.equal(first.body.reason, 'breakpoint');
  assert.equal((await client.cursor()).line, 5, 'condition held on line 6');
  assert.match((await output).body.output, /offset is 0\.000000000/);
  await client.step('continue');
  assert.equal((await client.cursor()).line, 6, 'plain breakpoint on the expect line');
  const end = await client.step('continue');
  assert.equal(end.body.reason, 'step', 'the false condition on line 8 does not stop; the run ends');
  const cur = await client.cursor();
  assert.equal(cur.kind, 'end');
  const back = await client.step('reverseContinue');
  assert.equal(back.body.reason, 'breakpoint');
  assert.equal((await client.cursor()).line, 6);
  await client.request('disconnect', {});
});

test('gotoTargets/goto travel to a line in either direction', async () => {
  const { client } = await launched();
  const targets = await client.request<DebugProtocol.GotoTargetsResponse['body']>('gotoTargets', { source: { path: 'x' }, line: 6 });
  assert.equal(targets.targets.length, 1);
  await client.step('goto', { targetId: targets.targets[0]!.id });
  assert.equal((await client.cursor()).line, 5);
  assert.equal(await evalText(client, 'ns#1.frozen_offsets'), 'true');
  const back = await client.request<DebugProtocol.GotoTargetsResponse['body']>('gotoTargets', { source: { path: 'x' }, line: 3 });
  await client.step('goto', { targetId: back.targets[0]!.id });
  assert.equal((await client.cursor()).position, 0);
  assert.equal((await client.evaluate('ns#1', 'watch')).success, false, 'before unshare there is no ns#1');
  await client.request('disconnect', {});
});

test('a data breakpoint on ns#1.frozen_offsets stops where the fork freezes the namespace', async () => {
  const { client } = await launched();
  await client.step('next'); // ns#1 exists now
  const info = await client.request<DebugProtocol.DataBreakpointInfoResponse['body']>('dataBreakpointInfo', { name: 'ns#1.frozen_offsets' });
  assert.equal(info.dataId, 'ns#1.frozen_offsets');
  const set = await client.request<DebugProtocol.SetDataBreakpointsResponse['body']>('setDataBreakpoints', { breakpoints: [{ dataId: info.dataId! }] });
  assert.equal(set.breakpoints[0]!.verified, true);
  const stop = await client.step('continue');
  assert.equal(stop.body.reason, 'data breakpoint');
  assert.equal((await client.cursor()).line, 4, 'frozen by the fork');
  assert.equal(await evalText(client, 'ns#1.frozen_offsets'), 'true');
  // Watching through a variable of the Variables view works too.
  const scopes = await client.scopes();
  const nsScope = scopes.find((s) => s.name === 'Namespaces')!;
  const namespaces = await client.variables(nsScope.variablesReference);
  const ns1 = namespaces.find((v) => v.name.startsWith('ns#1'))!;
  const fields = await client.variables(ns1.variablesReference);
  const offsets = fields.find((v) => v.name.startsWith('offsets'))!;
  const viaVar = await client.request<DebugProtocol.DataBreakpointInfoResponse['body']>('dataBreakpointInfo', { variablesReference: ns1.variablesReference, name: offsets.name });
  assert.equal(viaVar.dataId, 'ns#1.offsets');
  await client.request('disconnect', {});
});

test('variables mark what the last step changed, and the vvar page reads as the kernel lays it out', async () => {
  const { client } = await launched();
  await client.step('next');
  await client.step('next'); // the offsets write
  const scopes = await client.scopes();
  const namespaces = await client.variables(scopes.find((s) => s.name === 'Namespaces')!.variablesReference);
  const ns1 = namespaces.find((v) => v.name.startsWith('ns#1'))!;
  assert.match(ns1.name, /\*$/, 'ns#1 changed in the last step');
  const ns0 = namespaces.find((v) => v.name.startsWith('ns#0'))!;
  assert.doesNotMatch(ns0.name, /\*$/);
  await client.step('next'); // fork freezes ns#1 and fills its vvar page
  const vvar = await client.evaluate('ns#1.vvar_page', 'watch');
  assert.ok(vvar.success, vvar.message);
  assert.equal(vvar.body.memoryReference, vvar.body.result);
  const page = await client.evaluate('ns#1.vvar_page', 'watch');
  const mem = await client.request<DebugProtocol.ReadMemoryResponse['body']>('readMemory', { memoryReference: page.body.memoryReference, offset: 0, count: 4096 });
  const bytes = Buffer.from(mem!.data!, 'base64');
  assert.equal(bytes.length, 4096);
  const proto = await client.send('readMemory', { memoryReference: 'constructor', offset: 0, count: 8 });
  assert.deepEqual([proto.success, proto.message], [false, "no memory behind 'constructor' (pages are named like page#host, page#ns#1)"]);
  const blockOffset = Number(await evalText(client, `${page.body.result}.blockOffset`));
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  assert.equal(dv.getUint32(blockOffset, true), 1, 'seq is 1 (odd, forever) in a namespace page');
  assert.equal(dv.getInt32(blockOffset + 4, true), 0x7fffffff, 'clock_mode is VDSO_CLOCKMODE_TIMENS');
  // x86 6.18 has max_cycles, so offset[] starts at byte 40 of the block; offset[CLOCK_MONOTONIC] is entry 1.
  assert.equal(dv.getBigInt64(blockOffset + 40 + 16, true), 86400n);
  // The child's first clock read faults [vvar] page 0 in: the Memory scope marks that PTE.
  await client.step('next');
  const memory = await client.variables((await client.scopes()).find((s) => s.name === 'Memory')!.variablesReference);
  const mm = memory.find((v) => v.value.startsWith('users P2'))!;
  const vvarVma = (await client.variables(mm.variablesReference)).find((v) => v.name.startsWith('[vvar]'))!;
  assert.equal(vvarVma.name, '[vvar] *');
  const pte0 = (await client.variables(vvarVma.variablesReference)).find((v) => v.name.startsWith('pte[0]'))!;
  assert.equal(pte0.name, 'pte[0] *');
  assert.match(pte0.value, /^page#ns#1 .*\(was none\)$/);
  assert.equal(pte0.memoryReference, 'page#ns#1');
  await client.request('disconnect', {});
});

test('console: state expressions, errors with columns, what-ifs that leave the recorded run alone, completion', async () => {
  const { client } = await launched();
  await client.step('goto', { targetId: (await client.request<DebugProtocol.GotoTargetsResponse['body']>('gotoTargets', { source: { path: 'x' }, line: 10 })).targets[0]!.id });
  const before = await client.cursor();
  const r = await client.evaluate('P2: clock_gettime(CLOCK_BOOTTIME)');
  assert.ok(r.success, r.message);
  assert.match(r.body.result, /what-if/);
  assert.ok(r.body.variablesReference > 0);
  const after = await client.cursor();
  assert.deepEqual(after, before, 'the recorded run and the cursor did not move');
  const sleep = await client.evaluate('sleep 10s');
  assert.ok(sleep.success, sleep.message);
  const parts = await client.variables(sleep.body.variablesReference);
  const stateAfter = parts.find((v) => v.name.startsWith('state after'))!;
  const host = (await client.variables(stateAfter.variablesReference)).find((v) => v.name === 'host')!;
  const mono = (await client.variables(host.variablesReference)).find((v) => v.name === 'monotonic')!;
  assert.equal(mono.value, '1010.000000000', 'the what-if slept on its copy');
  assert.equal(await evalText(client, 'host.monotonic'), '1000.000000000', 'the recorded state did not move');
  const bad = await client.evaluate('ns#1.offsets.nope', 'watch');
  assert.equal(bad.success, false);
  assert.match(bad.message ?? '', /no field 'nope'/);
  assert.equal(await evalText(client, 'P2.time_ns == ns#1'), 'true');
  const completions = await client.request<DebugProtocol.CompletionsResponse['body']>('completions', { text: 'ns#1.off', column: 9 });
  assert.ok(completions.targets.some((t) => t.label === 'offsets'));
  const fn = await client.request<DebugProtocol.CompletionsResponse['body']>('completions', { text: 'vvar_f', column: 7 });
  assert.ok(fn.targets.some((t) => t.label === 'vvar_fault'));
  await client.request('disconnect', {});
});

test('stepInTargets lists the kernel functions of the line; restart goes back to the entry', async () => {
  const { client } = await launched();
  const targets = await client.request<DebugProtocol.StepInTargetsResponse['body']>('stepInTargets', { frameId: 1 });
  assert.ok(targets.targets.length > 0);
  const deep = targets.targets.find((t) => t.label.startsWith('copy_time_ns')) ?? targets.targets[targets.targets.length - 1]!;
  await client.step('stepIn', { targetId: deep.id });
  const frames = await client.frames();
  assert.ok(frames.length > 1, 'inside the kernel path');
  const restarted = client.waitEvent<DebugProtocol.StoppedEvent>('stopped');
  await client.request('restart', {});
  assert.equal((await restarted).body.reason, 'entry');
  assert.equal((await client.cursor()).position, 0);
  await client.request('disconnect', {});
});

test('pause stops a continue over a long scenario before the end', async () => {
  const lines = ['kernel 6.18', 'P1: unshare(CLONE_NEWTIME)', 'P1: fork() = P2'];
  for (let i = 0; i < 3000; i++) lines.push('P2: clock_gettime(CLOCK_MONOTONIC, syscall)');
  const client = newClient();
  await client.start({ program: scenarioFile('long.timens', lines.join('\n') + '\n') } as never);
  const stopped = client.waitEvent<DebugProtocol.StoppedEvent>('stopped');
  await client.request('continue', { threadId: 1 });
  await client.request('pause', { threadId: 1 });
  const stop = await stopped;
  assert.equal(stop.body.reason, 'pause');
  const cur = await client.cursor();
  assert.ok(cur.position < cur.eventCount, `paused at ${cur.position} of ${cur.eventCount}`);
  await client.request('disconnect', {});
});

test('a scenario with errors does not launch; the message names file, line and column', async () => {
  const client = newClient();
  await client.request('initialize', { adapterID: 'timens', pathFormat: 'path' });
  const program = scenarioFile('bad.timens', 'P1: unshaer(CLONE_NEWTIME)\n');
  const r = await client.send('launch', { program });
  assert.equal(r.success, false);
  assert.match(r.message ?? (r.body as { error?: { format: string } })?.error?.format ?? '', /bad\.timens:1:\d+/);
});

test('signal, [vvar] fault, zap and expect filters stop where the kernel does those things', async () => {
  const text = [
    'kernel 6.18',
    'P1: clock_gettime(CLOCK_MONOTONIC)', // faults [vvar] page 0 in
    'P1: unshare(CLONE_NEWTIME)',
    'P1: fork() = P2',                    // the child enters ns#1: its copied [vvar] PTEs are zapped
    'P1: touch([vvar], 1)',               // the timens page of a root-namespace task: SIGBUS
    'expect signal == none',              // fails
    '',
  ].join('\n');
  const client = newClient();
  await client.start({ program: scenarioFile('filters.timens', text) } as never, async () => {
    await client.request('setExceptionBreakpoints', { filters: ['vvar-fault', 'zap', 'expect'], filterOptions: [{ filterId: 'signal', condition: 'SIGBUS' }] });
  });
  const fault = await client.step('continue');
  assert.equal(fault.body.reason, 'exception');
  assert.equal((await client.cursor()).line, 1);
  assert.equal((await client.request<DebugProtocol.ExceptionInfoResponse['body']>('exceptionInfo', { threadId: 1 })).exceptionId, 'fault');
  await client.request('setExceptionBreakpoints', { filters: ['zap', 'expect'], filterOptions: [{ filterId: 'signal', condition: 'SIGBUS' }] });
  await client.step('continue');
  assert.equal((await client.cursor()).line, 3, 'zap at fork');
  assert.equal((await client.request<DebugProtocol.ExceptionInfoResponse['body']>('exceptionInfo', { threadId: 1 })).exceptionId, 'zap');
  await client.step('continue');
  assert.equal((await client.cursor()).line, 4);
  assert.equal((await client.request<DebugProtocol.ExceptionInfoResponse['body']>('exceptionInfo', { threadId: 1 })).exceptionId, 'SIGBUS');
  await client.step('continue');
  assert.equal((await client.cursor()).line, 5, 'the failed expect');
  assert.equal((await client.request<DebugProtocol.ExceptionInfoResponse['body']>('exceptionInfo', { threadId: 1 })).exceptionId, 'expect');
  await client.request('disconnect', {});
});

test('a data breakpoint on a [vvar] PTE stops where the fault handler fills it, in both directions', async () => {
  const client = newClient();
  await client.start({ program: scenarioFile('pte.timens', SCENARIO) } as never);
  await client.step('goto', { targetId: (await client.request<DebugProtocol.GotoTargetsResponse['body']>('gotoTargets', { source: { path: 'x' }, line: 6 })).targets[0]!.id });
  const info = await client.request<DebugProtocol.DataBreakpointInfoResponse['body']>('dataBreakpointInfo', { name: 'P2[vvar].ptes[0]' });
  assert.ok(info.dataId, info.description);
  await client.request('setDataBreakpoints', { breakpoints: [{ dataId: info.dataId }] });
  const stop = await client.step('continue');
  assert.equal(stop.body.reason, 'data breakpoint');
  const frames = (await client.frames()).map((f) => f.name);
  assert.ok(frames.includes('vvar_fault'), frames.join(' < '));
  assert.match(await evalText(client, 'P2[vvar].ptes[0].page'), /page#ns#1/);
  const hitAt = (await client.cursor()).position;
  await client.step('continue'); // no other change of that PTE: to the end
  assert.equal((await client.cursor()).kind, 'end');
  const back = await client.step('reverseContinue');
  assert.equal(back.body.reason, 'data breakpoint');
  assert.equal((await client.cursor()).position, hitAt);
  await client.request('disconnect', {});
});

test('large scopes are paged with indexedVariables and start/count', async () => {
  const lines = ['kernel 6.18'];
  for (let i = 0; i < 70; i++) lines.push(`spawn S${i} uid=${1000 + i}`);
  const client = newClient();
  await client.start({ program: scenarioFile('many.timens', lines.join('\n') + '\n') } as never);
  await client.step('goto', { targetId: (await client.cursor()).eventCount });
  const tasks = (await client.scopes()).find((s) => s.name === 'Tasks')!;
  assert.equal(tasks.indexedVariables, 71);
  const page = await client.variables(tasks.variablesReference, { filter: 'indexed', start: 64, count: 7 });
  assert.equal(page.length, 7);
  assert.match(page[6]!.name, /^S69/);
  await client.request('disconnect', {});
});

test('noDebug runs the scenario, prints each line with its result and terminates', async () => {
  const client = newClient();
  await client.request('initialize', { adapterID: 'timens', pathFormat: 'path' });
  const terminated = client.waitEvent('terminated');
  await client.request('launch', { program: scenarioFile('run.timens', SCENARIO), noDebug: true });
  await terminated;
  const output = client.events.filter((e) => e.event === 'output').map((e) => (e.body as { output: string }).output).join('');
  assert.match(output, /P1: write\("\/proc\/self\/timens_offsets", "monotonic 1 0"\) = -1 EACCES/);
  assert.match(output, /scenario passed/);
});

test('every example launches, steps over and into its lines, runs to the end and travels back to the start', async () => {
  const dir = path.join(__dirname, '../../../../examples');
  const examples = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.timens')).sort() : [];
  assert.ok(examples.length > 0, `examples in ${dir}`);
  for (const name of examples) {
    const client = newClient();
    const entry = await client.start({ program: path.join(dir, name) } as never);
    assert.equal(entry?.body.reason, 'entry', name);
    const start = JSON.stringify(client.session.run!.sim.state());
    for (let i = 0; i < 5; i++) await client.step('stepIn');
    for (let i = 0; i < 3; i++) await client.step('next');
    const scopes = await client.scopes();
    for (const s of scopes) await client.variables(s.variablesReference);
    const end = await client.step('continue');
    assert.equal(end.body.reason, 'step', `${name} runs to the end`);
    assert.equal((await client.cursor()).kind, 'end', name);
    const back = await client.step('reverseContinue');
    assert.equal(back.body.reason, 'entry', name);
    assert.equal((await client.cursor()).position, 0, name);
    assert.equal(JSON.stringify(client.session.run!.sim.state()), start, `${name}: the whole start state is restored`);
    await client.request('disconnect', {});
  }
});
