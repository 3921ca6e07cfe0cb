// The tour format (a JSON file of steps), its validation with positions, anchoring of steps to patch
// hunks by content (stale when the content no longer matches), and the plain-text review reply.

import tourSchema from '../../schemas/tour.schema.json';
import type { Arch, Arm64PatchId, DesignName, KernelVersion } from '../sim/types';
import { JsonSyntaxError, LineIndex, pathText, walkJson, type JsonPath } from './jsonTree';
import { checkSchema, type Schema } from './schemaCheck';
import { hunkLines, hunkText, type FileDiff, type Hunk } from './patch';
import { allHunks, findPatch, patchLabel, type PatchSeries, type SeriesMessage } from './series';
import { oneLine } from '../sim/oneLine';

export interface TourPatchRef {
  readonly number?: number;
  readonly title?: string;
}

export interface TourHunkRef {
  /** A path or path suffix of the file ('arch/arm64/kernel/vdso.c' or 'vdso.c'). */
  readonly file?: string;
  /** The `@@ … @@ section` header as it was when the step was written. */
  readonly header?: string;
  /** A function the hunk is in or defines. */
  readonly function?: string;
  /** Text that must appear in the hunk's lines (literally): what keeps the step anchored when lines move. */
  readonly pattern?: string;
}

export interface TourScenarioRef {
  /** Path of a .timens file: relative to the extension for shipped tours, to the workspace folder otherwise. */
  readonly path: string;
  /** 1-based line to run to. */
  readonly line?: number;
  /** Text of that line; wins over `line` when the file has changed. */
  readonly pattern?: string;
}

export interface TourCompareRef {
  readonly label?: string;
  readonly arch?: Arch;
  readonly kernel?: KernelVersion;
  /** Switch these arm64 patches off in the other profile (in addition to the scenario's own). */
  readonly disabledPatches?: readonly Arm64PatchId[];
  /** Run the other profile as a forced build where it does not build (sim/build.ts). */
  readonly forcedBuild?: boolean;
  /** Run the other profile under a design that was never merged (sim/designs). */
  readonly design?: DesignName;
}

export interface TourStep {
  readonly title: string;
  /** Markdown. */
  readonly body: string;
  readonly patch?: TourPatchRef;
  readonly hunk?: TourHunkRef;
  readonly scenario?: TourScenarioRef;
  readonly compare?: TourCompareRef;
  /** A view to reveal: 'timens.namespaces', 'timens.tasks', 'timens.memory', 'timens.patchSeries', 'timeline'. */
  readonly view?: string;
  /** Reviewer notes kept with the step (they go into the review reply). */
  readonly notes?: string;
}

export interface Tour {
  readonly $schema?: string;
  readonly title: string;
  readonly description?: string;
  /** A bundled series id ('arm64-timens-2020', 'x86-timens-2019') the tour walks through. */
  readonly series?: string;
  readonly steps: readonly TourStep[];
}

export interface TourDiagnostic {
  readonly line: number;        // 1-based
  readonly column: number;      // 1-based
  readonly path: string;        // JSON path, e.g. 'steps[2].hunk.pattern'
  readonly message: string;
}

// ---------------------------------------------------------------------------------------------
// Reading and validating
// ---------------------------------------------------------------------------------------------

/** Where the tour schema lives in the extension (and in this repository); shipped tours name it in "$schema". */
export const TOUR_SCHEMA_PATH = 'schemas/tour.schema.json';

/** The views a step may reveal: this extension's own (a tour must not run any other `*.focus` command). */
export const TOUR_VIEWS: readonly string[] = (tourSchema as unknown as { definitions: { step: { properties: { view: { enum: string[] } } } } }).definitions.step.properties.view.enum;

/**
 * A scenario path as a tour may give it: relative, '/'-separated, without '..' segments (a tour may only
 * run files below its own folder or the workspace; the player also checks that after resolving links).
 */
export function scenarioPathProblem(p: string): string | null {
  if (p.trim() === '') return 'scenario.path is empty';
  if (p.includes('\0')) return 'scenario.path contains a NUL character';
  if (p.includes('\\')) return `scenario.path "${p}" uses '\\': write paths with '/'`;
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) return `scenario.path "${p}" is absolute: give it relative to the tour's folder or the workspace`;
  if (p.split('/').includes('..')) return `scenario.path "${p}" leaves the tour's folder ('..'): a tour may only run files below its folder or the workspace`;
  return null;
}

export function parseTour(text: string, file = 'tour'): { tour: Tour | null; diagnostics: TourDiagnostic[] } {
  const lines = new LineIndex(text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // JSON.parse says little about where; the walker says where and what.
    let offset = 0;
    let msg = 'not valid JSON';
    try { walkJson(text, () => undefined); } catch (err) { if (err instanceof JsonSyntaxError) { offset = err.offset; msg = err.message; } }
    return { tour: null, diagnostics: [{ ...lines.position(offset), path: '', message: oneLine(`${file}: not valid JSON: ${msg}`) }] };
  }
  // The schema says what a tour is; then what JSON Schema cannot say (scenario paths stay inside).
  const problems: { path: JsonPath; atKey: boolean; message: string }[] = checkSchema(value, tourSchema as Schema);
  if (problems.length === 0) {
    (value as Tour).steps.forEach((step, i) => {
      const problem = step.scenario ? scenarioPathProblem(step.scenario.path) : null;
      if (problem) problems.push({ path: ['steps', i, 'scenario', 'path'], atKey: false, message: problem });
    });
  }
  if (problems.length === 0) return { tour: value as Tour, diagnostics: [] };
  // One more pass over the text finds where each problem is (cost: the text once, plus the problems).
  const wanted = new Map(problems.map((p) => [pathText(p.path), { value: 0, key: -1 }]));
  try {
    walkJson(text, (path, at, keyAt) => {
      if (wanted.size === 0) return;
      const w = wanted.get(pathText(path));
      if (w) { w.value = at; w.key = keyAt; }
    });
  } catch {
    // JSON.parse took it, so the walker does too; nothing to do.
  }
  const diagnostics = problems.map((p) => {
    const w = wanted.get(pathText(p.path))!;
    // one line, though it quotes the tour's keys and values, which may hold a line break or U+2028
    return { ...lines.position(p.atKey && w.key >= 0 ? w.key : w.value), path: pathText(p.path), message: oneLine(p.message) };
  });
  return { tour: null, diagnostics };
}

export function serializeTour(tour: Tour): string {
  return JSON.stringify(tour, null, 2) + '\n';
}

// ---------------------------------------------------------------------------------------------
// Anchoring
// ---------------------------------------------------------------------------------------------

export type AnchorStatus =
  | 'ok'              // found where it was written
  | 'moved'           // found by its content pattern or function in another hunk (header changed)
  | 'stale'           // the patch is there but the hunk's content no longer matches
  | 'patch-missing'   // no such patch in the loaded series
  | 'no-diff'         // the patch is only known from a cover letter
  | 'no-series'       // no mailbox loaded
  | 'none';           // the step has no patch anchor

export interface AnchorResult {
  readonly status: AnchorStatus;
  readonly patch?: SeriesMessage;
  readonly file?: FileDiff;
  readonly hunk?: Hunk;
  readonly message: string;
}

/** The hunk header without its line numbers, to compare hunks across rebases. */
export function headerSection(header: string): string {
  return header.replace(/^@@ [^@]* @@ ?/, '').trim();
}

function hunkBodyText(h: Hunk): string {
  return hunkLines(h).map((l) => l.text).join('\n');
}

export function resolveAnchor(series: PatchSeries | null, step: Pick<TourStep, 'patch' | 'hunk'>): AnchorResult {
  if (!step.patch) return { status: 'none', message: 'this step is not about a patch' };
  const wanted = step.patch.title ?? `patch ${step.patch.number}`;
  if (!series) return { status: 'no-series', message: `No mailbox is loaded: open the series (Timens: Open Patch Series) to see the hunk of "${wanted}". The explanation below is ours.` };
  const patch = findPatch(series, step.patch);
  if (!patch) return { status: 'patch-missing', message: `"${wanted}" is not in ${series.source}` };
  if (patch.placeholder) return { status: 'no-diff', patch, message: `${patchLabel(patch)} is only listed in the cover letter; its diff is not in ${series.source}` };
  const h = step.hunk;
  if (!h) return { status: 'ok', patch, message: patchLabel(patch) };
  let candidates = allHunks(patch);
  if (h.file) {
    const inFile = candidates.filter(({ file }) => [file.newPath, file.oldPath].some((p) => p !== null && (p === h.file || p.endsWith('/' + h.file))));
    if (inFile.length === 0) return { status: 'stale', patch, message: `${patchLabel(patch)} no longer changes ${h.file}` };
    candidates = inFile;
  }
  const byHeader = h.header ? candidates.find(({ hunk }) => hunk.header.trim() === h.header!.trim()) : undefined;
  const bySection = h.header ? candidates.filter(({ hunk }) => headerSection(hunk.header) !== '' && headerSection(hunk.header) === headerSection(h.header!)) : [];
  const byFunction = h.function ? candidates.filter(({ hunk }) => hunk.functions.includes(h.function!)) : [];
  if (h.pattern) {
    // Literal text, never a regular expression: a tour comes from anywhere, and a pattern such as (a+)+$
    // would hang the extension host.
    const byPattern = candidates.filter(({ hunk }) => hunkBodyText(hunk).includes(h.pattern!));
    if (byHeader && byPattern.includes(byHeader)) return { status: 'ok', patch, ...byHeader, message: `${patchLabel(patch)} · ${byHeader.hunk.header}` };
    const prefer = byPattern.find((c) => bySection.includes(c) || byFunction.includes(c)) ?? byPattern[0];
    if (prefer) {
      const exact = !h.header && (!h.function || byFunction.includes(prefer));
      return { status: exact ? 'ok' : 'moved', patch, ...prefer, message: exact ? `${patchLabel(patch)} · ${prefer.hunk.header}` : `found by its content in ${prefer.hunk.header} (the hunk header changed)` };
    }
    const shown = byHeader ?? bySection[0] ?? byFunction[0];
    return { status: 'stale', patch, ...(shown ?? {}), message: `stale: no hunk of ${patchLabel(patch)} contains "${h.pattern}" any more` };
  }
  if (byHeader) return { status: 'ok', patch, ...byHeader, message: `${patchLabel(patch)} · ${byHeader.hunk.header}` };
  if (!h.header && byFunction[0]) return { status: 'ok', patch, ...byFunction[0], message: `${patchLabel(patch)} · ${byFunction[0].hunk.header}` };
  const other = bySection[0] ?? byFunction[0];
  if (other) return { status: 'moved', patch, ...other, message: `found in ${other.hunk.header} (the hunk header changed)` };
  if (!h.header && !h.function && candidates[0]) return { status: 'ok', patch, ...candidates[0], message: `${patchLabel(patch)} · ${candidates[0].hunk.header}` };
  return { status: 'stale', patch, message: `stale: ${patchLabel(patch)} has no hunk ${h.header ?? `in ${h.function}`} any more` };
}

/** The 1-based line a step runs to: `pattern` wins when the file changed; null when neither matches. */
export function resolveScenarioLine(text: string, ref: TourScenarioRef): { line: number | null; stale: boolean } {
  const lines = text.split(/\r?\n/);
  if (ref.pattern) {
    if (ref.line && lines[ref.line - 1]?.includes(ref.pattern)) return { line: ref.line, stale: false };
    const i = lines.findIndex((l) => l.includes(ref.pattern!) && !/^\s*#/.test(l));
    return i >= 0 ? { line: i + 1, stale: false } : { line: ref.line ?? null, stale: true };
  }
  if (ref.line === undefined) return { line: lines.length, stale: false };
  return { line: ref.line, stale: ref.line > lines.length };
}

// ---------------------------------------------------------------------------------------------
// Recording
// ---------------------------------------------------------------------------------------------

/**
 * The tour a recording changes before it writes the file again: the file's own when its text is not what was
 * last written or read (someone edited it meanwhile: those edits stay), `known` when the file is gone or
 * unchanged; a problem, and nothing written, when the file no longer parses.
 */
export function tourToChange(known: Tour, fileText: string | null, file: string): { tour: Tour } | { problem: string } {
  if (fileText === null || fileText === serializeTour(known)) return { tour: known };
  const { tour, diagnostics } = parseTour(fileText, file);
  if (tour) return { tour };
  const d = diagnostics[0];
  return { problem: `${file} was edited and does not parse (${d ? `line ${d.line}, column ${d.column}: ${d.message}` : 'not a tour'}): fix it, then try again; nothing was written.` };
}

/** Where `step` (as it was in an older copy of the tour, at `index` there) is in `tour`: the same step, else the same place. */
export function stepIndexIn(tour: Tour, step: TourStep, index: number): number {
  const text = JSON.stringify(step);
  const same = tour.steps.findIndex((s) => JSON.stringify(s) === text);
  return same >= 0 ? same : index < tour.steps.length ? index : -1;
}

export function addStep(tour: Tour, step: TourStep, at = tour.steps.length): Tour {
  const steps = [...tour.steps];
  steps.splice(Math.max(0, Math.min(at, steps.length)), 0, step);
  return { ...tour, steps };
}

export function updateStep(tour: Tour, index: number, change: Partial<TourStep>): Tour {
  return { ...tour, steps: tour.steps.map((s, i) => (i === index ? { ...s, ...change } : s)) };
}

/** A step anchored to a hunk: patch number and title, file, header, function and a content pattern. */
export function stepFromHunk(patch: SeriesMessage, file: FileDiff, hunk: Hunk, title?: string): TourStep {
  const lines = hunkLines(hunk);
  const changed = lines.find((l) => (l.kind === '+' || l.kind === '-') && l.text.trim().length > 8) ?? lines.find((l) => l.text.trim() !== '');
  return {
    title: title ?? `${patch.subjectInfo.title} — ${hunk.functions[0] ?? (file.newPath ?? file.oldPath ?? 'hunk')}`,
    body: '',
    patch: { ...(patch.subjectInfo.number !== null ? { number: patch.subjectInfo.number } : {}), title: patch.subjectInfo.title },
    hunk: {
      file: file.newPath ?? file.oldPath ?? undefined,
      header: hunk.header,
      ...(hunk.functions[0] ? { function: hunk.functions[0] } : {}),
      ...(changed ? { pattern: changed.text.trim() } : {}),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Review reply
// ---------------------------------------------------------------------------------------------

export interface ReviewNote {
  readonly file?: FileDiff;
  readonly hunk?: Hunk;
  readonly text: string;
}

function quote(text: string): string {
  return text.split('\n').map((l) => (l === '' ? '>' : `> ${l}`)).join('\n');
}

/** A plain-text reply skeleton: headers to copy, quoted hunks each followed by the reviewer's note, a trailer. Nothing is sent. */
export function buildReviewReply(patch: SeriesMessage, notes: readonly ReviewNote[], reviewedBy?: string): string {
  const out: string[] = [];
  out.push(`Subject: Re: ${patchLabel(patch)}`);
  if (patch.messageId) {
    out.push(`In-Reply-To: <${patch.messageId}>`);
    out.push(`References: <${patch.messageId}>`);
  }
  out.push('');
  const who = patch.from ? patch.from : 'the author';
  out.push(patch.date ? `On ${patch.date}, ${who} wrote:` : `${who} wrote:`);
  const firstParagraph = (patch.patch?.message ?? patch.body).split(/\n\s*\n/)[0]?.trim();
  if (firstParagraph) {
    out.push(quote(firstParagraph));
    out.push('>');
    out.push('> [...]');
  }
  out.push('');
  const general = notes.filter((n) => !n.hunk && n.text.trim());
  for (const n of notes) {
    if (!n.hunk) continue;
    const path = n.file ? n.file.newPath ?? n.file.oldPath : null;
    if (path) out.push(quote(`diff --git a/${n.file?.oldPath ?? path} b/${path}`));
    out.push(quote(hunkText(n.hunk)));
    out.push('');
    if (n.text.trim()) {
      out.push(n.text.trim());
      out.push('');
    }
  }
  for (const n of general) {
    out.push(n.text.trim());
    out.push('');
  }
  if (reviewedBy && reviewedBy.trim()) {
    out.push(`Reviewed-by: ${reviewedBy.trim()}`);
    out.push('');
  }
  return out.join('\n');
}
