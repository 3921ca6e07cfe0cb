// The import worker through its host-side client (the path the extension takes): a mailbox file and bytes
// give the same series as reading on this thread, progress is reported, a cancel stops it, a git range is
// refused for an untrusted workspace, and problems come back as a rejection rather than a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ImportCancelled, importSeries, type ImportProgress } from '../../../extension/tours/importClient';
import { fileCount, fromBatch, fromWire, toBatch, toWire } from '../../../extension/tours/importProtocol';
import { parseSeries } from '../../../extension/tours/seriesReader';
import { b4Mbx, COVER, mimePatch, PATCH_1, PATCH_2 } from './fixtures';
import { generatedMbox } from './generate';

const workerPath = path.resolve(__dirname, '..', '..', '..', 'extension', 'tours', 'importWorker.js');

function tmpFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'timens-import-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

test('a mailbox imported by the worker equals the one read here, with progress', async () => {
  const text = b4Mbx([COVER, PATCH_1, PATCH_2]) + '\n' + generatedMbox(1000);
  const file = tmpFile('big.mbx', text);
  const progress: ImportProgress[] = [];
  const series = await importSeries({ kind: 'file', path: file, name: 'big.mbx' }, { workerPath, onProgress: (p) => progress.push(p) });
  assert.deepEqual(series, parseSeries(text, 'big.mbx'));
  assert.ok(progress.length >= 2, 'progress is reported while reading');
  assert.equal(progress[progress.length - 1].done, fs.statSync(file).size);
  assert.equal(progress[progress.length - 1].total, fs.statSync(file).size);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

test('bytes handed over by the host (a non-file URI) import the same way, MIME included', async () => {
  const text = mimePatch();
  const data = new TextEncoder().encode(text);
  const series = await importSeries({ kind: 'bytes', name: 'mime.eml', data: data.buffer.slice(0) as ArrayBuffer }, { workerPath });
  assert.deepEqual(series, parseSeries(text, 'mime.eml'));
});

test('a message JSON cannot carry (a 400-digit number reads as Infinity) still arrives exactly', async () => {
  const huge = '9'.repeat(400);
  const text = b4Mbx([PATCH_1.replace(/@@ -40,6 \+40,14 @@/, `@@ -${huge},6 +40,14 @@`), PATCH_2.replace('[PATCH v4 2/3]', `[PATCH v${huge} 2/3]`)]);
  const file = tmpFile('huge-numbers.mbx', text);
  const series = await importSeries({ kind: 'file', path: file, name: 'huge-numbers.mbx' }, { workerPath });
  assert.equal(series.patches[0].patch?.files[0].hunks[0].oldStart, Infinity);
  assert.equal(series.patches[1].subjectInfo.version, Infinity);
  assert.deepEqual(series, parseSeries(text, 'huge-numbers.mbx'));
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

test('a batch rebuilds its messages exactly: non-ASCII bodies, one that starts with U+FEFF, one with a lone surrogate', () => {
  const s = parseSeries(b4Mbx([PATCH_1, PATCH_2]));
  const [a, b] = s.patches;
  const wide = [{ ...a, body: 'Caf\u00e9 \u20ac \u{1f600} '.repeat(50) + a.body }, { ...b, body: '\u00e9' }, b];
  const odd = [{ ...a, body: '\uFEFF' + a.body }, { ...b, body: b.body + '\uD800 end' }, { ...b, index: 9, body: '\uDC00' }];
  for (const batch of [s.patches, wide, odd.slice(0, 1), odd]) {
    const wire = toBatch(batch);
    assert.equal(typeof wire.texts, batch === odd ? 'string' : 'object', 'UTF-8 bytes unless a lone surrogate is there');
    const back = fromBatch(structuredClone(wire));
    // The file count the Patch Series tree shows comes with the summary, before any detail is read.
    assert.deepEqual(back.map(fileCount), batch.map((m) => m.patch?.files.length ?? 0));
    assert.deepEqual(back, batch);
  }
  assert.deepEqual(s.patches.map(fileCount), [1, 1], 'a message read here counts its files itself');
  // What lists and trees show is read without the details: a batch whose details are missing still shows.
  const lazy = fromBatch({ ...toBatch(s.patches), details: new ArrayBuffer(0) });
  assert.deepEqual(lazy.map((m) => [m.subject, m.subjectInfo.number, m.placeholder, fileCount(m)]), s.patches.map((m) => [m.subject, m.subjectInfo.number, false, 1]));
  assert.throws(() => lazy[0].body, SyntaxError, 'the body is read from the details');
});

test('the wire form of a message rebuilds it exactly (hunk texts travel as offsets)', () => {
  const s = parseSeries(b4Mbx([PATCH_1, PATCH_2]));
  for (const m of s.patches) assert.deepEqual(fromWire(toWire(m)), m);
});

test('cancel stops an import and rejects with ImportCancelled', async () => {
  const file = tmpFile('huge.mbox', generatedMbox(6000));
  const abort = new AbortController();
  const p = importSeries({ kind: 'file', path: file, name: 'huge.mbox' }, { workerPath, signal: abort.signal, onProgress: () => abort.abort() });
  await assert.rejects(p, ImportCancelled);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

test('a git range of an untrusted workspace is refused in the worker; a missing file is a clean rejection', async () => {
  await assert.rejects(importSeries({ kind: 'git', repo: os.tmpdir(), range: 'a..b', trusted: false }, { workerPath }), /trusted workspace/);
  await assert.rejects(importSeries({ kind: 'file', path: path.join(os.tmpdir(), 'no-such-file.mbox'), name: 'x' }, { workerPath }), /ENOENT|no such file/);
});
