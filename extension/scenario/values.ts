// Small value helpers of the language: durations with units, integers, ranges, kernel-version lookup.

import { compareKernels, fmtTs, KERNEL_VERSIONS, type KernelVersion, type Timespec } from '../sim/types';
import type { Range } from './api';

const UNIT_NS: Readonly<Record<string, number>> = { ns: 1, us: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9, d: 86400e9 };

export function range(line: number, col: number, endCol: number): Range {
  return { line, col, endLine: line, endCol };
}

/** Normalise seconds + nanoseconds so that 0 ≤ nsec < 1e9. */
export function timespec(sec: number, nsec: number): Timespec {
  const carry = Math.floor(nsec / 1e9);
  return { sec: sec + carry, nsec: nsec - carry * 1e9 };
}

export function negate(t: Timespec): Timespec {
  return timespec(-t.sec, -t.nsec);
}

export function addTimespec(a: Timespec, b: Timespec): Timespec {
  return timespec(a.sec + b.sec, a.nsec + b.nsec);
}

export function subTimespec(a: Timespec, b: Timespec): Timespec {
  return timespec(a.sec - b.sec, a.nsec - b.nsec);
}

export function timespecEquals(a: Timespec, b: Timespec): boolean {
  return a.sec === b.sec && a.nsec === b.nsec;
}

/** `86400s`, `1.75s`, `10ms`, `3` (in `unitless` units); 'finer' when it is finer than a nanosecond (the resolution
 *  of every clock: our choice is to say so rather than round it); null when the text is not a duration. */
export function parseDuration(text: string, unitless = 's'): Timespec | 'finer' | null {
  // digits [. digits] [unit], scanned by hand: this runs for every duration of every line.
  const n = text.length;
  let i = 0;
  while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
  if (i === 0) return null;
  const intEnd = i;
  let fracStart = -1;
  if (i < n && text.charCodeAt(i) === 46) {
    fracStart = ++i;
    while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    if (i === fracStart) return null;
  }
  const fracEnd = i;
  const perUnit = i < n ? unitNs(text, i, n) : Object.hasOwn(UNIT_NS, unitless) ? UNIT_NS[unitless] : 0;
  if (perUnit === 0) return null;
  if (fracStart > 0 || intEnd > 15) return exactDuration(text.slice(0, intEnd), fracStart > 0 ? text.slice(fracStart, fracEnd) : '', perUnit);
  // Up to 15 digits add up exactly in a double, and a quotient by 10^3, 10^6 or 10^9 of such a number is never
  // rounded up to the next integer (its fraction, at least 10^-9, is larger than half its last bit).
  let whole = 0;
  for (let k = 0; k < intEnd; k++) whole = whole * 10 + text.charCodeAt(k) - 48;
  if (perUnit >= 1e9) return { sec: whole * (perUnit / 1e9), nsec: 0 };
  const perSec = 1e9 / perUnit;
  const sec = Math.floor(whole / perSec);
  return { sec, nsec: (whole - sec * perSec) * perUnit };
}

/** A duration with a fraction or of more than 15 digits, counted in integers: a double holds neither exactly
 *  (9007199254740993ns was 9007199.254740992s, 1.5ns 2ns). Beyond 2^53 seconds its seconds are not safe integers,
 *  which readDuration reports; past 40 digits it is not counted at all (BigInt's parse is not linear). */
function exactDuration(whole: string, fraction: string, perUnit: number): Timespec | 'finer' {
  const digits = whole.replace(/^0+/, '');
  if (digits.length > 40) return { sec: Infinity, nsec: 0 };
  let end = fraction.length;
  while (end > 0 && fraction.charCodeAt(end - 1) === 48) end--;
  // A unit is 2^a 5^b times a number prime to 10 with a, b <= 16, so a fraction with more significant digits is
  // never a whole number of nanoseconds (and is not counted: its digits are unbounded too).
  if (end > 16) return 'finer';
  const frac = fraction.slice(0, end);
  const scale = 10n ** BigInt(frac.length);
  const scaled = (BigInt(digits || '0') * scale + BigInt(frac || '0')) * BigInt(perUnit);
  if (scaled % scale !== 0n) return 'finer';
  const ns = scaled / scale;
  return { sec: Number(ns / 1_000_000_000n), nsec: Number(ns % 1_000_000_000n) };
}

/** Nanoseconds per unit for the unit text[from..to), or 0 when that is not one of ns us ms s m h d (the lexer's
 *  test for a duration too: no slice, as it runs on every number with letters after it). */
export function unitNs(text: string, from: number, to: number): number {
  const a = text.charCodeAt(from);
  if (to - from === 1) return a === 115 ? 1e9 : a === 109 ? 60e9 : a === 104 ? 3600e9 : a === 100 ? 86400e9 : 0;
  if (to - from !== 2 || text.charCodeAt(from + 1) !== 115) return 0;
  return a === 110 ? 1 : a === 117 ? 1e3 : a === 109 ? 1e6 : 0;
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Decimal or 0x hex; null when not an integer literal. */
export function parseInteger(text: string): number | null {
  const n = text.length;
  if (n > 2 && text.charCodeAt(0) === 48 && (text.charCodeAt(1) === 120 || text.charCodeAt(1) === 88)) {
    for (let i = 2; i < n; i++) {
      const c = text.charCodeAt(i);
      if (!isDigitCode(c) && !(c >= 97 && c <= 102) && !(c >= 65 && c <= 70)) return null;
    }
    return parseInt(text.slice(2), 16);
  }
  if (n === 0) return null;
  for (let i = 0; i < n; i++) if (!isDigitCode(text.charCodeAt(i))) return null;
  return Number(text);
}

/** A duration the way a person writes it: 86400s, 1.5s, -10s, 0s. */
export function formatDuration(t: Timespec): string {
  if (t.nsec === 0) return `${t.sec}s`;
  const negative = t.sec < 0;
  const abs = negative ? timespec(-t.sec, -t.nsec) : t;
  const frac = String(abs.nsec).padStart(9, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${abs.sec}.${frac}s`;
}

/** `host + 86400s`, `host - 10s`, `host`. */
export function formatHostOffset(t: Timespec): string {
  if (t.sec === 0 && t.nsec === 0) return 'host';
  if (t.sec < 0) return `host - ${formatDuration(negate(t))}`;
  return `host + ${formatDuration(t)}`;
}

export { fmtTs as formatTimespec, compareKernels as compareVersions };

export function isKernelVersion(v: string): v is KernelVersion {
  return (KERNEL_VERSIONS as readonly string[]).includes(v);
}

/** The known version whose behaviour applies to `v` (the newest known one not after it), or the oldest. */
export function nearestKernelVersion(v: string): KernelVersion {
  let best: KernelVersion = KERNEL_VERSIONS[0];
  for (const k of KERNEL_VERSIONS) if (compareKernels(k, v) <= 0) best = k;
  return best;
}

/**
 * A kernel version as written (`6.18`, `6.1.20`) and the model's version for it, the same way in the header
 * and on the command line: a sublevel is dropped (the model distinguishes major.minor versions); an unknown
 * major.minor behaves as the nearest older known one (`known` false). Null when the text is no version, a number with
 * a leading zero too: no kernel is called so (the Makefile's VERSION and PATCHLEVEL are plain numbers), and `06.18`
 * had been an unknown version, "older than any the model knows", whose nearest was 6.18.
 */
export function readKernelVersion(text: string): { readonly kernel: KernelVersion; readonly known: boolean; readonly sublevel: boolean } | null {
  if (!/^(0|[1-9]\d*)\.(0|[1-9]\d*)(\.(0|[1-9]\d*))?$/.test(text)) return null;
  const majorMinor = text.split('.').slice(0, 2).join('.');
  if (isKernelVersion(majorMinor)) return { kernel: majorMinor, known: true, sublevel: majorMinor !== text };
  return { kernel: nearestKernelVersion(majorMinor), known: false, sublevel: majorMinor !== text };
}
