// `npm run test:qemu`: boots Debian's arm64 6.1 and 6.12 and x86_64 6.1 kernels (x86_64 6.1 twice: also with
// vsyscall=xonly), the newest arm64 and x86_64 kernels of Debian 13's backports, and arm64 6.12 and the newest backport
// built with 16K pages (tools/qemu-kernels.mjs) under qemu (TCG without KVM) and runs `timens verify` on every example, conformance and tour scenario in
// each, one boot per kernel. A file passes when every disagreement it has is a known model disagreement
// (test/verify/known-disagreements.json, printed with its note). Options: --kernels arm64-6.12,…  --budget SECONDS
// (skip the kernels left after it).
// Ends with `N passed, N failed`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { KERNELS, fetchKernel } from './qemu-kernels.mjs';
import { scenarioFiles, summarize } from './verify-report.mjs';

const args = process.argv.slice(2);
const opt = (name) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const wanted = (opt('--kernels') ?? KERNELS.map((k) => k.id).join(',')).split(',');
const budget = Number(opt('--budget') ?? 3600) * 1000;
const t0 = Date.now();
const totals = { passed: 0, failed: 0 };

const setup = spawnSync('bash', ['tools/apt-install.sh', 'qemu'], { stdio: 'inherit' });
if (setup.status !== 0) { console.log('0 passed, 1 failed'); process.exit(1); }
if (spawnSync('node', ['tools/build.mjs'], { stdio: 'inherit' }).status !== 0) { console.log('0 passed, 1 failed'); process.exit(1); }
const files = scenarioFiles();
const rows = [];
for (const id of wanted) {
  const k = KERNELS.find((x) => x.id === id);
  if (!k) { console.error(`unknown kernel ${id}; known: ${KERNELS.map((x) => x.id).join(', ')}`); totals.failed++; continue; }
  if (Date.now() - t0 > budget) { console.log(`[qemu] ${id}: skipped, over the ${budget / 1000} s budget`); continue; }
  let image;
  try { image = fetchKernel(k); } catch (e) { console.error(`[qemu] ${id}: ${e.message}`); totals.failed++; continue; }
  const log = path.join('test-results', `qemu-${id}.console.log`);
  fs.mkdirSync('test-results', { recursive: true });
  const started = Date.now();
  const r = spawnSync('node', ['dist/cli.js', 'verify', '--kernel-image', image.image, '--arch', k.arch, ...(k.cmdline ? ['--kernel-cmdline', k.cmdline] : []), '--json', '--console-log', log,
    '--known', 'test/verify/known-disagreements.json', ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const seconds = (Date.now() - started) / 1000;
  if (r.status === 2 || !r.stdout.trim()) {
    console.error(`[qemu] ${id} (${image.release}): verify could not run:\n${r.stderr.trim()}`);
    totals.failed++;
    continue;
  }
  const s = summarize(r.stdout, `[qemu ${id}]`);
  totals.passed += s.passed;
  totals.failed += s.failed;
  const boot = /boot ([\d.]+) s/.exec(s.how)?.[1] ?? '?';
  rows.push(`${id.padEnd(16)} ${image.release.padEnd(24)} agree ${s.agree}, disagree ${s.disagree} (${s.known} known), not checkable ${s.unchecked}, files not checkable ${s.filesNotChecked}; boot ${boot} s, run ${seconds.toFixed(0)} s`);
}
console.log('\n[qemu] kernels:');
for (const row of rows) console.log(`  ${row}`);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed ? 1 : 0);
