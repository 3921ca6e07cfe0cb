// The `npm test` stage "verify on the running kernel": `timens verify` on every example, conformance
// and tour scenario whose profile this kernel can check, in a user+time namespace sandbox. Known model disagreements
// (test/verify/known-disagreements.json, emptied as the model is fixed) are printed with their notes and do
// not fail the stage; any other disagreement does. Ends with `N passed, N failed` (one per file).
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { scenarioFiles, summarize } from './verify-report.mjs';

if (os.platform() !== 'linux') { console.log('[verify] not on Linux: nothing to check\n0 passed, 0 failed'); process.exit(0); }
// the helper is built with the system C compiler, its ia32 build with i686-linux-gnu-gcc: install what is missing
// (tools/apt-packages.txt; it does nothing when all are there)
spawnSync('bash', ['tools/apt-install.sh', 'test'], { stdio: 'inherit' });
if (spawnSync('node', ['tools/build.mjs'], { stdio: 'inherit' }).status !== 0) { console.log('0 passed, 1 failed'); process.exit(1); }
const files = scenarioFiles();
const t0 = Date.now();
const r = spawnSync('node', ['dist/cli.js', 'verify', '--json', '--known', 'test/verify/known-disagreements.json', ...files], { encoding: 'utf8', maxBuffer: 64 << 20 });
if (r.status === 2 && !r.stdout.trim()) {
  console.log(`[verify] could not run on this kernel: ${r.stderr.trim()}`);
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const s = summarize(r.stdout, '[verify]');
console.log(`[verify] ${os.release()} ${os.machine()}: agree ${s.agree}, disagree ${s.disagree} (${s.known} known), not checkable ${s.unchecked}; ${s.filesNotChecked} files not checkable on this kernel; ${((Date.now() - t0) / 1000).toFixed(0)} s`);
// Differential testing on fixed seeds: random scenarios the suite's authors did not write (tools/fuzz-verify.mjs).
const fuzz = spawnSync('node', ['tools/fuzz-verify.mjs', '--seed', '1', '--count', '40', '--lines', '40'], { encoding: 'utf8', maxBuffer: 64 << 20 });
process.stdout.write(fuzz.stdout.split('\n').map((l) => (l ? `[verify] fuzz: ${l}` : l)).join('\n'));
const m = /scenarios (\d+), with disagreements (\d+)/.exec(fuzz.stdout);
const fuzzFailed = m ? Number(m[2]) : 1;
const fuzzPassed = m ? Number(m[1]) - fuzzFailed : 0;
console.log(`${s.passed + fuzzPassed} passed, ${s.failed + fuzzFailed} failed`);
process.exit(s.failed + fuzzFailed ? 1 : 0);
