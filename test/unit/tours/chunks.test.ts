// The series reader fed bytes in pieces, as the import worker feeds it a stream: wherever the pieces split
// a UTF-8 sequence, a CR LF pair, a byte-order mark or a malformed sequence, the series is the one a
// whole-input UTF-8 decoding gives (U+FFFD for the malformed bytes, the leading byte-order mark dropped).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSeries, SeriesReader } from '../../../extension/tours/seriesReader';
import { b4Mbx, PATCH_1, PATCH_2 } from './fixtures';

function inPieces(bytes: Uint8Array, cuts: readonly number[]) {
  const reader = new SeriesReader('pieces');
  let at = 0;
  for (const c of [...cuts, bytes.length]) {
    reader.push(bytes.subarray(at, c));
    at = c;
  }
  return reader.end();
}

function bytesOf(...parts: (string | number[])[]): Uint8Array {
  const enc = new TextEncoder();
  return Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...enc.encode(p)] : p)));
}

// Café, a euro sign (3 bytes), an emoji (4 bytes), CR LF line ends, and bytes that are not UTF-8: a lone
// continuation byte, a cut 3-byte sequence in the middle, an overlong form and a cut sequence at the very end.
const MAILBOX = bytesOf(
  [0xef, 0xbb, 0xbf],
  b4Mbx([PATCH_1.replace('Map the data page', 'Caf\u00e9 \u20ac \u{1f600} map the data page'), PATCH_2]).replace(/\n/g, '\r\n'),
  'Bad bytes: ', [0x80, 0x41, 0xe2, 0x82, 0x41, 0xc0, 0xaf], '\n', 'end ', [0xf0, 0x9f, 0x98],
);

test('bytes split at every position read like the whole input decoded at once', () => {
  const expected = parseSeries(new TextDecoder('utf-8').decode(MAILBOX), 'pieces');
  assert.ok(expected.patches.length === 2 && expected.patches[0].body.includes('Caf\u00e9 \u20ac \u{1f600}'));
  for (let cut = 0; cut <= MAILBOX.length; cut++) assert.deepEqual(inPieces(MAILBOX, [cut]), expected, `one cut at byte ${cut}`);
  // Every piece one byte long: each sequence and each CR LF is split.
  assert.deepEqual(inPieces(MAILBOX, Array.from({ length: MAILBOX.length }, (_, i) => i)), expected);
});

test('a byte-order mark goes only at the start of the bytes, even when it comes alone or cut', () => {
  const text = bytesOf([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf], 'Subject: x\n\nbody \u00e9\n', [0xef, 0xbb, 0xbf], 'more\n');
  const expected = parseSeries(new TextDecoder('utf-8').decode(text), 'pieces');
  for (const cuts of [[1], [2], [3], [4], [3, 6], [1, 2, 3, 4, 5]]) assert.deepEqual(inPieces(text, cuts), expected, `cuts ${cuts.join(',')}`);
});
