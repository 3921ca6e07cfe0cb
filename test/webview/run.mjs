// `npm run test:webview`: builds the timeline bundle and the test files, runs the webview tests (node:test,
// Chromium through playwright-core) and ends with the line `N passed, N failed`.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

process.chdir(path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..'));
// The timeline bundle on its own, so these tests run even while another area's bundle does not build.
// With its test hooks (window.__timeline), which the shipped bundle leaves out (tools/build.mjs).
await esbuild.build({ entryPoints: ['webview/timeline.ts'], outfile: 'dist/webview/timeline.js', bundle: true, platform: 'browser', format: 'iife', target: 'es2022', sourcemap: true, logLevel: 'warning', define: { TIMENS_TEST_HOOKS: 'true' } });
// The same compilation tools/build-tests.mjs does, limited to these tests (other areas may be mid-edit).
const dir = 'out/test/webview';
const sources = fs.readdirSync('test/webview').filter((f) => f.endsWith('.test.ts')).map((f) => path.join('test/webview', f));
await esbuild.build({
  entryPoints: sources, outbase: '.', outdir: 'out', bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: 'inline',
  external: ['vscode', 'mocha', 'playwright-core', 'fast-check', 'esbuild', '@vscode/test-electron'], logLevel: 'warning',
});
const only = process.argv[2];
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.test.js') && fs.existsSync(path.join('test/webview', f.replace(/\.js$/, '.ts'))))
  .map((f) => path.join(dir, f));
let passed = 0;
let failed = 0;
const stream = run({ files, concurrency: 1, timeout: 300000, ...(only ? { testNamePatterns: [only] } : {}) });
stream.on('test:pass', (t) => { if (t.details?.type !== 'suite') passed++; });
stream.on('test:fail', (t) => { if (t.details?.type !== 'suite') failed++; });
stream.compose(spec).pipe(process.stdout);
stream.on('end', () => {
  setTimeout(() => {
    console.log(`${passed} passed, ${failed} failed`);
    process.exitCode = failed > 0 || passed === 0 ? 1 : 0;
  }, 50);
});
