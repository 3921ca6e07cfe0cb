// The comparison view's page in Debian's Chromium: the real page (extension/tours/compareHtml.ts) with the
// real script (webview/compare.ts) under its Content-Security-Policy; a click or Enter on a row asks for its
// scenario line, the filter hides equal lines and is kept in the state, differences are marked, text is
// escaped; screenshots in a dark and a light theme.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as esbuild from 'esbuild';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { compareScenario, compareScenarioN, patchOffChoices } from '../../extension/tours/compare';
import { renderComparePage } from '../../extension/tours/compareHtml';
import type { CompareTable } from '../../extension/tours/compare';
import { launch, ROOT } from './browser';

const SHOTS = path.join(ROOT, 'test-results', 'screens');
const OUT = path.join(ROOT, 'out', 'webview-compare');
/** The theme variables compare.css reads, as VS Code's Dark Modern and Light Modern themes set them. */
const THEME_VARS: readonly [string, string, string][] = [
  ['editor-background', '#1f1f1f', '#ffffff'], ['editor-foreground', '#cccccc', '#3b3b3b'], ['descriptionForeground', '#9d9d9d', '#717171'],
  ['list-hoverBackground', '#2a2d2e', '#f2f2f2'], ['editorWidget-border', '#454545', '#c8c8c8'], ['textLink-foreground', '#4daafc', '#005fb8'],
  ['editorWarning-foreground', '#cca700', '#bf8803'], ['diffEditor-insertedTextBackground', '#9ccc2c33', '#9ccc2c40'],
  ['editor-findMatchHighlightBackground', '#623315', '#ea5c0055'], ['editorLineNumber-foreground', '#6e7681', '#6e7681'],
  ['button-secondaryBackground', '#313131', '#e5e5e5'], ['button-secondaryForeground', '#cccccc', '#3b3b3b'],
  ['font-family', 'system-ui, sans-serif', 'system-ui, sans-serif'], ['font-size', '13px', '13px'], ['editor-font-family', 'monospace', 'monospace'],
];
type Theme = 'dark' | 'light';

let browser: Browser;

function fileUrl(p: string): string {
  return `file://${p.split(path.sep).map(encodeURIComponent).join('/')}`;
}

function scenario(rel: string): string {
  return fs.readFileSync(path.join(ROOT, rel), 'utf8');
}

/** Writes the page for `table` and opens it with a stand-in for acquireVsCodeApi that records what is posted. */
async function open(table: CompareTable, theme: Theme, name: string, viewport = { width: 1100, height: 700 }): Promise<Page> {
  const html = renderComparePage(table, { nonce: 'dGVzdG5vbmNl', cspSource: 'file:', scriptUri: fileUrl(path.join(OUT, 'compare.js')), styleUri: fileUrl(path.join(ROOT, 'media', 'compare.css')), timelines: true });
  const file = path.join(OUT, `${name}.html`);
  fs.writeFileSync(file, html);
  const page = await browser.newPage({ viewport, deviceScaleFactor: 1 });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  const vars = Object.fromEntries(THEME_VARS.map(([k, dark, light]) => [`--vscode-${k}`, theme === 'dark' ? dark : light]));
  await page.addInitScript((v) => {
    // This file is type-checked without the DOM library: the page's globals, as far as used here.
    type Doc = { addEventListener(e: string, f: () => void): void; documentElement: { style: { setProperty(k: string, v: string): void } } };
    const g = globalThis as unknown as { posted: unknown[]; state: unknown; acquireVsCodeApi: () => unknown; document: Doc };
    g.posted = [];
    g.state = undefined;
    g.acquireVsCodeApi = () => ({ postMessage: (m: unknown) => g.posted.push(m), getState: () => g.state, setState: (s: unknown) => { g.state = s; } });
    g.document.addEventListener('DOMContentLoaded', () => { for (const [k, val] of Object.entries(v)) g.document.documentElement.style.setProperty(k, val); });
  }, vars);
  await page.goto(fileUrl(file));
  await page.waitForSelector('table');
  assert.deepEqual(errors, [], 'no script or CSP errors');
  return page;
}

const posted = (page: Page) => page.evaluate(() => (globalThis as unknown as { posted: unknown[] }).posted);

before(async () => {
  fs.mkdirSync(OUT, { recursive: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  await esbuild.build({ entryPoints: [path.join(ROOT, 'webview', 'compare.ts')], outfile: path.join(OUT, 'compare.js'), bundle: true, platform: 'browser', format: 'iife', target: 'es2022', logLevel: 'warning' });
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

test('compare view: differences are marked and named, a click or Enter asks for the line, the filter hides equal lines', async () => {
  const file = 'tours/scenarios/arm64-2-zap-vvar.timens';
  // Patch 2 off does not link: the view compares the forced build, as the tour does, and says so.
  const [on, off] = patchOffChoices({ arch: 'arm64', kernel: '5.9', disabledPatches: [] }, 'zap-vvar', true);
  const table = compareScenario(scenario(file), file, on, off).table;
  const page = await open(table, 'dark', 'zap-vvar');
  assert.match(await page.locator('header').innerText(), /forced build, not a real kernel: this kernel does not link: .*vdso_join_timens/);
  const first = page.locator('tr.first');
  assert.equal(await first.getAttribute('data-line'), '21');
  assert.equal(await first.locator('td.what').innerText(), 'clock value, clock path');
  assert.ok(await first.locator('mark.diff').count() >= 2, 'both cells mark the clock part');
  assert.equal(await page.locator('tr.same mark.diff').count(), 0, 'equal lines mark nothing');
  // Every column fits: the table is no wider than the window (it wraps instead of cutting off).
  const wide = await page.evaluate(() => {
    const g = globalThis as unknown as { document: { querySelector(s: string): { scrollWidth: number } }; innerWidth: number };
    return g.document.querySelector('table').scrollWidth <= g.innerWidth;
  });
  assert.ok(wide, 'the table fits the width');
  await page.screenshot({ path: path.join(SHOTS, 'compare-view-dark.png'), fullPage: false });
  await first.click();
  assert.deepEqual(await posted(page), [{ type: 'reveal', line: 21 }]);
  await page.locator('tr[data-line="17"]').focus();
  await page.keyboard.press('Enter');
  assert.deepEqual((await posted(page)).at(-1), { type: 'reveal', line: 17 });
  await page.locator('a.jump').click();
  assert.deepEqual((await posted(page)).at(-1), { type: 'reveal', line: 21 });
  await page.locator('#timelines').click();
  assert.deepEqual((await posted(page)).at(-1), { type: 'timelines' });
  await page.locator('#only-diff').check();
  assert.equal(await page.locator('tr.same').first().isVisible(), false);
  assert.equal(await first.isVisible(), true);
  assert.deepEqual(await page.evaluate(() => (globalThis as unknown as { state: unknown }).state), { onlyDiff: true });
  await page.screenshot({ path: path.join(SHOTS, 'compare-view-only-differences.png') });
  await page.close();
});

test('compare view: N columns (three kernels) in a light theme, and scenario text is escaped', async () => {
  const file = 'tours/scenarios/x86-vfork-after-unshare.timens';
  const text = scenario(file).replace(/^# .*$/m, '# <img src=x onerror="window.hacked=1"> & "quotes"');
  const table = compareScenarioN(text, file, ['6.1', '6.2', '6.18'].map((k) => ({ label: `x86_64 ${k}`, options: { kernel: k as '6.1' } })));
  const page = await open(table, 'light', 'three-kernels', { width: 640, height: 700 });
  assert.equal(await page.locator('thead th.cell').count(), 3);
  assert.equal(await page.locator('tr.first td.cell').count(), 3);
  assert.equal(await page.locator('img').count(), 0, 'markup in a scenario line stays text');
  assert.equal(await page.evaluate(() => (globalThis as unknown as { hacked?: number }).hacked), undefined);
  // In a narrow view a result is never split inside a word ("EINVAL" stays whole): each result cell is at
  // least as wide as its longest word.
  const split = await page.evaluate(() => {
    type El = { scrollWidth: number; clientWidth: number };
    const g = globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<El> } };
    return Array.from(g.document.querySelectorAll('td.cell')).filter((td) => td.scrollWidth > td.clientWidth + 1).length;
  });
  assert.equal(split, 0);
  await page.screenshot({ path: path.join(SHOTS, 'compare-view-three-columns-light.png') });
  await page.close();
});
