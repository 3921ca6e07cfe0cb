// The open command's value: the series itself on the extension host, a few facts as JSON (what VS Code sends to
// the workbench), made without reading any imported message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromBatch } from '../../../extension/tours/importHost';
import { toBatch, type BatchItem } from '../../../extension/tours/importProtocol';
import { encodeEntries, hunkEntries } from '../../../extension/tours/links';
import { SeriesReader } from '../../../extension/tours/seriesReader';
import { commandResult } from '../../../extension/vscode/patchSeriesResult';
import { generatedMbox } from './generate';

test('an opened series goes to the workbench as a few facts, without its messages being read', () => {
  const items: BatchItem[] = [];
  const reader = new SeriesReader('big.mbox', (message, from) => items.push({ message, from, hunks: encodeEntries(hunkEntries(message)) }));
  reader.push(generatedMbox(300));
  const read = reader.end();
  // Sources that cannot be read: reading any message throws.
  const messages = fromBatch({ ...toBatch(items), texts: {} as ArrayBuffer });
  const series = { ...read, patches: read.patches.map((m) => messages[m.index]) };
  assert.throws(() => series.patches[0].patch, TypeError);
  const result = commandResult(series);
  assert.equal(result.patches, series.patches, 'the caller on the host gets the series');
  assert.deepEqual(JSON.parse(JSON.stringify(result)), { source: 'big.mbox', format: 'mbox', title: read.title, patches: 300, diagnostics: read.diagnostics.length });
  assert.deepEqual(Object.keys(result), Object.keys(series), 'toJSON is hidden');
});
