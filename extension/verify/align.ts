// The plan again for the kernel's real machine (the helper's hello) and host: the lines were sent before the hello,
// planned for the machine assumed then; where the two plans send other commands, the kernel ran lines the
// realigned plan does not describe, so those are not checkable and the report says which machine property made it.

import { machineOf, type Machine } from '../sim/types';
import { MACHINE_KEYS } from '../scenario/vocabulary';
import { planScenario, type Plan } from './plan';
import { seconds } from './protocol';
import type { HostNow, KernelLine } from './protocol';

/** The scenario line where the two plans first send different commands (a line one of them does not send at all
 *  counts), or null when they send the same. */
function firstOther(p: Plan, q: Plan): number | null {
  const cmd = (x: Plan) => new Map(x.lines.map((l) => [l.line, l.command]));
  const a = cmd(p), b = cmd(q);
  const lines = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => x - y);
  return lines.find((l) => a.get(l) !== b.get(l)) ?? null;
}

/** The machine's properties that differ, as the header would say them (`ia32_emulation=no`). */
function machineWords(sent: Machine, real: Machine): string[] {
  const word = (k: (typeof MACHINE_KEYS)[string], v: Machine[keyof Machine]) => (k.word ? k.word(v) : typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));
  return Object.entries(MACHINE_KEYS).filter(([, k]) => sent[k.field] !== real[k.field])
    .map(([w, k]) => `${w}=${word(k, real[k.field])}, planned for ${word(k, sent[k.field])}`);
}

/** The kernel's host just before each line that reported it (hm0, hboot0: the helper reads them before sending a line
 *  whose answer depends on the uptime), by scenario line. */
function hostsBefore(kernel: ReadonlyMap<number, KernelLine> | undefined): Map<number, HostNow> {
  const out = new Map<number, HostNow>();
  for (const [n, l] of kernel ?? []) {
    const m = seconds(l.res?.f.hm0), b = seconds(l.res?.f.hboot0);
    if (Number.isFinite(m) && Number.isFinite(b)) out.set(n - 1, { monotonic: m, boottime: b });
  }
  return out;
}

/** The plan made again on the kernel's machine and, when that sends the same commands, its host (the offsets range
 *  check depends on the uptime): at the start of the scenario, and before each line whose answer depends on it.
 *  When the machine changes a command, the lines before it are compared against the realigned plan and the lines
 *  from it on are not checkable, naming the property that made the difference. */
export function aligned(p: Plan, text: string, host: HostNow | undefined, machine: Partial<Machine>, kernel?: ReadonlyMap<number, KernelLine>): Plan {
  if (p.fileNotChecked || p.invalid.length) return p;
  const profile = { ...p.profile, machine };
  const before = hostsBefore(kernel);
  let best: { q: Plan; at: number } | null = null;
  const tries: [HostNow | undefined, Map<number, HostNow> | undefined][] = [
    ...(host && before.size ? [[host, before] as [HostNow, Map<number, HostNow>]] : []), ...(host ? [[host, undefined] as [HostNow, undefined]] : []), [undefined, undefined]];
  for (const [h, hs] of tries) {
    const q = planScenario(text, p.file, profile, p.mode, p.label, h, hs);
    const at = firstOther(p, q);
    if (at === null) return q;
    if (!best || at > best.at) best = { q, at };
  }
  const { q, at } = best!;
  const said = (x: Plan) => x.lines.find((l) => l.line === at)?.command ?? 'nothing';
  const words = machineWords(machineOf(p.profile), machineOf(profile)).join('; ') || 'its host';
  const why = `the plan for this kernel's machine (${words}) sends another command from here: ${said(q)}, where the kernel ran ${said(p)}`;
  const note = `this kernel's machine (${words}) makes line ${at + 1} another command than the one sent: the lines from it on are not checkable`;
  return { ...q, otherFrom: { line: at, why }, headerNote: [q.headerNote, note].filter(Boolean).join('; ') };
}
