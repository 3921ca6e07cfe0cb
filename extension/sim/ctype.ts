// The kernel's character classes (lib/ctype.c) for the parsers of what a write hands /proc, which read bytes.

/** isspace: \t \n \v \f \r, ' ', and 160, Latin-1's no-break space (_S|_SP in lib/ctype.c's table). */
export function isSpace(b: number): boolean {
  return b === 0x20 || (b >= 0x09 && b <= 0x0d) || b === 0xa0;
}

export function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

/** skip_spaces (lib/string.c): the index of the first byte from `i` on that is no space. */
export function skipSpaces(buf: Uint8Array, i: number, end = buf.length): number {
  while (i < end && isSpace(buf[i]!)) i++;
  return i;
}

/** isspace as a regular expression class, for a text of one character per byte (ops.ts byteString). */
export const SPACE = '[\\t\\n\\v\\f\\r \\xa0]';
