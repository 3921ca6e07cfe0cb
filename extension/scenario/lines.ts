// Where the lines of a scenario start and end, in one place for the whole-text parse and the CLI's streaming
// reader. As in VS Code's text model, a line ends at '\n', '\r\n' or a lone '\r' (U+2028 and U+2029 end no
// line: the lexer reports them), and a byte-order mark at the very start is not part of the text.

export type EachLine = (source: string, base: number, end: number) => void;

const LF = 10;
const CR = 13;
const BOM = 0xfeff;

/** Walks the line ends of a string from `base`: after next() returns true, a line ends at `at` and the next starts at `after`. */
class Breaks {
  at = 0;
  after = 0;
  private nl: number;
  private cr: number;
  constructor(private readonly s: string, base: number) {
    this.after = base;
    this.nl = s.indexOf('\n', base);
    this.cr = s.indexOf('\r', base);
  }
  next(): boolean {
    const { s, nl, cr } = this;
    if (nl < 0 && cr < 0) return false;
    const at = cr < 0 || (nl >= 0 && nl < cr) ? nl : cr;
    this.at = at;
    this.after = at === cr && at + 1 < s.length && s.charCodeAt(at + 1) === LF ? at + 2 : at + 1;
    if (nl >= 0 && nl < this.after) this.nl = s.indexOf('\n', this.after);
    if (cr >= 0 && cr < this.after) this.cr = s.indexOf('\r', this.after);
    return true;
  }
  /** The last break was a '\r' at the very end of the string (a '\n' may follow in the next chunk). */
  endsWithCr(): boolean {
    return this.after === this.s.length && this.at === this.s.length - 1 && this.s.charCodeAt(this.at) === CR;
  }
}

/** Where a whole text's lines start and end (the editor's lines: see the file comment), in two arrays. */
export function lineBounds(source: string): { readonly starts: number[]; readonly ends: number[] } {
  const starts: number[] = [];
  const ends: number[] = [];
  const base = source.charCodeAt(0) === BOM ? 1 : 0;
  let from = base;
  if (source.indexOf('\r', base) < 0) {
    // No '\r' at all (most files): every line ends at a '\n'.
    for (let at = source.indexOf('\n', base); at >= 0; at = source.indexOf('\n', from)) {
      starts.push(from);
      ends.push(at);
      from = at + 1;
    }
    starts.push(from);
    ends.push(source.length);
    return { starts, ends };
  }
  const b = new Breaks(source, base);
  while (b.next()) {
    starts.push(from);
    ends.push(b.at);
    from = b.after;
  }
  starts.push(from);
  ends.push(source.length);
  return { starts, ends };
}

/** Splits text that arrives in chunks into the lines lineBounds gives for the whole text. */
export class LineSplitter {
  /** The unfinished line, in pieces: a line longer than a chunk is joined once, when it ends. */
  private readonly pieces: string[] = [];
  /** The last chunk ended with '\r': a '\n' at the start of the next one belongs to it. */
  private skipLf = false;
  private started = false;

  /** Feeds a chunk: `each` sees every line the chunk completes. */
  push(chunk: string, each: EachLine): void {
    let base = 0;
    if (!this.started && chunk.length) {
      this.started = true;
      if (chunk.charCodeAt(0) === BOM) base = 1;
    }
    if (this.skipLf && chunk.length) {
      this.skipLf = false;
      if (chunk.charCodeAt(0) === LF) base = 1;
    }
    const b = new Breaks(chunk, base);
    while (b.next()) {
      this.emit(chunk, base, b.at, each);
      base = b.after;
    }
    if (b.endsWithCr()) this.skipLf = true;
    if (base < chunk.length) this.pieces.push(base === 0 ? chunk : chunk.slice(base));
  }

  /** The text is complete: the last line (empty after a final line end). */
  end(each: EachLine): void {
    this.emit('', 0, 0, each);
    this.started = false;
    this.skipLf = false;
  }

  private emit(chunk: string, base: number, end: number, each: EachLine): void {
    if (!this.pieces.length) {
      each(chunk, base, end);
      return;
    }
    this.pieces.push(chunk.slice(base, end));
    const line = this.pieces.join('');
    this.pieces.length = 0;
    each(line, 0, line.length);
  }
}

/** Calls `each` for every line of a whole text. */
export function forEachLine(source: string, each: EachLine): void {
  const { starts, ends } = lineBounds(source);
  for (let i = 0; i < starts.length; i++) each(source, starts[i], ends[i]);
}

/** The text's lines as strings (tests, and editors that hold a document as lines). */
export function splitLines(source: string): string[] {
  const out: string[] = [];
  forEachLine(source, (s, base, end) => out.push(s.slice(base, end)));
  return out;
}
