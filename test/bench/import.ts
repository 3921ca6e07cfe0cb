// Series import through the user path: the import worker reading a generated 50 MB mbox from disk (wall
// time, and the longest gap of this thread's event loop meanwhile), the scaling of the reader with the
// number of messages, the longest-line ratio over every place input meets a regular expression, and
// quoted-printable decoding speed.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { importSeries } from '../../extension/tours/importClient';
import { parseSeries } from '../../extension/tours/seriesReader';
import { generatedMbox, generatedMboxOfSize, LONG_LINE_CASES, longLineMbox, quotedPrintableMail } from '../unit/tours/generate';

const WORKER = path.resolve(__dirname, '..', '..', '..', 'dist', 'importWorker.js');

function cpuMs(f: () => void): number {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

function bestOf(n: number, f: () => void): number {
  let best = Infinity;
  for (let i = 0; i < n; i++) best = Math.min(best, cpuMs(f));
  return best;
}

/** Wall time of one import through the worker, and the longest event-loop gap of this thread meanwhile. */
async function importOnce(file: string): Promise<{ ms: number; gap: number; patches: number }> {
  let last = performance.now();
  let gap = 0;
  const probe = setInterval(() => { const t = performance.now(); gap = Math.max(gap, t - last); last = t; }, 1);
  const t0 = performance.now();
  const series = await importSeries({ kind: 'file', path: file, name: path.basename(file) }, { workerPath: WORKER });
  const ms = performance.now() - t0;
  clearInterval(probe);
  return { ms, gap, patches: series.patches.length };
}

export async function bench(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'timens-import-bench-'));
  try {
    const file = path.join(dir, '50mb.mbox');
    fs.writeFileSync(file, generatedMboxOfSize(50 * 1024 * 1024));
    const runs: { ms: number; gap: number }[] = [];
    for (let i = 0; i < 3; i++) runs.push(await importOnce(file));
    out['import.mbox_50mb_ms'] = Math.min(...runs.map((r) => r.ms));
    out['import.host_max_block_ms'] = Math.min(...runs.map((r) => r.gap));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // The reader alone, in CPU time (best of three): 8x the messages against 1x.
  const small = generatedMbox(1000);
  const large = generatedMbox(8000);
  parseSeries(small);
  out['import.mbox_scaling_ratio_8x'] = bestOf(3, () => parseSeries(large)) / bestOf(3, () => parseSeries(small));
  // The worst of the long-line cases: a 1 MB line against a 128 KB one.
  let worst = 0;
  for (const kind of LONG_LINE_CASES) {
    const a = longLineMbox(kind, 128 * 1024);
    const b = longLineMbox(kind, 1024 * 1024);
    parseSeries(a);
    worst = Math.max(worst, bestOf(3, () => parseSeries(b)) / Math.max(0.05, bestOf(3, () => parseSeries(a))));
  }
  out['import.longline_regex_ratio_8x'] = worst;
  const qp = quotedPrintableMail(20 * 1024 * 1024);
  out['import.qp_mb_per_sec'] = qp.length / 1e6 / (bestOf(3, () => parseSeries(qp)) / 1000);
  return out;
}
