// verify's realignment after the hello: a plan made for the machine assumed before it, whose commands the kernel's real
// machine would change, is compared only up to the first command that differs; the lines after are not checkable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { aligned } from '../../../extension/verify/align';
import { compareRun } from '../../../extension/verify/compare';
import { LOCAL_TOLERANCES } from '../../../extension/verify/index';
import type { RunMode } from '../../../extension/verify/operations';
import { planScenario, profileForKernel } from '../../../extension/verify/plan';
import { kernelFromModel } from './fakeKernel';
import { mappingsApart } from '../../../extension/verify/compareResult';
import { createSimulation } from '../../../extension/sim/index';

const ROOT = path.resolve(__dirname, '../../../..');
const MODE: RunMode = { kind: 'initial', uids: 'all', sleepCapMs: 3000, compat: true };
const INFO = { release: '6.18.0-test', arch: 'x86_64', how: 'a kernel made from the model' };

test('a plan sent for another machine is compared up to its first other command, and the lines from it on are not checkable, naming the property', () => {
  // planned for a machine with ia32 emulation, run on one without: the refused exec keeps P1's capabilities, so clone3
  // makes K1 and the read of /proc/K1/... is another command (a live task's, not an absent pid's)
  const file = 'test/conformance/fidelity-ia32-refused-keeps-caps.timens';
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const base = profileForKernel('x86_64', '6.18.44')!;
  const sent = planScenario(text, file, { ...base, machine: { ia32Emulation: true } }, MODE);
  const real = planScenario(text, file, { ...base, machine: { ia32Emulation: false } }, MODE);
  const readLine = text.split('\n').findIndex((l) => l.includes('read("/proc/K1/timens_offsets")'));
  const cmd = (p: typeof sent) => p.lines.find((l) => l.line === readLine)!.command;
  assert.notEqual(cmd(sent), cmd(real), 'the two machines send another command for the read');
  const kernel = kernelFromModel(real);   // the kernel answers as the machine it is
  const r = compareRun({ plan: aligned(sent, text, undefined, { ia32Emulation: false }), kernel, info: INFO, tol: LOCAL_TOLERANCES });
  assert.equal(r.disagree, 0, JSON.stringify(r.lines.filter((l) => l.status === 'disagree')));
  const exec = r.lines.find((l) => l.source.includes('execve'))!;
  assert.equal(exec.status, 'agree', 'the refused exec is compared against the kernel\'s machine');
  const after = r.lines.filter((l) => l.line >= readLine);
  assert.ok(after.length > 0);
  for (const l of after) {
    assert.equal(l.status, 'unchecked');
    assert.match(l.reason ?? '', /the plan for this kernel's machine \(ia32_emulation=no, planned for yes\) sends another command from here/);
  }
  assert.equal(r.unchecked, after.length, 'counted in the figures');
  assert.match(r.note ?? '', new RegExp(`makes line ${readLine + 1} another command`));
  // the same machine: the realigned plan is the sent one, every line compared
  const same = compareRun({ plan: aligned(real, text, undefined, { ia32Emulation: false }), kernel, info: INFO, tol: LOCAL_TOLERANCES });
  assert.equal(same.unchecked, 0);
  assert.equal(same.disagree, 0);
});

test('a 16K kernel\'s hello reruns the model with its page size, and maps lines are compared in its pages', () => {
  const file = 'test/conformance/pages16k-layout.timens';
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const base = profileForKernel('aarch64', '6.12.118+deb12-arm64-16k')!;
  const real = planScenario(text, file, { ...base, machine: { pageSize: 16384 } }, MODE);
  const kernel = kernelFromModel(real);
  // planned for 4K pages (an image whose header said nothing), run on 16K ones
  const sent = planScenario(text, file, base, MODE);
  const r = compareRun({ plan: aligned(sent, text, undefined, { pageSize: 16384 }), kernel, info: { ...INFO, arch: 'aarch64' }, tol: LOCAL_TOLERANCES });
  assert.equal(r.disagree, 0, JSON.stringify(r.lines.filter((l) => l.status === 'disagree')));
  const maps = r.lines.find((l) => l.source.includes('/proc/self/maps'))!;
  assert.equal(maps.status, 'agree');
  assert.match(maps.kernel, /\[vvar\] at \[vdso\]-2p, 2 pages, r--p .*\[vdso\] at \[vdso\]\+0p, 1 page, r-xp/);
});

test('an AArch32 task\'s [vectors], at its fixed address, does not make its special mappings apart: its vDSO reads are compared', () => {
  const sim = createSimulation({ arch: 'arm64', kernel: '6.12', disabledPatches: [] });
  sim.exec({ line: 0, task: 'P1', operation: { op: 'execve', path: '/proc/self/exe', abi: 'compat' } });
  const st = sim.state();
  const mm = st.mms[st.tasks.P1.mm!];
  assert.ok(mm.vmas.some((v) => v.name === '[vectors]'));
  assert.equal(mappingsApart(mm, 4096), false);
  sim.exec({ line: 1, task: 'P1', operation: { op: 'munmap', mapping: '[vvar]' } });
  assert.equal(mappingsApart(sim.state().mms[st.tasks.P1.mm!], 4096), true, 'an unmapped [vvar] leaves [sigpage] and [vdso] apart');
});

test('a read\'s text is compared whole: a difference past the 60 bytes shown is a disagreement, shown from a little before it', () => {
  const file = 'test/conformance/outsider4-seqfile-records.timens';
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const plan = planScenario(text, file, profileForKernel('x86_64', '6.18.44')!, MODE);
  const kernel = kernelFromModel(plan);
  const readLine = text.split('\n').findIndex((l) => l === 'P1: read(fd1)');
  const res = kernel.get(readLine + 1)!.res!;
  const model = plan.lines.find((l) => l.line === readLine)!.model.result.text!;
  assert.ok(model.length > 200);
  // the kernel's text with one digit changed at byte 130, in the fourth record
  const changed = model.slice(0, 130) + (model[130] === '9' ? '8' : '9') + model.slice(131);
  (res.f as Record<string, string>).text = ':' + Buffer.from(changed, 'utf8').toString('hex');
  const r = compareRun({ plan, kernel, info: INFO, tol: LOCAL_TOLERANCES });
  const l = r.lines.find((x) => x.line === readLine)!;
  assert.equal(l.status, 'disagree');
  assert.match(l.diffs[0].kernel, /^from byte 110 of \d+: /);
  assert.notEqual(l.diffs[0].kernel, l.diffs[0].model);
});

// facts-q7-clocks.timens under qemu: a VM up ~20 s writes "boottime -20 0"; the kernel's host ran on from the
// scenario's start, where the model's host was placed, so the model refused a write the kernel took.
const UPTIME_TEXT = 'kernel 6.18\nP1: unshare(CLONE_NEWTIME)\nP1: write("/proc/self/timens_offsets", "boottime -20 0")\nP1: fork() = P2\nP2: clock_gettime(CLOCK_BOOTTIME)';
const UPTIME_PROFILE = profileForKernel('x86_64', '6.18.44')!;
const ts = (x: number) => `${Math.floor(x)}:${String(Math.round((x - Math.floor(x)) * 1e9)).padStart(9, '0')}`;

/** The file as run on a VM whose host read `start` s at the scenario's start and `before`, `after` s around the write. */
function uptimeRun(start: number, before: number, after: number) {
  const sent = planScenario(UPTIME_TEXT, 'u.timens', UPTIME_PROFILE, MODE, 'u', { monotonic: start, boottime: start });
  // the kernel answers as the model does on a host at its uptime after the write
  const kernel = kernelFromModel(planScenario(UPTIME_TEXT, 'u.timens', UPTIME_PROFILE, MODE, 'u', { monotonic: after, boottime: after }));
  const w = kernel.get(3)!;
  w.res = { ...w.res!, f: { ...w.res!.f, hm0: ts(before), hboot0: ts(before), hm: ts(after), hboot: ts(after) } };
  const plan = aligned(sent, UPTIME_TEXT, { monotonic: start, boottime: start }, {}, kernel);
  return { sent, lines: compareRun({ plan, kernel, info: INFO, tol: LOCAL_TOLERANCES }).lines.slice().sort((a, b) => a.line - b.line) };
}

test('an offsets write is asked of the model at the kernel\'s uptime just before it, not the scenario\'s start: checked whenever that decides', () => {
  const { sent, lines } = uptimeRun(19.5, 20.1, 20.2);
  assert.equal(sent.lines[1].model.result.errno, 'ERANGE', 'at the start\'s 19.5 s, -20 s is below 0');
  assert.deepEqual(lines.map((l) => l.status), ['agree', 'agree', 'agree', 'agree'], lines.map((l) => l.reason ?? '').join(' | '));
  assert.equal(lines[1].model, 'ok ret=14', 'the model wrote the offsets too');
});

test('an offsets write whose bound lies between the host\'s uptimes before and after it is not checkable, saying so', () => {
  const { lines } = uptimeRun(19.5, 19.95, 20.05);
  assert.equal(lines[1].status, 'unchecked');
  assert.match(lines[1].reason ?? '', /-20 s lands on one side of a bound at the uptime before it \(19\.950 s\) and on the other after it \(20\.050 s\), so the answer is the timing's/);
  assert.match(lines[3].reason ?? '', /follows line 3/, 'the kernel wrote the offsets the model refused');
});
