// Compare: each arm64 patch switched off must make its scenario differ, and differ the way
// docs/model-arm64-patches.md#the-forced-build says; kernel-version comparisons; the first diverging event; the
// report text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { compareScenario, compareScenarioN, patchOffChoices, profileLabel, type Comparison } from '../../../extension/tours/compare';
import { cellParts, differsText, formatComparisonText } from '../../../extension/tours/compareReport';
import { escapeHtml, renderComparePage } from '../../../extension/tours/compareHtml';
import { CARRIED_WHEN } from '../../../extension/sim/offset64';
import { arm64Knowledge } from '../../../extension/tours/knowledge';
import { eventsForFunctions } from '../../../extension/tours/links';
import type { Arm64PatchId } from '../../../extension/sim/types';

const ROOT = path.resolve(__dirname, '../../../..');

function comparePatch(id: Arm64PatchId): Comparison {
  const k = arm64Knowledge(id);
  const file = path.join(ROOT, k.scenario!);
  // Patches 1–3 off do not build (sim/build.ts): their comparisons run the forced build, as the tour does.
  const [on, off] = patchOffChoices({ arch: 'arm64', kernel: '5.9', disabledPatches: [] }, id, true);
  return compareScenario(fs.readFileSync(file, 'utf8'), k.scenario!, on, off);
}

test('patches 1–3 off: the kernel does not build, nothing runs unless forced, and the views say so', () => {
  const k = arm64Knowledge('timens-page');
  const text = fs.readFileSync(path.join(ROOT, k.scenario!), 'utf8');
  const [on, off] = patchOffChoices({ arch: 'arm64', kernel: '5.9', disabledPatches: [] }, 'timens-page');
  const c = compareScenario(text, k.scenario!, on, off);
  assert.equal(c.b.run.valid, false);
  assert.match(c.b.label, /\(does not build\)$/);
  assert.match(formatComparison(c), /this kernel does not build: patch 4 \(ee3cda8e4606\) uses VVAR_DATA_PAGE_OFFSET/);
  const forced = comparePatch('timens-page');
  assert.match(forced.b.label, /forced build, not a real kernel/);
  assert.match(formatComparison(forced), /forced build, not a real kernel: this kernel does not build/);
  for (const id of ['timens-fault', 'restrict-split', 'enable-timens'] as const) {
    const [, builds] = patchOffChoices({ arch: 'arm64', kernel: '5.9', disabledPatches: [] }, id);
    assert.doesNotMatch(builds.label, /build/, id);
  }
});

const formatComparison = (c: Comparison) => formatComparisonText(c.table);

/** 1-based line of the first difference, as a reader of the report sees it. */
const firstLine = (c: Comparison) => (c.firstLine ? c.firstLine.line + 1 : null);

test('patch 1 off (vvar-fault): the vDSO shows host time while the system call shows namespace time', () => {
  const c = comparePatch('vvar-fault');
  assert.equal(c.a.run.passed, true, formatComparison(c));
  const syscall = c.lines.find((l) => l.line === 14)!;
  assert.deepEqual([syscall.a?.clockOffset, syscall.b?.clockOffset], ['host + 86400s', 'host + 86400s'], 'the syscall is right either way');
  assert.equal(firstLine(c), 17, formatComparison(c));
  assert.equal(c.firstLine!.a!.clockOffset, 'host + 86400s');
  assert.equal(c.firstLine!.a!.clockPath, 'vdso-timens');
  assert.equal(c.firstLine!.b!.clockOffset, 'host');
  assert.ok(c.firstEvent, 'the event logs part somewhere');
});

test('patch 2 off (zap-vvar): after setns the vDSO keeps the old namespace\'s view, the syscall shows the new one', () => {
  const c = comparePatch('zap-vvar');
  assert.equal(c.a.run.passed, true, formatComparison(c));
  const syscall = c.lines.find((l) => l.line === 19)!;
  assert.equal(syscall.b?.clockOffset, 'host + 86400s', 'the system call already sees the new namespace');
  assert.equal(firstLine(c), 22, formatComparison(c));
  assert.equal(c.firstLine!.a!.clockOffset, 'host + 86400s');
  assert.equal(c.firstLine!.b!.clockOffset, 'host', 'the stale PTE still maps the root (host) page: offset 0');
  assert.equal(c.firstLine!.b!.signal, '');
  // The logs part already at the fork into the namespace: with the patch vdso_join_timens takes the mmap read lock
  // and zaps the child's [vvar] there.
  assert.equal(c.firstEvent!.line + 1, 13, formatComparison(c));
  assert.match(c.firstEvent!.describeA, /call mmap_read_lock .*mm#1/);
  const zapsAtSetns = (r: Comparison['a']) => eventsForFunctions(r.run.sim, ['vdso_join_timens']).filter((i) => r.run.sim.lineOf(i) === 17 && r.run.sim.kindOf(i) === 'zap');
  assert.ok(zapsAtSetns(c.a).length > 0, 'setns zaps with the patch');
  assert.equal(zapsAtSetns(c.b).length, 0, 'and does not without it');
});

test('patch 3 off (timens-page), forced build: a namespace task\'s vDSO read spins on seq 1 and never returns', () => {
  const c = comparePatch('timens-page');
  assert.equal(c.a.run.passed, true, formatComparison(c));
  assert.equal(firstLine(c), 15, formatComparison(c));
  assert.deepEqual([c.firstLine!.a!.signal, c.firstLine!.a!.clockPath], ['', 'vdso-timens']);
  assert.deepEqual([c.firstLine!.b!.signal, c.firstLine!.b!.clockPath], ['', 'vdso-stuck'], formatComparison(c));
});

test('patch 4 off (timens-fault): page 0 stays the host page, the vDSO reads host time on the fast path', () => {
  const c = comparePatch('timens-fault');
  assert.equal(c.a.run.passed, true, formatComparison(c));
  // The fault on line 15 already maps a different page at [vvar][0]: that is the first difference.
  assert.equal(firstLine(c), 15, formatComparison(c));
  assert.deepEqual([c.firstLine!.a!.text, c.firstLine!.b!.text], ['page#ns#1', 'page#host']);
  assert.equal(c.firstEvent!.line + 1, 15, formatComparison(c));
  const read = c.lines.find((l) => l.line === 15)!;
  assert.deepEqual([read.a?.clockOffset, read.a?.clockPath], ['host + 86400s', 'vdso-timens']);
  assert.deepEqual([read.b?.clockOffset, read.b?.clockPath], ['host', 'vdso-fast']);
});

test('patch 5 off (restrict-split): moving page 1 alone succeeds, and the namespace task\'s next vDSO read faults', () => {
  const c = comparePatch('restrict-split');
  assert.equal(c.a.run.passed, true, formatComparison(c));
  assert.equal(firstLine(c), 16, formatComparison(c));
  assert.equal(c.firstLine!.a!.errno, 'EINVAL');
  assert.equal(c.firstLine!.b!.errno, '');
  const read = c.lines.find((l) => l.line === 17)!;
  assert.equal(read.a?.signal, '');
  assert.equal(read.b?.signal, 'SIGSEGV', formatComparison(c));
});

test('patch 6 off (enable-timens): unshare(CLONE_NEWTIME) fails with EINVAL', () => {
  const c = comparePatch('enable-timens');
  assert.equal(c.a.run.passed, true, formatComparison(c));
  assert.equal(firstLine(c), 9, formatComparison(c));
  assert.equal(c.firstLine!.a!.errno, '');
  assert.equal(c.firstLine!.b!.errno, 'EINVAL');
});

test('two kernel versions: vfork after unshare is refused on 6.1 and allowed on 6.2', () => {
  const file = 'tours/scenarios/x86-vfork-after-unshare.timens';
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const c = compareScenario(text, file, { label: 'x86_64 6.2', options: { kernel: '6.2' } }, { label: 'x86_64 6.1', options: { kernel: '6.1' } });
  assert.equal(firstLine(c), 10, formatComparison(c));
  assert.deepEqual([c.firstLine!.a!.errno, c.firstLine!.b!.errno], ['', 'EINVAL']);
  assert.ok(c.divergence && c.divergence.line === 9);
});

test('identical profiles: no difference, and the report says so', () => {
  const file = 'tours/scenarios/x86-setns-zap.timens';
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const c = compareScenario(text, file, { label: 'a', options: {} }, { label: 'b', options: {} });
  assert.equal(c.firstLine, null);
  assert.equal(c.firstEvent, null);
  assert.equal(c.divergence, null);
  assert.match(formatComparison(c), /No line gives a different result/);
});

test('the report gives each line its own block, names what differs, and fits a terminal', () => {
  const c = comparePatch('zap-vvar');
  const text = formatComparison(c);
  assert.match(text, /^Comparison of tours\/scenarios\/arm64-2-zap-vvar\.timens/);
  assert.match(text, /\[2\] arm64 5\.9 without patch 2\/6 zap-vvar/);
  assert.match(text, /First difference: line 22: P3: clock_gettime\(CLOCK_MONOTONIC\)\n {2}differs in: clock value, clock path\n/);
  assert.match(text, /\n {3}22 ≠ P3: clock_gettime\(CLOCK_MONOTONIC\)\n {8}differs in: clock value, clock path\n {8}\[1\] = \d+, 87400\.000000000 = host \+ 86400s via vdso-timens.*\n {8}\[2\] = \d+, 1000\.000000000 = host via vdso-fast/);
  assert.ok(!/differs in: text/.test(text), 'never the bare word "text"');
  const widest = Math.max(...text.split('\n').filter((l) => !l.startsWith('  [') && !/^First diverging|^ {2}\[/.test(l)).map((l) => l.length));
  assert.ok(widest <= 120, `a line of ${widest} characters`);
  assert.equal(profileLabel({ arch: 'arm64', kernel: '5.9', disabledPatches: ['timens-fault', 'restrict-split'] }), 'arm64 5.9 without patch 4/6 timens-fault, 5/6 restrict-split');
  assert.equal(profileLabel({ arch: 'arm64', kernel: '5.9', disabledPatches: ['zap-vvar', 'restrict-split'] }), 'arm64 5.9 without patch 2/6 zap-vvar, 5/6 restrict-split (does not build)');
});

test('patch 4 off: the page that differs is named as output, and the cell parts say which aspect each shows', () => {
  const c = comparePatch('timens-fault');
  assert.equal(differsText(c.firstLine!), 'output');
  const parts = cellParts(c.firstLine!.b);
  assert.deepEqual(parts.find((p) => p.aspects.includes('text'))?.text, '"page#host"');
});

test('N columns: one scenario under three kernels, each line with one cell per kernel', () => {
  const file = 'tours/scenarios/x86-vfork-after-unshare.timens';
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const t = compareScenarioN(text, file, ['6.1', '6.2', '6.18'].map((k) => ({ label: `x86_64 ${k}`, options: { kernel: k as '6.1' } })));
  assert.deepEqual(t.columns, ['x86_64 6.1', 'x86_64 6.2', 'x86_64 6.18']);
  assert.ok(t.rows.every((r) => r.cells.length === 3));
  assert.equal(t.first?.line, 9);
  assert.deepEqual(t.first?.cells.map((c) => c?.errno), ['EINVAL', '', '']);
  assert.match(formatComparisonText(t), /\n {8}\[3\] = /);
});

test('a vDSO read with two kernel answers shows its value and the second answer, in the words the other views use', () => {
  // {5 s, -1e9 ns} as the kernel stores it: the vDSO's u64 sum wraps, a read before the tick's update_vsyscall does
  // not (test/unit/debug/carried.test.ts); the system call adds it normalised and has one answer
  const text = ['arch x86_64', 'kernel 6.18', 'P1: unshare(CLONE_NEWTIME)', 'P1: write("/proc/self/timens_offsets", "monotonic 5 18446744072709551616")',
    'P1: fork() = P2', 'P2: clock_gettime(CLOCK_MONOTONIC)', 'P2: clock_gettime(CLOCK_MONOTONIC, syscall)', ''].join('\n');
  // 5.6 refuses the write (its sscanf reads no u64 nanoseconds): its read is the host's, with one answer
  const t = compareScenarioN(text, 'carried.timens', (['6.18', '5.6'] as const).map((k) => ({ label: `x86_64 ${k}`, options: { kernel: k } })));
  const row = (n: number) => t.rows.find((r) => r.line === n - 1)!;
  const clock = (n: number, i: number) => cellParts(row(n).cells[i]).find((p) => p.aspects.includes('clockOffset'));
  const vdso = `1266875893.709551616 = host + 1266874893.709551616s via vdso-timens, or 1004.000000000 = host + 4s ${CARRIED_WHEN}`;
  assert.deepEqual(clock(6, 0), { text: vdso, aspects: ['clockOffset', 'clockCarried', 'clockPath'] });
  assert.equal(clock(6, 1)?.text, '1000.000000000 = host via vdso-timens');
  assert.equal(differsText(row(6)), 'clock value, the vDSO read\'s second answer');
  assert.equal(clock(7, 0)?.text, '1004.000000000 = host + 4s via syscall', 'a system call has one answer');
  // the same words in the report, the page and the design table (describeSummary)
  assert.ok(formatComparisonText(t).includes(`[1] = 0, ${vdso}, time ns#1`), formatComparisonText(t));
  const page = renderComparePage(t, { nonce: 'n', cspSource: 'c', scriptUri: 's', styleUri: 't', timelines: false });
  assert.ok(page.includes(`<mark class="diff" title="differs: clock value, the vDSO read&#39;s second answer">${escapeHtml(vdso)}</mark>`), page);
});
