// What verification gives: per scenario line agree, disagree or not checkable (with why), each disagreement
// with its field, the kernel's value and the model's; the text and JSON forms the CLI prints.

export interface Diff {
  readonly field: string;
  readonly kernel: string;
  readonly model: string;
  readonly why?: string;
}

export type LineStatus = 'agree' | 'disagree' | 'unchecked';

export interface LineVerdict {
  readonly line: number;                 // 0-based
  readonly source: string;
  readonly status: LineStatus;
  /** Why the line is not checkable. */
  readonly reason?: string;
  readonly diffs: readonly Diff[];
  /** One-line summaries for the side-by-side view. */
  readonly model: string;
  readonly kernel: string;
  /** A known model disagreement (see test/verify/known-disagreements.json), with its note. */
  readonly known?: string;
}

export interface KernelInfo {
  readonly release: string;
  readonly arch: string;
  /** 'running kernel (sandbox: new user, time and other namespaces)' or 'qemu-system-aarch64 (TCG), initial namespaces' */
  readonly how: string;
}

export interface FileReport {
  readonly file: string;
  readonly kernel: KernelInfo;
  readonly profile: string;              // 'x86_64 6.18'
  readonly agree: number;
  readonly disagree: number;
  readonly unchecked: number;
  readonly lines: readonly LineVerdict[];
  /** The whole file could not be checked (arch, patch-off profile) or could not run (the error). */
  readonly fileNotChecked: string | null;
  readonly error: string | null;
  readonly note: string | null;
}

export function countOf(lines: readonly LineVerdict[]): { agree: number; disagree: number; unchecked: number } {
  let agree = 0, disagree = 0, unchecked = 0;
  for (const l of lines) {
    if (l.status === 'agree') agree++;
    else if (l.status === 'disagree') disagree++;
    else unchecked++;
  }
  return { agree, disagree, unchecked };
}

/** The exit status of `timens verify`: 2 could not run, 1 a line disagrees, 0 every checkable line agrees. */
export function exitStatus(reports: readonly FileReport[]): number {
  if (reports.some((r) => r.error)) return 2;
  return reports.some((r) => r.disagree > 0) ? 1 : 0;
}

export function formatText(r: FileReport, verbose: boolean): string[] {
  const out: string[] = [];
  out.push(`== ${r.file}: model ${r.profile} against Linux ${r.kernel.release} ${r.kernel.arch} (${r.kernel.how})`);
  if (r.error) { out.push(`   could not run: ${r.error}`); return out; }
  if (r.fileNotChecked) { out.push(`   not checkable: ${r.fileNotChecked}`); return out; }
  if (r.note) out.push(`   note: ${r.note}`);
  for (const l of r.lines) {
    const where = `${r.file}:${l.line + 1}`;
    if (l.status === 'disagree') {
      out.push(`${where}: DISAGREE ${l.source.trim()}`);
      for (const d of l.diffs) out.push(`    ${d.field}: kernel ${d.kernel}, model ${d.model}${d.why ? ` (${d.why})` : ''}`);
      if (l.known) out.push(`    known model disagreement: ${l.known}`);
    } else if (l.status === 'unchecked') {
      if (verbose) out.push(`${where}: not checkable: ${l.reason ?? ''}  [${l.source.trim()}]`);
    } else if (verbose) {
      out.push(`${where}: agree  ${l.source.trim()}  [${l.kernel}]`);
    }
  }
  out.push(`-- ${r.file}: ${r.agree} agree, ${r.disagree} disagree, ${r.unchecked} not checkable`);
  return out;
}

export function jsonOf(r: FileReport): unknown {
  return {
    file: r.file,
    kernel: { release: r.kernel.release, arch: r.kernel.arch, how: r.kernel.how },
    profile: r.profile,
    agree: r.agree, disagree: r.disagree, unchecked: r.unchecked,
    ...(r.error ? { error: r.error } : {}),
    ...(r.fileNotChecked ? { notCheckable: r.fileNotChecked } : {}),
    ...(r.note ? { note: r.note } : {}),
    lines: r.lines.map((l) => ({
      line: l.line + 1, source: l.source.trim(), status: l.status,
      ...(l.reason ? { reason: l.reason } : {}),
      ...(l.diffs.length ? { diffs: l.diffs } : {}),
      model: l.model, kernel: l.kernel,
      ...(l.known ? { known: l.known } : {}),
    })),
  };
}
