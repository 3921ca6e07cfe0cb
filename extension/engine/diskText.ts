// A clean document's text read by the engine from its file, so that the extension host need not copy a large
// text to the worker; taken only when it is, line for line, what the editor shows (else the host sends it).
import { isAscii } from 'node:buffer';
import * as fs from 'node:fs';

/** What the editor has, for the engine to check the file against. */
export interface EditorLines {
  /** The document's end of line: VS Code turns every line break of a file with mixed ones into it. */
  readonly eol: '\n' | '\r\n';
  readonly lineCount: number;
  /** Some lines as the editor has them: [line number, text], in increasing line order. */
  readonly probes: readonly (readonly [number, string])[];
  /** The encoding the editor read the file with ('utf8', 'utf8bom', 'windows1252'…: TextDocument.encoding, VS Code
   *  1.100 on), absent where VS Code does not say. */
  readonly encoding?: string;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * The file's text as the editor shows it, or why it cannot be known from the file alone. A file the editor read
 * as UTF-8 is decoded so (and refused if it is not valid UTF-8: the editor shows replacement characters then);
 * where the editor's encoding is not known, or another one, only an all-ASCII file (after a UTF-8 byte-order
 * mark, which the editor drops) is taken: every encoding VS Code offers but UTF-16 reads it the same, where a
 * byte above 0x7f depends on the encoding.
 */
export function editorTextOfFile(file: string, editor: EditorLines): { text: string } | { reason: string } {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    return { reason: `cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
  }
  const { encoding } = editor;
  if (encoding === 'utf16le' || encoding === 'utf16be') return { reason: `the editor reads the file as ${encoding}` };
  const bom = UTF8_BOM.every((b, i) => bytes[i] === b) ? UTF8_BOM.length : 0;
  const body = bytes.subarray(bom);
  const ascii = isAscii(body);
  if (!ascii && encoding !== 'utf8' && encoding !== 'utf8bom') {
    return { reason: `the file has bytes above 0x7f and the editor ${encoding ? `reads it as ${encoding}` : 'does not say its encoding'}` };
  }
  if (body.includes(0)) return { reason: 'the file has NUL bytes' };
  let text: string;
  try {
    text = ascii ? body.toString('latin1') : utf8.decode(body);
  } catch {
    return { reason: 'the file is not valid UTF-8' };
  }
  const mixed = editor.eol === '\n' ? text.includes('\r') : /\r(?!\n)|(?<!\r)\n/.test(text);
  if (mixed) text = text.replace(/\r\n|\r|\n/g, editor.eol);
  const differs = firstDifference(text, editor);
  return differs ? { reason: differs } : { text };
}

/** Refuses what is not UTF-8; a byte-order mark is taken off before. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Where the text's lines differ from the editor's (count or a probed line), or undefined. */
function firstDifference(text: string, editor: EditorLines): string | undefined {
  const { eol, probes } = editor;
  let line = 0;
  let start = 0;
  let next = 0;
  for (;;) {
    const end = text.indexOf(eol, start);
    const stop = end < 0 ? text.length : end;
    if (next < probes.length && probes[next]![0] === line) {
      if (text.slice(start, stop) !== probes[next]![1]) return `line ${line + 1} differs from the editor's`;
      next++;
    }
    if (end < 0) break;
    start = end + eol.length;
    line++;
  }
  if (line + 1 !== editor.lineCount) return `the file has ${line + 1} lines, the editor ${editor.lineCount}`;
  return next < probes.length ? `line ${probes[next]![0] + 1} is past the file's end` : undefined;
}
