// UTF-8 decoding for the import worker (Node only): stretches of ASCII, most of a mailbox, are read as
// Latin-1 by Buffer (a copy), the rest by TextDecoder, which took a third of the worker's time on its own.
import { isAscii } from 'node:buffer';

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/**
 * The text of `bytes` as `new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes)` gives it. Blocks of
 * `block` bytes that are all ASCII are copied as they are; runs of the other blocks go to the decoder whole.
 * `knownAscii`: the caller has checked that every byte is below 0x80.
 * A cut between an ASCII block and another cannot split a sequence or change how a malformed one is
 * replaced: an ASCII byte is never part of a sequence, and ends a malformed one wherever it stands.
 */
export function decodeUtf8(bytes: Uint8Array, block = 64 * 1024, knownAscii = false): string {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (knownAscii) return buf.toString('latin1');
  if (typeof isAscii !== 'function') return decoder.decode(bytes);
  const n = buf.length;
  if (isAscii(buf)) return buf.toString('latin1');
  const ascii = (at: number) => isAscii(buf.subarray(at, Math.min(at + block, n)));
  const parts: string[] = [];
  for (let i = 0; i < n;) {
    let j = i;
    while (j < n && ascii(j)) j += block;
    j = Math.min(j, n);
    if (j > i) parts.push(buf.toString('latin1', i, j));
    let k = j;
    while (k < n && !ascii(k)) k += block;
    k = Math.min(k, n);
    if (k > j) parts.push(decoder.decode(buf.subarray(j, k)));
    i = k;
  }
  return parts.join('');
}
