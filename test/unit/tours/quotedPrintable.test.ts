// Quoted-printable decoding: escapes, soft line breaks (LF and CR LF), a lone '=', and characters above
// U+007F sent 8-bit despite the header (kept as their UTF-8 bytes), wherever they stand and however many.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { qpBytes } from '../../../extension/tours/mail';

/** What the decoding gives, written the plain way: one piece at a time. */
function reference(text: string, body = true): number[] {
  const out: number[] = [];
  const enc = new TextEncoder();
  for (let i = 0; i < text.length; i++) {
    const rest = text.slice(i);
    if (body && rest.startsWith('=\n')) { i += 1; continue; }
    if (body && rest.startsWith('=\r\n')) { i += 2; continue; }
    const hex = /^=([0-9A-Fa-f]{2})/.exec(rest);
    if (hex) { out.push(parseInt(hex[1], 16)); i += 2; continue; }
    const wide = /^[^\x00-\x7f]+/u.exec(rest) ?? /^[^\x00-\x7f]+/.exec(rest);
    if (wide) { out.push(...enc.encode(wide[0])); i += wide[0].length - 1; continue; }
    out.push(text.charCodeAt(i));
  }
  return out;
}

test('quoted-printable bytes: escapes, soft breaks, a lone =, and 8-bit text at the start, the end and in many runs', () => {
  const pieces = ['Caf=C3=A9', '=\n', '=\r\n', '= x', '=', '=3D', '=zz', '\u00e9', '\u20ac\u20ac', '\u{1f600}', 'plain ', '\r\n', '=c3=a9', '\uD800'];
  let x = 7;
  const next = () => (x = (x * 1103515245 + 12345) >>> 0) >>> 8;
  for (let round = 0; round < 300; round++) {
    let text = '';
    const count = 1 + (next() % 20);
    for (let k = 0; k < count; k++) text += pieces[next() % pieces.length];
    for (const body of [true, false]) assert.deepEqual([...qpBytes(text, body)], reference(text, body), JSON.stringify(text));
  }
  // Every character wide: the output grows to three bytes per UTF-16 unit.
  const wide = '\u20ac'.repeat(1000) + 'x=41';
  assert.deepEqual([...qpBytes(wide)], reference(wide));
  assert.equal(qpBytes(wide).length, 3002);
});
