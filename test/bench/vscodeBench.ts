// Editor figures from a real VS Code: runs test/bench/vscode/suite.ts in the code-server harness (as the
// extension tests do) on a scratch workspace and reads the figures it writes. Skipped when the harness is not
// set up (`bash tools/vscode-harness/setup.sh`, which `npm run test:vscode` runs). The figures come from a pass
// without the profiler; a second pass prints our own longest slice per phase (see vscode/slices.ts;
// TIMENS_BENCH_SLICES=0 runs the first pass alone).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeBenchFiles } from './vscode/files';

export async function bench(): Promise<Record<string, number>> {
  const cache = process.env.VSCODE_HARNESS_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'vscode-harness');
  if (!fs.existsSync(path.join(cache, 'env.json'))) {
    console.log('[bench] vscode: skipped, the VS Code harness is not set up (bash tools/vscode-harness/setup.sh)');
    return {};
  }
  // The figures come from a pass without the profiler: its sampling and the async hook that splits its samples by
  // loop turn make the host's own work slower (on one machine the series phase's on-CPU block went from 14 to 45 ms
  // with them). A second pass profiles the same phases for our longest slices and whose code blocked the host.
  const figures = runSuite('0');
  if (process.env.TIMENS_BENCH_SLICES === '0' || Object.keys(figures).length === 0) return figures;
  const profiled = runSuite('1');
  for (const [key, value] of Object.entries(profiled)) {
    if (key.startsWith('ext.host_own_')) figures[key] = value;
    else if (key.startsWith('ext.host_block_ms_')) figures[key.replace('ext.host_block_ms_', 'ext.host_block_profiled_ms_')] = value;
  }
  return figures;
}

/** One run of the suite in the harness, with (slices '1') or without (slices '0') the profiler: its figures. */
function runSuite(slices: '0' | '1'): Record<string, number> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'timens-bench-vscode-'));
  const workspace = path.join(tmp, 'ws');
  fs.mkdirSync(workspace);
  const out = path.join(tmp, 'figures.json');
  try {
    writeBenchFiles(workspace);
    console.log(`[bench] vscode: the ${slices === '0' ? 'measured' : 'profiled'} pass`);
    const r = spawnSync('node', ['tools/vscode-harness/run-tests.mjs', '--ext', '.', '--tests', 'out/test/bench/vscode/suite.js',
      '--workspace', workspace, '--shots', path.join(tmp, 'shots'), '--timeout', '900'], {
      stdio: ['ignore', 'inherit', 'inherit'],
      // code-server runs the extension host remotely, and a remote host looks for ports to forward by spawning a
      // process every few seconds (findCandidatePorts; code-server's tunnel provider turns it on whatever
      // remote.autoForwardPorts says, a port source other than "process" turns it off): a fork of the whole host,
      // 130-310 ms of its event loop here. Desktop VS Code has no such search, and it is none of our work.
      env: { ...process.env, TIMENS_BENCH_SLICES: slices, TIMENS_BENCH_OUT: out, TIMENS_BENCH_DIR: workspace, HARNESS_SETTINGS: JSON.stringify({ 'remote.autoForwardPorts': false, 'remote.autoForwardPortsSource': 'output', ...(process.env.HARNESS_SETTINGS ? JSON.parse(process.env.HARNESS_SETTINGS) as object : {}) }) },
    });
    if (!fs.existsSync(out)) {
      console.log(`[bench] vscode: no figures (harness exit ${r.status})`);
      return {};
    }
    return JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, number>;
  } finally {
    keepRendererProfiles(path.join(tmp, 'shots'));
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** The workbench renderer's profiles (TIMENS_BENCH_RENDERER=PHASE) go to test-results/renderer, for DevTools. */
function keepRendererProfiles(shots: string): void {
  if (!process.env.TIMENS_BENCH_RENDERER || !fs.existsSync(shots)) return;
  const keep = path.join('test-results', 'renderer');
  fs.mkdirSync(keep, { recursive: true });
  for (const f of fs.readdirSync(shots).filter((n) => n.endsWith('.cpuprofile') || n.endsWith('.animations.txt') || n.endsWith('.trace.txt'))) fs.copyFileSync(path.join(shots, f), path.join(keep, f));
  console.log(`[bench] vscode: the workbench renderer's profiles are in ${keep}`);
}
