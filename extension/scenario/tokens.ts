// Compact storage of every line's tokens (typed arrays), exposed as the `tokens` array of a parsed
// scenario whose rows are built on first access. Keeping millions of small token objects alive made
// parsing spend most of its time in the garbage collector.

import type { Token } from './api';
import type { Lexeme } from './lexer';

const KINDS: readonly Token['kind'][] = ['task', 'operation', 'flag', 'clock', 'errno', 'signal', 'string', 'number', 'keyword', 'namespace', 'path', 'punct', 'comment', 'unknown'];
function kindCode(kind: Token['kind']): number {
  // Kind strings are interned constants: indexOf compares pointers, cheaper than a keyed lookup here.
  const i = KINDS.indexOf(kind);
  return i < 0 ? 13 : i;
}

export class TokenStore {
  private starts: Int32Array;
  private ends: Int32Array;
  private kinds: Uint8Array;
  private count = 0;

  /** `expected`: a guess of the token count (a quarter of the text length is generous for real scenarios). */
  constructor(expected = 1024) {
    const size = Math.max(64, expected);
    this.starts = new Int32Array(size);
    this.ends = new Int32Array(size);
    this.kinds = new Uint8Array(size);
  }
  /** First token index of each line; lineFirst[i+1] ends line i. */
  private readonly lineFirst: number[] = [0];

  add(toks: readonly Lexeme[]): void {
    const need = this.count + toks.length;
    if (need > this.starts.length) this.grow(need);
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i];
      this.starts[this.count] = t.start;
      this.ends[this.count] = t.end;
      this.kinds[this.count] = kindCode(t.kind);
      this.count++;
    }
    this.lineFirst.push(this.count);
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
    const cache: (Token[] | undefined)[] = new Array(lineCount);
    const rowOf = (i: number): Token[] => (cache[i] ??= this.row(i, source.slice(lineStarts[i], i + 1 < lineCount ? lineStarts[i + 1] : source.length)));
    return new Proxy(cache, {
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
