// The tour format (a JSON file of steps), its validation with positions, anchoring of steps to patch
// hunks by content (stale when the content no longer matches), and the plain-text review reply.

import { ARM64_PATCHES, KERNEL_VERSIONS, type Arch, type Arm64PatchId, type KernelVersion } from '../sim/types';
import { hunkText, type FileDiff, type Hunk } from './patch';
import { allHunks, findPatch, patchLabel, type PatchSeries, type SeriesMessage } from './series';

export const TOUR_SCHEMA_URL = './media/tour.schema.json';

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
  /** Text (or /regex/) that must appear in the hunk's lines: what keeps the step anchored when lines move. */
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

/** Position (1-based line/column) of a character offset. */
function positionOf(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** Where the value of a JSON path starts in the text, found by walking keys in order (good enough for messages). */
function locate(text: string, path: readonly (string | number)[]): { line: number; column: number } {
  let from = 0;
  for (const key of path) {
    if (typeof key === 'string') {
      const i = text.indexOf(`"${key}"`, from);
      if (i < 0) break;
      from = i;
    } else {
      // The n-th object of an array: count '{' at the array's depth.
      let depth = 0;
      let count = -1;
      for (let i = from; i < text.length; i++) {
        const c = text[i];
        if (c === '[' || c === '{') {
          depth++;
          if (c === '{' && depth === 2 && ++count === key) { from = i; break; }
        } else if (c === ']' || c === '}') {
          depth--;
          if (depth <= 0) break;
        }
      }
    }
  }
  return positionOf(text, from);
}

const STEP_KEYS = new Set(['title', 'body', 'patch', 'hunk', 'scenario', 'compare', 'view', 'notes']);
const PATCH_IDS = new Set<string>(ARM64_PATCHES.map((p) => p.id));

export function parseTour(text: string, file = 'tour'): { tour: Tour | null; diagnostics: TourDiagnostic[] } {
  const diags: TourDiagnostic[] = [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const m = /position (\d+)/.exec(msg);
    const lc = /line (\d+) column (\d+)/.exec(msg);
    const pos = lc ? { line: Number(lc[1]), column: Number(lc[2]) } : m ? positionOf(text, Number(m[1])) : /end of JSON input/i.test(msg) ? positionOf(text, text.trimEnd().length) : { line: 1, column: 1 };
    diags.push({ ...pos, path: '', message: `${file}: not valid JSON: ${msg}` });
    return { tour: null, diagnostics: diags };
  }
  const err = (path: (string | number)[], message: string) => {
    diags.push({ ...locate(text, path), path: path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, ''), message });
  };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    err([], 'a tour is a JSON object with "title" and "steps"');
    return { tour: null, diagnostics: diags };
  }
  const o = data as Record<string, unknown>;
  if (typeof o.title !== 'string' || o.title.trim() === '') err(['title'], '"title" must be a non-empty string');
  if (!Array.isArray(o.steps)) {
    err(['steps'], '"steps" must be an array of steps');
    return { tour: null, diagnostics: diags };
  }
  const steps: TourStep[] = [];
  o.steps.forEach((raw: unknown, i: number) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) { err(['steps', i], `step ${i + 1} must be an object`); return; }
    const s = raw as Record<string, unknown>;
    for (const k of Object.keys(s)) if (!STEP_KEYS.has(k)) err(['steps', i, k], `step ${i + 1}: unknown property "${k}" (expected one of ${[...STEP_KEYS].join(', ')})`);
    if (typeof s.title !== 'string') err(['steps', i], `step ${i + 1}: "title" must be a string`);
    if (s.body !== undefined && typeof s.body !== 'string') err(['steps', i, 'body'], `step ${i + 1}: "body" must be a Markdown string`);
    const obj = (key: string) => s[key] === undefined || (typeof s[key] === 'object' && s[key] !== null && !Array.isArray(s[key]));
    for (const key of ['patch', 'hunk', 'scenario', 'compare']) if (!obj(key)) err(['steps', i, key], `step ${i + 1}: "${key}" must be an object`);
    const patch = s.patch as Record<string, unknown> | undefined;
    if (patch && patch.number !== undefined && (typeof patch.number !== 'number' || !Number.isInteger(patch.number) || patch.number < 0)) err(['steps', i, 'patch', 'number'], `step ${i + 1}: patch.number must be a whole number`);
    if (patch && patch.number === undefined && patch.title === undefined) err(['steps', i, 'patch'], `step ${i + 1}: a patch needs "number" or "title"`);
    if (s.hunk !== undefined && s.patch === undefined) err(['steps', i, 'hunk'], `step ${i + 1}: a hunk anchor needs a "patch" too`);
    const scen = s.scenario as Record<string, unknown> | undefined;
    if (scen && typeof scen.path !== 'string') err(['steps', i, 'scenario'], `step ${i + 1}: scenario.path must be a string`);
    if (scen && scen.line !== undefined && (typeof scen.line !== 'number' || scen.line < 1)) err(['steps', i, 'scenario', 'line'], `step ${i + 1}: scenario.line is 1-based`);
    const cmp = s.compare as Record<string, unknown> | undefined;
    if (cmp) {
      if (cmp.kernel !== undefined && !(KERNEL_VERSIONS as readonly string[]).includes(String(cmp.kernel))) err(['steps', i, 'compare', 'kernel'], `step ${i + 1}: unknown kernel "${String(cmp.kernel)}" (known: ${KERNEL_VERSIONS.join(', ')})`);
      if (cmp.arch !== undefined && cmp.arch !== 'x86_64' && cmp.arch !== 'arm64') err(['steps', i, 'compare', 'arch'], `step ${i + 1}: arch is x86_64 or arm64`);
      if (cmp.disabledPatches !== undefined && (!Array.isArray(cmp.disabledPatches) || cmp.disabledPatches.some((p) => !PATCH_IDS.has(String(p))))) {
        err(['steps', i, 'compare', 'disabledPatches'], `step ${i + 1}: disabledPatches takes ids among ${[...PATCH_IDS].join(', ')}`);
      }
      if (!cmp.kernel && !cmp.arch && !cmp.disabledPatches) err(['steps', i, 'compare'], `step ${i + 1}: compare needs kernel, arch or disabledPatches`);
      if (!scen) err(['steps', i, 'compare'], `step ${i + 1}: compare needs a scenario to run`);
    }
    steps.push(s as unknown as TourStep);
  });
  if (diags.length > 0 && steps.length === 0) return { tour: null, diagnostics: diags };
  return { tour: { ...(o as unknown as Tour), steps }, diagnostics: diags };
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

function patternMatcher(pattern: string): (text: string) => boolean {
  const re = /^\/(.+)\/([imsu]*)$/.exec(pattern);
  if (re) {
    try {
      const r = new RegExp(re[1], re[2]);
      return (t) => r.test(t);
    } catch {
      // An invalid regex is taken literally.
    }
  }
  return (t) => t.includes(pattern);
}

/** The hunk header without its line numbers, to compare hunks across rebases. */
export function headerSection(header: string): string {
  return header.replace(/^@@ [^@]* @@ ?/, '').trim();
}

function hunkBodyText(h: Hunk): string {
  return h.lines.map((l) => l.text).join('\n');
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
    const match = patternMatcher(h.pattern);
    const byPattern = candidates.filter(({ hunk }) => match(hunkBodyText(hunk)));
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
  const changed = hunk.lines.find((l) => (l.kind === '+' || l.kind === '-') && l.text.trim().length > 8) ?? hunk.lines.find((l) => l.text.trim() !== '');
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
