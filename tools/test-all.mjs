// `npm test`: first the machine set-up every later layer needs (Debian packages such as Chromium, Node 24 and
// code-server for the real VS Code), then every test layer in order (type checks and lint, unit tests, webview
// tests in Chromium, the extension in a real VS Code, then the packaged .vsix installed into it), ending with one
// line `N passed, N failed` for all of them together. Exits non-zero if anything failed.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const totals = { passed: 0, failed: 0 };
const stages = [];

function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let out = '';
    child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
    child.stderr.on('data', (d) => { out += d; process.stderr.write(d); });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

/** A stage whose command counts as one check: passed when it exits 0. */
async function check(name, cmd, args) {
  console.log(`\n=== ${name}`);
  const { code } = await run(cmd, args);
  record(name, code === 0 ? 1 : 0, code === 0 ? 0 : 1);
  return code === 0;
}

/** A stage that runs tests and reports its own counts; a crash without counts is one failure. */
async function suite(name, cmd, args, parse, env) {
  console.log(`\n=== ${name}`);
  const { code, out } = await run(cmd, args, env);
  const counts = parse(out);
  if (!counts) record(name, 0, 1);
  else record(name, counts.passed, counts.failed + (code !== 0 && counts.failed === 0 ? 1 : 0));
}

function record(name, passed, failed) {
  totals.passed += passed;
  totals.failed += failed;
  stages.push(`${name}: ${passed} passed, ${failed} failed`);
}

const plainLine = (out) => {
  const m = [...out.matchAll(/^(\d+) passed, (\d+) failed/gm)].pop();
  return m ? { passed: Number(m[1]), failed: Number(m[2]) } : null;
};
const nodeTestSummary = (out) => {
  const pass = [...out.matchAll(/^ℹ pass (\d+)/gm)].pop();
  const fail = [...out.matchAll(/^ℹ fail (\d+)/gm)].pop();
  return pass && fail ? { passed: Number(pass[1]), failed: Number(fail[1]) } : null;
};

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// Before any stage that needs Chromium or the VS Code build: a fresh clone has neither.
await check('machine set-up (Debian packages, VS Code test build)', 'bash', ['tools/vscode-harness/setup.sh']);
await check('type check (extension and webview)', npm, ['run', '--silent', 'typecheck']);
await check('lint', npm, ['run', '--silent', 'lint']);
await suite('unit tests (node:test)', 'node', ['tools/run-unit.mjs'], nodeTestSummary);
await suite('verify on the running kernel (timens verify)', 'node', ['tools/test-verify.mjs'], plainLine);
// One arm64 boot under qemu (about a minute under TCG, plus a one-off apt install and kernel download): in CI,
// or when asked for; `npm run test:qemu` boots all three kernels.
if (process.env.CI || process.env.TIMENS_QEMU) {
  await suite('verify under qemu (arm64 6.12, TCG)', 'node', ['tools/test-qemu.mjs', '--kernels', 'arm64-6.12', '--budget', '900'], plainLine);
}
if (fs.existsSync('test/webview/run.mjs')) {
  await suite('webview tests (Chromium)', 'node', ['test/webview/run.mjs'], plainLine);
}
await suite('extension tests (real VS Code 1.139.1)', npm, ['run', '--silent', 'test:vscode'], plainLine);
await suite('npm start (code-server on 127.0.0.1)', 'node', ['test/start-check.mjs'], plainLine);

console.log('\n=== packaged extension (.vsix in real VS Code)');
const pkg = await run(npm, ['run', '--silent', 'package']);
const vsix = `timens-explorer-${JSON.parse(fs.readFileSync('package.json', 'utf8')).version}.vsix`;
if (pkg.code !== 0 || !fs.existsSync(vsix)) {
  record('package', 0, 1);
} else {
  const size = fs.statSync(vsix).size;
  console.log(`[test] ${vsix}: ${(size / 1024).toFixed(0)} KiB`);
  record('package size under 1 MB', size < 1024 * 1024 ? 1 : 0, size < 1024 * 1024 ? 0 : 1);
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'timens-noext-'));
  await suite('packaged extension tests', 'node', ['tools/vscode-harness/run-tests.mjs', '--ext', empty, '--install-vsix', vsix,
    '--tests', 'out/test/suite/index.js', '--workspace', 'examples', '--shots', 'test-results/screens-packaged'], plainLine, { TIMENS_PACKAGED: '1' });
  fs.rmSync(empty, { recursive: true, force: true });
}

console.log('\n=== summary');
for (const s of stages) console.log(`  ${s}`);
console.log(`${totals.passed} passed, ${totals.failed} failed`);
process.exit(totals.failed > 0 ? 1 : 0);
