// Editor logic without VS Code: completion per context, hovers (operations, clocks, tasks after a run,
// expect lines), outline, inline result texts, header rewriting and cursor navigation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario, runScenario } from '../../../extension/scenario/index';
import { codeLensCommands, completionsAt, hoverAt, outline } from '../../../extension/scenario/editor/language';
import { InlineIndex, inlineResults, inlineResultsAt, lineOutcomeText } from '../../../extension/scenario/editor/inline';
import { resultText } from '../../../extension/scenario/editor/trees';
import { formatResult, jsonOfOutcome } from '../../../extension/scenario/format';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { changedBlock, rewriteHeader } from '../../../extension/scenario/editor/header';
import { currentLine, lastStepStart, nextLinePosition, previousLinePosition, stepIndex, stepSpans } from '../../../extension/scenario/editor/navigation';
import { formatOffset, formatTimespec } from '../../../extension/scenario/editor/format';
import { DEFAULT_PROFILE, KERNEL_VERSIONS, type Profile } from '../../../extension/sim/types';
import { KERNEL_FUNCTIONS } from '../../../extension/sim/index';
import { describeOperation } from '../../../extension/scenario/docs';
import { OPERATION_RANK, OPERATION_SPECS } from '../../../extension/scenario/vocabulary';

const TEXT = `arch x86_64
kernel 6.18
# --- set up
P1: unshare(CLONE_NEWTIME)
P1: write("/proc/self/timens_offsets", "monotonic 86400 0")
expect ok
P1: fork() = P2
# --- read clocks
P2: clock_gettime(CLOCK_MONOTONIC)
expect P2 CLOCK_MONOTONIC == host + 86400s
P1: write("/proc/self/timens_offsets", "monotonic 1 0")
expect errno == EPERM
`;

function labels(line: string, col = line.length, text = TEXT, lineNo = 11): string[] {
  const parsed = parseScenario(text);
  return completionsAt(line, lineNo, col, { parsed, profile: DEFAULT_PROFILE }).map((e) => e.label);
}

test('completion: line start offers tasks defined above, expect, host actions', () => {
  const l = labels('', 0);
  assert.ok(l.includes('P1:') && l.includes('P2:'), l.join());
  assert.ok(l.includes('expect') && l.includes('sleep') && l.includes('spawn'));
  // P2 is created on line 6: not offered on line 3.
  assert.ok(!labels('', 0, TEXT, 3).includes('P2:'));
});

test('completion: operations after TASK:, flags, clocks, mappings, paths by argument', () => {
  assert.ok(labels('P2: ').includes('unshare'));
  assert.ok(labels('P2: cl').includes('clock_gettime'));
  const flags = labels('P2: unshare(');
  assert.equal(flags[0], 'CLONE_NEWTIME');
  assert.ok(labels('P2: unshare(CLONE_NEWUSER|').includes('CLONE_NEWTIME'));
  assert.ok(labels('P2: clock_gettime(').includes('CLOCK_BOOTTIME'));
  assert.ok(labels('P2: clock_gettime(').includes('cpuclock(P1)'), 'a task\'s CPU clock');
  assert.deepEqual(labels('P2: clock_gettime(CLOCK_MONOTONIC, '), ['vdso', 'syscall']);
  assert.ok(labels('P2: clock_nanosleep(CLOCK_MONOTONIC, ').includes('TIMER_ABSTIME'));
  assert.ok(labels('P2: touch(').includes('[vvar]'));
  assert.ok(labels('P2: touch(').includes('[vvar_vclock]'), 'x86_64 6.13+ has [vvar_vclock]');
  const arm = completionsAt('P2: touch(', 11, 10, { parsed: parseScenario(TEXT), profile: { arch: 'arm64', kernel: '6.12', disabledPatches: [] } }).map((e) => e.label);
  assert.ok(!arm.includes('[vvar_vclock]'), arm.join());
  const paths = labels('P2: read(');
  assert.ok(paths.includes('"/proc/self/timens_offsets"') && paths.includes('"/proc/P2/ns/time"'), paths.join());
  const inString = completionsAt('P2: read("/pr', 11, 13, { parsed: parseScenario(TEXT), profile: DEFAULT_PROFILE });
  assert.ok(inString.some((e) => e.label === '/proc/uptime' && e.replaceFrom === 10));
  assert.ok(labels('P2: setns(').includes('pidfd(P1)'));
  assert.deepEqual(labels('P2: fork() = '), ['P3']);
});

test('completion: header values and expect forms', () => {
  assert.deepEqual(labels('arch '), ['x86_64', 'arm64']);
  assert.ok(labels('kernel ').includes('5.9'));
  assert.ok(labels('patch off ').includes('zap-vvar'));
  const ex = labels('expect ');
  for (const want of ['ok', 'errno ==', 'P2.time_ns ==', 'ns#1 frozen']) assert.ok(ex.includes(want), `${want} in ${ex.join()}`);
  assert.ok(labels('expect errno == ').includes('EACCES'));
  assert.ok(labels('expect signal == ').includes('SIGBUS'));
  assert.ok(labels('expect P2.time_ns == ').includes('ns#1'));
  assert.ok(labels('expect P2 [vvar][0] -> ').includes('host'));
  assert.ok(labels('expect path == ').includes('vdso-timens'));
});

test('hover: operation with call path recorded in the run and version notes', () => {
  const run = runScenario(TEXT);
  const h = hoverAt(3, 5, { parsed: run.parsed, profile: run.profile, run });
  assert.ok(h);
  assert.match(h.markdown, /\*\*unshare\(flags\)\*\*/);
  assert.match(h.markdown, /Kernel call path\*\* \(this line, x86_64 · 6.18\)/);
  assert.match(h.markdown, /copy_time_ns/);
  assert.match(h.markdown, /Across versions/);
  assert.match(h.markdown, /This run:\*\* → 0/);
  // Without a run: the call path comes from the documentation.
  const h2 = hoverAt(3, 5, { parsed: run.parsed, profile: { ...DEFAULT_PROFILE, kernel: '5.6' } });
  assert.match(h2!.markdown, /clone_time_ns/);
});

test('hover: a task shows its state after that line; a clock its offset; an expect line why', () => {
  const run = runScenario(TEXT);
  assert.ok(run.valid, JSON.stringify(run.diagnostics));
  const ctx = { parsed: run.parsed, profile: run.profile, run };
  const task = hoverAt(8, 1, ctx)!;
  assert.match(task.markdown, /\*\*P2\*\* — created on line 7/);
  assert.match(task.markdown, /\| time_ns \| ns#1 \(monotonic \+86400s, boottime \+0s\) \|/);
  const p1 = hoverAt(3, 1, ctx)!;
  assert.match(p1.markdown, /\| time_ns_for_children \| ns#1 \|/);
  const clock = hoverAt(8, 25, ctx)!;
  assert.match(clock.markdown, /CLOCK_MONOTONIC\*\* \(clock id 1\)/);
  assert.match(clock.markdown, /\*\*monotonic\*\*/);
  const ex = hoverAt(9, 2, ctx)!;
  assert.match(ex.markdown, /✓ held/);
  const failing = runScenario(TEXT.replace('expect errno == EPERM', 'expect errno == EPERM\nexpect ok'));
  const bad = hoverAt(12, 2, { parsed: failing.parsed, profile: failing.profile, run: failing })!;
  assert.match(bad.markdown, /✗ failed/);
  assert.match(bad.markdown, /EACCES/);
});

test('hover: a path below a thread\'s directory says what that directory has (tid_base_stuff)', () => {
  const text = 'P1: pthread_create() = T1\nP1: read("/proc/P1/task/T1/timens_offsets")\nP1: read("/proc/P1/timens_offsets")\nP1: read("/proc/P1/task/T1/stat")';
  const run = runScenario(text);
  const ctx = { parsed: run.parsed, profile: run.profile, run };
  assert.match(hoverAt(1, 12, ctx)!.markdown, /ENOENT: a thread's directory/);
  assert.match(hoverAt(2, 12, ctx)!.markdown, /time_for_children/);
  assert.doesNotMatch(hoverAt(2, 12, ctx)!.markdown, /ENOENT/);
  assert.match(hoverAt(3, 12, ctx)!.markdown, /Field 22, starttime/);
});

test('outline: sections hold their lines, header and created tasks are symbols', () => {
  const parsed = parseScenario(TEXT);
  const symbols = outline(parsed, TEXT.split('\n'));
  assert.deepEqual(symbols.map((s) => [s.kind, s.name]), [['header', 'arch x86_64 · kernel 6.18'], ['section', 'set up'], ['section', 'read clocks']]);
  const setUp = symbols[1];
  assert.deepEqual(setUp.children.map((c) => c.kind), ['step', 'step', 'expect', 'step', 'task']);
  assert.equal(setUp.children[4].name, 'P2');
  assert.equal(setUp.endLine, 6);
  assert.equal(symbols[2].endLine, TEXT.split('\n').length - 1);
});

test('inline results: return, clock as host + offset, namespaces, expectations, reached by cursor', () => {
  const run = runScenario(TEXT);
  const all = inlineResults(run, run.sim.eventCount);
  const byLine = new Map(all.map((r) => [r.line, r]));
  assert.equal(byLine.get(3)!.text, '→ 0 · in ns#0, tfc ns#1');
  assert.match(byLine.get(8)!.text, /^→ 0 · CLOCK_MONOTONIC \d+s = host \d+s \+86400s \(vdso-timens\) · in ns#1$/);
  assert.equal(byLine.get(9)!.tone, 'expect-pass');
  assert.equal(byLine.get(10)!.tone, 'error');
  assert.match(byLine.get(10)!.text, /^→ -1 EACCES/);
  assert.ok(all.every((r) => r.reached));
  const atStart = inlineResults(run, 0);
  assert.ok(atStart.every((r) => !r.reached));
  const sig = lineOutcomeText({ line: 0, step: { line: 0, task: 'P1', operation: { op: 'touch', mapping: '[vvar]', page: 1 } }, result: { ret: null, errno: null, signal: 'SIGBUS' }, time_ns: 'ns#0', time_ns_for_children: 'ns#0' });
  assert.deepEqual(sig, { text: '→ --- SIGBUS --- · in ns#0', tone: 'signal' });
});

test('inline results of a window of lines are those of the whole run in that window, made only for it', () => {
  const run = runScenario(TEXT);
  const all = inlineResultsAt(run);
  const index = new InlineIndex(run);
  const lines = TEXT.split('\n').length;
  for (let from = 0; from <= lines; from++) {
    for (let to = from; to <= lines + 1; to++) {
      assert.deepEqual(index.between(from, to), all.filter((r) => r.line >= from && r.line < to), `[${from}, ${to})`);
    }
  }
  // An expect line is reached with the line that ran above it; a step line with its own last event.
  const spans = new Map(run.sim.lineSpans().map((s) => [s.line, s.end]));
  assert.equal(index.between(9, 10)[0]!.reachedAt, spans.get(8));
  assert.equal(index.between(8, 9)[0]!.reachedAt, spans.get(8));
  assert.deepEqual(index.between(0, 3), []);
});

test('a delivered signal has one wording in inline results, trees, hovers and the CLI: --- SIG --- (never "killed by")', () => {
  const step = { line: 0, task: 'P1', operation: { op: 'touch', mapping: '[vvar]', page: 1 } } as const;
  const returned = { ret: 0, errno: null, signal: 'SIGSEGV' };
  assert.equal(lineOutcomeText({ line: 0, step, result: returned, time_ns: null, time_ns_for_children: null }).text, '→ 0 --- SIGSEGV ---');
  assert.equal(resultText(returned), '→ 0 --- SIGSEGV ---');
  assert.equal(formatResult(returned, { sim: runScenario('sleep 1s').sim }), '= 0 --- SIGSEGV ---');
  assert.equal(formatResult({ ret: null, errno: null, signal: 'SIGBUS' }, { sim: runScenario('sleep 1s').sim }), '= ? --- SIGBUS ---');
  const docs = fs.readFileSync(path.resolve(__dirname, '../../../../docs/editor.md'), 'utf8') + fs.readFileSync(path.resolve(__dirname, '../../../../docs/cli.md'), 'utf8');
  assert.ok(!/killed by SIG/.test(docs), 'the docs use the same wording');
  assert.ok(docs.includes('--- SIGBUS ---'));
});

test('navigation: step by line forwards and back, step k/n, current line', () => {
  const run = runScenario(TEXT);
  const spans = run.sim.lineSpans();
  let pos = 0;
  const visited: number[] = [];
  for (let p = nextLinePosition(spans, pos); p !== null; p = nextLinePosition(spans, pos)) { pos = p; visited.push(p); }
  assert.equal(visited.length, spans.length);
  assert.equal(pos, run.sim.eventCount);
  assert.deepEqual(stepIndex(spans, pos), { k: spans.length, n: spans.length, partial: false });
  const back = previousLinePosition(spans, pos)!;
  assert.equal(back, visited[visited.length - 2]);
  assert.equal(previousLinePosition(spans, 0), null);
  assert.equal(previousLinePosition(spans, visited[0]), 0);
  assert.equal(stepIndex(spans, visited[0] - 1).partial, true);
  run.sim.goto(visited[1]);
  assert.equal(currentLine(run.sim), spans[1].line);
  run.sim.goto(0);
  assert.equal(currentLine(run.sim), -1);
});

test('step lines skip expect lines; the last step of a run is its last operation line', () => {
  const run = runScenario(TEXT);
  const sim = run.sim;
  const steps = stepSpans(sim);
  assert.deepEqual(steps.map((s) => s.line), [3, 4, 6, 8, 10]);
  assert.ok(sim.lineSpans().length > steps.length, 'expect lines have spans of their own');
  // At the end (after the final expect line) the last step is the write on line 10.
  assert.equal(lastStepStart(sim, sim.eventCount), steps[4].first);
  // Inside a line: the previous event.
  assert.equal(lastStepStart(sim, steps[2].first + 2), steps[2].first + 1);
  assert.equal(lastStepStart(sim, 0), null);
  assert.deepEqual(stepIndex(steps, sim.eventCount), { k: 5, n: 5, partial: false });
  // Back from the end (past trailing expect events) lands after line 8, not after line 10 again.
  assert.equal(previousLinePosition(steps, sim.eventCount), steps[3].end);
  assert.equal(previousLinePosition(steps, steps[1].first + 1), steps[0].end);
});

test('header rewrite: one block where the header was, inserted when missing, patch line only where it applies', () => {
  const arm: Profile = { arch: 'arm64', kernel: '5.9', disabledPatches: ['zap-vvar', 'timens-fault'] };
  const src = ['# demo', 'arch x86_64', 'kernel 6.18', 'P1: unshare(CLONE_NEWTIME)'];
  assert.deepEqual(rewriteHeader(src, arm), ['# demo', 'arch arm64', 'kernel 5.9', 'patch off zap-vvar timens-fault', 'P1: unshare(CLONE_NEWTIME)']);
  const none = ['# only a comment', '', 'P1: fork() = P2'];
  assert.deepEqual(rewriteHeader(none, { arch: 'x86_64', kernel: '6.2', disabledPatches: [] }), ['# only a comment', '', 'arch x86_64', 'kernel 6.2', 'P1: fork() = P2']);
  const withPatch = ['arch arm64', 'kernel 5.9', 'patch off 2', 'P1: fork() = P2'];
  assert.deepEqual(rewriteHeader(withPatch, { arch: 'x86_64', kernel: '6.18', disabledPatches: ['zap-vvar'] }), ['arch x86_64', 'kernel 6.18', 'P1: fork() = P2']);
  const onlyKernel = ['kernel 6.1', 'P1: fork() = P2'];
  assert.deepEqual(rewriteHeader(onlyKernel, DEFAULT_PROFILE), ['arch x86_64', 'kernel 6.18', 'P1: fork() = P2']);
  assert.deepEqual(rewriteHeader(['arch x86_64', 'kernel 6.18'], DEFAULT_PROFILE), ['arch x86_64', 'kernel 6.18']);
  assert.deepEqual(changedBlock(['a', 'b', 'c'], ['a', 'x', 'y', 'c']), { start: 1, endBefore: 2, endAfter: 3 });
  assert.equal(changedBlock(['a'], ['a']), null);
  const forced: Profile = { arch: 'arm64', kernel: '5.9', disabledPatches: ['timens-page'], forcedBuild: true };
  assert.deepEqual(rewriteHeader(['build forced', 'P1: fork() = P2'], forced), ['arch arm64', 'kernel 5.9', 'patch off timens-page', 'build forced', 'P1: fork() = P2']);
  assert.deepEqual(rewriteHeader(['build forced', 'P1: fork() = P2'], { ...forced, disabledPatches: ['timens-fault'] }).slice(0, 3), ['arch arm64', 'kernel 5.9', 'patch off timens-fault'], 'a kernel that builds needs no build line');
});

test('hover and completion: patches name their merged commit and v4, build forced says why the kernel does not build', () => {
  const text = 'arch arm64\nkernel 5.9\npatch off zap-vvar\nbuild forced\nP1: fork() = P2\n';
  const run = runScenario(text);
  const ctx = { parsed: run.parsed, profile: run.profile, run };
  assert.match(hoverAt(2, 12, ctx)!.markdown, /Patch 2\/6: .*Merged as 1b6867d2916b \(v5.*v4 \(16 June 2020\): v4 took the mmap write lock/s);
  assert.match(hoverAt(3, 2, ctx)!.markdown, /\*\*build forced\*\*.*this kernel does not link: .*vdso_join_timens/s);
  assert.deepEqual(labels('build '), ['forced']);
  assert.ok(labels('patch off ').length === 6);
});

test('code lenses: Compare Patches only on arm64 5.9', () => {
  assert.ok(!codeLensCommands(DEFAULT_PROFILE).some((c) => c.command === 'timens.comparePatches'));
  assert.ok(codeLensCommands({ arch: 'arm64', kernel: '5.9', disabledPatches: [] }).some((c) => c.command === 'timens.comparePatches'));
  assert.deepEqual(codeLensCommands(DEFAULT_PROFILE).map((c) => c.command), ['timens.runScenario', 'timens.debugScenario', 'timens.openTimeline']);
});

test('time formatting', () => {
  assert.equal(formatTimespec({ sec: 1, nsec: 750_000_000 }), '1.75s');
  assert.equal(formatTimespec({ sec: -2, nsec: 999_999_999 }), '-1.000000001s');
  assert.equal(formatOffset({ sec: 0, nsec: 0 }), '+0s');
  assert.equal(formatOffset({ sec: -20, nsec: 0 }), '-20s');
});

test('hover call paths name only functions the model emits on the profile (from a probe run, not written by hand)', () => {
  const known = new Set(KERNEL_FUNCTIONS);
  let checked = 0;
  for (const arch of ['x86_64', 'arm64'] as const) {
    for (const kernel of KERNEL_VERSIONS) {
      const profile: Profile = { arch, kernel, disabledPatches: [] };
      for (const spec of OPERATION_SPECS.filter((s) => !s.host)) {
        const doc = describeOperation(spec.word, profile)!;
        const text = `${doc.probe.join('\n')}\n`;
        const line = doc.probe.length - 1;
        const hover = hoverAt(line, doc.probe[line].indexOf(spec.word) + 1, { parsed: parseScenario(text), profile });
        assert.ok(hover, `${spec.word} on ${arch} ${kernel}: a hover`);
        const section = hover.markdown.split('\n\n**').find((s) => s.startsWith('Kernel call path')) ?? '';
        const named = [...section.matchAll(/`([^`]*>[^`]*|[a-z_0-9]+)`/g)].flatMap((m) => m[1].split(' > ')).filter((n) => /^[a-z_][a-z_0-9]*$/.test(n));
        // What the model emits when it runs the same lines on the profile, every event of every line.
        const run = runScenario(text, profile);
        const emitted = new Set<string>();
        for (let i = 0; i < run.sim.eventCount; i++) { const e = run.sim.event(i); if (e.fn) emitted.add(e.fn); for (const f of e.stack) emitted.add(f); }
        for (const n of named) {
          assert.ok(emitted.has(n), `${spec.word} on ${arch} ${kernel}: the hover names ${n}, which the model does not emit`);
          assert.ok(known.has(n), `${n} is in KERNEL_FUNCTIONS`);
        }
        checked += named.length;
      }
    }
  }
  assert.ok(checked > 1000, `${checked} function names checked`);
});

test('hover call paths say which page each fault was for and what it gave', () => {
  const text = 'arch arm64\nkernel 5.9\nP1: unshare(CLONE_NEWTIME)\nP1: fork() = P2\nP2: clock_gettime(CLOCK_MONOTONIC)\nP1: touch([vvar], 1)\n';
  const parsed = parseScenario(text);
  const profile: Profile = { arch: 'arm64', kernel: '5.9', disabledPatches: [] };
  const probe = hoverAt(4, 6, { parsed, profile })!.markdown;
  assert.match(probe, /> vvar_fault > vmf_insert_pfn` — fault on \[vvar\] page 0 → ns#1/);
  assert.match(probe, /do_hres_timens > .*` — fault on \[vvar\] page 1 → host/);
  const recorded = hoverAt(5, 5, { parsed, profile, run: runScenario(text) })!.markdown;
  assert.match(recorded, /\*\*Kernel call path\*\* \(this line, arm64 · 5\.9\)/);
  assert.match(recorded, /arm64_force_sig_fault` — fault on \[vvar\] page 1 → SIGBUS/);
});

test('completion proposes a new task name no line gives, also lines that do not parse yet', () => {
  const at = (lines: string[]): string[] => {
    const text = ['arch x86_64', 'kernel 6.18', ...lines, 'P1: fork() = '].join('\n');
    const line = lines.length + 2;
    return completionsAt('P1: fork() = ', line, 13, { parsed: parseScenario(text), profile: DEFAULT_PROFILE }).map((e) => e.label);
  };
  assert.deepEqual(at(['P1: fork() = P2']), ['P3']);
  // Half-typed definitions of P2: the line does not parse, but P2 is taken.
  assert.deepEqual(at(['P1: clone3(CLONE_NEWTIME = P2', 'P2: exit(0)']), ['P3']);
  assert.deepEqual(at(['spawn P2 uid=', 'P2: exit(0)']), ['P3']);
  assert.deepEqual(at(['P1: fork() = P2 oops']), ['P3']);
  assert.deepEqual(at(['P1: vfork(', 'spawn(P2']), ['P3']);
  // A name only used (never given) is free: proposing it is what makes the use valid.
  assert.deepEqual(at(['P2: exit(0)']), ['P2']);
  const spawn = completionsAt('spawn ', 3, 6, { parsed: parseScenario('arch x86_64\nkernel 6.18\nP1: fork( = P2\nspawn '), profile: DEFAULT_PROFILE });
  assert.equal(spawn[0].label, 'P3');
});

test('completion ranks operations by use: after `cl`, clock_gettime comes before clone and clone3', () => {
  const entries = completionsAt('P2: cl', 11, 6, { parsed: parseScenario(TEXT), profile: DEFAULT_PROFILE }).filter((e) => e.kind === 'operation');
  const order = [...entries].sort((a, b) => (a.sortText ?? '').localeCompare(b.sortText ?? '')).map((e) => e.label);
  assert.ok(order.indexOf('clock_gettime') < order.indexOf('clone'), order.join());
  assert.ok(order.indexOf('clock_gettime') < order.indexOf('clone3'), order.join());
  assert.ok(order.indexOf('clock_nanosleep') < order.indexOf('clone'), order.join());
  // The order names every operation once.
  assert.deepEqual([...OPERATION_RANK].sort(), OPERATION_SPECS.map((s) => s.word).sort());
});

test('a vDSO read with two kernel answers (an unnormalised offset) shows both: the CLI line, its JSON and the inline result', () => {
  const run = runScenario([
    'arch x86_64', 'kernel 6.18',
    'P1: unshare(CLONE_NEWTIME)',
    'P1: write("/proc/self/timens_offsets", "monotonic 5 18446744072709551616")',
    'P1: fork() = P2',
    'P2: clock_gettime(CLOCK_MONOTONIC)',
    'P2: clock_gettime(CLOCK_MONOTONIC, syscall)',
  ].join('\n'));
  const read = run.outcomes.find((o) => o.line === 5)!;
  assert.equal(read.result.clock?.path, 'vdso-timens');
  assert.match(formatResult(read.result, run), /host \+ 1266874893\.709551616s, vdso-timens\} \(or \{[\d.]+, CLOCK_MONOTONIC host \+ 4s\} when the read falls between a second boundary and the tick/);
  const json = jsonOfOutcome(run, read) as { clock: { carried?: { offset_text: string } } };
  assert.equal(json.clock.carried?.offset_text, 'host + 4s');
  assert.match(resultText(read.result), /\(vdso-timens\), or 1004s = host \+4s when the read falls/);
  // The syscall adds the offset with timespec64_add: one answer.
  const syscall = run.outcomes.find((o) => o.line === 6)!;
  assert.doesNotMatch(formatResult(syscall.result, run), / \(or \{/);
  assert.equal((jsonOfOutcome(run, syscall) as { clock: { carried?: unknown } }).clock.carried, undefined);
});
