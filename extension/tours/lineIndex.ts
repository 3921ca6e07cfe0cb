// Where a mailbox file's lines start, by byte: the import worker records every LINE_STEP-th line's start as it
// reads, and the host reads a message's lines again from the file, starting at the nearest recorded one.

/** One line start kept in so many: a 50 MB mailbox (1.2 M lines) needs 9,400 numbers; a read skips < 128 lines. */
export const LINE_STEP = 128;

/**
 * Counts lines in bytes as the series reader splits its text (seriesReader.ts, `feed`): "\r\n", "\n" and a lone
 * "\r" each end a line. UTF-8 never uses these two bytes inside a sequence, so bytes and text agree.
 */
export class LineScanner {
  private pendingCR = false;

  /**
   * `onLineStart(n, at)`: line n starts at byte `at`, for every line after the one the scanner starts in.
   * `offset` and `line`: where the first byte pushed lies in the file, at the start of which line.
   */
  constructor(private readonly onLineStart: (line: number, at: number) => void, private offset = 0, private line = 0) {}

  push(bytes: Uint8Array): void {
    const base = this.offset;
    this.offset += bytes.length;
    let i = 0;
    if (this.pendingCR && bytes.length > 0) {
      this.pendingCR = false;
      if (bytes[0] === 0x0a) i = 1;
      this.onLineStart(++this.line, base + i);
    }
    if (bytes.indexOf(0x0d, i) < 0) {
      // The usual case: LF only, found natively.
      for (let at = bytes.indexOf(0x0a, i); at >= 0; at = bytes.indexOf(0x0a, at + 1)) this.onLineStart(++this.line, base + at + 1);
      return;
    }
    for (; i < bytes.length; i++) {
      const c = bytes[i];
      if (c === 0x0a) this.onLineStart(++this.line, base + i + 1);
      else if (c === 0x0d) {
        if (i + 1 === bytes.length) { this.pendingCR = true; return; }
        if (bytes[i + 1] === 0x0a) i++;
        this.onLineStart(++this.line, base + i + 1);
      }
    }
  }
}

/** The worker's index of the file it reads: every LINE_STEP-th line's start; `take` gives those added since the last call. */
export class LineIndex {
  private readonly starts: number[] = [0];
  private sent = 0;
  private readonly scanner = new LineScanner((line, at) => { if (line % LINE_STEP === 0) this.starts.push(at); });

  push(bytes: Uint8Array): void {
    this.scanner.push(bytes);
  }

  take(): number[] {
    const added = this.starts.slice(this.sent);
    this.sent = this.starts.length;
    return added;
  }
}

const READ_BLOCK = 16 * 1024;

/**
 * The bytes of lines `first` (0-based) to `first + count - 1` of a file of `size` bytes, from the first line's
 * start to the last one's end (its line end left out), read with `read` from the nearest indexed line.
 */
export function linesAgain(read: (offset: number, length: number) => Uint8Array, size: number, index: readonly number[], first: number, count: number): Uint8Array {
  if (count === 0) return new Uint8Array(0);
  const k = Math.floor(first / LINE_STEP);
  if (k >= index.length) throw new Error(`line ${first + 1} lies past what the import indexed`);
  const from = index[k];
  // Starts of lines first … first + count, relative to `from`; the last one is where the wanted lines end.
  const starts: number[] = k * LINE_STEP === first ? [0] : [];
  const scanner = new LineScanner((line, at) => { if (line >= first && line <= first + count) starts.push(at - from); }, from, k * LINE_STEP);
  const parts: Uint8Array[] = [];
  let at = from;
  while (starts.length <= count && at < size) {
    const bytes = read(at, Math.min(READ_BLOCK, size - at));
    parts.push(bytes);
    scanner.push(bytes);
    at += bytes.length;
  }
  const whole = new Uint8Array(at - from);
  for (let o = 0, p = 0; p < parts.length; o += parts[p].length, p++) whole.set(parts[p], o);
  if (starts.length < count) throw new Error(`the file ends before line ${first + count}`);
  // The file's last line may have no line end, or end in a lone "\r" the scanner had still to judge.
  let end = starts.length > count ? starts[count] : whole.length;
  if (starts.length > count && whole[end - 1] === 0x0a) end--;
  if (whole[end - 1] === 0x0d) end--;
  return whole.subarray(starts[0], Math.max(starts[0], end));
}
