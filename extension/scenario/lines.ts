// Where the lines of a scenario start and end, in one place for the whole-text parse and the CLI's streaming
// reader. As in VS Code's text model, a line ends at '\n', '\r\n' or a lone '\r' (U+2028 and U+2029 end no
// line: the lexer reports them), and a byte-order mark at the very start is not part of the text.

export type EachLine = (source: string, base: number, end: number) => void;

const LF = 10;
const BOM = 0xfeff;

/** Splits text that arrives in chunks into lines; the whole text at once is one chunk (forEachLine). */
export class LineSplitter {
  /** The unfinished line, in pieces: a line longer than a chunk is joined once, when it ends. */
  private readonly pieces: string[] = [];
  /** The last chunk ended with '\r': a '\n' at the start of the next one belongs to it. */
  private skipLf = false;
  private started = false;

  /** Feeds a chunk: `each` sees every line the chunk completes. */
  push(chunk: string, each: EachLine): void {
    this.scan(chunk, each, false);
  }

  /** `last`: the chunk ends the text, so its last line is complete too. */
  scan(chunk: string, each: EachLine, last: boolean): void {
    let base = 0;
    if (!this.started && chunk.length) {
      this.started = true;
      if (chunk.charCodeAt(0) === BOM) base = 1;
    }
    if (this.skipLf && chunk.length) {
      this.skipLf = false;
      if (chunk.charCodeAt(0) === LF) base = 1;
    }
    const n = chunk.length;
    let nl = chunk.indexOf('\n', base);
    let cr = chunk.indexOf('\r', base);
    while (nl >= 0 || cr >= 0) {
      const at = cr < 0 || (nl >= 0 && nl < cr) ? nl : cr;
      let next = at + 1;
      if (at === cr) {
        if (at + 1 < n && chunk.charCodeAt(at + 1) === LF) next = at + 2;
        else if (at + 1 === n && !last) this.skipLf = true;
      }
      this.emit(chunk, base, at, each);
      base = next;
      if (nl >= 0 && nl < base) nl = chunk.indexOf('\n', base);
      if (cr >= 0 && cr < base) cr = chunk.indexOf('\r', base);
    }
    if (last) this.emit(chunk, base, n, each);
    else if (base < n) this.pieces.push(base === 0 ? chunk : chunk.slice(base));
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
  new LineSplitter().scan(source, each, true);
}

/** The text's lines as strings (tests, and editors that hold a document as lines). */
export function splitLines(source: string): string[] {
  const out: string[] = [];
  forEachLine(source, (s, base, end) => out.push(s.slice(base, end)));
  return out;
}
