// The /proc/PID/timens_offsets text formats: the write parser (line splitting plus the kernel's sscanf
// "%9s %lld %lu", or "%u %lld %lu" on 5.6, with 64-bit wrap-around, or saturation from 7.2) and the read formatter.

import { rawOffset, type TimensOffset } from './offset64';
import { isDigit, isSpace, skipSpaces } from './ctype';

export interface ParsedOffset {
  /** Clock id as parsed: 1 or 7 with names; any unsigned 32-bit number in 5.6. */
  readonly clockid: number;
  /** Seconds as the kernel's s64 (after wrap-around). */
  readonly sec: bigint;
  /** Nanoseconds as the kernel's long (the %lu value reinterpreted as signed). */
  readonly nsec: bigint;
  /** The line as written, for messages. */
  readonly text: string;
}

export type ParseOutcome =
  | { readonly ok: true; readonly offsets: readonly ParsedOffset[]; readonly count: number }
  | { readonly ok: false; readonly line: number; readonly reason: string };

const NSEC_PER_SEC = 1000000000n;
const U64 = 1n << 64n;


/** simple_strntoull in base 10: digits accumulate modulo 2^64, or, where `saturate` (7.2+, _parse_integer_limit),
 *  stick at ULLONG_MAX once they overflow. Returns the value and the index after it. */
function strtoull(buf: Uint8Array, i: number, end: number, saturate: boolean): [bigint, number] {
  // Fifteen digits stay below 2^53 and 2^64 alike: they add up exactly as a number, with one BigInt at the end
  // (a BigInt per digit was 2% of recording a generated scenario).
  const first = i;
  let small = 0;
  while (i < end && i - first < 15 && isDigit(buf[i])) small = small * 10 + (buf[i++] - 0x30);
  let v = BigInt(small);
  while (i < end && isDigit(buf[i])) {
    const next = v * 10n + BigInt(buf[i] - 0x30);
    v = saturate ? (next >= U64 ? U64 - 1n : next) : next % U64;
    i++;
  }
  return [v, i];
}


/** Bytes [from, to) as a string of one character per byte (a spread of the subarray went through its iterator). */
function latin1(buf: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < to; i++) s += String.fromCharCode(buf[i]);
  return s;
}

/** One line through sscanf; returns the three fields or the number of conversions that succeeded. */
function scanLine(buf: Uint8Array, start: number, end: number, numericClock: boolean, saturate: boolean):
  { n: number; clock?: string; clockNum?: number; sec?: bigint; nsec?: bigint } {
  let i = start;
  // Conversion 1: %9s (names) or %u (5.6).
  if (i >= end) return { n: 0 };
  let clock = '';
  let clockNum = 0;
  if (numericClock) {
    i = skipSpaces(buf, i, end);
    if (i >= end || !isDigit(buf[i])) return { n: 0 };
    let v: bigint;
    [v, i] = strtoull(buf, i, end, saturate);
    clockNum = Number(v & 0xffffffffn);
  } else {
    i = skipSpaces(buf, i, end);
    let w = 9;
    const s = i;
    while (i < end && !isSpace(buf[i]) && w-- > 0) i++;
    clock = latin1(buf, s, i);
  }
  // Format whitespace: skip blanks in the input.
  i = skipSpaces(buf, i, end);
  // Conversion 2: %lld.
  if (i >= end) return { n: 1, clock, clockNum };
  let neg = false;
  if (buf[i] === 0x2d) {
    neg = true;
    if (i + 1 >= end || !isDigit(buf[i + 1])) return { n: 1, clock, clockNum };
    i++;
  } else if (!isDigit(buf[i])) {
    return { n: 1, clock, clockNum };
  }
  const [u, afterSec] = strtoull(buf, i, end, saturate);
  i = afterSec;
  const sec = BigInt.asIntN(64, neg ? (U64 - u) % U64 : u);
  i = skipSpaces(buf, i, end);
  // Conversion 3: %lu.
  if (i >= end || !isDigit(buf[i])) return { n: 2, clock, clockNum, sec };
  const [nv] = strtoull(buf, i, end, saturate);
  return { n: 3, clock, clockNum, sec, nsec: BigInt.asIntN(64, nv) };
}

/** How this kernel's sscanf reads the numbers (profile.ts scanSaturates). */
export interface ScanRules {
  /** A number past 2^64 - 1 reads as 2^64 - 1 (7.2+), else it wraps. */
  readonly saturate?: boolean;
}

/**
 * Parse a write the way timens_offsets_write does. `bytes` is the user buffer; `count` its length.
 * `numericClock`: the 5.6 parser ("%u %lld %lu"), else the 5.7+ one ("%9s %lld %lu").
 */
export function parseOffsetsWrite(bytes: Uint8Array, numericClock: boolean, rules: ScanRules = {}): ParseOutcome {
  const { saturate = false } = rules;
  let count = bytes.length;
  // memdup_user_nul: the text ends at the first NUL for strchr and sscanf.
  let end = bytes.indexOf(0);
  if (end < 0) end = bytes.length;
  const offsets: ParsedOffset[] = [];
  let pos: number | null = 0;
  let lineNo = 0;
  while (pos !== null) {
    let lineEnd = end;
    let next: number | null = null;
    const nl = bytes.subarray(pos, end).indexOf(0x0a);
    if (nl >= 0) {
      lineEnd = pos + nl;
      next = lineEnd + 1;
      if (next >= end) next = null;
    }
    const text = latin1(bytes, pos, lineEnd);
    const r = scanLine(bytes, pos, lineEnd, numericClock, saturate);
    if (r.n !== 3) return { ok: false, line: lineNo, reason: `sscanf matched ${r.n} of 3 fields in ${JSON.stringify(text)}` };
    if (r.nsec! >= NSEC_PER_SEC) return { ok: false, line: lineNo, reason: `nanoseconds ${r.nsec} >= NSEC_PER_SEC` };
    let clockid: number;
    if (numericClock) {
      clockid = r.clockNum!;
    } else if (r.clock === 'monotonic' || r.clock === '1') {
      clockid = 1;
    } else if (r.clock === 'boottime' || r.clock === '7') {
      clockid = 7;
    } else {
      return { ok: false, line: lineNo, reason: `unknown clock ${JSON.stringify(r.clock)}` };
    }
    offsets.push({ clockid, sec: r.sec!, nsec: r.nsec!, text });
    lineNo++;
    if (offsets.length === 2) {
      if (next !== null) count = next;
      break;
    }
    pos = next;
  }
  return { ok: true, offsets, count };
}

function pad(s: string, w: number, left: boolean): string {
  if (s.length >= w) return s;
  const fill = ' '.repeat(w - s.length);
  return left ? s + fill : fill + s;
}

/** The text of a read: "%-10s %10lld %9ld\n" (5.7+) or "%d %lld %ld\n" (5.6), monotonic first, of the
 *  stored (unnormalised) values, exactly. */
export function formatOffsets(mono: TimensOffset, boot: TimensOffset, names: boolean): string {
  const m = rawOffset(mono), b = rawOffset(boot);
  if (!names) return `1 ${m.sec} ${m.nsec}\n7 ${b.sec} ${b.nsec}\n`;
  const line = (n: string, t: { sec: bigint; nsec: bigint }): string =>
    `${pad(n, 10, true)} ${pad(String(t.sec), 10, false)} ${pad(String(t.nsec), 9, false)}\n`;
  return line('monotonic', m) + line('boottime', b);
}
