// Recording a tour (steps from the editor selection, a patch hunk or the simulation's cursor, written to the
// tour file at once), editing a step, and "Copy Review Reply" with the notes of the tours at hand.
import * as path from 'path';
import * as vscode from 'vscode';
import { patchLabel, type SeriesMessage } from '../tours/series';
import { addStep, buildReviewReply, resolveAnchor, serializeTour, stepFromHunk, stepIndexIn, tourToChange, updateStep, type ReviewNote, type Tour, type TourStep } from '../tours/tour';
import { exists } from './editor/newScenario';
import { freeName } from './freeName';
import { hunkAt, parsePatchUri, PATCH_SCHEME } from './patchUris';
import type { PatchSeriesState, SeriesNode } from './patchSeriesTree';
import type { Services } from './services';
import type { TourPlayer } from './tourPlayer';

/** The tour being recorded: steps added are written to its file at once. */
interface Recording {
  uri: vscode.Uri;
  base: vscode.Uri;
  tour: Tour;
}

type StepSource = 'selection' | 'hunk' | 'simulation';

function slug(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'tour';
}

async function save(uri: vscode.Uri, tour: Tour): Promise<void> {
  await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(serializeTour(tour)));
}

/** Writes `change` of the tour in the file (tourToChange: edits made to the file meanwhile stay); the tour
 *  written, or why nothing was (shown to the user). */
async function saveChange(uri: vscode.Uri, known: Tour, change: (tour: Tour) => Tour | string): Promise<Tour | undefined> {
  let text: string | null = null;
  try { text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)); } catch { /* gone: write ours again */ }
  const base = tourToChange(known, text, path.posix.basename(uri.path));
  const next = 'problem' in base ? base.problem : change(base.tour);
  if (typeof next === 'string') {
    void vscode.window.showWarningMessage(next);
    return undefined;
  }
  await save(uri, next);
  return next;
}

export class TourRecorder {
  private recording: Recording | undefined;

  constructor(private readonly services: Services, private readonly state: PatchSeriesState, private readonly player: TourPlayer) {}

  get tour(): Tour | undefined {
    return this.recording?.tour;
  }

  async start(args?: { title?: string; uri?: vscode.Uri }): Promise<Recording | undefined> {
    const title = args?.title ?? await vscode.window.showInputBox({ title: 'Record a tour', prompt: 'Title of the new tour', placeHolder: 'Reviewing the zap patch' });
    if (!title) return undefined;
    let uri = args?.uri;
    if (!uri) {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      // A tour file of the same title is the user's work: the new one takes the next free name (the save
      // dialog asks before it replaces a file).
      const dir = folder && vscode.Uri.joinPath(folder, '.tours');
      uri = dir ? vscode.Uri.joinPath(dir, await freeName(`${slug(title)}.tour.json`, (n) => exists(vscode.Uri.joinPath(dir, n))))
        : await vscode.window.showSaveDialog({ filters: { Tour: ['json'] }, saveLabel: 'Create Tour' });
      if (!uri) return undefined;
    }
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    this.recording = { uri, base: folder?.uri ?? vscode.Uri.joinPath(uri, '..'), tour: { title, steps: [] } };
    await save(uri, this.recording.tour);
    await vscode.commands.executeCommand('setContext', 'timens.tourRecording', true);
    this.services.log.info(`recording tour "${title}" into ${uri.toString()}`);
    return this.recording;
  }

  /** The hunk a step is recorded from: the node given, else the hunk editor in front, else the tour's step. */
  private hunkStep(node: SeriesNode | undefined): TourStep | string {
    if (node?.kind === 'hunk') return stepFromHunk(node.message, node.file, node.hunk);
    const uri = vscode.window.activeTextEditor?.document.uri;
    const found = uri ? hunkAt(this.state.series, this.state.key, parsePatchUri(uri)) : undefined;
    if (found) {
      const step = stepFromHunk(found.message, found.file, found.hunk);
      const editor = vscode.window.activeTextEditor!;
      const text = editor.selection.isEmpty ? '' : editor.document.getText(editor.selection).trim();
      return text ? { ...step, hunk: { ...step.hunk, pattern: text.split('\n')[0].trim() } } : step;
    }
    const a = this.player.current?.view?.anchor;
    if (a?.patch && a.file && a.hunk) return stepFromHunk(a.patch, a.file, a.hunk);
    return 'No patch hunk is open: open one from the Patch Series view first.';
  }

  /** Builds a step from the editor selection, the current hunk or the current simulation step. */
  private async stepFrom(source: StepSource, node: SeriesNode | undefined, rec: Recording): Promise<TourStep | string> {
    const rel = (uri: vscode.Uri) => path.relative(rec.base.fsPath, uri.fsPath).split(path.sep).join('/');
    // A tour may only run scenarios below its folder (the player checks it too): say so now, not at playback.
    const outside = (uri: vscode.Uri) => {
      const r = uri.scheme === rec.base.scheme ? rel(uri) : '..';
      return r.startsWith('..') || path.isAbsolute(r) ? `${path.posix.basename(uri.path)} is not below ${rec.base.fsPath}, where this tour's scenarios must be: copy it there to record a step on it.` : null;
    };
    if (source === 'hunk' || (source === 'selection' && vscode.window.activeTextEditor?.document.uri.scheme === PATCH_SCHEME)) return this.hunkStep(node);
    if (source === 'simulation') {
      const session = this.services.store.active;
      if (!session) return 'No simulation is running: run a scenario first.';
      const away = outside(session.uri);
      if (away) return away;
      const pos = session.position;
      const e = pos > 0 ? await session.event(pos - 1) ?? undefined : undefined;
      const line = e && e.line >= 0 ? e.line + 1 : 1;
      const docText = vscode.workspace.textDocuments.find((d) => d.uri.toString() === session.uri.toString())?.lineAt(line - 1).text.trim();
      return {
        title: e ? `${e.kind} ${e.fn}` : 'Start of the scenario',
        body: e ? e.summary : '',
        scenario: { path: rel(session.uri), line, pattern: (docText ?? '').trim() },
      };
    }
    const editor = vscode.window.activeTextEditor;
    if (!editor) return 'No editor is open.';
    const doc = editor.document;
    const sel = editor.selection;
    const selected = doc.getText(sel).trim();
    if (doc.languageId === 'timens' || doc.fileName.endsWith('.timens')) {
      const away = outside(doc.uri);
      if (away) return away;
      const line = sel.active.line + 1;
      return { title: doc.lineAt(line - 1).text.trim() || `Line ${line}`, body: '', scenario: { path: rel(doc.uri), line, pattern: doc.lineAt(line - 1).text.trim() } };
    }
    return { title: `${path.basename(doc.fileName)}:${sel.start.line + 1}`, body: selected ? '```\n' + selected + '\n```' : '' };
  }

  async addStep(args?: { from?: StepSource; node?: SeriesNode; title?: string; body?: string } | SeriesNode): Promise<TourStep | undefined> {
    const opts = args && 'kind' in args ? { from: 'hunk' as const, node: args } : args ?? {};
    const rec = this.recording ?? await this.start();
    if (!rec) return undefined;
    const made = await this.stepFrom(opts.from ?? 'selection', opts.node, rec);
    if (typeof made === 'string') {
      void vscode.window.showWarningMessage(made);
      return undefined;
    }
    const body = opts.body ?? await vscode.window.showInputBox({ title: `Step ${rec.tour.steps.length + 1}: ${made.title}`, prompt: 'What should the reader notice here? (Markdown)', value: made.body });
    if (body === undefined) return undefined;
    const step: TourStep = { ...made, ...(opts.title ? { title: opts.title } : {}), body };
    const written = await saveChange(rec.uri, rec.tour, (t) => addStep(t, step));
    if (!written) return undefined;
    rec.tour = written;
    this.services.log.info(`tour "${rec.tour.title}": step ${rec.tour.steps.length} added (${step.title})`);
    return step;
  }

  /** Edits the recording's last step, or the step on screen when playing a workspace tour. */
  async editStep(args?: { index?: number; body?: string; notes?: string; title?: string }): Promise<TourStep | undefined> {
    const rec = this.recording;
    const cur = this.player.current;
    const playing = cur && !cur.tour.shipped && cur.tour.uri ? cur : undefined;
    const target = rec ? { tour: rec.tour, index: args?.index ?? rec.tour.steps.length - 1, uri: rec.uri } : playing ? { tour: playing.tour.tour, index: args?.index ?? playing.index, uri: playing.tour.uri! } : undefined;
    if (!target || !target.tour.steps[target.index]) {
      void vscode.window.showWarningMessage(cur?.tour.shipped ? 'Shipped tours are read-only: record your own tour (Timens: Record Tour) and add steps to it.' : 'No tour step to edit: record a tour first.');
      return undefined;
    }
    const old = target.tour.steps[target.index];
    let change: Partial<TourStep> = {};
    if (args?.title !== undefined) change = { ...change, title: args.title };
    if (args?.body !== undefined || args?.notes !== undefined) {
      if (args.body !== undefined) change = { ...change, body: args.body };
      if (args.notes !== undefined) change = { ...change, notes: args.notes };
    } else if (args?.title === undefined) {
      const body = await vscode.window.showInputBox({ title: `Edit step ${target.index + 1}: ${old.title}`, prompt: 'Step text (Markdown)', value: old.body });
      if (body === undefined) return undefined;
      const notes = await vscode.window.showInputBox({ title: `Review notes for step ${target.index + 1}`, prompt: 'Notes that go into the review reply under this hunk (optional)', value: old.notes ?? '' });
      change = { ...change, body, ...(notes ? { notes } : {}) };
    }
    let edited = target.index;
    const tour = await saveChange(target.uri, target.tour, (t) => {
      const at = edited = stepIndexIn(t, old, target.index);
      return at < 0 ? `Step ${target.index + 1} (${old.title}) is no longer in ${path.posix.basename(target.uri.path)}: nothing was written.` : updateStep(t, at, change);
    });
    if (!tour) return undefined;
    if (rec && rec.uri.toString() === target.uri.toString()) rec.tour = tour;
    if (playing && playing.tour.uri?.toString() === target.uri.toString()) await this.player.replaceTour(tour);
    return tour.steps[edited];
  }

  async stop(): Promise<vscode.Uri | undefined> {
    const rec = this.recording;
    this.recording = undefined;
    await vscode.commands.executeCommand('setContext', 'timens.tourRecording', false);
    if (rec) void vscode.window.showInformationMessage(`Tour "${rec.tour.title}" saved with ${rec.tour.steps.length} steps: ${vscode.workspace.asRelativePath(rec.uri)}`);
    return rec?.uri;
  }

  /** A plain-text reply to one patch: its hunks quoted, the notes of the tours at hand under them. Nothing is sent. */
  async copyReviewReply(args?: { patchIndex?: number; reviewedBy?: string; node?: SeriesNode } | SeriesNode): Promise<string | undefined> {
    const opts = args && 'kind' in args ? { node: args } : args ?? {};
    const series = this.state.series;
    if (!series) {
      void vscode.window.showWarningMessage('Open the patch series first (Timens: Open Patch Series): a review reply quotes the real hunks.');
      return undefined;
    }
    const node = opts.node;
    let patch: SeriesMessage | undefined = node && (node.kind === 'patch' || node.kind === 'file' || node.kind === 'hunk') ? node.message : opts.patchIndex !== undefined ? series.patches[opts.patchIndex] : undefined;
    patch ??= this.player.current?.view?.anchor.patch;
    if (!patch) {
      const pick = await vscode.window.showQuickPick(series.patches.filter((p) => !p.placeholder).map((p) => ({ label: patchLabel(p), p })), { title: 'Reply to which patch?' });
      if (!pick) return undefined;
      patch = pick.p;
    }
    if (patch.placeholder) {
      void vscode.window.showWarningMessage(`${patchLabel(patch)} is not in ${series.source}: there is nothing to quote.`);
      return undefined;
    }
    // Notes: every step of the tour being played or recorded that anchors to this patch.
    const recorded = this.recording?.tour;
    const tours = [this.player.current?.tour.tour, recorded].filter((t): t is Tour => t !== undefined);
    const notes: ReviewNote[] = [];
    for (const t of tours) {
      for (const s of t.steps) {
        const a = resolveAnchor(series, s);
        if (a.patch !== patch) continue;
        const text = s.notes ?? (t === recorded ? s.body : '');
        if (a.hunk) notes.push({ file: a.file, hunk: a.hunk, text });
        else if (text) notes.push({ text });
      }
    }
    if (node?.kind === 'hunk' && !notes.some((n) => n.hunk === node.hunk)) notes.push({ file: node.file, hunk: node.hunk, text: '' });
    const reviewedBy = opts.reviewedBy ?? vscode.workspace.getConfiguration('timens').get<string>('review.reviewedBy', '');
    const reply = buildReviewReply(patch, notes, reviewedBy || undefined);
    await vscode.env.clipboard.writeText(reply);
    const doc = await vscode.workspace.openTextDocument({ content: reply, language: 'plaintext' });
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
    void vscode.window.showInformationMessage('Review reply copied to the clipboard and opened in a new document. Nothing was sent.');
    return reply;
  }
}
