// Hunks ↔ model events: a hunk that changes vvar_fault links to the fault events of a run, and a fault
// event links back to that hunk; the zap hunk links to the zap events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runScenario } from '../../../extension/scenario/index';
import type { SimEvent } from '../../../extension/sim/api';
import { fromBatch, indexedFunctions, toBatch, type BatchItem } from '../../../extension/tours/importProtocol';
import { eventsForFunctions, functionsOfHunk, functionsOfMessage, hunksForEvent } from '../../../extension/tours/links';
import { allHunks } from '../../../extension/tours/series';
import { parseSeries, SeriesReader } from '../../../extension/tours/seriesReader';
import { b4Mbx, COVER, PATCH_1, PATCH_2 } from './fixtures';

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
  assert.ok(back.some((h) => h.hunk === faultHunk), 'the fault event leads back to the vvar_fault hunk');
  assert.ok(!back.some((h) => h.functions.includes('vdso_join_timens')), 'but not to the zap hunk');
  const zapHunk = allHunks(series.patches[1])[0].hunk;
  const zaps = eventsForFunctions(run.sim, functionsOfHunk(zapHunk));
  assert.ok(zaps.some((i) => run.sim.kindOf(i) === 'zap'));
  assert.ok(zaps.every((i) => run.sim.event(i).stack.some((f) => f === 'vdso_join_timens' || f === 'zap_page_range') || run.sim.kindOf(i) === 'zap'));
});

test('an imported series finds the same hunks for an event, and skips by its index the patches that cannot hold them', () => {
  const text = b4Mbx([COVER, PATCH_1, PATCH_2]);
  const items: BatchItem[] = [];
  const reader = new SeriesReader('v4.mbx', (message, from) => items.push({ message, from, functions: message.patch ? functionsOfMessage(message) : undefined }));
  reader.push(text);
  const read = reader.end();
  const messages = fromBatch(structuredClone(toBatch(items)));
  const imported = { ...read, cover: messages[0], patches: [messages[1], messages[2], read.patches[2]] };
  assert.deepEqual(messages.map((m) => indexedFunctions(m)), [undefined, ...read.patches.slice(0, 2).map(functionsOfMessage)]);
  assert.ok(indexedFunctions(messages[1])?.includes('vvar_fault'));
  const run = runScenario(fs.readFileSync(path.join(ROOT, 'tours/scenarios/arm64-2-zap-vvar.timens'), 'utf8'), { file: 'zap.timens' });
  for (let i = 0; i < run.sim.eventCount; i++) {
    const e = run.sim.event(i);
    assert.deepEqual(hunksForEvent(imported, e), hunksForEvent(read, e), `event ${i}`);
  }
  // Sources that cannot be read (reading them throws): the patches still answer for an event none of their
  // functions stands for, so they were not read.
  const blind = fromBatch({ ...toBatch(items), texts: {} as ArrayBuffer });
  const none = { ...run.sim.event(0), fn: 'no_such_function', stack: [], kind: 'no-such-kind' } as unknown as SimEvent;
  assert.deepEqual(hunksForEvent({ ...read, patches: [blind[1], blind[2]] }, none), []);
  assert.throws(() => blind[1].patch, TypeError, 'reading a patch reads its source');
});

test('a hunk stands for the known functions its changed lines call, not those of its context lines', () => {
  const body = ' vdso_join_timens(task, ns);\n+\tvvar_fault(vma, vmf);\n-zap_page_range (vma, 0, 1)\n\\ No newline at end of file\n+unknown_fn(1)\n\n-';
  const hunk = { ...allHunks(parseSeries(b4Mbx([PATCH_1])).patches[0])[0].hunk, functions: ['f'], body, lineCount: 7 };
  assert.deepEqual(functionsOfHunk(hunk), ['f', 'vvar_fault', 'zap_page_range']);
  assert.deepEqual(functionsOfHunk(hunk, ['unknown_fn']), ['f', 'vvar_fault', 'zap_page_range', 'unknown_fn']);
  assert.deepEqual(functionsOfHunk({ ...hunk, lineCount: 0, body: '' }), ['f']);
});
