// The engine's reading of a clean document from its file: taken only when its lines are the editor's (VS Code's
// line-break normalisation and byte-order mark handling included), refused with a reason otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { editorTextOfFile, type EditorLines } from '../../../extension/engine/diskText';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'timens-disk-'));
const write = (name: string, bytes: string | Buffer): string => { const f = path.join(dir, name); fs.writeFileSync(f, bytes); return f; };

/** What VS Code's editor has for a text whose line breaks are already its own. */
function editorOf(text: string, eol: '\n' | '\r\n'): EditorLines {
  const lines = text.split(eol);
  return { eol, lineCount: lines.length, probes: [0, Math.floor(lines.length / 2), lines.length - 1].filter((v, i, a) => a.indexOf(v) === i).map((l) => [l, lines[l]!] as const) };
}

test('an ASCII file whose lines are the editor\'s is read as it is', () => {
  const text = 'kernel 6.18\nP1: unshare(CLONE_NEWTIME)\nP1: fork() = P2\n';
  assert.deepEqual(editorTextOfFile(write('a.timens', text), editorOf(text, '\n')), { text });
  const crlf = text.replace(/\n/g, '\r\n');
  assert.deepEqual(editorTextOfFile(write('b.timens', crlf), editorOf(crlf, '\r\n')), { text: crlf });
});

test('mixed line breaks become the editor\'s end of line, and a UTF-8 byte-order mark is dropped, as VS Code does', () => {
  const file = write('mixed.timens', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('a\r\nb\nc\rd\r\n')]));
  assert.deepEqual(editorTextOfFile(file, editorOf('a\r\nb\r\nc\r\nd\r\n', '\r\n')), { text: 'a\r\nb\r\nc\r\nd\r\n' });
  assert.deepEqual(editorTextOfFile(file, editorOf('a\nb\nc\nd\n', '\n')), { text: 'a\nb\nc\nd\n' });
});

test('a file that may not be the editor\'s text is refused, with the reason', () => {
  const text = 'P1: unshare(CLONE_NEWTIME)\nP1: fork() = P2\n';
  const file = write('c.timens', text);
  const reason = (f: string, e: EditorLines): string => { const r = editorTextOfFile(f, e); assert.ok('reason' in r, JSON.stringify(r)); return r.reason; };
  // Changed on disk since the editor read it: a line, or the count of lines.
  assert.match(reason(file, { ...editorOf(text, '\n'), probes: [[1, 'P1: fork() = P3']] }), /line 2 differs/);
  assert.match(reason(file, { ...editorOf(text, '\n'), lineCount: 4 }), /3 lines, the editor 4/);
  assert.match(reason(file, { eol: '\n', lineCount: 3, probes: [[5, '']] }), /line 6 is past/);
  // Bytes whose text depends on the encoding the user chose, a UTF-16 file, a file that is gone.
  assert.match(reason(write('d.timens', '# café\n'), editorOf('# café\n', '\n')), /above 0x7f/);
  assert.match(reason(write('e.timens', Buffer.from('\ufeffP1\n', 'utf16le')), editorOf('P1\n', '\n')), /above 0x7f/);
  assert.match(reason(write('f.timens', 'P\u00001\n'), editorOf('P\u00001\n', '\n')), /NUL/);
  assert.match(reason(path.join(dir, 'gone.timens'), editorOf(text, '\n')), /cannot read the file \(ENOENT\)/);
  // The editor's encoding, where VS Code says it: another one than UTF-8 for bytes above 0x7f, UTF-16 for any file;
  // a file the editor reads as UTF-8 that is not UTF-8 (the editor shows replacement characters).
  assert.match(reason(write('g.timens', Buffer.from('# caf\xe9\n', 'latin1')), { ...editorOf('# café\n', '\n'), encoding: 'windows1252' }), /reads it as windows1252/);
  assert.match(reason(file, { ...editorOf(text, '\n'), encoding: 'utf16le' }), /reads the file as utf16le/);
  assert.match(reason(write('h.timens', Buffer.from('# caf\xe9\n', 'latin1')), { ...editorOf('# caf\ufffd\n', '\n'), encoding: 'utf8' }), /not valid UTF-8/);
});

test('a file the editor reads as UTF-8 is decoded so: bytes above 0x7f, with or without a byte-order mark', () => {
  const text = '# Reported-by: Thomas Weißschuh\nP1: unshare(CLONE_NEWTIME) # naïve → ok\n';
  assert.deepEqual(editorTextOfFile(write('u.timens', text), { ...editorOf(text, '\n'), encoding: 'utf8' }), { text });
  const bom = write('v.timens', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text.replace(/\n/g, '\r\n'))]));
  const crlf = text.replace(/\n/g, '\r\n');
  assert.deepEqual(editorTextOfFile(bom, { ...editorOf(crlf, '\r\n'), encoding: 'utf8bom' }), { text: crlf });
  // A line the editor shows otherwise (another encoding chosen after all) is still caught by the probes.
  assert.ok('reason' in editorTextOfFile(write('w.timens', text), { ...editorOf(text.replace('ß', 'Ã\u009f'), '\n'), encoding: 'utf8' }));
});
