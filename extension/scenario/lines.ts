// Where the lines of a scenario start and end, in one place for the whole-text parse and the CLI's streaming
// reader: a line ends at '\n', and a '\r' before it belongs to the terminator.

export type EachLine = (source: string, base: number, end: number) => void;

/** The end of the line that starts at `base` in `source` and whose terminator (if any) starts at `next`. */
function contentEnd(source: string, base: number, next: number): number {
  return next > base && source.charCodeAt(next - 1) === 13 ? next - 1 : next;
}

/** Calls `each` for every line of a whole text: as many lines as '\n's plus one. */
export function forEachLine(source: string, each: EachLine): void {
  let base = 0;
  for (let at = source.indexOf('\n'); at >= 0; at = source.indexOf('\n', base)) {
    each(source, base, contentEnd(source, base, at));
    base = at + 1;
  }
  each(source, base, contentEnd(source, base, source.length));
}

/** Splits text that arrives in chunks into the same lines forEachLine gives for the whole text. */
export class LineSplitter {
  /** The unfinished line, in pieces: a line longer than a chunk is joined once, when it ends. */
  private readonly pieces: string[] = [];

  /** Feeds a chunk: `each` sees every line the chunk completes. */
  push(chunk: string, each: EachLine): void {
    let at = chunk.indexOf('\n');
    if (at < 0) {
      if (chunk) this.pieces.push(chunk);
      return;
    }
    let base = 0;
    if (this.pieces.length) {
      this.pieces.push(chunk.slice(0, at + 1));
      const line = this.pieces.join('');
      this.pieces.length = 0;
      each(line, 0, contentEnd(line, 0, line.length - 1));
      base = at + 1;
      at = chunk.indexOf('\n', base);
    }
    for (; at >= 0; at = chunk.indexOf('\n', base)) {
      each(chunk, base, contentEnd(chunk, base, at));
      base = at + 1;
    }
    if (base < chunk.length) this.pieces.push(chunk.slice(base));
  }

  /** The text is complete: the last line (empty after a final '\n'). */
  end(each: EachLine): void {
    const line = this.pieces.join('');
    this.pieces.length = 0;
    each(line, 0, contentEnd(line, 0, line.length));
  }
}
