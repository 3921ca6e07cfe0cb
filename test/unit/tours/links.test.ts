// Hunks ↔ model events: a hunk that changes vvar_fault links to the fault events of a run, and a fault
// event links back to that hunk; the zap hunk links to the zap events.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runScenario } from '../../../extension/scenario/index';
import { eventsForFunctions, functionsOfHunk, hunksForEvent } from '../../../extension/tours/links';
import { allHunks } from '../../../extension/tours/series';
import { parseSeries } from '../../../extension/tours/seriesReader';
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
