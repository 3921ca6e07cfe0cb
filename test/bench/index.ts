// `npm run bench`: runs every area's benchmark and prints its figures (`--json`: one JSON object).
// Figures are measurements, not pass/fail: targets are printed beside them.
import { TARGETS } from './targets';

type Bench = () => Promise<Record<string, number>>;
const BENCHES: readonly [string, () => Promise<{ bench: Bench }>][] = [
  // one line per area: ['sim', () => import('./sim')],
  ['parse', () => import('./parse')],
  ['cli', () => import('./cli')],
  ['sim', () => import('./sim')],
  ['dap', () => import('./dap')],
  ['timeline', () => import('./timeline')],
  ['editor', () => import('./editor')],
  ['engine', () => import('./engine')],
  ['import', () => import('./import')],
  // In a real VS Code (the code-server harness): the extension host's blocking, diagnostics, steps, trees.
  ['vscode', () => import('./vscodeBench')],
];

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
  const figures: Record<string, number> = {};
  for (const [name, load] of BENCHES) {
    if (only && !only.split(',').includes(name)) continue;
    if (!json) console.log(`[bench] ${name}…`);
    const { bench } = await load();
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
