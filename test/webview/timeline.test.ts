// The timeline webview in real Chromium, driven through the stand-in host page: rendering, zoom, pan,
// selection, search, keyboard, theme switching, comparison mode, image export, restore and malformed messages.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { ROOT, launch, openTimeline, type HarnessPage } from './browser';
import type { TimelineDescription } from '../../webview/protocol';
import { GUTTER } from '../../webview/geometry';

const SHOTS = path.join(ROOT, 'test-results', 'webview');

interface Hook {
  describe(): TimelineDescription;
  selected(): { run: number; index: number } | null;
  theme(): { background: string; kind: string; gutter: string; category: string[]; error: string; fault: string };
  layout(): { blocks: { run: number; top: number; lanes: { y: number; h: number }[] }[]; plotWidth: number };
  setView(start: number, span: number): void;
  scene(): { view: { start: number; span: number }; scrollTop: number; cursor: number };
}
interface Harness {
  sent: { type: string; [k: string]: unknown }[];
  state(): unknown;
  post(m: unknown): void;
  setTheme(name: string): void;
  loadGenerated(n: number, cursor?: number): void;
  loadCompare(n: number, divergeAt: number): void;
  run(i: number): { columns: { fn: Uint16Array; kind: Uint8Array; lane: Uint16Array; line: Int32Array }; header: { functions: string[] }; lines: string };
}
/** The few DOM members the page-side callbacks use (this file is type-checked without the DOM library). */
interface MiniElement {
  textContent: string | null;
  clientHeight: number;
  getBoundingClientRect(): { left: number; top: number };
  getContext?(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null;
}
type Win = { __timeline: Hook; harness: Harness; document: { getElementById(id: string): MiniElement | null } };

async function desc(page: Page): Promise<TimelineDescription> {
  return page.evaluate(() => (globalThis as unknown as Win).__timeline.describe());
}
async function load(page: Page, n: number, cursor = 0): Promise<void> {
  await page.evaluate(([n, c]) => (globalThis as unknown as Win).harness.loadGenerated(n, c), [n, cursor] as const);
  await page.waitForFunction((n) => {
    const d = (globalThis as unknown as Win).__timeline.describe();
    return d.ready && d.eventCounts[0] === n;
  }, n, { timeout: 60000 });
}
async function sentOfType(page: Page, type: string): Promise<Record<string, unknown>[]> {
  return page.evaluate((t) => (globalThis as unknown as Win).harness.sent.filter((m) => m.type === t), type);
}
/** Centre of lane `lane` of run 0, in page coordinates, at plot fraction `fx`. */
async function lanePoint(page: Page, lane: number, fx: number): Promise<{ x: number; y: number }> {
  return page.evaluate(([lane, fx]) => {
    const h = (globalThis as unknown as Win).__timeline;
    const l = h.layout();
    const box = l.blocks[0].lanes[lane];
    const canvas = (globalThis as unknown as Win).document.getElementById('timeline')!.getBoundingClientRect();
    return { x: canvas.left + 168 + l.plotWidth * fx, y: canvas.top + box.y + box.h / 2 - h.scene().scrollTop };
  }, [lane, fx] as const);
}
/** The RGB of one canvas pixel (CSS coordinates relative to the canvas). */
async function pixel(page: Page, x: number, y: number): Promise<[number, number, number]> {
  return page.evaluate(([x, y]) => {
    const c = (globalThis as unknown as Win).document.getElementById('timeline')!;
    const d = c.getContext!('2d')!.getImageData(x, y, 1, 1).data;
    return [d[0], d[1], d[2]] as [number, number, number];
  }, [x, y] as const);
}

/** A y near the bottom of the timeline canvas, below every lane (background only). */
async function canvasBottom(page: Page): Promise<number> {
  return page.evaluate(() => (globalThis as unknown as Win).document.getElementById('timeline')!.clientHeight - 4);
}

/** '#rrggbb' as 'r,g,b'. */
function rgbOf(hex: string): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not an opaque #rrggbb colour: ${hex}`);
  return [m[1], m[2], m[3]].map((x) => parseInt(x!, 16)).join(',');
}

/**
 * The colours of the overview strip's plot (right of the gutter), counted by pixel: in the bars' rows and in the
 * tick row above them, leaving out the visible window's outline (the strip's edges) and the cursor's column.
 */
async function overviewPixelCounts(page: Page): Promise<{ bars: Record<string, number>; ticks: Record<string, number> }> {
  return page.evaluate((gutter) => {
    const c = (globalThis as unknown as Win).document.getElementById('overview') as unknown as { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
    const { width, height } = c;
    const d = c.getContext('2d').getImageData(0, 0, width, height).data;
    const bars: Record<string, number> = {};
    const ticks: Record<string, number> = {};
    for (let y = 2; y < height - 3; y++) {
      for (let x = gutter + 6; x < width - 4; x++) {
        const o = (y * width + x) * 4;
        const key = `${d[o]},${d[o + 1]},${d[o + 2]}`;
        const into = y <= 4 ? ticks : y >= 8 ? bars : null;
        if (into) into[key] = (into[key] ?? 0) + 1;
      }
    }
    return { bars, ticks };
  }, GUTTER);
}

let browser: Browser;
before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  browser = await launch();
});
after(async () => { await browser?.close(); });

describe('timeline webview', () => {
  let h: HarnessPage;
  before(async () => { h = await openTimeline(browser); });
  after(async () => { await h.close(); });

  test('sends ready first and draws a small run with all its lanes', async () => {
    const ready = await sentOfType(h.page, 'ready');
    assert.equal(ready.length, 1);
    await load(h.page, 2000, 700);
    const d = await desc(h.page);
    assert.equal(d.mode, 'single');
    assert.deepEqual(d.eventCounts, [2000]);
    assert.equal(d.lanes, 8);
    assert.equal(d.cursor, 700);
    assert.ok(d.frames > 0);
    assert.ok(d.view.span >= 2000, `fitted on load: ${JSON.stringify(d.view)}`);
    // The P1 lane has spans drawn: some pixel along it differs from the background.
    const bg = await pixel(h.page, 1270, await canvasBottom(h.page));
    const lane = await lanePoint(h.page, 0, 0.5);
    let painted = 0;
    for (let k = 0; k < 40; k++) {
      const p = await pixel(h.page, 200 + k * 25, lane.y - 6);
      if (p.join() !== bg.join()) painted++;
    }
    assert.ok(painted > 10, `spans drawn in lane P1 (${painted}/40 pixels differ from the background)`);
    assert.deepEqual(h.errors, []);
    await h.page.screenshot({ path: path.join(SHOTS, 'small-dark.png') });
    await h.page.evaluate(() => (globalThis as unknown as Win).harness.setTheme('light'));
    await h.page.waitForTimeout(100);
    await h.page.screenshot({ path: path.join(SHOTS, 'small-light.png') });
    await h.page.evaluate(() => (globalThis as unknown as Win).harness.setTheme('dark'));
  });

  test('the cursor message moves the drawn cursor and is acknowledged', async () => {
    await h.page.evaluate(() => (globalThis as unknown as Win).harness.post({ type: 'cursor', position: 1234 }));
    await h.page.waitForFunction(() => (globalThis as unknown as Win).harness.sent.some((m) => m.type === 'cursorShown' && m.position === 1234));
    assert.equal((await desc(h.page)).cursor, 1234);
  });

  test('zoom with W/S keys and the wheel, fit with 0', async () => {
    await h.page.focus('#timeline');
    const before = (await desc(h.page)).view.span;
    await h.page.keyboard.press('w');
    const zoomed = (await desc(h.page)).view.span;
    assert.ok(zoomed < before * 0.9, `W zooms in: ${before} → ${zoomed}`);
    await h.page.keyboard.press('s');
    assert.ok((await desc(h.page)).view.span > zoomed, 'S zooms out');
    const p = await lanePoint(h.page, 0, 0.25);
    await h.page.mouse.move(p.x, p.y);
    await h.page.mouse.wheel(0, -400);
    await h.page.waitForTimeout(50);
    const wheel = (await desc(h.page)).view;
    assert.ok(wheel.span < before * 0.7, `wheel zooms in: ${wheel.span}`);
    await h.page.keyboard.press('0');
    assert.ok((await desc(h.page)).view.span >= 2000, 'fit shows the whole run');
  });

  test('pan with D/A and by dragging', async () => {
    await h.page.evaluate(() => (globalThis as unknown as Win).__timeline.setView(500, 400));
    await h.page.focus('#timeline');
    await h.page.keyboard.press('d');
    const afterD = (await desc(h.page)).view.start;
    assert.ok(afterD > 500, `D pans right: ${afterD}`);
    await h.page.keyboard.press('a');
    await h.page.keyboard.press('a');
    assert.ok((await desc(h.page)).view.start < afterD, 'A pans left');
    const startBefore = (await desc(h.page)).view.start;
    const p = await lanePoint(h.page, 2, 0.5);
    await h.page.mouse.move(p.x, p.y);
    await h.page.mouse.down();
    await h.page.mouse.move(p.x - 300, p.y, { steps: 5 });
    await h.page.mouse.up();
    const startAfter = (await desc(h.page)).view.start;
    assert.ok(startAfter > startBefore + 50, `drag left pans right: ${startBefore} → ${startAfter}`);
    assert.equal((await sentOfType(h.page, 'activate')).length, 0, 'a drag is not a click');
  });

  test('a click selects an event and describes it accessibly without travelling; a double-click travels, as the footer says', async () => {
    await h.page.evaluate(() => (globalThis as unknown as Win).__timeline.setView(0, 120));
    const p = await lanePoint(h.page, 0, 0.3);
    const travelsBefore = (await sentOfType(h.page, 'activate')).length;
    await h.page.mouse.click(p.x, p.y);
    const sel = await h.page.evaluate(() => (globalThis as unknown as Win).__timeline.selected());
    assert.ok(sel && sel.index >= 0, 'an event is selected');
    const lane = await h.page.evaluate((i) => (globalThis as unknown as Win).harness.run(0).columns.lane[i], sel!.index);
    assert.equal(lane, 0, 'the clicked lane is P1');
    assert.equal((await sentOfType(h.page, 'activate')).length, travelsBefore, 'a single click does not travel');
    assert.match((await h.page.textContent('#details')) ?? '', /./);
    await h.page.mouse.dblclick(p.x, p.y);
    const activate = await sentOfType(h.page, 'activate');
    assert.equal(activate.length, travelsBefore + 1, 'a double-click travels once');
    assert.equal(activate.at(-1)?.index, sel!.index);
    await h.page.waitForFunction(() => (globalThis as unknown as Win).document.getElementById('details')!.textContent!.includes('›'), undefined, { timeout: 5000 });
    const detailsText = await h.page.textContent('#details');
    assert.match(detailsText ?? '', /#\d+ /);
    assert.equal(await h.page.getAttribute('#details', 'aria-live'), 'polite');
    assert.match((await h.page.getAttribute('#timeline', 'aria-description')) ?? '', /^Event \d+ of 2000/);
  });

  test('keyboard moves the selection: arrows, Home, End, Enter', async () => {
    await h.page.focus('#timeline');
    const start = (await desc(h.page)).selected;
    await h.page.keyboard.press('ArrowRight');
    assert.equal((await desc(h.page)).selected, start + 1);
    await h.page.keyboard.press('ArrowLeft');
    assert.equal((await desc(h.page)).selected, start);
    await h.page.keyboard.press('End');
    assert.equal((await desc(h.page)).selected, 1999);
    assert.ok((await desc(h.page)).view.start + (await desc(h.page)).view.span >= 1999, 'End scrolls the last event into view');
    await h.page.keyboard.press('Home');
    assert.equal((await desc(h.page)).selected, 0);
    await h.page.keyboard.press('Enter');
    assert.equal((await sentOfType(h.page, 'activate')).at(-1)?.index, 0);
    await h.page.keyboard.press('ArrowDown');
    const down = await h.page.evaluate(() => { const w = globalThis as unknown as Win; const s = w.__timeline.selected()!; return w.harness.run(0).columns.lane[s.index]; });
    assert.ok(down > 0, 'ArrowDown moves to a lane below');
  });

  test('search by function name, kind and errno with next/previous', async () => {
    await h.page.fill('#search', 'zap_vvar_pages');
    await h.page.press('#search', 'Enter');
    const first = (await desc(h.page)).selected;
    const fnName = await h.page.evaluate((i) => { const r = (globalThis as unknown as Win).harness.run(0); return r.header.functions[r.columns.fn[i]]; }, first);
    assert.equal(fnName, 'zap_vvar_pages');
    await h.page.click('#next');
    const second = (await desc(h.page)).selected;
    assert.ok(second > first, 'next goes forward');
    await h.page.click('#prev');
    assert.equal((await desc(h.page)).selected, first, 'previous comes back');
    assert.match((await h.page.textContent('#matches')) ?? '', /\d+ match/);
    await h.page.fill('#search', 'EUSERS');
    await h.page.press('#search', 'Enter');
    const errIndex = (await desc(h.page)).selected;
    assert.ok(errIndex >= 0);
    await h.page.fill('#search', '');
    await h.page.selectOption('#kind', 'fault');
    await h.page.click('#next');
    const kind = await h.page.evaluate((i) => (globalThis as unknown as Win).harness.run(0).columns.kind[i], (await desc(h.page)).selected);
    assert.equal(kind, 7, 'kind filter finds a fault');
    await h.page.selectOption('#kind', '');
  });

  test('search matches the scenario line texts, which arrive after the columns', async () => {
    const expected = await h.page.evaluate(() => {
      const run = (globalThis as unknown as Win).harness.run(0);
      const texts = run.lines.split('\n');
      return run.columns.line.filter((ln) => (texts[ln] ?? '').toLowerCase().includes('monotonic == host')).length;
    });
    assert.ok(expected > 0, 'the generated run has expect lines');
    const label = (count: number) => `${count.toLocaleString('en-US')} match${count === 1 ? '' : 'es'}`;
    const shows = (l: string) => h.page.waitForFunction((l) => (globalThis as unknown as Win).document.getElementById('matches')?.textContent === l, l);
    await h.page.fill('#search', 'MONOTONIC == host');
    await shows(label(expected));
    // The texts of a run come in their own message: the open search counts again when they change.
    const lines = await h.page.evaluate(() => (globalThis as unknown as Win).harness.run(0).lines);
    await h.page.evaluate(() => (globalThis as unknown as Win).harness.post({ type: 'lines', run: 0, lines: '' }));
    await shows(label(0));
    await h.page.evaluate((l) => (globalThis as unknown as Win).harness.post({ type: 'lines', run: 0, lines: l }), lines);
    await shows(label(expected));
    await h.page.fill('#search', '');
    await shows('');
    await h.page.locator('#search').blur();
  });

  test('theme switching re-reads the --vscode-* variables', async () => {
    await h.page.evaluate(() => (globalThis as unknown as Win).harness.setTheme('light'));
    await h.page.waitForFunction(() => (globalThis as unknown as Win).__timeline.theme().background === '#ffffff');
    await h.page.waitForTimeout(60);
    assert.deepEqual(await pixel(h.page, 1275, await canvasBottom(h.page)), [255, 255, 255]);
    await h.page.evaluate(() => (globalThis as unknown as Win).harness.setTheme('high-contrast'));
    await h.page.waitForFunction(() => (globalThis as unknown as Win).__timeline.theme().kind === 'high-contrast');
    await h.page.waitForTimeout(60);
    assert.deepEqual(await pixel(h.page, 1275, await canvasBottom(h.page)), [0, 0, 0]);
    await h.page.screenshot({ path: path.join(SHOTS, 'small-high-contrast.png') });
    await h.page.evaluate(() => (globalThis as unknown as Win).harness.setTheme('dark'));
    await h.page.waitForFunction(() => (globalThis as unknown as Win).__timeline.theme().kind === 'dark');
  });

  test('exports the visible timeline as SVG and PNG through a request', async () => {
    const reply = async (format: string) => {
      const id = format === 'svg' ? 901 : 902;
      await h.page.evaluate(([f, id]) => (globalThis as unknown as Win).harness.post({ type: 'request', id, method: 'renderImage', params: { format: f } }), [format, id] as const);
      await h.page.waitForFunction((id) => (globalThis as unknown as Win).harness.sent.some((m) => m.type === 'reply' && m.id === id), id);
      return (await sentOfType(h.page, 'reply')).find((m) => m.id === id) as { ok: boolean; result: { data: string; format: string } };
    };
    const svg = await reply('svg');
    assert.ok(svg.ok);
    assert.match(svg.result.data, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg.result.data, /P1 \(pid 1\)/);
    const png = await reply('png');
    assert.ok(png.ok);
    assert.deepEqual([...Buffer.from(png.result.data, 'base64').subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  });

  test('malformed messages are ignored with a warning, and the view keeps working', async () => {
    const warningsBefore = (await sentOfType(h.page, 'log')).length;
    await h.page.evaluate(() => {
      const post = (globalThis as unknown as Win).harness.post;
      post(null);
      post('hello');
      post({ type: 'nope' });
      post({ type: 'init', mode: 'single', runs: 'x' });
      post({ type: 'chunk', run: 0, start: 0, count: 10, columns: { kind: new ArrayBuffer(3) } });
      post({ type: 'cursor', position: -5 });
      post({ type: 'request', id: 1, method: 'renderImage', params: { format: 'gif' } });
      post({ type: 'chunk', run: 5, start: 0, count: 0, columns: { kind: new ArrayBuffer(0), lane: new ArrayBuffer(0), nsLane: new ArrayBuffer(0), depth: new ArrayBuffer(0), flags: new ArrayBuffer(0), line: new ArrayBuffer(0), fn: new ArrayBuffer(0), label: new ArrayBuffer(0), match: new ArrayBuffer(0) } });
    });
    await h.page.waitForFunction((n) => (globalThis as unknown as Win).harness.sent.filter((m) => m.type === 'log').length >= n + 8, warningsBefore);
    const d = await desc(h.page);
    assert.ok(d.ready);
    assert.deepEqual(d.eventCounts, [2000]);
    assert.equal(d.cursor, 1234, 'a negative cursor was not applied');
    assert.deepEqual(h.errors, []);
    await h.page.focus('#timeline');
    await h.page.keyboard.press('w');
    await h.page.waitForFunction((f) => (globalThis as unknown as Win).__timeline.describe().frames > f, d.frames, { timeout: 3000 });
  });

  test('restores viewport and selection handed back by the host', async () => {
    await h.page.evaluate(() => {
      const w = globalThis as unknown as Win;
      const run = w.harness.run(0) as unknown as { header: unknown };
      w.harness.post({ type: 'init', mode: 'single', runs: [run.header], divergence: null, cursor: 5, restore: { start: 300, span: 250, selected: 320, selectedRun: 0, scrollTop: 0 } });
    });
    await h.page.evaluate(() => {
      // Same columns again, one chunk.
      const w = globalThis as unknown as Win;
      const c = (w.harness.run(0) as unknown as { columns: Record<string, { slice(): { buffer: ArrayBuffer } }> }).columns;
      const columns = Object.fromEntries(Object.entries(c).map(([k, v]) => [k, v.slice().buffer]));
      w.harness.post({ type: 'chunk', run: 0, start: 0, count: 2000, columns });
      w.harness.post({ type: 'end' });
    });
    await h.page.waitForFunction(() => (globalThis as unknown as Win).__timeline.describe().ready && (globalThis as unknown as Win).__timeline.describe().selected === 320);
    const d = await desc(h.page);
    assert.equal(d.view.start, 300);
    assert.equal(d.view.span, 250);
    await h.page.waitForFunction(() => ((globalThis as unknown as Win).harness.state() as { selected?: number } | undefined)?.selected === 320, undefined, { timeout: 3000 });
  });
});

describe('timeline webview: comparison mode', () => {
  test('each run has a cursor: reported after loading, moved on its own, never negative', async () => {
    const h = await openTimeline(browser);
    try {
      await h.page.evaluate(() => (globalThis as unknown as Win).harness.loadCompare(3000, 1500));
      await h.page.waitForFunction(() => (globalThis as unknown as Win).__timeline.describe().ready);
      const shown = () => h.page.evaluate(() => (globalThis as unknown as Win).harness.sent.filter((m) => m.type === 'cursorShown') as unknown as { position: number; run?: number }[]);
      const first = await shown();
      assert.deepEqual(first.map((m) => [m.run ?? 0, m.position]), [[0, 3000], [1, 3000]], 'both cursors drawn at the end, none at -1');
      await h.page.evaluate(() => (globalThis as unknown as Win).harness.post({ type: 'cursor', position: 1200, run: 1 }));
      await h.page.waitForFunction(() => (globalThis as unknown as Win).harness.sent.some((m) => m.type === 'cursorShown' && m.run === 1 && m.position === 1200));
      assert.deepEqual((await desc(h.page)).cursors, [3000, 1200]);
      assert.ok((await shown()).every((m) => m.position >= 0));
      assert.deepEqual(h.errors, []);
    } finally {
      await h.close();
    }
  });

  test('two runs one above the other with the first divergence marked', async () => {
    const h = await openTimeline(browser);
    try {
      await h.page.evaluate(() => (globalThis as unknown as Win).harness.loadCompare(3000, 1500));
      await h.page.waitForFunction(() => (globalThis as unknown as Win).__timeline.describe().ready);
      const d = await desc(h.page);
      assert.equal(d.mode, 'compare');
      assert.deepEqual(d.eventCounts, [3000, 3000]);
      const blocks = await h.page.evaluate(() => (globalThis as unknown as Win).__timeline.layout().blocks.map((b) => b.top));
      assert.equal(blocks.length, 2);
      assert.ok(blocks[1] > blocks[0], 'B below A');
      assert.ok(d.view.start <= 1500 && d.view.start + d.view.span >= 1500, `the divergence is in view: ${JSON.stringify(d.view)}`);
      const svg = await h.page.evaluate(() => {
        (globalThis as unknown as Win).harness.post({ type: 'request', id: 77, method: 'renderImage', params: { format: 'svg' } });
        return new Promise<string>((resolve) => {
          const t = setInterval(() => {
            const r = (globalThis as unknown as Win).harness.sent.find((m) => m.type === 'reply' && m.id === 77) as { result?: { data: string } } | undefined;
            if (r) { clearInterval(t); resolve(r.result?.data ?? ''); }
          }, 20);
        });
      });
      assert.match(svg, /first divergence \(line \d+\)/);
      assert.match(svg, /A: x86_64 6\.18/);
      assert.match(svg, /B: arm64 5\.9 without zap-vvar/);
      await h.page.screenshot({ path: path.join(SHOTS, 'compare-dark.png') });
      assert.deepEqual(h.errors, []);
    } finally {
      await h.close();
    }
  });
});

describe('timeline webview: 10^6 events', () => {
  test('the overview strip shows what each stretch of the run is, and where it failed or faulted', async () => {
    const h = await openTimeline(browser);
    try {
      // 2,000 events are counted one by one; 200,000 from the per-block summaries.
      for (const n of [2000, 200_000]) {
        await load(h.page, n, 0);
        const strip = await overviewPixelCounts(h.page);
        const t = await h.page.evaluate(() => (globalThis as unknown as Win).__timeline.theme());
        const activities = t.category.slice(1).map(rgbOf);
        // Every pixel of the bars is the strip's background or one activity's colour (no blend of two), and
        // the run's mix shows: syscalls, vDSO calls, host actions and expectations all appear.
        for (const c of Object.keys(strip.bars)) assert.ok(c === rgbOf(t.gutter) || activities.includes(c), `${n} events: bar pixel ${c} is no activity's colour`);
        for (const c of activities) assert.ok((strip.bars[c] ?? 0) > 0, `${n} events: activity colour ${c} missing from the overview: ${JSON.stringify(strip.bars)}`);
        // The tick row above them marks failures and faults (the generated run has both).
        assert.ok((strip.ticks[rgbOf(t.error)] ?? 0) > 0, `${n} events: no failure tick: ${JSON.stringify(strip.ticks)}`);
        assert.ok((strip.ticks[rgbOf(t.fault)] ?? 0) > 0, `${n} events: no fault tick: ${JSON.stringify(strip.ticks)}`);
      }
      assert.deepEqual(h.errors, []);
    } finally {
      await h.close();
    }
  });

  test('loads in chunks and draws, zoomed out and in, dark and light', async () => {
    const h = await openTimeline(browser);
    try {
      await load(h.page, 1_000_000, 400_000);
      const d = await desc(h.page);
      assert.deepEqual(d.eventCounts, [1_000_000]);
      await h.page.screenshot({ path: path.join(SHOTS, 'million-dark.png') });
      await h.page.evaluate(() => (globalThis as unknown as Win).__timeline.setView(400_000, 90));
      await h.page.screenshot({ path: path.join(SHOTS, 'million-zoomed-dark.png') });
      await h.page.evaluate(() => (globalThis as unknown as Win).harness.setTheme('light'));
      await h.page.evaluate(() => (globalThis as unknown as Win).__timeline.setView(0, 1_000_000));
      await h.page.waitForTimeout(100);
      await h.page.screenshot({ path: path.join(SHOTS, 'million-light.png') });
      await h.page.evaluate(() => (globalThis as unknown as Win).__timeline.setView(400_000, 90));
      await h.page.screenshot({ path: path.join(SHOTS, 'million-zoomed-light.png') });
      assert.deepEqual(h.errors, []);
    } finally {
      await h.close();
    }
  });
});
