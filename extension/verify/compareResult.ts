// The result of one line, model against kernel: outcome (errno or signal), then the fields the operation's
// entry in operations.ts names. What depends on the host is compared by what it means: clocks as offsets
// from the host clock, /proc/uptime and btime as boottime offsets, namespace links as identities, sleeps and
// timers as durations within a stated tolerance.

import { timerState, type KernelState, type MmState, type OpResult } from '../sim/api';
import { dataBytes, type Operation } from '../sim/ops';
import { OPERATIONS, taskOfProcPath } from './operations';
import { taskPath } from '../sim/kernel/proc/names';
import { parseOffsetsWrite } from '../sim/index';
import type { ScanRules } from '../sim/offsets';
import { offsetRange } from '../sim/offset64';
import { negativeClock } from '../sim/cpuclock';
import type { PlannedLine } from './plan';
import { decodeHex, fmtS, seconds, tsSecs, type KernelLine } from './protocol';
import type { Bijection } from './identity';
import type { Diff } from './report';
import { expiryTimer, readingTimer } from './compareTimer';

export interface Tolerances {
  /** Clock offsets agree within this many seconds (plus half the host bracket). */
  readonly clockSec: number;
  /** Sleeps and timers agree within this many seconds. */
  readonly durationSec: number;
  /** The helper cuts sleeps at this many seconds. */
  readonly capSec: number;
}

export interface ResultCompare {
  readonly diffs: Diff[];
  readonly unchecked: string | null;
  /** The kernel and the model took different turns for a reason outside the model (the host): later lines
   *  start from different states. */
  readonly diverged?: boolean;
  readonly model: string;
  readonly kernel: string;
}

const secs = seconds;
const dur = (x: number) => `${(Math.round(x * 1000) / 1000).toString()} s`;
const quote = (t: string) => JSON.stringify(t.length > 60 ? t.slice(0, 60) + '…' : t);

/** Two texts compared whole, shown short: where they differ past what `quote` shows, both from a little before the
 *  first byte that differs (a read whose text differs only after 60 bytes agreed while only the start was compared). */
export function textPair(k: string, m: string): [string, string] {
  if (k === m) return [quote(k), quote(k)];
  let i = 0;
  while (i < k.length && i < m.length && k[i] === m[i]) i++;
  if (i < 60) return [quote(k), quote(m)];
  const from = i - 20;
  const part = (t: string) => `from byte ${from} of ${t.length}: ${JSON.stringify(t.slice(from, from + 60) + (t.length > from + 60 ? '…' : ''))}`;
  return [part(k), part(m)];
}

/** A vDSO read the helper saw enter the kernel (fb=1) where the model read the clocksource in user space: the
 *  vDSO's do_hres/do_hres_timens return false and __cvdso_clock_gettime makes the system call whenever the clocksource
 *  cannot be read in user space at that instant (lib/vdso/gettimeofday.c vdso_get_timestamp; on x86 under KVM,
 *  vread_pvclock returns U64_MAX while the hypervisor has PVCLOCK_TSC_STABLE_BIT clear, arch/x86/include/asm/vdso/
 *  gettimeofday.h). That depends on the host machine at that instant, which the model does not have; the kernel's
 *  answer is then the system call's, which can differ from the vDSO's (fidelity-i2-offsets-64bit.timens). */
function vdsoFellBack(mr: OpResult, f: Readonly<Record<string, string>>): string | null {
  const mp = mr.clock?.path;
  if (f.fb !== '1' || (mp !== 'vdso-fast' && mp !== 'vdso-timens')) return null;
  return 'the vDSO fell back to the syscall for this call (the clocksource could not be read in user space at that instant: '
    + 'on x86 a paravirtual clock without PVCLOCK_TSC_STABLE_BIT); the model read it in the vDSO';
}

function modelOutcome(r: OpResult): string {
  return r.errno ?? r.signal ?? 'ok';
}

export function kernelOutcome(f: Readonly<Record<string, string>>): string {
  if (f.errno && f.errno !== '0') return f.errno;
  if (f.sig && f.sig !== '0') return f.sig;
  return 'ok';
}

/** The /proc path a read or readlink names, following an fd to the path it was opened with. */
function fileOf(op: Operation, before: KernelState, task: string | null): string | null {
  if (op.op === 'readlink') return op.path;
  if (op.op !== 'read') return null;
  if ('path' in op.file) return op.file.path;
  return fdOf(op.file.fd, before, task)?.path ?? null;
}

function fdOf(fd: string, before: KernelState, task: string | null) {
  const t = task ? before.tasks[task] : undefined;
  return t ? t.fds[fd] : undefined;
}

/** Where a read starts in its file: 0 by path (opened for the call), else its fd's position in the model. */
function readStart(op: Operation, before: KernelState, task: string | null): number {
  if (op.op !== 'read' || 'path' in op.file) return 0;
  return fdOf(op.file.fd, before, task)?.pos ?? 0;
}

interface TextCtx {
  readonly nsMap: Bijection; readonly userMap: Bijection; readonly after: KernelState; readonly k: KernelLine; readonly tidNames: ReadonlyMap<number, string>;
  /** How the model's kernel reads an offsets write's numbers (profile.ts scanSaturates). */
  readonly scan: ScanRules;
  /** The machine's page size: maps addresses in pages. */
  readonly pageSize: number;
}

/** Compares texts by meaning; returns [kernel, model] as they should be shown, equal when they agree. */
/** `start`: where the read starts in its file (the model's position: earlier reads agreed on both sides). */
function compareText(path: string, start: number, kText: string, mText: string, f: Readonly<Record<string, string>>, c: TextCtx, pl: PlannedLine, tol: Tolerances): [string, string] | null {
  if (/\/timens_offsets$/.test(path)) return textPair(kText, mText);
  if (path === '/proc/uptime') {
    // A read at the end of the line (after an fd read, here or by a task sharing the struct file) gives nothing on
    // both sides, and the whole line against nothing is a position apart. Any other part of the line depends on
    // the widths of the host's numbers (the model's idle time is not the machine's): not compared.
    // Nothing against a part of the line is no more than that: a position an lseek set lies past the end of the
    // shorter text only (fuzz seed 530006 on x86_64 6.1: lseek(fd, 11), then "" from the kernel, "\n" from the model).
    const line = (text: string) => /^\d+\.\d\d \d+\.\d\d\n$/.test(text);
    const whole = (text: string) => start === 0 && line(text);
    if (!whole(kText) || !whole(mText)) {
      if (kText === mText || (kText === '' && line(mText)) || (mText === '' && line(kText))) return textPair(kText, mText);
      const part = 'part of the uptime line (not compared: how many bytes lie where follows the host\'s numbers)';
      return [part, part];
    }
    const ku = Number(kText.split(' ')[0]);
    const h = (secs(f.h1) + secs(f.h2)) / 2;
    const host = pl.model.after.host.boottime;
    const mu = Number(mText.split(' ')[0]) - tsSecs(host);
    const ko = ku - h;
    const agree = Math.abs(ko - mu) <= tol.clockSec + (secs(f.h2) - secs(f.h1)) / 2 + 0.01;
    return [`uptime ${fmtS(ko)} from host boottime`, agree ? `uptime ${fmtS(ko)} from host boottime` : `uptime ${fmtS(mu)} from host boottime`];
  }
  if (path === '/proc/stat') {
    // btime is printed as an unsigned 64-bit number (a LONG_MIN boottime offset wraps it): exact arithmetic
    const kb = /(?:^|\n)btime (\d+)/.exec(kText)?.[1];
    const mb = /(?:^|\n)btime (-?\d+)/.exec(mText)?.[1];
    const h = pl.model.after.host;
    const mHost = Math.floor(tsSecs(h.realtime) - tsSecs(h.boottime));
    // the model's text is its btime line alone: a read of part of the file (a count, or an fd's position past 0)
    // lies elsewhere in the kernel's, and says nothing unless both are at the end
    if (kText === '' && mText === '') return textPair(kText, mText);
    if (start !== 0 || kb === undefined || mb === undefined || !/^-?\d+$/.test(f.hb ?? '')) {
      const part = 'part of /proc/stat without its btime line (not compared: the model has the btime line alone)';
      return [part, part];
    }
    const ko = BigInt(kb) - BigInt(f.hb), mo = BigInt(mb) - BigInt(mHost);
    const d = ko - mo;
    return [`btime ${ko >= 0n ? '+' : ''}${ko} s from the host's`, d >= -1n && d <= 1n ? `btime ${ko >= 0n ? '+' : ''}${ko} s from the host's` : `btime ${mo >= 0n ? '+' : ''}${mo} s from the host's`];
  }
  if (taskPath(path)?.rest === 'stat') return startTimeText(kText, mText, f, c, pl);
  if (/\/maps$/.test(path)) {
    // once a special mapping was moved or unmapped, where each one lies is where the kernel put the move's
    // destination (the helper's MREMAP_FIXED reservation): compared as a set of sizes and columns, as the state is
    const mm = modelMmOfPath(path, pl);
    const placed = !mm || !mappingsApart(mm, c.pageSize);
    return [specialMappings(kText, placed, c.pageSize), specialMappings(mText, placed, c.pageSize)];
  }
  // a pid the model names: the live task holding it (a non-leader's exec leaves its old leader's record, gone, with
  // the same pid: fuzz seed 722037, readlink of /proc/thread-self after it)
  const modelPid = (n: string): string | undefined => {
    const holders = Object.values(pl.model.after.tasks).filter((t) => String(t.pid) === n);
    return (holders.find((t) => t.state !== 'exited') ?? holders[0])?.id;
  };
  if (path === '/proc/self') {
    const kn = c.tidNames.get(Number(kText)) ?? `pid ${kText}`;
    return [`pid of ${kn}`, `pid of ${modelPid(mText) ?? `pid ${mText}`}`];
  }
  if (path === '/proc/thread-self') {
    // "TGID/task/TID": each number named by the task it is on its own side
    const name = (text: string, of: (n: string) => string | undefined) => text.split('/task/').map((n) => of(n) ?? `pid ${n}`).join('/task/');
    return [name(kText, (n) => c.tidNames.get(Number(n))), name(mText, modelPid)];
  }
  const ku = /^user:\[(\d+)\]$/.exec(kText);
  if (ku && /\/ns\/user$/.test(path)) return [`user: ${userName(c, Number(ku[1]), modelUserOfPath(path, pl))}`, `user: ${modelUserOfPath(path, pl) ?? mText}`];
  const km = /^([a-z_]+):\[(\d+)\]$/.exec(kText);
  const mm = /^([a-z_]+):\[(\d+)\]$/.exec(mText);
  if (km && mm) {
    const kName = c.nsMap.modelOf(Number(km[2])) ?? `[${km[2]}]`;
    const mName = Object.values(c.after.timeNamespaces).find((n) => String(n.inum) === mm[2])?.id ?? `[${mm[2]}]`;
    return [`${km[1]}: ${kName}`, `${mm[1]}: ${mName}`];
  }
  return textPair(kText, mText);
}

/** Field 22 of a /proc/PID/stat line (after the comm's last ')') and field 1, the pid. */
function statFields(text: string): { pid: string; start: bigint } | null {
  const close = text.lastIndexOf(')');
  const start = close < 0 ? undefined : text.slice(close + 2).trim().split(' ')[19];
  return start !== undefined && /^\d+$/.test(start) ? { pid: text.slice(0, text.indexOf(' ')), start: BigInt(start) } : null;
}

const U64 = 1n << 64n;
const TICK_NS = 10_000_000n;
/** Ticks as nanoseconds, the u64 sum unwrapped: a sum of 2^63 ns or more can only be a negative one (a negative
 *  offset larger than the task's start), since an offset passed the range check against host boottime. */
const unwrapNs = (ticks: bigint) => { const ns = ticks * TICK_NS; return ns >= 1n << 63n ? ns - U64 : ns; };
/** /proc/PID/stat starttime as the shift from the host's view of the same task (the supervisor's read, `hs`): the
 *  reader's boottime offset, or 0 before 5.11. When each side's task started is not compared (the model's P1
 *  started at its boot). Each side's shift is the offset to within a tick (floor((start + offset) / tick) -
 *  floor(start / tick) depends on where in its tick the task started), so they agree within two ticks, not
 *  inclusive. A wrapped u64 sum (model or kernel: their tasks started at different host times) is unwrapped. */
function startTimeText(kText: string, mText: string, f: Readonly<Record<string, string>>, c: TextCtx, pl: PlannedLine): [string, string] | null {
  const k = statFields(kText), m = statFields(mText);
  const tasks = Object.values(pl.model.before.tasks);
  const target = m ? (tasks.find((t) => String(t.pid) === m.pid && t.state !== 'exited') ?? tasks.find((t) => String(t.pid) === m.pid)) : undefined;
  if (!k || !m || !target || !/^\d+$/.test(f.hs ?? '')) return null;
  const b = target.startBoottime;
  const ko = unwrapNs(k.start) - BigInt(f.hs) * TICK_NS;
  const mo = unwrapNs(m.start) - ((BigInt(b.sec) * 1_000_000_000n + BigInt(b.nsec)) / TICK_NS) * TICK_NS;
  const who = c.tidNames.get(Number(k.pid)) ?? `pid ${k.pid}`;
  const show = (o: bigint, name: string) => `starttime of ${name} ${o >= 0n ? '+' : ''}${o / TICK_NS} ticks from the host's`;
  const d = ko - mo;
  return [show(ko, who), d > -2n * TICK_NS && d < 2n * TICK_NS && who === target.id ? show(ko, who) : show(mo, target.id)];
}

/** sysinfo's uptime as an offset from host boottime (bracketed by h1, h2): whole seconds rounded up on both sides,
 *  so they agree within a second more than the clock tolerance. */
function uptimeText(kText: string, mText: string, f: Readonly<Record<string, string>>, pl: PlannedLine, tol: Tolerances): [string, string] {
  const ku = Number(/^uptime=(-?\d+)$/.exec(kText)?.[1] ?? NaN), mu = Number(/^uptime=(-?\d+)$/.exec(mText)?.[1] ?? NaN);
  const h1 = secs(f.h1), h2 = secs(f.h2);
  const ko = ku - (h1 + h2) / 2, mo = mu - tsSecs(pl.model.after.host.boottime);
  const agree = Math.abs(ko - mo) <= tol.clockSec + (h2 - h1) / 2 + 1;
  return [`uptime ${fmtS(ko)} from host boottime`, agree ? `uptime ${fmtS(ko)} from host boottime` : `uptime ${fmtS(mo)} from host boottime`];
}

/** The model's task a /proc/PID/… path names (before the line). */
function modelTaskOfPath(path: string, pl: PlannedLine) {
  const before = pl.model.before;
  const name = taskOfProcPath(path, pl.step.task, before.tasks);
  return name ? before.tasks[name] : undefined;
}

/** The model's user namespace a /proc/PID/ns/user path names (the task's, before the line). */
function modelUserOfPath(path: string, pl: PlannedLine): string | null {
  return modelTaskOfPath(path, pl)?.userNs ?? null;
}

function modelMmOfPath(path: string, pl: PlannedLine): MmState | undefined {
  const mm = modelTaskOfPath(path, pl)?.mm;
  return mm ? pl.model.before.mms[mm] : undefined;
}

/** Whether the special mappings of an mm are no longer side by side (one was moved or unmapped). An AArch32 task's
 *  [vectors] is at its fixed AA32_VECTORS_BASE, never beside the others (aarch32_kuser_helpers_setup): not a move. */
export function mappingsApart(mm: MmState, pageSize: number): boolean {
  const vmas = mm.vmas.filter((v) => v.name !== '[vectors]').sort((a, b) => a.start - b.start);
  return vmas.some((v, i) => i > 0 && vmas[i - 1]!.start + vmas[i - 1]!.pages * pageSize !== v.start);
}

/** The model name of a kernel user namespace inode: paired with `model` when neither is paired yet. */
function userName(c: TextCtx, inum: number, model: string | null): string {
  const known = c.userMap.modelOf(inum);
  if (known) return known;
  if (model && !c.userMap.pair(inum, model)) return model;
  return `[${inum}]`;
}

/** NS_GET_OWNER_UID: the uid as text; NS_GET_USERNS/NS_GET_PARENT: the user namespace of the new fd (named
 *  fds only: an unnamed one is not in the model's state). */
function ioctlText(request: string, newFd: string, kText: string, mText: string, c: TextCtx, pl: PlannedLine): [string, string] | null {
  if (request === 'NS_GET_OWNER_UID') return [kText, mText];
  if (request === 'NS_GET_NSTYPE' || !newFd) return null;
  const t = pl.step.task ? c.after.tasks[pl.step.task] : undefined;
  const model = t?.fds[newFd]?.user ?? null;
  const ku = /^user:\[(\d+)\]$/.exec(kText);
  return [ku ? `user: ${userName(c, Number(ku[1]), model)}` : quote(kText), `user: ${model ?? mText}`];
}

const SPECIAL = /^([0-9a-f]+)-([0-9a-f]+) (\S+) (\S+) (\S+) (\S+) +(\[(?:vvar|vvar_vclock|vdso|vsyscall|sigpage|vectors)\])$/;

/** The special-mapping lines of a maps text (the model has no others), each placed relative to the start of
 *  [vdso] (the kernel's addresses are randomised, the model's fixed), or of the first one once [vdso] is gone,
 *  with its size in pages; [vsyscall] and an AArch32 task's [vectors] stay at their fixed addresses. Column
 *  padding is compared as printed. Not `placed`: without the addresses of the others, in name order. */
function specialMappings(text: string, placed: boolean, pageSize: number): string {
  const lines = text.split('\n').map((l) => ({ l, m: SPECIAL.exec(l) })).filter((x) => x.m);
  const fixed = (name: string) => name === '[vsyscall]' || name === '[vectors]';
  // without a [vdso] (unmapped), the first of the others anchors the places: absolute addresses are randomised
  const anchor = lines.find((x) => x.m![7] === '[vdso]') ?? lines.find((x) => !fixed(x.m![7]!));
  const base = anchor ? BigInt('0x' + anchor.m![1]) : 0n;
  const from = anchor ? anchor.m![7] : '[vdso]';
  const page = BigInt(pageSize);
  const shown = lines.map(({ l, m }) => {
    const start = BigInt('0x' + m![1]), end = BigInt('0x' + m![2]);
    const at = fixed(m![7]!) ? m![1] : `${from}${start - base >= 0n ? '+' : ''}${(start - base) / page}p`;
    const pad = l.length - l.indexOf(m![7]);
    const where = placed || fixed(m![7]!) ? ` at ${at}` : '';
    return `${m![7]}${where}, ${(end - start) / page} page${end - start === page ? '' : 's'}, ${m![3]} ${m![4]} ${m![5]} ${m![6]}, name at column ${l.length - pad}`;
  });
  return (placed ? shown : shown.sort()).join('; ') || 'no special mappings';
}

/** For an offsets write whose outcomes differ in ERANGE: whether the range check, which adds the host's own
 *  uptime (kernel/time/namespace.c proc_timens_set_offset: ktime_get_ts64 or ktime_get_boottime_ts64 plus the
 *  offset, ERANGE below 0), decides differently at the model's host uptime and at the kernel's. The kernel read its
 *  uptime somewhere between the helper's readings before (hm0, hboot0) and after the write (hm, hboot): a bound
 *  between the two makes the answer the timing's; else the model was asked at the first (verify's plan moves its
 *  host there), unless its host is ahead (a sleep cut at the cap). Then the difference is the hosts', not the model's. */
const fmtUp = (x: number) => `${x.toFixed(3)} s`;

function rangeDependsOnHost(pl: PlannedLine, f: Readonly<Record<string, string>>, scan: ScanRules): string | null {
  const op = pl.step.operation;
  if (op.op !== 'write' && op.op !== 'pwrite') return null;
  const hm = secs(f.hm), hb = secs(f.hboot);
  if (!Number.isFinite(hm) || !Number.isFinite(hb)) return null;
  // an older helper's answer has no readings before the write: the one after stands for both
  const hm0 = Number.isFinite(secs(f.hm0)) ? secs(f.hm0) : hm, hb0 = Number.isFinite(secs(f.hboot0)) ? secs(f.hboot0) : hb;
  const bytes = dataBytes(op.data);
  const parsed = parseOffsetsWrite(bytes, false, scan);
  const entries = parsed.ok ? parsed.offsets : (() => { const p2 = parseOffsetsWrite(bytes, true, scan); return p2.ok ? p2.offsets : []; })();
  const mHost = pl.model.before.host;
  const inRange = (h: number, e: { sec: bigint; nsec: bigint }) => {
    const s = Math.floor(h);
    return offsetRange({ sec: s, nsec: Math.round((h - s) * 1e9) }, e.sec, e.nsec).ok;
  };
  for (const e of entries) {
    const k0 = e.clockid === 7 ? hb0 : hm0, km = e.clockid === 7 ? hb : hm;
    if (inRange(k0, e) !== inRange(km, e)) {
      return `the range check adds the host's uptime, read by the kernel during the write: ${e.sec} s lands on one side of a bound at the uptime before it (${fmtUp(k0)}) and on the other after it (${fmtUp(km)}), so the answer is the timing's`;
    }
    const mm = e.clockid === 7 ? tsSecs(mHost.boottime) : tsSecs(mHost.monotonic);
    if (inRange(km, e) !== inRange(mm, e)) {
      return `the range check adds the host's uptime: the model's host has been up ${fmtUp(mm)}, this kernel's ${fmtUp(km)}, and ${e.sec} s lands on different sides of a bound`;
    }
  }
  return null;
}

export function compareResult(pl: PlannedLine, k: KernelLine, c: TextCtx, tol: Tolerances, unchecked: (field: string) => string | null): ResultCompare {
  const mr = pl.model.result;
  const f = k.res!.f;
  const op = pl.step.operation;
  const spec = OPERATIONS[op.op];
  const diffs: Diff[] = [];
  const mo = modelOutcome(mr), ko = kernelOutcome(f);
  let model = mo, kernel = ko;
  const skipOutcome = unchecked('outcome');
  if (skipOutcome) return { diffs, unchecked: skipOutcome, model, kernel };
  const rt = readingTimer(pl, f, tol.clockSec, mo, ko);
  if (rt?.unchecked) return { diffs, unchecked: rt.unchecked, model, kernel };
  if (mo !== ko) {
    const host = (mo === 'ERANGE') !== (ko === 'ERANGE') ? rangeDependsOnHost(pl, f, c.scan) : null;
    // a write that failed on both sides (the model's EACCES of a frozen namespace, the kernel's ERANGE, which
    // proc_timens_set_offset checks first) changed nothing either side: only a success sets the machines apart
    if (host) return { diffs, unchecked: host, model, kernel, diverged: mo === 'ok' || ko === 'ok' };
    diffs.push({ field: 'outcome', kernel: ko, model: mo });
  }
  const fellBack = ko === 'ok' ? vdsoFellBack(mr, f) : null;
  if (fellBack) return { diffs, unchecked: fellBack, model, kernel: `${kernel} vdso-fallback-syscall` };
  // A futex wait ends in ETIMEDOUT on both sides: its wait is still compared.
  const ok = (mo === 'ok' && ko === 'ok') || ((op.op === 'futex_wait' || op.op === 'futex2_wait') && mo === 'ETIMEDOUT' && ko === 'ETIMEDOUT');
  for (const field of spec.fields) {
    if (!ok) break;
    if (unchecked(field)) continue;
    switch (field) {
      case 'ret': {
        // a new fd's number is the helper's, not the model's: only NS_GET_NSTYPE's value is compared
        if (op.op === 'ioctl' && op.request !== 'NS_GET_NSTYPE') break;
        const path = fileOf(op, pl.model.before, pl.step.task);
        if (op.op === 'read' && path !== null && !/timens_offsets$/.test(path)) break;
        if (op.op === 'readlink') break;
        model += ` ret=${mr.ret}`; kernel += ` ret=${f.ret}`;
        if (String(mr.ret) !== f.ret) diffs.push({ field: 'ret', kernel: f.ret, model: String(mr.ret) });
        break;
      }
      case 'text': {
        const path = fileOf(op, pl.model.before, pl.step.task);
        const kText = f.text !== undefined ? decodeHex(f.text) ?? '' : '';
        if (op.op === 'ioctl') {
          const pair = ioctlText(op.request, op.newFd, kText, mr.text ?? '', c, pl);
          if (!pair) break;
          model += ` ${pair[1]}`; kernel += ` ${pair[0]}`;
          if (pair[0] !== pair[1]) diffs.push({ field: 'text', kernel: pair[0], model: pair[1] });
          break;
        }
        if (op.op === 'sysinfo') {
          const pair = uptimeText(kText, mr.text ?? '', f, pl, tol);
          model += ` ${pair[1]}`; kernel += ` ${pair[0]}`;
          if (pair[0] !== pair[1]) diffs.push({ field: 'text', kernel: pair[0], model: pair[1] });
          break;
        }
        if (op.op === 'id') {
          model += ` ${mr.text ?? ''}`; kernel += ` ${kText}`;
          if (kText !== mr.text) diffs.push({ field: 'text', kernel: kText, model: mr.text ?? '' });
          break;
        }
        const pair = path === null ? null : compareText(path, readStart(op, pl.model.before, pl.step.task), kText, mr.text ?? '', f, c, pl, tol);
        if (!pair) break;
        model += ` ${pair[1]}`; kernel += ` ${pair[0]}`;
        if (pair[0] !== pair[1]) diffs.push({ field: 'text', kernel: pair[0], model: pair[1] });
        break;
      }
      case 'clock': {
        if (!mr.clock) break;
        // a CPU clock's value is the time the task ran, which the model does not have (our choice: 1 ms): the outcome
        // is compared, the value is not, and the line says so
        if (op.op === 'clock_gettime' && (op.clock === 2 || op.clock === 3 || negativeClock(op.clock))) {
          kernel += ' value not compared (CPU time)';
          break;
        }
        const mOff = tsSecs(mr.clock.value) - tsSecs(mr.clock.host);
        const h1 = secs(f.h1), h2 = secs(f.h2), v = secs(f.v);
        const kOff = v - (h1 + h2) / 2;
        const near = (off: number) => Math.abs(kOff - off) < tol.clockSec + (h2 - h1) / 2;
        // the other value the kernel gives, by the host's timing alone: a vDSO read whose nanoseconds carried a
        // second (between a second boundary and the tick's update_vsyscall; sim offset64.ts vdsoAddOffset)
        const carried = !near(mOff) && mr.clock.carried && near(tsSecs(mr.clock.carried) - tsSecs(mr.clock.host));
        const agree = near(mOff) || !!carried;
        model += ` ${fmtS(mOff)}`; kernel += ` ${fmtS(kOff)}${carried ? ' (the vDSO\'s nanoseconds carried a second: a read before the tick\'s update)' : ''}`;
        if (!agree) diffs.push({ field: 'clock offset', kernel: fmtS(kOff), model: fmtS(mOff), why: `offsets from the host clock agree within ${tol.clockSec} s` });
        break;
      }
      case 'path': {
        // fb: whether the helper saw the vDSO call enter the kernel (helper/vdso_watch.c); without it, a fallback
        // the model predicts cannot be seen on the kernel's side
        const kp = f.fb === '1' ? 'vdso-fallback-syscall' : f.fb === '0' && f.path === '?' ? 'vdso (no system call)' : f.path;
        const mp = mr.clock?.path;
        if (!mp || !kp || kp === '?' || (mp === 'vdso-fallback-syscall' && f.fb === undefined)) break;
        model += ` ${mp}`; kernel += ` ${kp}`;
        if (kp !== mp) diffs.push({ field: 'vDSO path', kernel: kp, model: mp });
        break;
      }
      case 'waited': {
        if (rt) {
          model = rt.model; kernel = rt.kernel;
          if (rt.diff) diffs.push(rt.diff);
          break;
        }
        if (!mr.waited) break;
        const sat = expiryTimer(pl, f, tol.durationSec, mo, ko);
        if (sat) {
          model = sat.model; kernel = sat.kernel;
          if (sat.diff) diffs.push(sat.diff);
          if (sat.unchecked) return { diffs, unchecked: sat.unchecked, model, kernel };
          break;
        }
        const m = tsSecs(mr.waited), kw = secs(f.w);
        const intr = f.intr === '1';
        const timer = op.op === 'timerfd_settime' || op.op === 'timer_settime';
        // A deadline of host + …: the supervisor turned it into a point of the host clock just before h1, and the
        // task's call starts later by however long the command took to reach it, by which its own wait is shorter.
        // The wait from h1 to the answer (h2) holds that delay and not the deadline's meaning: it must cover the
        // model's wait, and the task's own must not outlast it.
        const hostDeadline = !timer && 'value' in op && typeof op.value === 'object' && op.value.base === 'host' && f.h1 !== undefined && f.h2 !== undefined;
        const fromH1 = hostDeadline ? secs(f.h2) - secs(f.h1) : kw;
        // A timer's time left is read after the set, by h2: on a loaded machine (qemu) that came up to 1.9 s after
        // h1, and the time left was that much shorter than the model's, whose clock had not moved. The lower bound
        // allows the bracket as well as the tolerance.
        const bracket = timer && f.h1 !== undefined && f.h2 !== undefined ? Math.max(0, secs(f.h2) - secs(f.h1)) : 0;
        let agree: boolean;
        if (!timer && m > tol.capSec) agree = intr;
        else agree = !intr && fromH1 >= m - 0.02 - (timer ? tol.durationSec + (Number.isFinite(bracket) ? bracket : 0) : 0) && kw <= m + tol.durationSec;
        model += ` ${timer ? 'expires in' : 'waited'} ${dur(m)}`;
        kernel += ` ${timer ? 'expires in' : 'waited'} ${intr ? `more than the ${dur(tol.capSec)} cap` : dur(kw)}${hostDeadline && !intr ? ` (${dur(fromH1)} from the host deadline's reading)` : ''}`;
        if (!agree) diffs.push({ field: timer ? 'time left' : 'waited', kernel: intr ? `> ${dur(tol.capSec)}` : dur(kw), model: dur(m), why: `durations agree within ${tol.durationSec} s${timer ? ', a time left may be shorter by the host bracket as well' : ''}; sleeps over ${tol.capSec} s are cut at the cap` });
        break;
      }
      case 'timer': {
        const ms = timerState(mr), ks = f.tm;
        if (!ms || !ks) break;
        // a deadline within the tolerance of now may be reached before the helper looks, or not yet
        const near = (x: number) => x <= tol.durationSec;
        const agree = ms === ks || (ms === 'armed' && ks === 'expired' && near(tsSecs(mr.waited!))) || (ms === 'expired' && ks === 'armed' && near(secs(f.w)));
        model += ` timer ${ms}`; kernel += ` timer ${ks}`;
        if (!agree) diffs.push({ field: 'timer', kernel: ks, model: ms, why: 'a deadline within the duration tolerance of now may count as armed or expired' });
        break;
      }
      case 'res': {
        const got = f.res, want = mr.clock ? `${mr.clock.value.sec}:${String(mr.clock.value.nsec).padStart(9, '0')}` : undefined;
        if (!got || !want) break;
        model += ` res ${want}`; kernel += ` res ${got}`;
        if (got !== want) diffs.push({ field: 'resolution', kernel: got, model: want });
        break;
      }
      case 'child': {
        const started = /:started$/.test(f.child ?? '');
        if (!started) diffs.push({ field: 'child', kernel: 'not started', model: `${mr.child ?? 'created'}` });
        break;
      }
    }
  }
  return { diffs, unchecked: null, model, kernel };
}
