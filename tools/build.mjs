// Builds the bundles with esbuild: the extension (Node, CommonJS, `vscode` external), the engine it runs in a
// worker thread, the series import worker, the `timens` CLI (Node) and the webviews (browser): the timeline, the
// read-only vvar page view and the comparison page, and writes the TextMate grammar made from the language's
// vocabulary (dist/syntaxes/). `--production` minifies; `--watch` rebuilds on change (the grammar is written once).
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import { createRequire } from 'node:module';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
// The tests' and benchmarks' hooks are left out of the shipped (production) bundles unless asked for.
const testHooks = !production || process.argv.includes('--test-hooks');
const common = {
  bundle: true, sourcemap: !production, minify: production, logLevel: 'warning', legalComments: 'none',
  define: { TIMENS_TEST_HOOKS: String(testHooks) },
};

const builds = [
  { ...common, entryPoints: ['extension/vscode/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] },
  // The series import worker (worker_threads), started by the extension from dist/importWorker.js.
  { ...common, entryPoints: ['extension/tours/importWorker.ts'], outfile: 'dist/importWorker.js', platform: 'node', format: 'cjs', target: 'node20' },
  // The engine (the simulator, runs and debug sessions), started by the extension in a worker thread.
  { ...common, entryPoints: ['extension/engine/worker.ts'], outfile: 'dist/engine.js', platform: 'node', format: 'cjs', target: 'node20' },
  { ...common, entryPoints: ['extension/cli.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20', banner: { js: '#!/usr/bin/env node' } },
  { ...common, entryPoints: ['webview/compare.ts'], outfile: 'dist/webview/compare.js', platform: 'browser', format: 'iife', target: 'es2022' },
  { ...common, entryPoints: ['webview/timeline.ts'], outfile: 'dist/webview/timeline.js', platform: 'browser', format: 'iife', target: 'es2022' },
  { ...common, entryPoints: ['webview/memory.ts'], outfile: 'dist/webview/memory.js', platform: 'browser', format: 'iife', target: 'es2022' },
];

// While an area is being written its entry may not exist yet; build what is there and say what is not.
const present = builds.filter((b) => fs.existsSync(b.entryPoints[0]));
for (const b of builds) if (!present.includes(b)) console.warn(`[build] skipped ${b.outfile}: ${b.entryPoints[0]} does not exist`);
/** Writes dist/syntaxes/timens.tmLanguage.json from extension/scenario/editor/grammar.ts (the one home of its words). */
async function writeGrammar() {
  const built = await esbuild.build({ entryPoints: ['extension/scenario/editor/grammar.ts'], bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'warning' });
  const module = { exports: {} };
  new Function('module', 'exports', 'require', built.outputFiles[0].text)(module, module.exports, createRequire(import.meta.url));
  fs.mkdirSync('dist/syntaxes', { recursive: true });
  fs.writeFileSync('dist/syntaxes/timens.tmLanguage.json', `${JSON.stringify(module.exports.timensGrammar(), null, 2)}\n`);
}

await writeGrammar();
if (watch) {
  for (const b of present) { const ctx = await esbuild.context(b); await ctx.watch(); }
  console.log('[build] watching for changes…');
} else {
  const t0 = Date.now();
  await Promise.all(present.map((b) => esbuild.build(b)));
  if (fs.existsSync('dist/cli.js')) fs.chmodSync('dist/cli.js', 0o755);
  // A production build writes no source maps; drop those a development build left behind.
  if (production) for (const f of fs.readdirSync('dist', { recursive: true })) if (String(f).endsWith('.map')) fs.rmSync(`dist/${f}`);
  console.log(`[build] ${production ? 'production' : 'development'} bundles${production && testHooks ? ' with test hooks' : ''} in ${Date.now() - t0} ms`);
}
