// Compact storage of every line's tokens (typed arrays), exposed as the `tokens` array of a parsed
// scenario whose rows are built on first access. Keeping millions of small token objects alive made
// parsing spend most of its time in the garbage collector.

import type { Token } from './api';
import type { Lexeme } from './lexer';

/** Token kinds by code: lexemes carry the code, so storing a token is one byte copy. */
export const KINDS: readonly Token['kind'][] = ['task', 'operation', 'flag', 'clock', 'errno', 'signal', 'string', 'number', 'keyword', 'namespace', 'path', 'punct', 'comment', 'unknown'];
/** The code of each kind (its index in KINDS). */
export const K = {
  task: 0, operation: 1, flag: 2, clock: 3, errno: 4, signal: 5, string: 6, number: 7, keyword: 8, namespace: 9, path: 10, punct: 11, comment: 12, unknown: 13,
} as const satisfies Record<Token['kind'], number>;

export class TokenStore {
  private starts: Int32Array;
  private ends: Int32Array;
  private kinds: Uint8Array;
  private count = 0;

  /** First token index of each line; lineFirst[i+1] ends line i. */
  private lineFirst: Int32Array;
  private lines = 0;

  /**
   * `expected`: a guess of the token count (a quarter of the text length is generous for real scenarios);
   * `lineCount`: how many lines will be added (more may be, at a cost).
   */
  constructor(expected = 1024, lineCount = 64) {
    const size = Math.max(64, expected);
    this.starts = new Int32Array(size);
    this.ends = new Int32Array(size);
    this.kinds = new Uint8Array(size);
    this.lineFirst = new Int32Array(lineCount + 1);
  }

  /** Adds one line: toks[0..count). */
  add(toks: readonly Lexeme[], count: number): void {
    const need = this.count + count;
    if (need > this.starts.length) this.grow(need);
    for (let i = 0; i < count; i++) {
      const t = toks[i];
      this.starts[this.count] = t.start;
      this.ends[this.count] = t.end;
      this.kinds[this.count] = t.code;
      this.count++;
    }
    if (this.lines + 1 >= this.lineFirst.length) {
      const l = new Int32Array(this.lineFirst.length * 2);
      l.set(this.lineFirst);
      this.lineFirst = l;
    }
    this.lineFirst[++this.lines] = this.count;
  }

  private grow(need: number): void {
    let size = this.starts.length * 2;
    while (size < need) size *= 2;
    const s = new Int32Array(size); s.set(this.starts); this.starts = s;
    const e = new Int32Array(size); e.set(this.ends); this.ends = e;
    const k = new Uint8Array(size); k.set(this.kinds); this.kinds = k;
  }

  row(line: number, source: string): Token[] {
    const out: Token[] = [];
    const from = this.lineFirst[line];
    const to = this.lineFirst[line + 1];
    for (let i = from; i < to; i++) {
      const col = this.starts[i];
      const endCol = this.ends[i];
      out.push({ kind: KINDS[this.kinds[i]], text: source.slice(col, endCol), range: { line, col, endLine: line, endCol } });
    }
    return out;
  }

  /** An array-like whose element `line` is that line's tokens, built when first read. */
  view(source: string, lineStarts: readonly number[]): readonly (readonly Token[])[] {
    const lineCount = lineStarts.length;
    const lines = { length: lineCount };
    let cache: (Token[] | undefined)[] | undefined;
    const rowOf = (i: number): Token[] =>
      ((cache ??= new Array<Token[] | undefined>(lineCount))[i] ??= this.row(i, source.slice(lineStarts[i], i + 1 < lineCount ? lineStarts[i + 1] : source.length)));
    // The target only has to be an array of the right length (Array.isArray, 'length', the array methods); the
    // traps answer for the rows. Made sparse: a dense array of one slot per line costs more than the parse of
    // a few hundred lines, and most parses never read a row.
    const target: Token[][] = [];
    target[lineCount - 1] = [];
    delete target[lineCount - 1];
    return new Proxy(target, {
      get(target, prop, receiver) {
        if (typeof prop === 'string') {
          const c = prop.charCodeAt(0);
          if (c >= 48 && c <= 57) {
            const i = Number(prop);
            if (Number.isInteger(i) && i >= 0 && i < lines.length) return rowOf(i);
            return undefined;
          }
        }
        return Reflect.get(target, prop, receiver);
      },
      has(target, prop) {
        if (typeof prop === 'string' && /^\d+$/.test(prop)) return Number(prop) < lines.length;
        return Reflect.has(target, prop);
      },
      ownKeys(target) {
        const keys: (string | symbol)[] = [];
        for (let i = 0; i < lineCount; i++) keys.push(String(i));
        return [...keys, ...Reflect.ownKeys(target).filter((k) => typeof k !== 'string' || !/^\d+$/.test(k))];
      },
      getOwnPropertyDescriptor(target, prop) {
        if (typeof prop === 'string' && /^\d+$/.test(prop) && Number(prop) < lines.length) {
          return { value: rowOf(Number(prop)), writable: true, enumerable: true, configurable: true };
        }
        return Reflect.getOwnPropertyDescriptor(target, prop);
      },
    }) as readonly (readonly Token[])[];
  }
}

/** The token under a cursor position (a column at a token's end counts as on it), for hovers and completion. */
export function tokenAt(tokens: readonly (readonly Token[])[], line: number, col: number): Token | undefined {
  const row = tokens[line];
  if (!row) return undefined;
  let touching: Token | undefined;
  let inside: Token | undefined;
  for (const t of row) {
    if (col >= t.range.col && col < t.range.endCol) inside = t;
    else if (col === t.range.endCol) touching = t;
  }
  // A cursor right after a word and before punctuation ("CLOCK_MONOTONIC|)") means the word.
  if (inside && inside.kind === 'punct' && touching && touching.kind !== 'punct') return touching;
  return inside ?? touching;
}
