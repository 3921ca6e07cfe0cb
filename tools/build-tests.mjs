// Compiles every test entry (unit tests, the VS Code suite, webview tests, benchmarks) with esbuild into out/,
// one bundle per file so node:test and mocha run plain JavaScript with source maps.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

function walk(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  });
}
const entries = ['test/unit', 'test/suite', 'test/bench', 'test/webview'].flatMap(walk);
await esbuild.build({
  entryPoints: entries,
  outbase: '.',
  outdir: 'out',
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  external: ['vscode', 'mocha', 'playwright-core', 'fast-check', 'esbuild', '@vscode/test-electron', 'vscode-oniguruma', 'vscode-textmate'],
  logLevel: 'warning',
  define: { TIMENS_TEST_HOOKS: 'true' },
});

// Worker entries the tests start themselves (the extension starts the same files from dist/).
await esbuild.build({
  entryPoints: ['extension/tours/importWorker.ts', 'extension/engine/worker.ts'].filter((f) => fs.existsSync(f)),
  outbase: '.', outdir: 'out', bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: 'inline', logLevel: 'warning',
});

// Drop compiled tests whose source is gone (several people build at once, so out/ is never wiped).
for (const js of walkJs('out/test')) {
  const src = js.replace(/^out[\\/]/, '').replace(/\.js$/, '.ts');
  if (!fs.existsSync(src)) fs.rmSync(js, { force: true });
}
function walkJs(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walkJs(p) : p.endsWith('.js') ? [p] : [];
  });
}
