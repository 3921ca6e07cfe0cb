// Node side of the webview test host: bundles the stand-in host page, starts Debian's Chromium through
// playwright-core and opens the real timeline bundle (dist/webview/timeline.js) in it. Used by tests and bench.
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as path from 'path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname.includes(`${path.sep}out${path.sep}`) ? path.join(__dirname.split(`${path.sep}out${path.sep}`)[0]) : process.cwd());
const HARNESS_DIR = path.join(ROOT, 'out', 'webview-harness');

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--headless'];

let built = false;
/** Bundle the host page script and write the HTML page that loads it and the timeline bundle. */
export async function buildHarness(): Promise<string> {
  const bundle = path.join(ROOT, 'dist', 'webview', 'timeline.js');
  if (!fs.existsSync(bundle)) throw new Error(`${bundle} is missing: run node tools/build.mjs first`);
  if (!built) {
    fs.mkdirSync(HARNESS_DIR, { recursive: true });
    await esbuild.build({
      entryPoints: [path.join(ROOT, 'test', 'webview', 'page.ts')],
      outfile: path.join(HARNESS_DIR, 'page.js'),
      bundle: true, platform: 'browser', format: 'iife', target: 'es2022', logLevel: 'warning',
    });
    const css = path.join(ROOT, 'media', 'timeline.css');
    fs.writeFileSync(path.join(HARNESS_DIR, 'index.html'), `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>timeline test host</title>
<link rel="stylesheet" href="${pathToFileUrl(css)}"></head>
<body><script src="page.js"></script><script src="${pathToFileUrl(bundle)}"></script></body></html>`);
    built = true;
  }
  return pathToFileUrl(path.join(HARNESS_DIR, 'index.html'));
}

function pathToFileUrl(p: string): string {
  return `file://${p.split(path.sep).map(encodeURIComponent).join('/')}`;
}

/** Chromium, headless; `extraArgs` for a benchmark's own needs (e.g. a page that may ask for a collection). */
export async function launch(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: [...CHROMIUM_ARGS, ...extraArgs] });
}

export interface HarnessPage {
  readonly page: Page;
  readonly errors: string[];
  close(): Promise<void>;
}

/** A fresh page with the timeline loaded and its `ready` message received. */
export async function openTimeline(browser: Browser, size = { width: 1280, height: 720 }): Promise<HarnessPage> {
  const url = await buildHarness();
  const page = await browser.newPage({ viewport: size, deviceScaleFactor: 1 });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.goto(url);
  await page.waitForFunction(() => (globalThis as unknown as { harness?: { sent: { type: string }[] } }).harness?.sent.some((m) => m.type === 'ready'));
  return { page, errors, close: () => page.close() };
}
