// The import worker sends a message's source as the bytes it came in when the reader kept them (an all-ASCII
// chunk): wherever the chunks split the input, those bytes are the source text's UTF-8, and a batch mixing
// kept bytes with encoded texts rebuilds every message exactly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAscii } from 'node:buffer';
import { fromBatch, toBatch, type BatchItem } from '../../../extension/tours/importProtocol';
import { parseSeries, SeriesReader } from '../../../extension/tours/seriesReader';
import { b4Mbx, COVER, mimePatch, PATCH_1, PATCH_2 } from './fixtures';

/** The reader's items when `bytes` is pushed in pieces cut at `cuts`, with the worker's ASCII test. */
function itemsInPieces(bytes: Uint8Array, cuts: readonly number[]): BatchItem[] {
  const items: BatchItem[] = [];
  const reader = new SeriesReader('pieces', (message, from) => items.push({ message, from }), true, undefined, isAscii);
  let at = 0;
  for (const c of [...cuts, bytes.length]) {
    reader.push(bytes.subarray(at, c));
    at = c;
  }
  reader.end();
  return items;
}

const utf8 = new TextEncoder();
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

// ASCII messages, one with non-ASCII text, one with CR LF line ends, one with mboxrd quoting, a MIME one.
const MAILBOX = utf8.encode(b4Mbx([
  COVER,
  PATCH_1,
  PATCH_2.replace('\n\n', '\n\nCaf\u00e9 \u20ac \u{1f600}\n'),
  PATCH_1.replace(/\n/g, '\r\n'),
  PATCH_2.replace('\n---\n', '\n>From the list\n>>From here\n\n---\n'),
  mimePatch(),
]));

test('kept bytes are the source text in UTF-8, for every cut of the input', () => {
  const expected: BatchItem[] = [];
  const whole = new SeriesReader('pieces', (message, from) => expected.push({ message, from }));
  whole.push(decoder.decode(MAILBOX));
  assert.deepEqual(whole.end(), parseSeries(MAILBOX, 'pieces'));
  let kept = 0;
  let notKept = 0;
  for (let cut = 0; cut <= MAILBOX.length; cut += 7) {
    const items = itemsInPieces(MAILBOX, [cut]);
    assert.deepEqual(items, expected.map((i) => ({ ...i, from: items[i.message.index]?.from })), `cut at ${cut}`);
    assert.deepEqual(items.map((i) => i.from && [i.from.text, i.from.lines, i.from.firstLine]), expected.map((i) => i.from && [i.from.text, i.from.lines, i.from.firstLine]));
    for (const { from } of items) {
      assert.ok(from);
      if (from.bytes) {
        kept++;
        assert.equal(decoder.decode(from.bytes), from.text, `cut at ${cut}, message at line ${from.firstLine}`);
      } else notKept++;
    }
    const wire = toBatch(items);
    assert.equal(typeof wire.texts, 'object');
    assert.equal(decoder.decode(wire.texts as ArrayBuffer), items.map((i) => i.from!.text).join(''), `cut at ${cut}: the batch's bytes`);
    assert.deepEqual(fromBatch(structuredClone(wire)), items.map((i) => i.message), `cut at ${cut}: rebuilt`);
  }
  // Both paths ran: the plain ASCII messages kept their bytes, the others (non-ASCII chunk, CR LF, quoting,
  // a message cut by a chunk's end) were encoded again.
  assert.ok(kept > 0 && notKept > 0, `kept ${kept}, encoded ${notKept}`);
});

test('every piece one byte long: nothing is kept (no message lies within one chunk), all still rebuilds', () => {
  const text = b4Mbx([PATCH_1, PATCH_2]);
  const bytes = utf8.encode(text);
  const items = itemsInPieces(bytes, Array.from({ length: bytes.length }, (_, i) => i));
  assert.ok(items.every((i) => i.from && !i.from.bytes));
  assert.deepEqual(fromBatch(structuredClone(toBatch(items))), items.map((i) => i.message));
});

test('a batch mixes kept bytes, ASCII texts and texts that grow in UTF-8, in any order; a lone surrogate sends text', () => {
  const ascii = itemsInPieces(utf8.encode(b4Mbx([PATCH_1, PATCH_2, COVER])), []);
  assert.ok(ascii.every((i) => i.from?.bytes), 'one ASCII chunk: every message keeps its bytes');
  const wideText = b4Mbx([PATCH_1.replace('\n\n', '\n\n' + '\u20ac\u{1f600}'.repeat(3000) + '\n'), PATCH_2]);
  const wide = itemsInPieces(utf8.encode(wideText), []);
  assert.ok(wide.every((i) => i.from && !i.from.bytes));
  const orders = [[...ascii, ...wide], [...wide, ...ascii], [ascii[0], wide[0], ascii[1], wide[1], ascii[2]]];
  for (const items of orders) {
    const wire = toBatch(items);
    assert.equal(decoder.decode(wire.texts as ArrayBuffer), items.map((i) => i.from!.text).join(''));
    assert.deepEqual(fromBatch(structuredClone(wire)), items.map((i) => i.message));
  }
  const odd: BatchItem[] = [];
  const reader = new SeriesReader('odd', (message, from) => odd.push({ message, from }));
  reader.push(b4Mbx([PATCH_1, PATCH_2.replace('\n\n', '\n\n\uD800 end\n')]));
  reader.end();
  const mixed = [...ascii, ...odd];
  const wire = toBatch(mixed);
  assert.equal(typeof wire.texts, 'string');
  assert.deepEqual(fromBatch(structuredClone(wire)), mixed.map((i) => i.message));
});
