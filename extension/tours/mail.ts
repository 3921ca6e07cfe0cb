// Mail decoding for patch series: RFC 2822 headers (folding), RFC 2047 encoded words, MIME multipart,
// quoted-printable and base64 bodies. Pure TS; used by series.ts on every message of a mailbox.

import { oneLine } from '../sim/oneLine';

/** A problem found while reading; `line` and `column` are 1-based positions in the source text. */
export interface SeriesDiagnostic {
  readonly line: number;
  readonly column: number;
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
}

/** Where readers put their problems: an array, or a sink that keeps the first few thousand (see series.ts). */
export interface DiagnosticSink {
  push(d: SeriesDiagnostic): unknown;
}

/** Keeps the first `limit` problems and counts the rest, so hostile input cannot make millions of them. */
export class DiagnosticList implements DiagnosticSink {
  readonly items: SeriesDiagnostic[] = [];
  dropped = 0;
  constructor(readonly limit = 1000) {}

  push(d: SeriesDiagnostic): void {
    // a message is one line, and it may quote a path or subject of the mail ('no hunks for a/x\r…' from a damaged part)
    if (this.items.length < this.limit) this.items.push({ ...d, message: oneLine(d.message) });
    else this.dropped++;
  }

  /** The kept problems, and one closing note saying how many more there were. */
  list(): SeriesDiagnostic[] {
    if (this.dropped === 0) return this.items;
    const last = this.items[this.items.length - 1];
    return [...this.items, { line: last?.line ?? 1, column: 1, severity: 'warning', message: `${this.dropped} more problems were found and are not listed (only the first ${this.limit} are kept)` }];
  }
}

/** How deep message/rfc822 and multipart parts may nest before the rest of a message is skipped. */
export const MAX_MIME_DEPTH = 8;

export interface MailHeader {
  readonly name: string;      // as written, e.g. 'Subject'
  readonly value: string;     // unfolded and decoded
  readonly line: number;      // 1-based source line where the header starts
}

/** One decoded text part of a message, with the source line its body starts on. */
export interface TextPart {
  readonly contentType: string;
  readonly filename: string | null;
  readonly text: string;
  /** 1-based source line of the first body line; null when the body was transfer-encoded (no 1:1 mapping). */
  readonly sourceLine: number | null;
  /** 1-based source line where the part's body starts, encoded or not: where a problem in its decoded text is reported. */
  readonly startLine: number;
}

export interface DecodedMail {
  readonly headers: readonly MailHeader[];
  readonly parts: readonly TextPart[];
  readonly diagnostics: readonly SeriesDiagnostic[];
}

const HEADER_LINE = /^([!-9;-~]+):[ \t]?(.*)$/;

/** The lines of a message, and their text between two line indices: a slice of the source where it has one
 *  (no copy), else the lines joined. */
export interface LineSource {
  readonly lines: readonly string[];
  text(from: number, to: number): string;
}

export function arrayLines(lines: readonly string[]): LineSource {
  return { lines, text: (from, to) => lines.slice(from, to).join('\n') };
}

/** Reads a header block starting at `lines[start]`; returns the headers and the index of the first body line. */
export function readHeaders(lines: readonly string[], start: number, lineBase: number, diags: DiagnosticSink): { headers: MailHeader[]; bodyStart: number } {
  const headers: { name: string; raw: string; line: number }[] = [];
  let i = start;
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (line === '') { i++; break; }
    if (/^[ \t]/.test(line)) {
      const last = headers[headers.length - 1];
      if (last) last.raw += ' ' + line.trim();
      else diags.push({ line: lineBase + i, column: 1, severity: 'warning', message: 'continuation line before any header; ignored' });
      continue;
    }
    const m = HEADER_LINE.exec(line);
    if (!m) {
      // A line that is not a header ends the block: treat it as the first body line.
      diags.push({ line: lineBase + i, column: 1, severity: 'warning', message: `expected a header ("Name: value") or an empty line before the body; body assumed to start here` });
      break;
    }
    headers.push({ name: m[1], raw: m[2], line: lineBase + i });
  }
  return { headers: headers.map((h) => ({ name: h.name, value: decodeEncodedWords(h.raw.trim()), line: h.line })), bodyStart: i };
}

export function header(headers: readonly MailHeader[], name: string): string | undefined {
  const lower = name.toLowerCase();
  // Names are ASCII (HEADER_LINE): a name of another length cannot match, and most are.
  for (const h of headers) if (h.name.length === lower.length && h.name.toLowerCase() === lower) return h.value;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// RFC 2047 encoded words, charsets, transfer encodings
// ---------------------------------------------------------------------------------------------

const ENCODED_WORD = /=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=/g;

/** Decodes `=?charset?B|Q?…?=` words; whitespace between two adjacent encoded words disappears (RFC 2047 §6.2). */
export function decodeEncodedWords(value: string): string {
  if (!value.includes('=?')) return value;
  const joined = value.replace(/(=\?[^?\s]+\?[bBqQ]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[bBqQ]\?)/g, '$1');
  return joined.replace(ENCODED_WORD, (whole, charset: string, enc: string, text: string) => {
    try {
      const bytes = enc.toUpperCase() === 'B' ? base64Bytes(text) : qpBytes(text.replace(/_/g, ' '), false);
      return decodeCharset(bytes, charset.replace(/\*.*$/, ''));
    } catch {
      return whole;
    }
  });
}

export function decodeCharset(bytes: Uint8Array, charset: string | undefined): string {
  const cs = (charset ?? 'utf-8').trim().toLowerCase();
  if (cs === 'us-ascii' || cs === 'ascii' || cs === 'iso-8859-1' || cs === 'latin1' || cs === 'latin-1') {
    // Byte n is U+00nn (TextDecoder's 'latin1' is windows-1252, which differs in 0x80-0x9f).
    const parts: string[] = [];
    for (let i = 0; i < bytes.length; i += 8192) parts.push(String.fromCharCode(...bytes.subarray(i, i + 8192)));
    return parts.join('');
  }
  try {
    return new TextDecoder(cs).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Character code → 6-bit value, -1 outside the alphabet. */
const B64_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < B64.length; i++) B64_VALUE[B64.charCodeAt(i)] = i;

/** Base64 to bytes; characters outside the alphabet (line breaks, spaces) are skipped. */
export function base64Bytes(text: string): Uint8Array {
  const out = new Uint8Array(Math.ceil((text.length * 3) / 4));
  let n = 0;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3d) break; // '='
    const v = c < 128 ? B64_VALUE[c] : -1;
    if (v < 0) continue;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out.subarray(0, n);
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

const utf8 = new TextEncoder();

/**
 * Quoted-printable to bytes, in one pass. `body`: soft line breaks (`=` at the end of a line, before
 * `\n` or `\r\n`) join lines. An `=` not followed by two hex digits is kept as it is; characters above
 * U+007F (a mail sent 8-bit despite its header) are kept as their UTF-8 bytes.
 */
export function qpBytes(text: string, body = true): Uint8Array {
  // ASCII never grows (an escape of three characters is one byte): the output is as long as the text at
  // most, until a character above U+007F, which takes up to three bytes per UTF-16 unit. Allocating three
  // times the text up front cost a fresh, page-faulted buffer on every long body.
  let out = new Uint8Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3d) {
      if (body && text.charCodeAt(i + 1) === 0x0a) { i += 1; continue; }
      if (body && text.charCodeAt(i + 1) === 0x0d && text.charCodeAt(i + 2) === 0x0a) { i += 2; continue; }
      const hi = hexValue(text.charCodeAt(i + 1));
      const lo = hi < 0 ? -1 : hexValue(text.charCodeAt(i + 2));
      if (lo >= 0) { out[n++] = (hi << 4) | lo; i += 2; continue; }
      out[n++] = c;
    } else if (c < 0x80) {
      out[n++] = c;
    } else {
      // A run of non-ASCII characters is encoded at once (surrogate pairs stay together).
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) >= 0x80) j++;
      const need = n + (j - i) * 3 + (text.length - j);
      if (need > out.length) {
        const grown = new Uint8Array(Math.max(need, out.length * 2));
        grown.set(out.subarray(0, n));
        out = grown;
      }
      n += utf8.encodeInto(text.slice(i, j), out.subarray(n)).written;
      i = j - 1;
    }
  }
  return out.subarray(0, n);
}

/** The line without its trailing spaces and tabs (a loop, not /[ \t]+$/, which is quadratic on long runs). */
export function trimTrailingBlanks(line: string): string {
  let end = line.length;
  while (end > 0) {
    const c = line.charCodeAt(end - 1);
    if (c !== 0x20 && c !== 0x09) break;
    end--;
  }
  return end === line.length ? line : line.slice(0, end);
}

// ---------------------------------------------------------------------------------------------
// MIME
// ---------------------------------------------------------------------------------------------

export interface ContentType {
  readonly type: string;                      // 'text/plain', lower case
  readonly params: Readonly<Record<string, string>>;
}

export function parseContentType(value: string | undefined): ContentType {
  if (!value) return { type: 'text/plain', params: {} };
  const [type, ...rest] = splitParams(value);
  const params: Record<string, string> = {};
  for (const p of rest) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    let v = p.slice(eq + 1).trim();
    if (v.startsWith('"') && v.endsWith('"') && v.length >= 2) v = v.slice(1, -1).replace(/\\(.)/g, '$1');
    params[p.slice(0, eq).trim().toLowerCase()] = v;
  }
  return { type: type.trim().toLowerCase() || 'text/plain', params };
}

function splitParams(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"' && value[i - 1] !== '\\') quoted = !quoted;
    if (c === ';' && !quoted) { out.push(cur); cur = ''; continue; }
    cur += c;
  }
  out.push(cur);
  return out;
}

/**
 * Decodes the body of one message (or MIME part) into its text parts. `src` holds the whole message,
 * `bodyStart`/`bodyEnd` the body's line range, `lineBase` what to add to an index to get a 1-based line.
 */
export function decodeBody(headers: readonly MailHeader[], src: LineSource, bodyStart: number, bodyEnd: number, lineBase: number, diags: DiagnosticSink, depth = 0): TextPart[] {
  if (depth > MAX_MIME_DEPTH) {
    // Each level costs a stack frame and a pass over its lines: a bound keeps hostile nesting linear and off the stack limit.
    diags.push({ line: lineBase + bodyStart, column: 1, severity: 'error', message: `MIME parts (multipart or message/rfc822) nested more than ${MAX_MIME_DEPTH} deep; the rest of this message is skipped` });
    return [];
  }
  const ct = parseContentType(header(headers, 'Content-Type'));
  const cte = (header(headers, 'Content-Transfer-Encoding') ?? '7bit').trim().toLowerCase();
  const disposition = parseContentType(header(headers, 'Content-Disposition'));
  const filename = disposition.params.filename ?? ct.params.name ?? null;
  if (ct.type.startsWith('multipart/')) {
    const boundary = ct.params.boundary;
    if (!boundary) {
      diags.push({ line: lineBase + bodyStart, column: 1, severity: 'error', message: `${ct.type} without a boundary parameter; the body is shown as plain text` });
      return [plainPart('text/plain', filename, src, bodyStart, bodyEnd, lineBase)];
    }
    return decodeMultipart(boundary, src, bodyStart, bodyEnd, lineBase, diags, depth);
  }
  if (ct.type === 'message/rfc822') {
    const inner = readHeaders(src.lines, bodyStart, lineBase, diags);
    return decodeBody(inner.headers, src, inner.bodyStart, bodyEnd, lineBase, diags, depth + 1);
  }
  const isText = ct.type.startsWith('text/') || /\.(patch|diff|txt)$/i.test(filename ?? '') || ct.type === 'application/octet-stream' && filename !== null;
  if (!isText) return [];
  const raw = src.text(bodyStart, bodyEnd);
  if (cte === 'quoted-printable') {
    return [{ contentType: ct.type, filename, text: decodeCharset(qpBytes(raw), ct.params.charset), sourceLine: null, startLine: lineBase + bodyStart }];
  }
  if (cte === 'base64') {
    const clean = raw.replace(/\s+/g, '');
    if (/[^A-Za-z0-9+/=]/.test(clean)) {
      diags.push({ line: lineBase + bodyStart, column: 1, severity: 'warning', message: 'base64 body contains characters outside the base64 alphabet; they were skipped' });
    }
    return [{ contentType: ct.type, filename, text: decodeCharset(base64Bytes(clean), ct.params.charset).replace(/\r\n/g, '\n'), sourceLine: null, startLine: lineBase + bodyStart }];
  }
  if (!['7bit', '8bit', 'binary', ''].includes(cte)) {
    diags.push({ line: lineBase + bodyStart, column: 1, severity: 'warning', message: `unknown Content-Transfer-Encoding "${cte}"; the body is shown as it is` });
  }
  return [plainPart(ct.type, filename, src, bodyStart, bodyEnd, lineBase)];
}

function plainPart(type: string, filename: string | null, src: LineSource, start: number, end: number, lineBase: number): TextPart {
  return { contentType: type, filename, text: src.text(start, end), sourceLine: lineBase + start, startLine: lineBase + start };
}

function decodeMultipart(boundary: string, src: LineSource, start: number, end: number, lineBase: number, diags: DiagnosticSink, depth: number): TextPart[] {
  const lines = src.lines;
  const delimiter = '--' + boundary;
  const parts: { from: number; to: number }[] = [];
  let open = -1;
  let closed = false;
  for (let i = start; i < end; i++) {
    const l = trimTrailingBlanks(lines[i]);
    if (l === delimiter || l === delimiter + '--') {
      if (open >= 0) parts.push({ from: open, to: i });
      if (l.endsWith('--') && l !== delimiter) { closed = true; open = -1; break; }
      open = i + 1;
    }
  }
  if (open >= 0) {
    parts.push({ from: open, to: end });
  }
  if (parts.length === 0) {
    diags.push({ line: lineBase + start, column: 1, severity: 'error', message: `multipart boundary "${boundary}" never appears; the body is shown as plain text` });
    return [plainPart('text/plain', null, src, start, end, lineBase)];
  }
  if (!closed) {
    diags.push({ line: lineBase + end - 1, column: 1, severity: 'warning', message: `multipart body ends without the closing boundary "${delimiter}--" (truncated message?)` });
  }
  const out: TextPart[] = [];
  for (const p of parts) {
    // A part whose boundary line is followed directly by content has no headers (implicit text/plain).
    const hasHeaders = p.from < p.to && HEADER_LINE.test(lines[p.from]);
    const h = hasHeaders ? readHeaders(lines, p.from, lineBase, diags) : { headers: [] as MailHeader[], bodyStart: p.from < p.to && lines[p.from] === '' ? p.from + 1 : p.from };
    // The line break before a boundary belongs to the boundary.
    for (const part of decodeBody(h.headers, src, h.bodyStart, p.to, lineBase, diags, depth + 1)) out.push(part);
  }
  return out;
}
