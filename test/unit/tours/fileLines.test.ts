// A mailbox file's messages are read again from the file by their lines: the byte scanner counts lines as the
// series reader does, wherever the reads cut the input; a message read again is the one the reader read
// (non-ASCII, CR LF and lone CR, mboxrd quoting, invalid UTF-8, a file without a final line end); no source
// travels to the host; a file changed since its import says so instead of giving another text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileRanges } from '../../../extension/tours/importClient';
import { fromBatch, HostSide, type MailboxFile } from '../../../extension/tours/importHost';
import { toBatch, type BatchItem } from '../../../extension/tours/importProtocol';
import { LINE_STEP, LineIndex, LineScanner } from '../../../extension/tours/lineIndex';
import { SeriesReader } from '../../../extension/tours/seriesReader';
import { b4Mbx, COVER, mimePatch, PATCH_1, PATCH_2 } from './fixtures';
import { generatedMbox } from './generate';
import { plainMessages } from './plain';
import type { SeriesMessage } from '../../../extension/tours/series';

const utf8 = new TextEncoder();

/** Line starts of `text` as the reader splits it ("\r\n", "\n", a lone "\r"), in UTF-8 bytes. */
function expectedStarts(bytes: Uint8Array): number[] {
  const starts: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a) i++;
    if (bytes[i] === 0x0a || bytes[i] === 0x0d) starts.push(i + 1);
  }
  return starts;
}

test('the scanner finds the line starts the reader splits at, wherever the reads cut the input', () => {
  const bytes = utf8.encode('a\r\nb\rc\n\n\r\r\nd\u00e9\r');
  for (let cut = 0; cut <= bytes.length; cut++) {
    for (let cut2 = cut; cut2 <= bytes.length; cut2++) {
      const found: number[] = [];
      const scanner = new LineScanner((line, at) => { assert.equal(line, found.length + 1); found.push(at); });
      scanner.push(bytes.subarray(0, cut));
      scanner.push(bytes.subarray(cut, cut2));
      scanner.push(bytes.subarray(cut2));
      // A lone CR at the very end starts no line the reader reads: the scanner waits for the next byte.
      assert.deepEqual(found, expectedStarts(bytes).filter((s) => s < bytes.length), `cuts at ${cut}, ${cut2}`);
    }
  }
});

/** A mailbox file in memory: read again as the host does, counting the reads. */
function inMemory(bytes: Uint8Array): MailboxFile & { reads: number } {
  const file = { size: bytes.length, reads: 0, read: (offset: number, length: number) => { file.reads++; return bytes.slice(offset, offset + length); } };
  return file;
}

/** The worker's way for a file: each piece scanned for lines, then read; batches with the line starts only. */
function importInPieces(bytes: Uint8Array, piece: number): { items: BatchItem[]; host: HostSide; back: SeriesMessage[]; file: ReturnType<typeof inMemory> } {
  const items: BatchItem[] = [];
  const reader = new SeriesReader('file', (message, from) => items.push({ message, from }));
  const index = new LineIndex();
  const wires = [];
  let sent = 0;
  for (let at = 0; at < bytes.length; at += piece) {
    const chunk = bytes.slice(at, at + piece);
    index.push(chunk);
    reader.push(chunk);
    if (items.length - sent > 7) { wires.push(toBatch(items.slice(sent), undefined, index)); sent = items.length; }
  }
  reader.end();
  wires.push(toBatch(items.slice(sent), undefined, index));
  for (const w of wires) assert.ok(w.texts instanceof ArrayBuffer && w.texts.byteLength === 0 && w.chunks === undefined, 'no source travels');
  const file = inMemory(bytes);
  const host = new HostSide(file);
  const back = wires.flatMap((w) => fromBatch(structuredClone(w), host));
  return { items, host, back, file };
}

test('a message read again from the file by its lines is the one the reader read, for every kind of line', () => {
  const odd = [
    COVER, PATCH_1,
    PATCH_2.replace('\n\n', '\n\nCaf\u00e9 \u20ac \u{1f600}\n'),
    PATCH_1.replace(/\n/g, '\r\n'),
    PATCH_2.replace('\n\n', '\n\nold\rmac\rline ends\n'),
    PATCH_2.replace('\n---\n', '\n>From the list\n>>From here\n\n---\n'),
    mimePatch(),
  ];
  // Long enough that most messages lie past the first indexed line start, and lines past many.
  const text = b4Mbx(odd) + '\n' + generatedMbox(60) + '\n' + b4Mbx(odd);
  const bytes = utf8.encode(text);
  bytes[bytes.length - 40] = 0xff; // invalid UTF-8 near the end: U+FFFD on both sides
  const lines = expectedStarts(bytes).length;
  assert.ok(lines > 4 * LINE_STEP, `${lines} lines`);
  for (const piece of [1 << 16, 997, 61]) {
    const { items, back, file } = importInPieces(bytes, piece);
    assert.deepEqual(plainMessages(back), items.map((i) => i.message), `pieces of ${piece} bytes`);
    assert.ok(file.reads >= items.length, 'every message was read from the file');
  }
  // The file's last line without a line end, and with a lone CR as its last byte.
  for (const end of ['', '\r']) {
    const tail = utf8.encode(b4Mbx([PATCH_1, PATCH_2]).replace(/\n+$/, '') + end);
    const { items, back } = importInPieces(tail, 50);
    assert.deepEqual(plainMessages(back), items.map((i) => i.message), `ending ${JSON.stringify(end)}`);
  }
});

test('a file changed since its import: the host says to import it again, never a wrong message', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'timens-file-lines-'));
  try {
    const bytes = utf8.encode(b4Mbx([COVER, PATCH_1, PATCH_2]));
    const file = path.join(dir, 'series.mbox');
    fs.writeFileSync(file, bytes);
    const read = fileRanges(file, 'series.mbox');
    assert.equal(read.size, bytes.length);
    assert.deepEqual(new Uint8Array(read.read(10, 20)), bytes.slice(10, 30));
    // Same size and time, other text (a clock that did not move): the reader's length check catches what it can.
    const { items } = importInPieces(bytes, 1 << 16);
    const index = new LineIndex();
    index.push(bytes);
    const changed = utf8.encode(new TextDecoder().decode(bytes).replace('Subject: [PATCH v4 1/3]', 'Subject: [PATCH v4 1/3] and more'));
    const host = new HostSide(inMemory(changed));
    const [, first] = fromBatch(structuredClone(toBatch(items, undefined, index)), host);
    assert.throws(() => first.body, /reads differently now: the mailbox has changed since it was imported; import it again/);
    fs.appendFileSync(file, '\n');
    assert.throws(() => read.read(10, 20), /series\.mbox has changed since it was imported: import it again/);
    fs.rmSync(file);
    assert.throws(() => read.read(10, 20), /series\.mbox cannot be read again \(ENOENT\)/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // A place in a file with no file to read it from is an error that says so.
  const { items } = importInPieces(utf8.encode(b4Mbx([PATCH_1])), 1 << 16);
  const index = new LineIndex();
  index.push(utf8.encode(b4Mbx([PATCH_1])));
  const [message] = fromBatch(structuredClone(toBatch(items, undefined, index)));
  assert.throws(() => message.body, /no reader/);
});
