// Splits one .timens line into lexemes with exact columns. The lexer never fails: anything it cannot
// read becomes a 'bad' lexeme, so the parser can report it with a range and go on.

import { K } from './tokens';
import { unitNs } from './values';

export type LexKind = 'ident' | 'number' | 'duration' | 'string' | 'ref' | 'mapping' | 'punct' | 'comment' | 'bad';

/** One lexeme: short-lived; the parsed scenario keeps only its position and kind (see tokens.ts). */
export class Lexeme {
  /** The code (see K in tokens.ts) of the token kind shown to editors; the parser refines it by context. */
  code: number;
  /** Strings: the decoded value. */
  value: string | undefined;
  /** Strings with a bad escape or no closing quote: what is wrong, and where (column). */
  problem: { message: string; start: number; end: number } | undefined;
  constructor(public t: LexKind, public text: string, public start: number, public end: number, code: number) {
    this.code = code;
    this.value = undefined;
    this.problem = undefined;
  }
}

/**
 * Lexemes recycled from one line to the next while a whole scenario is parsed: nothing keeps a lexeme after
 * its line (the parsed scenario copies positions, kinds and strings), and not allocating them per line
 * halves the garbage the parser makes. A line's lexemes are items[0..count); the array is never truncated.
 */
export class LexemePool {
  readonly items: Lexeme[] = [];
  count = 0;
  /** The line has a 'bad' lexeme or a string with a problem (the parser reports those first). */
  suspicious = false;
  /**
   * Token texts seen in this parse, by hash: the same words recur on every line (P1, expect, CLOCK_MONOTONIC),
   * so handing out the first copy avoids a new string per token. Per pool, so no text outlives its parse.
   */
  private readonly interned: (string | undefined)[] = new Array<string | undefined>(INTERN_SIZE).fill(undefined);
  reset(): void {
    this.count = 0;
    this.suspicious = false;
  }
  push(t: LexKind, text: string, start: number, end: number, code: number): Lexeme {
    const l = this.count < this.items.length ? this.items[this.count] : this.more();
    this.count++;
    l.t = t; l.text = text; l.start = start; l.end = end; l.code = code; l.value = undefined; l.problem = undefined;
    return l;
  }
  private more(): Lexeme {
    const l = new Lexeme('bad', '', 0, 0, K.unknown);
    this.items.push(l);
    return l;
  }
  /** `src.slice(from, to)`, or an equal string handed out before. */
  text(src: string, from: number, to: number): string {
    if (to - from > INTERN_MAX) return src.slice(from, to);
    return this.hashed(src, from, to, hashOf(src, from, to));
  }
  /** `text` when the caller has already hashed the characters (h = h * 31 + c from 0). */
  hashed(src: string, from: number, to: number, h: number): string {
    const len = to - from;
    if (len > INTERN_MAX) return src.slice(from, to);
    const slot = slotOf(h, len);
    const known = this.interned[slot];
    if (known !== undefined && known.length === len && src.startsWith(known, from)) return known;
    const fresh = src.slice(from, to);
    this.interned[slot] = fresh;
    return fresh;
  }
}
const INTERN_SIZE = 1024;
const INTERN_MAX = 48;
function hashOf(src: string, from: number, to: number): number {
  let h = 0;
  for (let k = from; k < to; k++) h = (Math.imul(h, 31) + src.charCodeAt(k)) | 0;
  return h;
}
function slotOf(h: number, len: number): number {
  return (h ^ (h >>> 10) ^ len) & (INTERN_SIZE - 1);
}

/** Single-character punctuation by char code (interned strings, so no allocation per token). */
const PUNCT: readonly (string | undefined)[] = (() => {
  const t: (string | undefined)[] = [];
  for (const ch of '():,|=+-[].!') t[ch.charCodeAt(0)] = ch;
  return t;
})();

const C_HASH = 35, C_QUOTE = 34, C_BACKSLASH = 92, C_LBRACK = 91, C_RBRACK = 93, C_MINUS = 45, C_DOT = 46;

// Character classes by code (ASCII only; everything else is 0): one table read per character.
// SIMPLE: punctuation that is one lexeme on its own, whatever follows ('=', '!', '-', '[' may start more).
const START = 1, DIGIT = 2, HEX = 4, SPACE = 8, SIMPLE = 16;
const CLASS = (() => {
  const t = new Uint8Array(128);
  for (let c = 65; c <= 90; c++) t[c] |= START;
  for (let c = 97; c <= 122; c++) t[c] |= START;
  t[95] |= START;
  for (let c = 48; c <= 57; c++) t[c] |= DIGIT | HEX;
  for (let c = 65; c <= 70; c++) t[c] |= HEX;
  for (let c = 97; c <= 102; c++) t[c] |= HEX;
  for (const c of [32, 9, 13, 11, 12]) t[c] |= SPACE;
  for (const ch of '():,|+].') t[ch.charCodeAt(0)] |= SIMPLE;
  return t;
})();

function isIdentStart(c: number): boolean {
  return c < 128 && (CLASS[c] & START) !== 0;
}
function isDigit(c: number): boolean {
  return c < 128 && (CLASS[c] & DIGIT) !== 0;
}
function isIdentPart(c: number): boolean {
  return c < 128 && (CLASS[c] & (START | DIGIT)) !== 0;
}
function isHex(c: number): boolean {
  return c < 128 && (CLASS[c] & HEX) !== 0;
}

/** The lexemes of one line (a fresh array of fresh lexemes). */
export function lexLine(line: string): Lexeme[] {
  const pool = new LexemePool();
  lexSpan(line, 0, line.length, pool);
  return pool.items.slice(0, pool.count);
}

/**
 * Lexes the line src[base..end) into the pool (items[0..count)), with columns counted from `base`: the
 * parser lexes straight from the whole text, so no line string is made.
 */
export function lexSpan(src: string, base: number, end: number, pool: LexemePool): void {
  pool.reset();
  const n = end;
  let i = base;
  while (i < n) {
    const c = src.charCodeAt(i);
    const cls = c < 128 ? CLASS[c] : 0;
    if ((cls & SPACE) !== 0) { i++; continue; }
    const start = i;
    if ((cls & SIMPLE) !== 0) {
      pool.push('punct', PUNCT[c]!, start - base, ++i - base, K.punct);
      continue;
    }
    if (c === C_HASH) {
      pool.push('comment', src.slice(i, n), start - base, n - base, K.comment);
      break;
    }
    if ((cls & START) !== 0) {
      i++;
      let h = c;
      // Letters, digits, '_' and inner '-' before a letter (zap-vvar, vdso-timens).
      while (i < n) {
        const d = src.charCodeAt(i);
        if (isIdentPart(d)) { h = (Math.imul(h, 31) + d) | 0; i++; continue; }
        if (d === C_MINUS && i + 1 < n && isIdentStart(src.charCodeAt(i + 1))) {
          h = (Math.imul((Math.imul(h, 31) + d) | 0, 31) + src.charCodeAt(i + 1)) | 0;
          i += 2;
          continue;
        }
        break;
      }
      // ns#1, user#0, page#ns#1: an object reference, not a comment.
      if (i + 1 < n && src.charCodeAt(i) === C_HASH && isIdentPart(src.charCodeAt(i + 1))) {
        i++;
        while (i < n && (isIdentPart(src.charCodeAt(i)) || src.charCodeAt(i) === C_HASH)) i++;
        pool.push('ref', pool.text(src, start, i), start - base, i - base, K.namespace);
        continue;
      }
      pool.push('ident', pool.hashed(src, start, i, h), start - base, i - base, K.unknown);
      continue;
    }
    if ((cls & DIGIT) !== 0) {
      if (c === 48 && i + 2 < n && (src.charCodeAt(i + 1) === 120 || src.charCodeAt(i + 1) === 88) && isHex(src.charCodeAt(i + 2))) {
        i += 2;
        while (i < n && isHex(src.charCodeAt(i))) i++;
      } else {
        while (i < n && isDigit(src.charCodeAt(i))) i++;
        if (i + 1 < n && src.charCodeAt(i) === C_DOT && isDigit(src.charCodeAt(i + 1))) {
          i++;
          while (i < n && isDigit(src.charCodeAt(i))) i++;
        }
      }
      const numEnd = i;
      while (i < n && isIdentPart(src.charCodeAt(i))) i++;
      if (i > numEnd) {
        // A unit after a hex number ('0x10s') is no duration.
        const t: LexKind = unitNs(src, numEnd, i) > 0 && !(c === 48 && src.charCodeAt(start + 1) === 120) ? 'duration' : 'bad';
        if (t === 'bad') pool.suspicious = true;
        pool.push(t, pool.text(src, start, i), start - base, i - base, t === 'bad' ? K.unknown : K.number);
      } else {
        pool.push('number', pool.text(src, start, i), start - base, i - base, K.number);
      }
      continue;
    }
    if (c === C_QUOTE) {
      i = lexString(src, base, i, n, pool);
      continue;
    }
    if (c === C_LBRACK && i + 1 < n && isIdentStart(src.charCodeAt(i + 1))) {
      let j = i + 1;
      while (j < n && isIdentPart(src.charCodeAt(j))) j++;
      if (j < n && src.charCodeAt(j) === C_RBRACK) {
        i = j + 1;
        pool.push('mapping', pool.text(src, start, i), start - base, i - base, K.keyword);
        continue;
      }
    }
    const next = i + 1 < n ? src.charCodeAt(i + 1) : -1;
    if ((c === 61 || c === 33) && next === 61) { // == !=
      i += 2;
      pool.push('punct', c === 61 ? '==' : '!=', start - base, i - base, K.punct);
      continue;
    }
    if (c === C_MINUS && next === 62) { // ->
      i += 2;
      pool.push('punct', '->', start - base, i - base, K.punct);
      continue;
    }
    const single = c < 128 ? PUNCT[c] : undefined;
    if (single !== undefined) {
      i++;
      pool.push('punct', single, start - base, i - base, K.punct);
      continue;
    }
    // Anything else (including a lone surrogate half) is one bad character.
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < n ? 2 : 1;
    pool.suspicious = true;
    pool.push('bad', pool.text(src, start, i), start - base, i - base, K.unknown);
  }
}

/** The one-character escapes of a string literal (C's), beside \xNN. */
const ESCAPES: Readonly<Record<string, string>> = { n: '\n', t: '\t', r: '\r', '0': '\0', '\\': '\\', '"': '"', "'": "'" };

const UTF8 = new TextEncoder();

/** A string literal whose value is `text`, the inverse of the escapes above: a quick fix that quotes a word writes
 *  it (JSON.stringify wrote \uNNNN, which the language does not have). Characters past 0x7f stay themselves. */
export function quoteString(text: string): string {
  let out = '"';
  for (const c of text) {
    if (c === '"' || c === '\\') out += '\\' + c;
    else if (c === '\n') out += '\\n';
    else if (c === '\t') out += '\\t';
    else if (c === '\r') out += '\\r';
    else if (c < ' ' || c === '\x7f') out += `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += c;
  }
  return out + '"';
}

/**
 * The bytes a string literal stands for, as a C compiler of UTF-8 source makes them, one character per byte
 * (0-255): a typed character is its UTF-8 bytes and `\xNN` one byte (the lexer's `value` makes it the character
 * U+00NN, two bytes in UTF-8). `literal` is the token's text, quotes included, with no problem (lexString); where
 * `value` is all ASCII, it is those bytes already.
 */
export function cStringBytes(literal: string, value: string): string {
  if (!/[^\x00-\x7f]/.test(value)) return value;
  let out = '';
  for (let i = 1; i < literal.length - 1; i++) {
    const c = literal[i]!;
    if (c === '\\') {
      const e = literal[++i]!;
      if (e === 'x') { out += String.fromCharCode(parseInt(literal.slice(i + 1, i + 3), 16)); i += 2; }
      else out += ESCAPES[e] ?? e;
      continue;
    }
    const code = c.charCodeAt(0);
    if (code < 0x80) { out += c; continue; }
    const ch = String.fromCodePoint(literal.codePointAt(i)!);
    for (const b of UTF8.encode(ch)) out += String.fromCharCode(b);
    i += ch.length - 1;
  }
  return out;
}

/** A C-like string literal: \n \t \r \0 \\ \" \' \xNN. Returns where it ends. */
function lexString(src: string, base: number, start: number, n: number, pool: LexemePool): number {
  let i = start + 1;
  // The common case, no escape: the value is one slice of the text. (Not interned: hashing long strings
  // costs more than the garbage it saves.)
  let j = i;
  for (let d = j < n ? src.charCodeAt(j) : C_QUOTE; d !== C_QUOTE && d !== C_BACKSLASH; d = ++j < n ? src.charCodeAt(j) : C_QUOTE);
  if (j < n && src.charCodeAt(j) === C_QUOTE) {
    pool.push('string', src.slice(start, j + 1), start - base, j + 1 - base, K.string).value = src.slice(i, j);
    return j + 1;
  }
  let value = '';
  let problem: Lexeme['problem'];
  let closed = false;
  while (i < n) {
    // Copy a run of ordinary characters in one slice.
    j = i;
    for (let d = src.charCodeAt(j); j < n && d !== C_QUOTE && d !== C_BACKSLASH; d = src.charCodeAt(++j));
    if (j > i) { value += src.slice(i, j); i = j; if (i >= n) break; }
    const c = src.charCodeAt(i);
    if (c === C_QUOTE) { closed = true; i++; break; }
    if (c === C_BACKSLASH) {
      const e = i + 1 < n ? src[i + 1] : undefined;
      if (e === undefined) { problem ??= { message: 'A string cannot end with a lone backslash', start: i - base, end: i + 1 - base }; i++; continue; }
      const simple = ESCAPES[e];
      if (simple !== undefined) { value += simple; i += 2; continue; }
      switch (e) {
        case 'x': {
          const h = src.slice(i + 2, Math.min(n, i + 4));
          if (h.length === 2 && isHex(h.charCodeAt(0)) && isHex(h.charCodeAt(1))) { value += String.fromCharCode(parseInt(h, 16)); i += 4; continue; }
          problem ??= { message: '\\x needs two hex digits, as in \\x0a', start: i - base, end: Math.min(n, i + 2 + h.length) - base };
          i += 2;
          continue;
        }
        default:
          problem ??= { message: `Unknown escape \\${e}: use \\n, \\t, \\r, \\0, \\\\, \\" or \\xNN`, start: i - base, end: i + 2 - base };
          value += e;
          i += 2;
          continue;
      }
    }
  }
  if (!closed) problem ??= { message: 'This string has no closing quote', start: start - base, end: n - base };
  const lex = pool.push('string', src.slice(start, i), start - base, i - base, K.string);
  lex.value = value;
  lex.problem = problem;
  if (problem) pool.suspicious = true;
  return i;
}
