// Hunks ↔ model events: a hunk that changes vvar_fault links to the fault events of a run, and a fault
// event links back to that hunk; the zap hunk links to the zap events. The way back answers from the hunks'
// entries exactly as reading every hunk did, parsed here or imported, without reading an imported message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runScenario } from '../../../extension/scenario/index';
import type { SimEvent } from '../../../extension/sim/api';
import { importSeries } from '../../../extension/tours/importClient';
import { fromBatch, indexedHunks } from '../../../extension/tours/importHost';
import { toBatch, type BatchItem } from '../../../extension/tours/importProtocol';
import { FUNCTION_EVENT_KINDS } from '../../../extension/tours/knowledge';
import { decodeEntries, encodeEntries, eventsForFunctions, functionsOfHunk, hunkEntries, hunkOf, hunksForEvent, hunksForEventInSlices, KNOWN_FUNCTIONS } from '../../../extension/tours/links';
import { allHunks, type PatchSeries } from '../../../extension/tours/series';
import { parseSeries, SeriesReader } from '../../../extension/tours/seriesReader';
import { b4Mbx, COVER, formatPatchMbox, mimePatch, PATCH_1, PATCH_2 } from './fixtures';
import { generatedMbox } from './generate';

const ROOT = path.resolve(__dirname, '../../../..');

test('a vvar_fault hunk links to the fault events of a run, and a fault event links back to it', () => {
  const series = parseSeries(b4Mbx([COVER, PATCH_1, PATCH_2]), 'v4.mbx');
  const faultHunk = allHunks(series.patches[0])[0].hunk;
  assert.deepEqual(functionsOfHunk(faultHunk), ['vvar_fault']);
  const run = runScenario(fs.readFileSync(path.join(ROOT, 'tours/scenarios/arm64-2-zap-vvar.timens'), 'utf8'), { file: 'zap.timens' });
  const events = eventsForFunctions(run.sim, functionsOfHunk(faultHunk));
  assert.ok(events.length > 0);
  const kinds = new Set(events.map((i) => run.sim.kindOf(i)));
  assert.ok(kinds.has('fault') || events.some((i) => run.sim.event(i).stack.includes('vvar_fault')), [...kinds].join());
  const fault = events.map((i) => run.sim.event(i)).find((e) => e.kind === 'fault' || e.fn === 'vvar_fault')!;
  const back = hunksForEvent(series, fault);
  assert.ok(back.some((h) => hunkOf(h)?.hunk === faultHunk), 'the fault event leads back to the vvar_fault hunk');
  assert.ok(!back.some((h) => h.functions.includes('vdso_join_timens')), 'but not to the zap hunk');
  const zapHunk = allHunks(series.patches[1])[0].hunk;
  const zaps = eventsForFunctions(run.sim, functionsOfHunk(zapHunk));
  assert.ok(zaps.some((i) => run.sim.kindOf(i) === 'zap'));
  assert.ok(zaps.every((i) => run.sim.event(i).stack.some((f) => f === 'vdso_join_timens' || f === 'zap_page_range') || run.sim.kindOf(i) === 'zap'));
});

/** The lookup as it was before the entries: every hunk of every patch read and its functions listed. */
function rereading(series: PatchSeries, e: SimEvent) {
  const standsFor = (f: string) => e.fn === f || e.stack.includes(f) || (FUNCTION_EVENT_KINDS[f] ?? []).includes(e.kind);
  return series.patches.flatMap((patch, patchIndex) => (patch.patch?.files ?? []).flatMap((file, fileIndex) => file.hunks.flatMap((hunk, hunkIndex) => {
    const functions = functionsOfHunk(hunk).filter(standsFor);
    return functions.length > 0 ? [{ patchIndex, fileIndex, hunkIndex, header: hunk.header, functions, hunk }] : [];
  })));
}

/** Every event of the shipped tour scenarios, and one per known function (on its stack) and per kind a function maps to. */
const EVENTS: SimEvent[] = (() => {
  const dir = path.join(ROOT, 'tours/scenarios');
  const out = fs.readdirSync(dir).filter((f) => f.endsWith('.timens')).sort().flatMap((f) => {
    const { sim } = runScenario(fs.readFileSync(path.join(dir, f), 'utf8'), { file: f });
    return Array.from({ length: sim.eventCount }, (_, i) => sim.event(i));
  });
  const base = out[0];
  for (const f of KNOWN_FUNCTIONS) out.push({ ...base, fn: f, stack: ['do_syscall_64', f] });
  for (const kind of new Set(Object.values(FUNCTION_EVENT_KINDS).flat())) out.push({ ...base, kind, fn: 'none', stack: [] });
  return out;
})();

/** The mailboxes of the unit tests (b4, git format-patch, MIME with a base64 diff) and the bench's generated kind. */
const MAILBOXES: readonly [string, string][] = [
  ['v4.mbx', b4Mbx([COVER, PATCH_1, PATCH_2])],
  ['format-patch.mbox', formatPatchMbox([PATCH_2, PATCH_1])],
  ['mime.eml', mimePatch()],
  ['generated.mbox', generatedMbox(300)],
];

/** Asserts that the entries' lookup finds, for every event, what reading every hunk found: same places, headers, functions and hunks. */
function assertSameLookup(series: PatchSeries, reference: PatchSeries, what: string): void {
  let found = 0;
  for (const e of EVENTS) {
    const refs = hunksForEvent(series, e);
    const old = rereading(reference, e);
    found += refs.length;
    assert.deepEqual(refs.map(({ patchIndex, fileIndex, hunkIndex, header, functions }) => ({ patchIndex, fileIndex, hunkIndex, header, functions })),
      old.map(({ patchIndex, fileIndex, hunkIndex, header, functions }) => ({ patchIndex, fileIndex, hunkIndex, header, functions })), `${what}: event ${e.kind} ${e.stack.join('>')}`);
    refs.forEach((r, k) => {
      assert.equal(r.patch, series.patches[r.patchIndex]);
      assert.deepEqual(hunkOf(r)?.hunk, old[k].hunk);
    });
  }
  assert.ok(found > 0, `${what}: some event finds a hunk`);
}

/** A series as the import hands it to the host: its messages rebuilt from the worker's batch, sources readable or not. */
function imported(name: string, text: string, readable: boolean): { read: PatchSeries; series: PatchSeries; sourced: boolean } {
  const items: BatchItem[] = [];
  const reader = new SeriesReader(name, (message, from) => items.push({ message, from, hunks: encodeEntries(hunkEntries(message)) }));
  reader.push(text);
  const read = reader.end();
  const batch = structuredClone(toBatch(items));
  const messages = fromBatch(readable ? batch : { ...batch, texts: {} as ArrayBuffer });
  const byIndex = (m: PatchSeries['patches'][number]) => (m.index >= 0 ? messages[m.index] : m);
  return { sourced: items.every((i) => i.from), read, series: { ...read, cover: read.cover && byIndex(read.cover), patches: read.patches.map(byIndex), others: read.others.map(byIndex) } };
}

test('the hunks of an event come from the entries exactly as from reading every hunk, parsed here or imported', () => {
  const odd = [{ file: 2, hunk: 13, header: '@@ -1,2 +1,3 @@ a\tb  c(\t', functions: ['f', 'g_2'] }, { file: 0, hunk: 0, header: '@@ -1 +1 @@', functions: ['h'] }];
  assert.deepEqual(decodeEntries(encodeEntries(odd)), odd, 'a header with tabs and spaces');
  assert.deepEqual(decodeEntries(encodeEntries([])), []);
  for (const [name, text] of MAILBOXES) {
    const parsed = parseSeries(text, name);
    assertSameLookup(parsed, parsed, `${name} parsed`);
    const { read, series } = imported(name, text, true);
    assert.deepEqual(series.patches.map((m) => indexedHunks(m)), read.patches.map((m) => (m.index >= 0 ? encodeEntries(hunkEntries(m)) : undefined)), `${name}: the worker's entries`);
    for (const m of read.patches) assert.deepEqual(decodeEntries(encodeEntries(hunkEntries(m))), hunkEntries(m), `${name}: entries decode as they were`);
    assertSameLookup(series, read, `${name} imported`);
  }
});

test('an imported series answers an event without reading any message: sources that cannot be read give the same hunks', () => {
  for (const [name, text] of MAILBOXES) {
    const { read, series, sourced } = imported(name, text, false);
    const real = series.patches.find((m) => !m.placeholder);
    assert.ok(real);
    // A message of an mbox travels as its source; a lone mail (no From_ line) travels whole.
    if (sourced) assert.throws(() => real.patch, TypeError, 'reading a patch reads its source');
    else assert.equal(name, 'mime.eml');
    for (const e of EVENTS) {
      const strip = (r: ReturnType<typeof hunksForEvent>) => r.map(({ patchIndex, fileIndex, hunkIndex, header, functions }) => ({ patchIndex, fileIndex, hunkIndex, header, functions }));
      assert.deepEqual(strip(hunksForEvent(series, e)), strip(hunksForEvent(read, e)), `${name}: event ${e.kind} ${e.stack.join('>')}`);
    }
  }
});

test('a series imported by the worker finds the same hunks as the one read here', async () => {
  const workerPath = path.resolve(__dirname, '..', '..', '..', 'extension', 'tours', 'importWorker.js');
  const text = b4Mbx([COVER, PATCH_1, PATCH_2]) + '\n' + generatedMbox(200);
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'timens-links-')), 'big.mbx');
  fs.writeFileSync(file, text);
  try {
    const series = await importSeries({ kind: 'file', path: file, name: 'big.mbx' }, { workerPath });
    assert.ok(series.patches.every((m) => m.placeholder || indexedHunks(m) !== undefined), 'every patch read came with its entries');
    assertSameLookup(series, parseSeries(text, 'big.mbx'), 'worker');
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
});

test('a hunk stands for the known functions its changed lines call, not those of its context lines', () => {
  const body = ' vdso_join_timens(task, ns);\n+\tvvar_fault(vma, vmf);\n-zap_page_range (vma, 0, 1)\n\\ No newline at end of file\n+unknown_fn(1)\n\n-';
  const hunk = { ...allHunks(parseSeries(b4Mbx([PATCH_1])).patches[0])[0].hunk, functions: ['f'], body, lineCount: 7 };
  assert.deepEqual(functionsOfHunk(hunk), ['f', 'vvar_fault', 'zap_page_range']);
  assert.deepEqual(functionsOfHunk(hunk, ['unknown_fn']), ['f', 'vvar_fault', 'zap_page_range', 'unknown_fn']);
  assert.deepEqual(functionsOfHunk({ ...hunk, lineCount: 0, body: '' }), ['f']);
});

test('the lookup in slices gives what the lookup in one go gives, pausing between slices of a big series', async () => {
  const series = parseSeries(generatedMbox(9000), 'big.mbox');
  const run = runScenario(fs.readFileSync(path.join(ROOT, 'tours/scenarios/arm64-2-zap-vvar.timens'), 'utf8'), { file: 'zap.timens' });
  const fault = Array.from({ length: run.sim.eventCount }, (_, i) => run.sim.event(i)).find((e) => e.kind === 'fault')!;
  let pauses = 0;
  // A slice of 0 ms: a pause at every look at the clock, after each 64 patches.
  const sliced = await hunksForEventInSlices(series, fault, async () => { pauses++; }, 0);
  const whole = hunksForEvent(series, fault);
  assert.ok(whole.length > 1000, `${whole.length} hunks`);
  assert.deepEqual(sliced, whole);
  // 9,000 patches: the index is built in 140 slices, and the hunks (more than 4,000 patches name vvar_fault) in 60 or more.
  assert.ok(pauses >= 200, `${pauses} pauses`);
  pauses = 0;
  assert.deepEqual(await hunksForEventInSlices(series, fault, async () => { pauses++; }, 0), whole, 'again, from the kept index');
  assert.ok(pauses >= 60 && pauses < 140, `${pauses} pauses`);
  // With the default slice the same answer, in fewer pauses.
  assert.deepEqual(await hunksForEventInSlices(series, fault, async () => undefined), whole);
});
