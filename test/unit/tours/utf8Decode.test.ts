// The import worker's UTF-8 decoding reads every byte string as TextDecoder does: ASCII blocks, blocks with
// other bytes, sequences and malformed bytes at every block edge, and a byte-order mark kept.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeUtf8 } from '../../../extension/tours/utf8Decode';

const reference = new TextDecoder('utf-8', { ignoreBOM: true });

/** A deterministic byte string of ASCII runs and of UTF-8 sequences, whole, cut and malformed. */
function sample(seed: number, length: number): Uint8Array {
  let x = seed;
  const next = () => (x = (x * 1103515245 + 12345) >>> 0) >>> 8;
  const pieces = [[0x41], [0x0a], [0xc3, 0xa9], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80], [0xef, 0xbb, 0xbf], [0x80], [0xe2, 0x82], [0xc0, 0xaf], [0xff], [0xf0, 0x9f]];
  const out: number[] = [];
  while (out.length < length) {
    const run = next() % 12;
    for (let i = 0; i < run; i++) out.push(0x20 + (next() % 95));
    out.push(...pieces[next() % pieces.length]);
  }
  return Uint8Array.from(out.slice(0, length));
}

test('decodeUtf8 equals TextDecoder on mixed, malformed and ASCII bytes, for every block size', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const bytes = sample(seed, 300);
    for (const block of [1, 2, 3, 4, 5, 7, 16, 64, 1024]) {
      assert.equal(decodeUtf8(bytes, block), reference.decode(bytes), `seed ${seed}, blocks of ${block}`);
      // Every start, so each sequence meets a block edge at each of its bytes.
      for (let from = 1; from < 8; from++) assert.equal(decodeUtf8(bytes.subarray(from), block), reference.decode(bytes.subarray(from)));
    }
  }
  const ascii = new TextEncoder().encode('From a@b Mon\nSubject: x\n\n'.repeat(100));
  assert.equal(decodeUtf8(ascii), reference.decode(ascii));
  assert.equal(decodeUtf8(new Uint8Array(0)), '');
  assert.equal(decodeUtf8(Uint8Array.from([0xef, 0xbb, 0xbf, 0x41])), '\uFEFFA', 'the byte-order mark is kept (the reader drops it)');
});
