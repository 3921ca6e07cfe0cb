// The helper's answers, read strictly: each output line of timens-helper becomes a typed record, and a line
// that is not one (console noise under qemu, a broken frame, hostile bytes) becomes 'noise', never a throw.

import { PAGE_SIZES, VSYSCALL_MODES, type Machine, type VsyscallMode } from '../sim/types';

export interface Hello {
  readonly kind: 'hello'; readonly arch: string; readonly release: string; readonly mode: string; readonly euid: number;
  /** false when the kernel has no /proc/self/ns/time (CONFIG_TIME_NS off) or no user namespaces. */
  readonly timens: boolean; readonly userns: boolean;
  /** The machine's properties the model needs (types.ts Machine), as far as the helper could tell. */
  readonly machine: Partial<Machine>;
}
/** A sandbox is up; `host`: the host's CLOCK_MONOTONIC and CLOCK_BOOTTIME then, in seconds. */
export interface Ready { readonly kind: 'ready'; readonly label: string; readonly userns: number; readonly timens: number; readonly host: HostNow | null }
export interface HostNow { readonly monotonic: number; readonly boottime: number }
export interface Fail { readonly kind: 'fail'; readonly label: string; readonly reason: string }
/** The answer of one line: `ret`, `errno`, `sig`, and the op's own values (v, path, text, w, h1, h2, …). */
export interface Res { readonly kind: 'res'; readonly line: number; readonly task: string; readonly f: Readonly<Record<string, string>> }
export interface ObsTask {
  readonly kind: 'obs-task'; readonly line: number; readonly task: string; readonly st: 'live' | 'zombie' | 'gone';
  readonly tid: number; readonly time: number; readonly tfc: number; readonly user: number; readonly uid: number; readonly euid: number;
}
export interface ObsNs { readonly kind: 'obs-ns'; readonly line: number; readonly ino: number; readonly text: string | null; readonly frozen: boolean | null }
export interface ObsVma { readonly kind: 'obs-vma'; readonly line: number; readonly task: string; readonly vmas: readonly { name: string; pages: number; prot: number }[] }
export interface ObsBlocked { readonly kind: 'obs-blocked'; readonly line: number; readonly task: string }
export interface Done { readonly kind: 'done'; readonly line: number }
export interface ErrorLine { readonly kind: 'error'; readonly line: number; readonly message: string }
export interface Other { readonly kind: 'late' | 'ended' | 'bye' }
export interface Noise { readonly kind: 'noise'; readonly text: string }
export type Record_ = Hello | Ready | Fail | Res | ObsTask | ObsNs | ObsVma | ObsBlocked | Done | ErrorLine | Other | Noise;

const INT = /^-?\d{1,19}$/;
const NAME = /^[A-Za-z0-9_.#-]{1,48}$/;

export function decodeHex(s: string): string | null {
  if (!s.startsWith(':') || (s.length - 1) % 2 || !/^[0-9a-f]*$/.test(s.slice(1))) return null;
  const bytes = new Uint8Array((s.length - 1) / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(s.slice(1 + 2 * i, 3 + 2 * i), 16);
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}

function fields(toks: readonly string[]): Record<string, string> | null {
  const f: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const t of toks) {
    const eq = t.indexOf('=');
    if (eq <= 0) return null;
    const k = t.slice(0, eq);
    if (!/^[a-z0-9]{1,16}$/.test(k)) return null;
    f[k] = t.slice(eq + 1);
  }
  return f;
}

const num = (s: string | undefined): number => (s !== undefined && INT.test(s) ? Number(s) : NaN);

/** A helper time value `SEC:NNNNNNNNN` in seconds (NaN when it is not one). */
export function seconds(s: string | undefined): number {
  const m = s ? /^(-?\d{1,19}):(\d{9})$/.exec(s) : null;
  return m ? Number(m[1]) + Number(m[2]) / 1e9 : NaN;
}

/** A model Timespec in seconds. */
export const tsSecs = (t: { readonly sec: number; readonly nsec: number }): number => t.sec + t.nsec / 1e9;

/** A signed number of seconds as verify prints an offset: `+1.5 s`, to the millisecond. */
export const fmtS = (x: number): string => `${x >= 0 ? '+' : ''}${(Math.round(x * 1000) / 1000).toString()} s`;

/** CRC-32 (IEEE), as helper/super.c frames console lines. */
export function crc32(s: string): number {
  let c = 0xffffffff;
  for (let i = 0; i < s.length; i++) {
    c ^= s.charCodeAt(i) & 0xff;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return (c ^ 0xffffffff) >>> 0;
}

/** A console line framed as `@@TV payload ~crc` (qemu): the payload, or null if absent or damaged. */
export function unframe(raw: string): string | null {
  const at = raw.indexOf('@@TV ');
  if (at < 0) return null;
  const m = /^(.*) ~([0-9a-f]{8})\s*$/.exec(raw.slice(at + 5));
  if (!m || crc32(m[1]) !== parseInt(m[2], 16)) return null;
  return m[1];
}

/** How a task's thread group ended, as the helper read it from the zombie's exit code (helper/super.c death_of):
 *  the signal that killed it, the status it exited with, or why that cannot be told. */
/** `malformed`: a field that is none of the helper's forms. */
const DEATH_UNKNOWN = ['reaped', 'reused', 'running', 'unreadable', 'malformed'] as const;
export type Death =
  | { readonly kind: 'signal'; readonly signal: string }
  | { readonly kind: 'exit'; readonly status: number }
  | { readonly kind: 'unknown'; readonly why: (typeof DEATH_UNKNOWN)[number] };

/** The `death` field of a result: null when there is none (a set*id whose process lives on). */
export function deathOf(f: Readonly<Record<string, string>>): Death | null {
  const d = f.death;
  if (d === undefined) return null;
  if (/^SIG[A-Z0-9]{1,12}$/.test(d)) return { kind: 'signal', signal: d };
  const m = /^exit:(\d{1,3})$/.exec(d);
  if (m && Number(m[1]) < 256) return { kind: 'exit', status: Number(m[1]) };
  const u = /^unknown:([a-z]+)$/.exec(d)?.[1];
  return { kind: 'unknown', why: DEATH_UNKNOWN.find((w) => w === u) ?? 'malformed' };
}

export function parseLine(raw: string): Record_ {
  const noise: Noise = { kind: 'noise', text: raw.length > 200 ? raw.slice(0, 200) + '…' : raw };
  if (raw.length > 400_000 || /[^\x20-\x7e]/.test(raw)) return noise;
  const t = raw.split(' ');
  const line = num(t[1]);
  switch (t[0]) {
    case 'hello': {
      const f = fields(t.slice(1));
      if (!f || !f.arch || !f.release) return noise;
      const machine: { -readonly [K in keyof Machine]?: Machine[K] } = {};
      if (f.capsysres === '0' || f.capsysres === '1') machine.capSysResource = f.capsysres === '1';
      if (f.rtc === '0' || f.rtc === '1') machine.rtc = f.rtc === '1';
      if (f.clocksource && f.clocksource !== 'unknown' && NAME.test(f.clocksource)) machine.clocksource = f.clocksource;
      // whether the helper's touch of the pvclock page mapped it (-1: not x86_64, or no such page to touch)
      if (f.pvclock === '0' || f.pvclock === '1') machine.kvmclockUsed = f.pvclock === '1';
      if ((VSYSCALL_MODES as readonly string[]).includes(f.vsyscall ?? '')) machine.vsyscall = f.vsyscall as VsyscallMode;
      // whether the helper's ia32 build ran (ENOEXEC: no ia32 emulation); -1: there is none to try
      if (f.arch === 'x86_64' && (f.exec32 === '0' || f.exec32 === '1')) machine.ia32Emulation = f.exec32 === '1';
      // getpagesize(): an arm64 kernel's build choice (4K, 16K, 64K)
      const pageSize = PAGE_SIZES.find((n) => String(n) === f.pagesize);
      if (pageSize) machine.pageSize = pageSize;
      return { kind: 'hello', arch: f.arch, release: f.release, mode: f.mode ?? '', euid: num(f.euid), timens: f.timens !== '0', userns: f.userns !== '0', machine };
    }
    case 'ready': {
      const f = fields(t.slice(2));
      if (!f || !NAME.test(t[1] ?? '')) return noise;
      const hm = seconds(f.hm), hb = seconds(f.hboot);
      return { kind: 'ready', label: t[1], userns: num(f.userns), timens: num(f.timens), host: Number.isFinite(hm) && Number.isFinite(hb) ? { monotonic: hm, boottime: hb } : null };
    }
    case 'fail':
      return NAME.test(t[1] ?? '') ? { kind: 'fail', label: t[1], reason: t.slice(2).join(' ') } : noise;
    case 'res': {
      const f = fields(t.slice(3));
      if (!f || !(line > 0) || !(NAME.test(t[2] ?? '') || t[2] === '-')) return noise;
      return { kind: 'res', line, task: t[2], f };
    }
    case 'obs': {
      if (!(line > 0)) return noise;
      if (t[2] === 'blocked' && NAME.test(t[3] ?? '')) return { kind: 'obs-blocked', line, task: t[3] };
      if (t[2] === 'task' && NAME.test(t[3] ?? '')) {
        const f = fields(t.slice(4));
        if (!f || !['live', 'zombie', 'gone'].includes(f.st)) return noise;
        return { kind: 'obs-task', line, task: t[3], st: f.st as ObsTask['st'], tid: num(f.tid), time: num(f.time), tfc: num(f.tfc),
          user: num(f.user), uid: num(f.uid), euid: num(f.euid) };
      }
      if (t[2] === 'ns' && INT.test(t[3] ?? '')) {
        const f = fields(t.slice(4));
        if (!f) return noise;
        return { kind: 'obs-ns', line, ino: Number(t[3]), text: f.text !== undefined ? decodeHex(f.text) : null,
          frozen: f.frozen === '1' ? true : f.frozen === '0' ? false : null };
      }
      if (t[2] === 'vma' && NAME.test(t[3] ?? '')) {
        const vmas = [];
        for (const v of t.slice(4)) {
          const m = /^(\[[a-z_]+\]):(\d{1,6}):([0-7])$/.exec(v);
          if (!m) return noise;
          vmas.push({ name: m[1], pages: Number(m[2]), prot: Number(m[3]) });
        }
        return { kind: 'obs-vma', line, task: t[3], vmas };
      }
      return noise;
    }
    case 'done': return line > 0 ? { kind: 'done', line } : noise;
    case 'error': return Number.isFinite(line) ? { kind: 'error', line, message: t.slice(2).join(' ') } : noise;
    case 'late': case 'ended': case 'bye': return { kind: t[0] };
    default: return noise;
  }
}

/** Everything the kernel said about one line. */
export interface KernelLine {
  res: Res | null;
  tasks: Map<string, ObsTask>;
  ns: Map<number, ObsNs>;
  vmas: Map<string, ObsVma>;
  blocked: Set<string>;
  errors: string[];
}

export function emptyKernelLine(): KernelLine {
  return { res: null, tasks: new Map(), ns: new Map(), vmas: new Map(), blocked: new Set(), errors: [] };
}

/** Adds a record to the line it is about; returns that line number (0 when it is about none). */
export function collect(lines: Map<number, KernelLine>, r: Record_): number {
  if (!('line' in r)) return 0;
  let k = lines.get(r.line);
  if (!k) lines.set(r.line, (k = emptyKernelLine()));
  switch (r.kind) {
    case 'res': k.res = r; break;
    case 'obs-task': k.tasks.set(r.task, r); break;
    case 'obs-ns': k.ns.set(r.ino, r); break;
    case 'obs-vma': k.vmas.set(r.task, r); break;
    case 'obs-blocked': k.blocked.add(r.task); break;
    case 'error': k.errors.push(r.message); break;
  }
  return r.line;
}
