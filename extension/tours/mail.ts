// Mail decoding for patch series: RFC 2822 headers (folding), RFC 2047 encoded words, MIME multipart,
// quoted-printable and base64 bodies. Pure TS; used by series.ts on every message of a mailbox.

/** A problem found while reading; `line` and `column` are 1-based positions in the source text. */
export interface SeriesDiagnostic {
  readonly line: number;
  readonly column: number;
  readonly severity: 'error' | 'warning' | 'info';
  readonly message: string;
}

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
}

export interface DecodedMail {
  readonly headers: readonly MailHeader[];
  readonly parts: readonly TextPart[];
  readonly diagnostics: readonly SeriesDiagnostic[];
}

const HEADER_LINE = /^([!-9;-~]+):[ \t]?(.*)$/;

/** Reads a header block starting at `lines[start]`; returns the headers and the index of the first body line. */
export function readHeaders(lines: readonly string[], start: number, lineBase: number, diags: SeriesDiagnostic[]): { headers: MailHeader[]; bodyStart: number } {
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
  return headers.find((h) => h.name.toLowerCase() === lower)?.value;
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
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return s;
  }
  try {
    return new TextDecoder(cs).decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

/** Base64 to bytes; characters outside the alphabet (line breaks, spaces) are skipped. */
export function base64Bytes(text: string): Uint8Array {
  const out: number[] = [];
  let acc = 0;
  let bits = 0;
  for (const ch of text) {
    if (ch === '=') break;
    const v = B64_INDEX.get(ch);
    if (v === undefined) continue;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push((acc >> bits) & 0xff);
    }
  }
  return Uint8Array.from(out);
}

/** Quoted-printable to bytes. `body`: soft line breaks (`=` at the end of a line) join lines. */
export function qpBytes(text: string, body = true): Uint8Array {
  const src = body ? text.replace(/=\r?\n/g, '') : text;
  const out: number[] = [];
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(src.slice(i + 1, i + 3))) {
      out.push(parseInt(src.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      const code = src.charCodeAt(i);
      if (code < 0x80) out.push(code);
      else for (const b of new TextEncoder().encode(c)) out.push(b);
    }
  }
  return Uint8Array.from(out);
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
 * Decodes the body of one message (or MIME part) into its text parts. `lines` is the whole source,
 * `bodyStart`/`bodyEnd` the body's line range, `lineBase` what to add to an index to get a 1-based line.
 */
export function decodeBody(headers: readonly MailHeader[], lines: readonly string[], bodyStart: number, bodyEnd: number, lineBase: number, diags: SeriesDiagnostic[], depth = 0): TextPart[] {
  const ct = parseContentType(header(headers, 'Content-Type'));
  const cte = (header(headers, 'Content-Transfer-Encoding') ?? '7bit').trim().toLowerCase();
  const disposition = parseContentType(header(headers, 'Content-Disposition'));
  const filename = disposition.params.filename ?? ct.params.name ?? null;
  if (ct.type.startsWith('multipart/')) {
    const boundary = ct.params.boundary;
    if (!boundary) {
      diags.push({ line: lineBase + bodyStart, column: 1, severity: 'error', message: `${ct.type} without a boundary parameter; the body is shown as plain text` });
      return [plainPart('text/plain', filename, lines, bodyStart, bodyEnd, lineBase)];
    }
    if (depth > 8) {
      diags.push({ line: lineBase + bodyStart, column: 1, severity: 'error', message: 'MIME parts nested more than 8 deep; the rest is skipped' });
      return [];
    }
    return decodeMultipart(boundary, lines, bodyStart, bodyEnd, lineBase, diags, depth);
  }
  if (ct.type === 'message/rfc822') {
    const inner = readHeaders(lines, bodyStart, lineBase, diags);
    return decodeBody(inner.headers, lines, inner.bodyStart, bodyEnd, lineBase, diags, depth + 1);
  }
  const isText = ct.type.startsWith('text/') || /\.(patch|diff|txt)$/i.test(filename ?? '') || ct.type === 'application/octet-stream' && filename !== null;
  if (!isText) return [];
  const raw = lines.slice(bodyStart, bodyEnd).join('\n');
  if (cte === 'quoted-printable') {
    return [{ contentType: ct.type, filename, text: decodeCharset(qpBytes(raw), ct.params.charset), sourceLine: null }];
  }
  if (cte === 'base64') {
    const clean = raw.replace(/\s+/g, '');
    if (/[^A-Za-z0-9+/=]/.test(clean)) {
      diags.push({ line: lineBase + bodyStart, column: 1, severity: 'warning', message: 'base64 body contains characters outside the base64 alphabet; they were skipped' });
    }
    return [{ contentType: ct.type, filename, text: decodeCharset(base64Bytes(clean), ct.params.charset).replace(/\r\n/g, '\n'), sourceLine: null }];
  }
  if (!['7bit', '8bit', 'binary', ''].includes(cte)) {
    diags.push({ line: lineBase + bodyStart, column: 1, severity: 'warning', message: `unknown Content-Transfer-Encoding "${cte}"; the body is shown as it is` });
  }
  return [plainPart(ct.type, filename, lines, bodyStart, bodyEnd, lineBase)];
}

function plainPart(type: string, filename: string | null, lines: readonly string[], start: number, end: number, lineBase: number): TextPart {
  return { contentType: type, filename, text: lines.slice(start, end).join('\n'), sourceLine: lineBase + start };
}

function decodeMultipart(boundary: string, lines: readonly string[], start: number, end: number, lineBase: number, diags: SeriesDiagnostic[], depth: number): TextPart[] {
  const delimiter = '--' + boundary;
  const parts: { from: number; to: number }[] = [];
  let open = -1;
  let closed = false;
  for (let i = start; i < end; i++) {
    const l = lines[i].replace(/[ \t]+$/, '');
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
    return [plainPart('text/plain', null, lines, start, end, lineBase)];
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
    out.push(...decodeBody(h.headers, lines, h.bodyStart, p.to, lineBase, diags, depth + 1));
  }
  return out;
}
