// `npm run bench`: runs every area's benchmark and prints its figures (`--json`: one JSON object).
// Figures are measurements, not pass/fail: targets are printed beside them.
import * as path from 'path';
import { pathToFileURL } from 'url';
import { TARGETS } from './targets';

type Bench = () => Promise<Record<string, number>>;
/**
 * The areas, in order; each is its own bundle (out/test/bench/NAME.js, which tools/build-tests.mjs builds from every
 * file here), loaded when its turn comes. Bundled into this file, each module would sit in a lazy initialiser, as
 * esbuild makes for an `import()`: the modules' constants become variables assigned late, which V8 cannot treat
 * as constants, and the parser ran 10% slower than it does in dist/cli.js and dist/engine.js (parse.lines_per_sec
 * 0.94-1.02M bundled here against 1.07-1.11M from parse.js, in turn on the same machine).
 */
const BENCHES: readonly string[] = [
  'parse', 'cli', 'sim', 'dap', 'timeline', 'editor', 'engine', 'import',
  // In a real VS Code (the code-server harness): the extension host's blocking, diagnostics, steps, trees.
  'vscode',
];
/** The areas whose file is not named after them. */
const FILE: Readonly<Record<string, string>> = { vscode: 'vscodeBench' };

async function load(name: string): Promise<{ bench: Bench }> {
  // A computed path, so esbuild leaves the import to Node; a CommonJS bundle's exports are its default.
  const loaded = (await import(pathToFileURL(path.join(__dirname, `${name}.js`)).href)) as { default: { bench: Bench } };
  return loaded.default;
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
  const figures: Record<string, number> = {};
  for (const name of BENCHES) {
    if (only && !only.split(',').includes(name)) continue;
    if (!json) console.log(`[bench] ${name}…`);
    const { bench } = await load(FILE[name] ?? name);
    Object.assign(figures, await bench());
  }
  if (json) {
    console.log(JSON.stringify(figures));
    return;
  }
  for (const [key, value] of Object.entries(figures)) {
    const target = TARGETS[key];
    const ok = target ? (target.op === '<' ? value < target.value : target.op === '<=' ? value <= target.value : value >= target.value) : undefined;
    const mark = ok === undefined ? '' : ok ? '  (target ' + target!.op + ' ' + target!.value + ': met)' : '  (target ' + target!.op + ' ' + target!.value + ': NOT met)';
    console.log(`${key.padEnd(36)} ${formatNumber(value)}${mark}`);
  }
}

function formatNumber(v: number): string {
  return Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : v.toFixed(3);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
