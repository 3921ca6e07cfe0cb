// The import worker through its host-side client (the path the extension takes): a mailbox file and bytes
// give the same series as reading on this thread, progress is reported, a cancel stops it, a git range is
// refused for an untrusted workspace, and problems come back as a rejection rather than a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ImportCancelled, importSeries, type ImportProgress } from '../../../extension/tours/importClient';
import { fileCount, fromBatch, indexedHunks } from '../../../extension/tours/importHost';
import { batchItem, toBatch, type BatchItem } from '../../../extension/tours/importProtocol';
import { encodeEntries, hunkEntries } from '../../../extension/tours/links';
import { parseSeries, SeriesReader } from '../../../extension/tours/seriesReader';
import type { SeriesMessage } from '../../../extension/tours/series';
import { b4Mbx, COVER, mimePatch, PATCH_1, PATCH_2 } from './fixtures';
import { generatedMbox } from './generate';
import { plainMessages, plainSeries } from './plain';

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
  assert.deepEqual(plainSeries(series), parseSeries(text, 'big.mbx'));
  // The host holds no field of a message in the message: each is read from its batch's record (a collection of
  // the host's young generation copies every object an import keeps, one per message is enough).
  const message = series.patches[500];
  assert.deepEqual(Reflect.ownKeys(message), [], 'no field of its own');
  assert.equal(JSON.stringify(message), JSON.stringify(parseSeries(text, 'big.mbx').patches[500]), 'its JSON is the message it stands for');
  assert.ok(progress.length >= 2, 'progress is reported while reading');
  assert.equal(progress[progress.length - 1].done, fs.statSync(file).size);
  assert.equal(progress[progress.length - 1].total, fs.statSync(file).size);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

test('a sequence cut short at the end of a read chunk, before an all-ASCII one, reads as at once (U+FFFD)', async () => {
  // The worker reads 64 KB at a time; its all-ASCII chunks are decoded and sent on as they are, but not one
  // that a cut sequence from the chunk before joins.
  const bytes = new TextEncoder().encode(generatedMbox(200));
  for (const [at, lead] of [[64 * 1024 - 1, 0xe2], [192 * 1024 - 2, 0xf0]]) bytes[at] = lead;
  const file = tmpFile('cut.mbox', '');
  fs.writeFileSync(file, bytes);
  const series = await importSeries({ kind: 'file', path: file, name: 'cut.mbox' }, { workerPath });
  const expected = parseSeries(bytes, 'cut.mbox');
  assert.ok(JSON.stringify(expected).includes('\ufffd'));
  assert.deepEqual(plainSeries(series), expected);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

test('bytes handed over by the host (a non-file URI) import the same way, MIME included', async () => {
  const text = mimePatch();
  const data = new TextEncoder().encode(text);
  const series = await importSeries({ kind: 'bytes', name: 'mime.eml', data: data.buffer.slice(0) as ArrayBuffer }, { workerPath });
  assert.deepEqual(plainSeries(series), parseSeries(text, 'mime.eml'));
});

test('a message JSON cannot carry (a 400-digit number reads as Infinity) still arrives exactly', async () => {
  const huge = '9'.repeat(400);
  const text = b4Mbx([PATCH_1.replace(/@@ -40,6 \+40,14 @@/, `@@ -${huge},6 +40,14 @@`), PATCH_2.replace('[PATCH v4 2/3]', `[PATCH v${huge} 2/3]`)]);
  const file = tmpFile('huge-numbers.mbx', text);
  const series = await importSeries({ kind: 'file', path: file, name: 'huge-numbers.mbx' }, { workerPath });
  assert.equal(series.patches[0].patch?.files[0].hunks[0].oldStart, Infinity);
  assert.equal(series.patches[1].subjectInfo.version, Infinity);
  assert.deepEqual(plainSeries(series), parseSeries(text, 'huge-numbers.mbx'));
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
});

/** The messages of `text` with their sources, whole (the worker's items keep only the summary: batchItem). */
function itemsOf(text: string): (BatchItem & { message: SeriesMessage })[] {
  const items: (BatchItem & { message: SeriesMessage })[] = [];
  const reader = new SeriesReader('items', (message, from) => items.push({ message, from }));
  reader.push(text);
  reader.end();
  return items;
}

test('a batch rebuilds its messages exactly from their sources: non-ASCII, U+FEFF, a lone surrogate, CR LF, mboxrd quoting', () => {
  const plain = b4Mbx([COVER, PATCH_1, PATCH_2]);
  const wide = b4Mbx([PATCH_1.replace('Map the data page', 'Caf\u00e9 \u20ac \u{1f600} map the data page'), PATCH_2]).replace(/\n/g, '\r\n');
  const quoted = b4Mbx([PATCH_1.replace('\n---\n', '\n>From the list\n>>From here\n\n---\n'), mimePatch()]);
  const bom = b4Mbx([PATCH_1.replace(/\n\n/, '\n\n\uFEFF'), PATCH_2]);
  const odd = b4Mbx([PATCH_1, PATCH_2.replace('\n\n', '\n\n\uD800 end\n')]);
  for (const [name, text] of Object.entries({ plain, wide, quoted, bom, odd })) {
    const items = itemsOf(text);
    assert.ok(items.length >= 2 && items.every((i) => i.from !== null), `${name}: mbox messages come with their source`);
    const wire = toBatch(items);
    assert.equal(typeof wire.texts, name === 'odd' ? 'string' : 'object', `${name}: UTF-8 bytes unless a lone surrogate is there`);
    const back = fromBatch(structuredClone(wire));
    // The file count the Patch Series tree shows comes with the summary, before any source is read.
    const messages = items.map((i) => i.message);
    assert.deepEqual(back.map(fileCount), messages.map((m) => m.patch?.files.length ?? 0), name);
    assert.deepEqual(plainMessages(back), messages, name);
    // The worker's items keep only the summary of a message with a source: the host reads the same messages.
    const fromWorker = fromBatch(structuredClone(toBatch(items.map((i) => batchItem(i.message, i.from)))));
    assert.ok(items.every((i) => !('patch' in batchItem(i.message, i.from).message)), `${name}: the worker keeps no parsed patch`);
    assert.deepEqual(fromWorker.map(fileCount), messages.map((m) => m.patch?.files.length ?? 0), name);
    assert.deepEqual(plainMessages(fromWorker), messages, name);
  }
  // A message that is not from an mbox (a single mail, a bare diff) has no source: it travels whole.
  for (const text of [PATCH_1, mimePatch(), 'diff --git a/f.c b/f.c\n--- a/f.c\n+++ b/f.c\n@@ -1 +1 @@\n-a\n+b\n']) {
    const items = itemsOf(text);
    assert.equal(items[0].from, null);
    assert.deepEqual(plainMessages(fromBatch(structuredClone(toBatch(items)))), items.map((i) => i.message));
  }
  assert.deepEqual(parseSeries(b4Mbx([PATCH_1, PATCH_2])).patches.map(fileCount), [1, 1], 'a message read here counts its files itself');
  // What lists and trees show is read without the sources: a batch whose sources are missing still shows.
  const items = itemsOf(b4Mbx([PATCH_1, PATCH_2]));
  const lazy = fromBatch({ ...toBatch(items), texts: '' });
  assert.deepEqual(lazy.map((m) => [m.subject, m.subjectInfo.number, m.placeholder, fileCount(m)]), items.map((i) => [i.message.subject, i.message.subjectInfo.number, false, 1]));
  assert.equal(lazy[0].body, '', 'the body is read from the source');
});

test('subjects, authors and hunk entries travel as UTF-8 bytes off the host\'s heap and read back exactly', () => {
  const accents = (t: string) => t.replace('use the fault callback', 'caf\u00e9 \u20ac \u{1f600} fault callback').replace('Test Author <', 'Zo\u00eb \u00c5str\u00f6m <')
    .replace('static struct vdso_abi_info vdso_info[] = {', 'static struct vdso_abi_info vdso_info[] = { /* \u00e9t\u00e9 */');
  const cases = {
    ascii: [PATCH_1, PATCH_2],
    wide: [accents(PATCH_1), PATCH_2],
    // a lone surrogate cannot travel in UTF-8: the column travels as a string
    lone: [PATCH_1.replace('use the fault callback', 'use \uD800 the fault callback'), PATCH_2],
  };
  for (const [name, patches] of Object.entries(cases)) {
    const items = itemsOf(b4Mbx(patches)).map((i) => batchItem(i.message, i.from, encodeEntries(hunkEntries(i.message))));
    const messages = itemsOf(b4Mbx(patches)).map((i) => i.message);
    const wire = toBatch(items);
    assert.equal(typeof wire.strings, name === 'lone' ? 'string' : 'object', `${name}: the text fields travel as bytes unless a lone surrogate is there`);
    assert.equal(typeof wire.hunks, 'object', `${name}: the hunk entries travel as bytes`);
    const back = fromBatch(structuredClone(wire));
    assert.deepEqual(back.map((m) => [m.subject, m.from, m.inReplyTo]), messages.map((m) => [m.subject, m.from, m.inReplyTo]), name);
    assert.deepEqual(back.map(indexedHunks), messages.map((m) => encodeEntries(hunkEntries(m))), name);
  }
  assert.match(fromBatch(structuredClone(toBatch(itemsOf(b4Mbx([accents(PATCH_1)])))))[0].subject, /caf\u00e9 \u20ac \u{1f600} fault/u);
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
