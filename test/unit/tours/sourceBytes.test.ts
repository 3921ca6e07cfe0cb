// The import worker sends an all-ASCII input chunk to the host as it is, and a message lying in it as a place
// in it: wherever the chunks split the input, that place holds the source text, and a batch mixing places in
// chunks with encoded texts rebuilds every message exactly. Each chunk travels once, and only when it is whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAscii } from 'node:buffer';
import { fromBatch, HostSide } from '../../../extension/tours/importHost';
import { InputChunks, toBatch, type BatchItem } from '../../../extension/tours/importProtocol';
import { parseSeries, SeriesReader } from '../../../extension/tours/seriesReader';
import { b4Mbx, COVER, mimePatch, PATCH_1, PATCH_2 } from './fixtures';
import { plainMessages } from './plain';

/** The worker's way: each piece (a buffer of its own, as a file stream gives) registered, then pushed. */
function readInPieces(bytes: Uint8Array, cuts: readonly number[], own = true) {
  const items: BatchItem[] = [];
  const input = new InputChunks();
  const pieces: Uint8Array[] = [];
  let travels = false;
  const reader = new SeriesReader('pieces', (message, from) => items.push({ message, from }), true, undefined, () => travels);
  let at = 0;
  for (const c of [...cuts, bytes.length]) {
    const piece = own ? bytes.slice(at, c) : bytes.subarray(at, c);
    pieces.push(piece);
    travels = input.add(piece, isAscii);
    reader.push(piece);
    at = c;
  }
  const series = reader.end();
  return { items, input, pieces, series };
}

/** A host that has chunk 0 from an earlier batch. */
function sentBefore(chunk: Uint8Array): HostSide {
  const host = new HostSide();
  host.take({ chunks: [[0, chunk.buffer as ArrayBuffer]] });
  return host;
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

test('a place in a chunk holds the source text, for every cut of the input; the batches rebuild every message', () => {
  const expected: BatchItem[] = [];
  const whole = new SeriesReader('pieces', (message, from) => expected.push({ message, from }));
  whole.push(decoder.decode(MAILBOX));
  assert.deepEqual(whole.end(), parseSeries(MAILBOX, 'pieces'));
  const strip = (i: BatchItem) => [i.message, i.from && [i.from.text, i.from.lines, i.from.firstLine]];
  let placed = 0;
  let encoded = 0;
  for (let cut = 0; cut <= MAILBOX.length; cut += 5) {
    const { items, input, pieces, series } = readInPieces(MAILBOX, [cut]);
    assert.deepEqual(series, parseSeries(MAILBOX, 'pieces'), `cut at ${cut}`);
    assert.deepEqual(items.map(strip), expected.map(strip), `cut at ${cut}`);
    for (const { from } of items) {
      if (!from?.bytes) { encoded++; continue; }
      placed++;
      const { chunk, start, end } = from.bytes;
      assert.equal(decoder.decode(pieces[chunk].subarray(start, end)), from.text, `cut at ${cut}, message at line ${from.firstLine}`);
    }
    // Two batches, as the worker posts them: a chunk may serve both, and travels once.
    const half = items.length >> 1;
    const wires = [toBatch(items.slice(0, half), input), toBatch(items.slice(half), input)];
    const sent = wires.flatMap((w) => (w.chunks ?? []).map(([id]) => id));
    assert.deepEqual(sent, [...new Set(sent)].sort((a, b) => a - b), 'each chunk once, in order');
    const host = new HostSide();
    const back = wires.flatMap((w) => fromBatch(structuredClone(w), host));
    assert.deepEqual(plainMessages(back), items.map((i) => i.message), `cut at ${cut}: rebuilt`);
  }
  // Both ways ran: the plain ASCII messages lay in an ASCII chunk, the others (a non-ASCII chunk, CR LF,
  // quoting, a message cut by a chunk's end) were encoded again.
  assert.ok(placed > 0 && encoded > 0, `placed ${placed}, encoded ${encoded}`);
});

test('a chunk that is a view into a larger buffer, or not ASCII, does not travel: its messages are encoded', () => {
  const text = b4Mbx([PATCH_1, PATCH_2]);
  const shared = readInPieces(utf8.encode(text), [100], false);
  assert.ok(shared.items.every((i) => i.from && !i.from.bytes));
  const wide = readInPieces(utf8.encode(text.replace('\n\n', '\n\n\u00e9\n')), []);
  assert.ok(wide.items.every((i) => i.from && !i.from.bytes));
  for (const { items, input } of [shared, wide]) {
    const wire = toBatch(items, input);
    assert.equal(wire.chunks, undefined);
    assert.deepEqual(plainMessages(fromBatch(structuredClone(wire))), items.map((i) => i.message));
  }
  // Every piece one byte long: no message lies within one chunk.
  const bytes = utf8.encode(text);
  const single = readInPieces(bytes, Array.from({ length: bytes.length }, (_, i) => i));
  assert.ok(single.items.every((i) => i.from && !i.from.bytes));
  assert.equal(toBatch(single.items, single.input).chunks, undefined);
});

test('a batch mixes places in chunks with texts that grow in UTF-8, in any order; a lone surrogate sends text', () => {
  const ascii = readInPieces(utf8.encode(b4Mbx([PATCH_1, PATCH_2, COVER])), []);
  assert.ok(ascii.items.every((i) => i.from?.bytes), 'one ASCII chunk: every message lies in it');
  const wideText = b4Mbx([PATCH_1.replace('\n\n', '\n\n' + '\u20ac\u{1f600}'.repeat(3000) + '\n'), PATCH_2]);
  const wide = readInPieces(utf8.encode(wideText), []).items;
  const a = ascii.items;
  for (const items of [[...a, ...wide], [...wide, ...a], [a[0], wide[0], a[1], wide[1], a[2]]]) {
    const wire = toBatch(items, ascii.input);
    assert.deepEqual(plainMessages(fromBatch(structuredClone(wire), sentBefore(ascii.pieces[0]))), items.map((i) => i.message));
  }
  const odd: BatchItem[] = [];
  const reader = new SeriesReader('odd', (message, from) => odd.push({ message, from }));
  reader.push(b4Mbx([PATCH_1, PATCH_2.replace('\n\n', '\n\n\uD800 end\n')]));
  reader.end();
  const mixed = [...a, ...odd];
  const wire = toBatch(mixed, ascii.input);
  assert.equal(typeof wire.texts, 'string');
  assert.deepEqual(plainMessages(fromBatch(structuredClone(wire), sentBefore(ascii.pieces[0]))), mixed.map((i) => i.message));
});
