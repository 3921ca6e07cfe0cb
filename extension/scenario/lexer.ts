// Splits one .timens line into lexemes with exact columns. The lexer never fails: anything it cannot
// read becomes a 'bad' lexeme, so the parser can report it with a range and go on.

import type { Token } from './api';

export type LexKind = 'ident' | 'number' | 'duration' | 'string' | 'ref' | 'mapping' | 'punct' | 'comment' | 'bad';

/** One lexeme: short-lived; the parsed scenario keeps only its position and kind (see tokens.ts). */
export class Lexeme {
  /** The token kind shown to editors; the parser refines it by context. */
  kind: Token['kind'];
  /** Strings: the decoded value. */
  value: string | undefined;
  /** Strings with a bad escape or no closing quote: what is wrong, and where (column). */
  problem: { message: string; start: number; end: number } | undefined;
  constructor(public t: LexKind, public text: string, public start: number, public end: number, kind: Token['kind']) {
    this.kind = kind;
    this.value = undefined;
    this.problem = undefined;
  }
}

/**
 * Lexemes recycled from one line to the next while a whole scenario is parsed: nothing keeps a lexeme after
 * its line (the parsed scenario copies positions, kinds and strings), and not allocating them per line
 * halves the garbage the parser makes.
 */
export class LexemePool {
  private readonly items: Lexeme[] = [];
  private used = 0;
  /** A fresh array per line: cheaper than truncating one (setting length is a slow path). */
  out: Lexeme[] = [];
  reset(): void {
    this.used = 0;
    this.out = [];
  }
  take(t: LexKind, text: string, start: number, end: number, kind: Token['kind']): Lexeme {
    if (this.used < this.items.length) {
      const l = this.items[this.used++];
      l.t = t; l.text = text; l.start = start; l.end = end; l.kind = kind; l.value = undefined; l.problem = undefined;
      return l;
    }
    const l = new Lexeme(t, text, start, end, kind);
    this.items.push(l);
    this.used++;
    return l;
  }
}

function make(pool: LexemePool | undefined, t: LexKind, text: string, start: number, end: number, kind: Token['kind']): Lexeme {
  return pool ? pool.take(t, text, start, end, kind) : new Lexeme(t, text, start, end, kind);
}

/** Single-character punctuation by char code (interned strings, so no allocation per token). */
const PUNCT: readonly (string | undefined)[] = (() => {
  const t: (string | undefined)[] = [];
  for (const ch of '():,|=+-[].!') t[ch.charCodeAt(0)] = ch;
  return t;
})();

const C_HASH = 35, C_QUOTE = 34, C_BACKSLASH = 92, C_LBRACK = 91, C_RBRACK = 93, C_MINUS = 45, C_DOT = 46;

// Character classes by code (ASCII only; everything else is 0): one table read per character.
const START = 1, DIGIT = 2, HEX = 4, SPACE = 8;
const CLASS = (() => {
  const t = new Uint8Array(128);
  for (let c = 65; c <= 90; c++) t[c] |= START;
  for (let c = 97; c <= 122; c++) t[c] |= START;
  t[95] |= START;
  for (let c = 48; c <= 57; c++) t[c] |= DIGIT | HEX;
  for (let c = 65; c <= 70; c++) t[c] |= HEX;
  for (let c = 97; c <= 102; c++) t[c] |= HEX;
  for (const c of [32, 9, 13, 11, 12]) t[c] |= SPACE;
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
function isSpace(c: number): boolean {
  return c < 128 && (CLASS[c] & SPACE) !== 0;
}

/** The lexemes of one line; with a pool, recycled objects in the pool's array (valid until the pool's next reset). */
export function lexLine(line: string, pool?: LexemePool): Lexeme[] {
  const out: Lexeme[] = pool ? pool.out : [];
  const n = line.length;
  let i = 0;
  while (i < n) {
    const c = line.charCodeAt(i);
    if (isSpace(c)) { i++; continue; }
    const start = i;
    if (c === C_HASH) {
      out.push(make(pool, 'comment', line.slice(i), start, n, 'comment'));
      break;
    }
    if (isIdentStart(c)) {
      i++;
      // Letters, digits, '_' and inner '-' before a letter (zap-vvar, vdso-timens).
      for (;;) {
        const d = line.charCodeAt(i);
        if (isIdentPart(d)) i++;
        else if (d === C_MINUS && i + 1 < n && isIdentStart(line.charCodeAt(i + 1))) i += 2;
        else break;
      }
      // ns#1, user#0, page#ns#1: an object reference, not a comment.
      if (line.charCodeAt(i) === C_HASH && i + 1 < n && isIdentPart(line.charCodeAt(i + 1))) {
        i++;
        while (i < n && (isIdentPart(line.charCodeAt(i)) || line.charCodeAt(i) === C_HASH)) i++;
        out.push(make(pool, 'ref', line.slice(start, i), start, i, 'namespace'));
        continue;
      }
      out.push(make(pool, 'ident', line.slice(start, i), start, i, 'unknown'));
      continue;
    }
    if (isDigit(c)) {
      if (c === 48 && (line.charCodeAt(i + 1) === 120 || line.charCodeAt(i + 1) === 88) && isHex(line.charCodeAt(i + 2))) {
        i += 2;
        while (i < n && isHex(line.charCodeAt(i))) i++;
      } else {
        while (i < n && isDigit(line.charCodeAt(i))) i++;
        if (line.charCodeAt(i) === C_DOT && isDigit(line.charCodeAt(i + 1))) {
          i++;
          while (i < n && isDigit(line.charCodeAt(i))) i++;
        }
      }
      const numEnd = i;
      while (i < n && isIdentPart(line.charCodeAt(i))) i++;
      if (i > numEnd) {
        const unit = line.slice(numEnd, i);
        const t: LexKind = /^(ns|us|ms|s|m|h|d)$/.test(unit) && !line.startsWith('0x', start) ? 'duration' : 'bad';
        out.push(make(pool, t, line.slice(start, i), start, i, t === 'bad' ? 'unknown' : 'number'));
      } else {
        out.push(make(pool, 'number', line.slice(start, i), start, i, 'number'));
      }
      continue;
    }
    if (c === C_QUOTE) {
      lexString(line, i, out, pool);
      i = out[out.length - 1].end;
      continue;
    }
    if (c === C_LBRACK && isIdentStart(line.charCodeAt(i + 1))) {
      let j = i + 1;
      while (j < n && isIdentPart(line.charCodeAt(j))) j++;
      if (line.charCodeAt(j) === C_RBRACK) {
        i = j + 1;
        out.push(make(pool, 'mapping', line.slice(start, i), start, i, 'keyword'));
        continue;
      }
    }
    const next = line.charCodeAt(i + 1);
    if ((c === 61 || c === 33) && next === 61) { // == !=
      i += 2;
      out.push(make(pool, 'punct', c === 61 ? '==' : '!=', start, i, 'punct'));
      continue;
    }
    if (c === C_MINUS && next === 62) { // ->
      i += 2;
      out.push(make(pool, 'punct', '->', start, i, 'punct'));
      continue;
    }
    const single = PUNCT[c];
    if (single !== undefined) {
      i++;
      out.push(make(pool, 'punct', single, start, i, 'punct'));
      continue;
    }
    // Anything else (including a lone surrogate half) is one bad character.
    i += c >= 0xd800 && c <= 0xdbff && i + 1 < n ? 2 : 1;
    out.push(make(pool, 'bad', line.slice(start, i), start, i, 'unknown'));
  }
  return out;
}

/** A C-like string literal: \n \t \r \0 \\ \" \' \xNN. */
function lexString(line: string, start: number, out: Lexeme[], pool: LexemePool | undefined): void {
  const n = line.length;
  let i = start + 1;
  let value = '';
  let problem: Lexeme['problem'];
  let closed = false;
  while (i < n) {
    // Copy a run of ordinary characters in one slice.
    let j = i;
    for (let d = line.charCodeAt(j); j < n && d !== C_QUOTE && d !== C_BACKSLASH; d = line.charCodeAt(++j));
    if (j > i) { value += line.slice(i, j); i = j; if (i >= n) break; }
    const c = line.charCodeAt(i);
    if (c === C_QUOTE) { closed = true; i++; break; }
    if (c === C_BACKSLASH) {
      const e = line[i + 1];
      if (e === undefined) { problem ??= { message: 'A string cannot end with a lone backslash', start: i, end: i + 1 }; i++; continue; }
      switch (e) {
        case 'n': value += '\n'; i += 2; continue;
        case 't': value += '\t'; i += 2; continue;
        case 'r': value += '\r'; i += 2; continue;
        case '0': value += '\0'; i += 2; continue;
        case '\\': value += '\\'; i += 2; continue;
        case '"': value += '"'; i += 2; continue;
        case "'": value += "'"; i += 2; continue;
        case 'x': {
          const h = line.slice(i + 2, i + 4);
          if (/^[0-9a-fA-F]{2}$/.test(h)) { value += String.fromCharCode(parseInt(h, 16)); i += 4; continue; }
          problem ??= { message: '\\x needs two hex digits, as in \\x0a', start: i, end: Math.min(n, i + 2 + h.length) };
          i += 2;
          continue;
        }
        default:
          problem ??= { message: `Unknown escape \\${e}: use \\n, \\t, \\r, \\0, \\\\, \\" or \\xNN`, start: i, end: i + 2 };
          value += e;
          i += 2;
          continue;
      }
    }
  }
  if (!closed) problem ??= { message: 'This string has no closing quote', start, end: n };
  const lex = make(pool, 'string', line.slice(start, i), start, i, 'string');
  lex.value = value;
  lex.problem = problem;
  out.push(lex);
}
