// Small text helpers shared by the editor's pure models: time values, results and kernel objects in the
// words a kernel developer expects (`ns#1`, `page#host`, `-1 EACCES`), with no VS Code dependency.

import { configText } from '../../sim/config';
import type { OpResult, PhysPageState } from '../../sim/api';
import type { Arch, Arm64PatchId, KernelVersion, Profile, Timespec } from '../../sim/types';
import { buildStatusOf } from '../../sim/build';
import { orCarried, rawOffset, type TimensOffset } from '../../sim/offset64';
import { ARM64_PATCHES, kernelAtLeast as versionAtLeast } from '../../sim/types';
import { signalText } from '../format';
import { formatDuration, subTimespec } from '../values';
import { clockName, ERRNO_TEXT } from '../vocabulary';

/** `12s`, `1.75s`, `-3.000000001s`: whole seconds stay short, nanoseconds are shown without trailing zeros (values.ts). */
export const formatTimespec = formatDuration;

/** An offset with its sign always shown: `+86400s`, `-20s`, `+0s`; a stored offset whose nanoseconds were
 *  negative shows the stored pair too: `{9223372036 s, -9223372036854775808 ns} = -0.854775808s`. */
export function formatOffset(ts: TimensOffset): string {
  const text = formatTimespec(ts);
  const signed = text.startsWith('-') ? text : `+${text}`;
  if (!ts.carry) return signed;
  const r = rawOffset(ts);
  return `{${r.sec} s, ${r.nsec} ns} = ${signed}`;
}

export { subTimespec as subtractTimespec, clockName };

export function isZero(ts: Timespec): boolean {
  return ts.sec === 0 && ts.nsec === 0;
}

/** A C-like quoted string, cut to `max` characters so a long /proc read stays on one line. */
export function quote(text: string, max = 48): string {
  const escaped = text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t');
  return `"${escaped.length > max ? escaped.slice(0, max - 1) + '…' : escaped}"`;
}

/** The return of an operation the way strace shows it: `0`, `-1 EACCES (Permission denied)`, `--- SIGBUS ---`
 *  (a delivered signal, worded by signalText), `0 --- SIGSEGV ---` when it returned and raised one. */
export function formatReturn(result: OpResult, long = false): string {
  if (result.ret === null) return result.signal ? signalText(result.signal) : 'no return';
  if (result.errno) return long ? `-1 ${result.errno} (${ERRNO_TEXT[result.errno] ?? 'error'})` : `-1 ${result.errno}`;
  return result.signal ? `${result.ret} ${signalText(result.signal)}` : String(result.ret);
}

/** The parts of a result after its return, as inline results and trees show them (`child P2`, a clock read, the text read). */
export function resultParts(r: OpResult, quoteMax: number): string[] {
  const parts: string[] = [];
  if (r.child) parts.push(`child ${r.child}`);
  if (r.clock) parts.push(formatClockRead(r.clock));
  if (r.text !== undefined) parts.push(quote(r.text, quoteMax));
  if (r.waited) parts.push(`waited ${formatTimespec(r.waited)}`);
  if (r.timer) parts.push(r.timer);
  return parts;
}

/** What a clock read returned, as host value + offset: `CLOCK_MONOTONIC 86410s = host 10s +86400s (vdso-timens)`. */
export function formatClockRead(clock: NonNullable<OpResult['clock']>): string {
  const offset = subTimespec(clock.value, clock.host);
  const read = `${clockName(clock.clock)} ${formatTimespec(clock.value)} = host ${formatTimespec(clock.host)} ${formatOffset(offset)} (${clock.path})`;
  return clock.carried ? `${read}, ${orCarried(`${formatTimespec(clock.carried)} = host ${formatOffset(subTimespec(clock.carried, clock.host))}`)}` : read;
}

export function describePhysPage(id: string, page?: PhysPageState): string {
  if (id === 'page#host') return 'host data page (vdso_data)';
  const kind = page?.kind;
  if (kind === 'timens' || id.startsWith('page#ns#')) return `vvar_page of ${page?.ns ?? id.slice('page#'.length)}`;
  if (kind === 'pvclock' || id === 'page#pvclock') return 'pvclock page';
  if (kind === 'hvclock' || id === 'page#hvclock') return 'Hyper-V TSC page';
  if (kind === 'rng' || id === 'page#rng') return 'vDSO getrandom page';
  if (kind === 'arch-data' || id === 'page#arch') return 'arch data page';
  if (kind === 'datastore-slot' || id === 'page#datastore-timens') return 'the datastore\'s page at the timens slot (unused outside a time namespace)';
  if (kind === 'host-data') return 'host data page (vdso_data)';
  return id;
}

/** Short name of a physical page for tree descriptions: `host`, `ns#1`, `pvclock`. */
export function shortPhysPage(id: string): string {
  if (id === 'page#host') return 'host';
  return id.startsWith('page#') ? id.slice('page#'.length) : id;
}

export { versionAtLeast };

/** Does the profile's arm64 patch set apply (arm64 5.9+, where the series was merged)? */
export function patchesApply(profile: { arch: Arch; kernel: KernelVersion }): boolean {
  return profile.arch === 'arm64' && versionAtLeast(profile.kernel, '5.9');
}

export function profileLabel(profile: Profile): string {
  const off = profile.disabledPatches.length > 0 && patchesApply(profile)
    ? ` − ${profile.disabledPatches.map((p) => `#${patchNumber(p)}`).join(',')}`
    : '';
  const build = buildStatusOf(profile);
  const config = configText(profile.config);
  return `${profile.arch} · ${profile.kernel}${off}${config ? ` · ${config}` : ''}${build.builds ? '' : build.forced ? ' (forced build)' : ' (does not build)'}`;
}

export function patchNumber(id: Arm64PatchId): number {
  return ARM64_PATCHES.find((p) => p.id === id)?.n ?? 0;
}

/** What each page of a special mapping holds for a profile, by page index from the mapping's start (vm_pgoff + i). */
export function pageRole(profile: { arch: Arch; kernel: KernelVersion; disabledPatches?: readonly Arm64PatchId[] }, mapping: string, index: number): string {
  if (mapping === '[vdso]') return 'vDSO text';
  const generic = versionAtLeast(profile.kernel, '6.15');
  if (profile.arch === 'x86_64') {
    if (mapping === '[vvar_vclock]') return ['pvclock', 'hvclock'][index] ?? 'past the end';
    if (generic) return ['time data', 'timens', 'rng', 'arch data'][index] ?? 'past the end';
    if (versionAtLeast(profile.kernel, '6.13')) return ['data', 'timens'][index] ?? 'past the end';
    return ['vvar data', 'pvclock', 'hvclock', 'timens'][index] ?? 'past the end';
  }
  if (generic) return ['time data', 'timens', 'rng', 'arch data'][index] ?? 'past the end';
  const disabled = profile.disabledPatches ?? [];
  const twoPages = versionAtLeast(profile.kernel, '5.9') && !disabled.includes('timens-page');
  if (twoPages) return ['data', 'timens'][index] ?? 'past the end';
  return index === 0 ? 'data' : 'past the end';
}
