// Timeline benchmark: the real webview bundle in headless Chromium on generated runs of 10^5 and 10^6 events.
// first paint = from the host posting the data (init + chunks + end) to the first complete frame (the garbage of
// generating the run in the page, the extension host's work in VS Code, is collected before);
// frame time = drawing one frame while panning and zooming across the 10^6-event run.
import * as esbuild from 'esbuild';
import * as path from 'path';
import { ROOT, launch, openTimeline } from '../webview/browser';

interface Hook { firstPaintAt(): number; frameTimes(): number[]; setView(start: number, span: number): void; describe(): { ready: boolean } }
interface Harness { prepare(n: number): number; sendPrepared(cursor?: number): void }
type Win = { __timeline: Hook; harness: Harness; performance: { now(): number } };

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
const median = (v: number[]) => percentile(v, 50);

export async function bench(): Promise<Record<string, number>> {
  // The production bundle, built here so the figure does not depend on which build last wrote dist/.
  const built = await esbuild.build({
    entryPoints: [path.join(ROOT, 'webview', 'timeline.ts')], bundle: true, minify: true, platform: 'browser', format: 'iife',
    target: 'es2022', legalComments: 'none', write: false, logLevel: 'warning',
  });
  const figures: Record<string, number> = { 'timeline.webview_bundle_kb': built.outputFiles[0].contents.byteLength / 1024 };
  const browser = await launch(['--js-flags=--expose-gc']);
  try {
    for (const [n, key, repeats] of [[100_000, 'timeline.first_paint_ms_1e5', 5], [1_000_000, 'timeline.first_paint_ms_1e6', 3]] as const) {
      const samples: number[] = [];
      for (let r = 0; r < repeats; r++) {
        const h = await openTimeline(browser);
        await h.page.evaluate((n) => (globalThis as unknown as Win).harness.prepare(n), n);
        const t0 = await h.page.evaluate(() => {
          const w = globalThis as unknown as Win;
          const start = w.performance.now();
          w.harness.sendPrepared(Math.floor(0));
          return start;
        });
        await h.page.waitForFunction(() => (globalThis as unknown as Win).__timeline.firstPaintAt() > 0, undefined, { timeout: 120000 });
        const t1 = await h.page.evaluate(() => (globalThis as unknown as Win).__timeline.firstPaintAt());
        samples.push(t1 - t0);
        if (n === 1_000_000 && r === repeats - 1) figures['timeline.frame_ms_p95_1e6'] = await panZoom(h.page);
        await h.close();
      }
      figures[key] = median(samples);
    }
  } finally {
    await browser.close();
  }
  return figures;
}

/** Pan and zoom through the run like a user would (fit, zoom in step by step, pan, zoom out); p95 of frame times. */
async function panZoom(page: import('playwright-core').Page): Promise<number> {
  return page.evaluate(() => {
    const t = (globalThis as unknown as Win).__timeline;
    const n = 1_000_000;
    const before = t.frameTimes().length;
    let span = n;
    let start = 0;
    for (let k = 0; k < 40; k++) { span *= 0.75; start = n * 0.4 - span / 2; t.setView(start, span); }
    for (let k = 0; k < 60; k++) { start += span * 0.1; t.setView(start, span); }
    for (let k = 0; k < 40; k++) { span /= 0.75; t.setView(Math.max(0, start - span / 2), span); }
    for (let k = 0; k < 40; k++) { start = (k / 40) * n * 0.9; t.setView(start, n * 0.1); }
    const times = t.frameTimes().slice(before);
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length * 0.95)];
  });
}
