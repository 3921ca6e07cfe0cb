// `node tools/fuzz-verify.mjs [--seed N] [--count N] [--lines N] [--mix all|tasks] [--keep DIR] [--kernel-image IMAGE --arch A]`: differential testing of the model
// against the running kernel. Writes random scenarios (namespaces, credentials, /proc files, clocks, mappings,
// threads), runs `timens verify` on them and prints every line where the kernel and the model disagree, with
// the scenario kept for replay. A disagreement is a model (or helper) bug to fix, never a figure to tune.
// Ends with `… N agree, N disagree, N not checkable; scenarios N, with disagreements N` and exits 1 when anything disagrees. Run `node tools/build.mjs` first.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fuzzScenario } from './fuzz-scenario.mjs';

const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
const seed0 = Number(opt('--seed', Date.now() % 100000));
const count = Number(opt('--count', 20));
const lineCount = Number(opt('--lines', 25));
const keep = opt('--keep', path.join('test-results', 'fuzz'));
// Under qemu (tools/qemu-kernels.mjs fetches Debian's images): the scenarios are written for the image's arch.
const image = opt('--kernel-image');
const arch = opt('--arch', 'x86_64');
// 'tasks': tools/fuzz-scenario.mjs's task-heavy mix (tasks made, ended and joined; no clocks or mappings)
const mix = opt('--mix', 'all');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'timens-fuzz-'));
const files = [];
for (let i = 0; i < count; i++) {
  const f = path.join(dir, `fuzz-${seed0 + i}.timens`);
  fs.writeFileSync(f, fuzzScenario(seed0 + i, { arch, lines: lineCount, mix }));
  files.push(f);
}
const run = spawnSync('node', ['dist/cli.js', 'verify', '--json', ...(image ? ['--kernel-image', image, '--arch', arch] : []), ...files], { encoding: 'utf8', maxBuffer: 256 << 20 });
if (run.status === 2 || !run.stdout.trim()) { console.error(`verify exited ${run.status} ${run.signal ?? ''} ${run.error?.message ?? ''}\n${run.stderr}`); console.log('0 agree, 0 disagree, 0 not checkable (verify could not run)'); process.exit(2); }
const totals = { agree: 0, disagree: 0, unchecked: 0, files: 0, failedFiles: 0 };
// why lines were not checkable, by reason (line numbers and names taken out, so that alike reasons count together):
// a reason with many lines is a place where verify could be taught to check more
const reasons = new Map();
fs.mkdirSync(keep, { recursive: true });
for (const text of run.stdout.trim().split('\n')) {
  const r = JSON.parse(text);
  totals.agree += r.agree; totals.disagree += r.disagree; totals.unchecked += r.unchecked; totals.files++;
  if (r.disagree || r.error) totals.failedFiles++;
  if (r.error) console.log(`${path.basename(r.file)}: ${r.error}`);
  // a line that follows one the kernel ran otherwise counts under that line's reason
  const byLine = new Map(r.lines.map((l) => [l.line, l]));
  for (const l of r.lines) {
    if (l.status !== 'unchecked') continue;
    const from = /^follows line (\d+),/.exec(l.reason ?? '');
    const origin = from ? byLine.get(Number(from[1])) : undefined;
    const why = (from ? `follows: ${origin?.reason ?? origin?.source.replace(/^\w+: /, '').replace(/\(.*/, '') ?? '?'}` : l.reason ?? '?').replace(/\b(line \d+|[PKCf]\d+|ns#\d+|user#\d+)\b/g, '…').slice(0, 110);
    reasons.set(why, (reasons.get(why) ?? 0) + 1);
  }
  const bad = r.lines.filter((l) => l.status === 'disagree' && !l.diffs.every((d) => /may follow from/.test(d.why ?? '')));
  if (!bad.length) continue;
  const kept = path.join(keep, path.basename(r.file));
  fs.copyFileSync(r.file, kept);
  for (const l of bad) console.log(`${kept}:${l.line}: ${l.source.trim()}\n    ${l.diffs.map((d) => `${d.field}: kernel ${d.kernel}, model ${d.model}${d.why ? ` (${d.why})` : ''}`).join('\n    ')}`);
}
console.log('not checkable, by reason:');
for (const [why, n] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`  ${String(n).padStart(5)}  ${why}`);
if (!process.env.FUZZ_KEEP_ALL) fs.rmSync(dir, { recursive: true, force: true });
console.log(`seeds ${seed0}..${seed0 + count - 1}: ${totals.agree} agree, ${totals.disagree} disagree, ${totals.unchecked} not checkable; scenarios ${totals.files}, with disagreements ${totals.failedFiles}`);
process.exit(totals.disagree ? 1 : 0);
