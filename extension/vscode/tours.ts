// The tour player (a comment thread beside the code with Previous/Next, a status bar entry), tour
// recording, "Copy Review Reply", and the registration of the whole tours area (patch series, compare).
import * as path from 'path';
import * as vscode from 'vscode';
import { knowledgeForTitle } from '../tours/knowledge';
import { patchLabel, type PatchSeries } from '../tours/series';
import { addStep, buildReviewReply, parseTour, resolveAnchor, resolveScenarioLine, serializeTour, stepFromHunk, updateStep, type AnchorResult, type ReviewNote, type Tour, type TourStep } from '../tours/tour';
import { PATCH_SCHEME, PatchSeriesState, hunkUri, notesUri, registerPatchSeries, type RevealHunk, type SeriesNode } from './patchSeries';
import type { Services } from './services';
import { CompareCodeLens, CompareUi, choiceFor, documentProfile } from './toursCompare';
import type { Arm64PatchId } from '../sim/types';

export const TOUR_SCHEME = 'timens-tour';

export interface LoadedTour {
  readonly tour: Tour;
  /** The tour file, when it has one (shipped or workspace). */
  readonly uri?: vscode.Uri;
  /** What scenario paths are relative to: the extension for shipped tours, else the workspace folder. */
  readonly base: vscode.Uri;
  readonly shipped: boolean;
}

/** What the player shows at a step; kept for tests and for recording/review commands. */
export interface StepView {
  readonly index: number;
  readonly anchor: AnchorResult;
  readonly threadUri: vscode.Uri;
  readonly threadLine: number;
  readonly scenarioUri?: vscode.Uri;
  readonly scenarioLine?: number;
  readonly scenarioStale?: boolean;
  readonly comparison?: boolean;
}

class TourComment implements vscode.Comment {
  mode = vscode.CommentMode.Preview;
  contextValue = 'timens.tourStep';
  constructor(public body: vscode.MarkdownString, public author: vscode.CommentAuthorInformation, public label?: string) {}
}

function anchorNote(a: AnchorResult): string {
  switch (a.status) {
    case 'ok': return `$(git-commit) ${a.message}`;
    case 'moved': return `$(info) Anchored by content: ${a.message}`;
    case 'stale': return `$(warning) **Stale:** ${a.message}. The explanation may no longer fit the patch.`;
    case 'patch-missing': return `$(warning) ${a.message}.`;
    case 'no-diff': return `$(info) ${a.message}.`;
    case 'no-series': return `$(info) ${a.message}`;
    case 'none': return '';
  }
}

/** Reads the Markdown for a step; the codicon syntax is understood by the comment widget. */
function stepMarkdown(lt: LoadedTour, index: number, view: Omit<StepView, 'threadUri' | 'threadLine'>): vscode.MarkdownString {
  const step = lt.tour.steps[index];
  const n = lt.tour.steps.length;
  const parts = [`### ${step.title}`, '', step.body ?? ''];
  const note = anchorNote(view.anchor);
  if (note) parts.push('', '---', note);
  if (view.scenarioUri) {
    parts.push('', `$(play) Ran \`${path.basename(view.scenarioUri.path)}\` to line ${view.scenarioLine ?? '?'}${view.scenarioStale ? ' ($(warning) the line text it was written for is gone)' : ''}${view.comparison ? '; the comparison is open beside it.' : '.'}`);
  }
  if (step.notes) parts.push('', `**Your notes:** ${step.notes}`);
  const nav: string[] = [];
  if (index > 0) nav.push('[$(arrow-left) Previous](command:timens.tour.previous)');
  if (index < n - 1) nav.push('[Next $(arrow-right)](command:timens.tour.next)');
  nav.push('[End tour](command:timens.tour.end)');
  parts.push('', nav.join(' · '));
  const md = new vscode.MarkdownString(parts.join('\n'), true);
  md.isTrusted = { enabledCommands: ['timens.tour.previous', 'timens.tour.next', 'timens.tour.end'] };
  md.supportThemeIcons = true;
  return md;
}

export class TourPlayer implements vscode.Disposable {
  readonly controller = vscode.comments.createCommentController('timens-tour', 'Timens Tour');
  private thread: vscode.CommentThread | undefined;
  private readonly status = vscode.window.createStatusBarItem('timens.tour', vscode.StatusBarAlignment.Left, 90);
  current: { tour: LoadedTour; index: number; view?: StepView } | undefined;
  private readonly stepDocs = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;

  constructor(private readonly services: Services, private readonly state: PatchSeriesState, private readonly compare: CompareUi, private readonly revealHunk: RevealHunk) {
    this.status.name = 'Timens Tour';
    this.controller.options = { prompt: 'Tour step', placeHolder: 'Tour steps are edited with Timens: Edit Tour Step' };
  }

  /** Text of the plain step documents used when a step has neither patch nor scenario. */
  stepDocument(uri: vscode.Uri): string {
    return this.stepDocs.get(uri.toString()) ?? 'This tour step is no longer open.';
  }

  async start(lt: LoadedTour, index = 0): Promise<StepView | undefined> {
    if (lt.tour.steps.length === 0) {
      void vscode.window.showWarningMessage(`The tour "${lt.tour.title}" has no steps yet.`);
      return undefined;
    }
    this.current = { tour: lt, index };
    await vscode.commands.executeCommand('setContext', 'timens.tourActive', true);
    return this.goTo(index);
  }

  async goTo(index: number): Promise<StepView | undefined> {
    const cur = this.current;
    if (!cur) return undefined;
    const lt = cur.tour;
    const i = Math.max(0, Math.min(lt.tour.steps.length - 1, index));
    cur.index = i;
    const step = lt.tour.steps[i];
    const anchor = resolveAnchor(this.state.series, step);
    const { store } = this.services;

    // 1. The patch: its hunk in a diff editor, else our notes on it.
    let threadUri: vscode.Uri | undefined;
    let threadLine = 0;
    const series = this.state.series;
    if (anchor.hunk && anchor.patch && anchor.file && series) {
      const p = series.patches.indexOf(anchor.patch);
      const f = anchor.patch.patch?.files.indexOf(anchor.file) ?? -1;
      const h = anchor.file.hunks.indexOf(anchor.hunk);
      const before = hunkUri(this.state.key, p, f, h, 'before', anchor.file);
      threadUri = hunkUri(this.state.key, p, f, h, 'after', anchor.file);
      await this.revealHunk(p, f, h);
      await vscode.commands.executeCommand('vscode.diff', before, threadUri, `${anchor.file.newPath ?? anchor.file.oldPath} ${anchor.hunk.header.replace(/ @@ .*$/, ' @@')} (${anchor.patch.subjectInfo.tag || 'patch'})`, { preview: true, viewColumn: vscode.ViewColumn.One });
      // The thread sits on the first added line (or the first line) of the new side.
      let newLine = 0;
      for (const l of anchor.hunk.lines) {
        if (l.kind === '+') { threadLine = newLine; break; }
        if (l.kind === ' ') newLine++;
      }
    } else if (step.patch) {
      const k = knowledgeForTitle(step.patch.title ?? '') ?? (anchor.patch ? knowledgeForTitle(anchor.patch.subjectInfo.title) : undefined);
      if (k) {
        threadUri = notesUri(k);
        await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(threadUri), { viewColumn: vscode.ViewColumn.One, preview: true });
      }
    }

    // 2. The scenario: run it and move the cursor to the end of the step's line.
    let scenarioUri: vscode.Uri | undefined;
    let scenarioLine: number | undefined;
    let scenarioStale = false;
    let comparison = false;
    if (step.scenario) {
      scenarioUri = vscode.Uri.joinPath(lt.base, step.scenario.path);
      try {
        const doc = await vscode.workspace.openTextDocument(scenarioUri);
        const editor = await vscode.window.showTextDocument(doc, { viewColumn: threadUri ? vscode.ViewColumn.Two : vscode.ViewColumn.One, preview: true, preserveFocus: threadUri !== undefined });
        const r = resolveScenarioLine(doc.getText(), step.scenario);
        scenarioLine = r.line ?? undefined;
        scenarioStale = r.stale;
        this.services.documents.ensure(doc);
        const session = await store.runDocument(doc, {}, 'tour');
        if (scenarioLine !== undefined) {
          // Just after the step's line ran (or the last line above it that did).
          if (session) await store.move({ kind: 'afterLine', line: scenarioLine - 1 }, 'tour', session);
          const l = Math.min(scenarioLine - 1, doc.lineCount - 1);
          editor.selection = new vscode.Selection(l, 0, l, doc.lineAt(l).text.length);
          editor.revealRange(editor.selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
        }
        if (!threadUri) { threadUri = scenarioUri; threadLine = (scenarioLine ?? 1) - 1; }
        // 3. The comparison, where the step asks for one.
        if (step.compare) {
          const base = documentProfile(doc);
          await this.compare.show(doc.getText(), step.scenario.path, choiceFor(base, {}), choiceFor(base, step.compare), threadUri ? vscode.ViewColumn.Two : vscode.ViewColumn.Beside);
          comparison = true;
          if (threadUri) await vscode.commands.executeCommand('workbench.action.focusFirstEditorGroup');
        }
      } catch (err) {
        void vscode.window.showErrorMessage(`Tour step ${i + 1}: cannot run ${step.scenario.path}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (!threadUri) {
      threadUri = vscode.Uri.from({ scheme: TOUR_SCHEME, path: `/${encodeURIComponent(lt.tour.title)}/step-${i + 1}.md` });
      this.stepDocs.set(threadUri.toString(), `# ${step.title}\n\n(${lt.tour.title}, step ${i + 1} of ${lt.tour.steps.length})\n`);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(threadUri), { viewColumn: vscode.ViewColumn.One, preview: true });
    }

    // 4. The thread beside the code, the status bar, the view to reveal.
    const viewInfo = { index: i, anchor, scenarioUri, scenarioLine, scenarioStale, comparison };
    this.thread?.dispose();
    const thread = this.controller.createCommentThread(threadUri, new vscode.Range(threadLine, 0, threadLine, 0), [
      new TourComment(stepMarkdown(lt, i, viewInfo), { name: `Step ${i + 1}/${lt.tour.steps.length}` }, lt.tour.title),
    ]);
    thread.label = `${lt.tour.title} · step ${i + 1}/${lt.tour.steps.length}`;
    thread.canReply = false;
    thread.contextValue = `timens.tourThread${i > 0 ? '.hasPrevious' : ''}${i < lt.tour.steps.length - 1 ? '.hasNext' : ''}`;
    thread.collapsibleState = vscode.CommentThreadCollapsibleState.Expanded;
    this.thread = thread;
    this.status.text = `$(book) tour · step ${i + 1}/${lt.tour.steps.length}`;
    this.status.tooltip = `${lt.tour.title}: ${step.title}`;
    this.status.command = 'timens.tour.pickStep';
    this.status.show();
    await vscode.commands.executeCommand('setContext', 'timens.tourHasNext', i < lt.tour.steps.length - 1);
    await vscode.commands.executeCommand('setContext', 'timens.tourHasPrevious', i > 0);
    if (step.view) {
      const cmd = step.view === 'timeline' ? 'timens.openTimeline' : `${step.view}.focus`;
      try { await vscode.commands.executeCommand(cmd); } catch { this.services.log.warn(`tour: cannot reveal view ${step.view}`); }
    }
    const view: StepView = { ...viewInfo, threadUri, threadLine };
    cur.view = view;
    this.emitter.fire();
    return view;
  }

  next(): Promise<StepView | undefined> {
    if (!this.current) return Promise.resolve(undefined);
    if (this.current.index >= this.current.tour.tour.steps.length - 1) {
      void vscode.window.showInformationMessage(`That was the last step of "${this.current.tour.tour.title}".`);
      return Promise.resolve(this.current.view);
    }
    return this.goTo(this.current.index + 1);
  }

  previous(): Promise<StepView | undefined> {
    if (!this.current) return Promise.resolve(undefined);
    return this.goTo(this.current.index - 1);
  }

  async end(): Promise<void> {
    this.thread?.dispose();
    this.thread = undefined;
    this.current = undefined;
    this.status.hide();
    await vscode.commands.executeCommand('setContext', 'timens.tourActive', false);
    this.emitter.fire();
  }

  /** Replace the tour being played (after an edit) and redraw the current step. */
  async replaceTour(tour: Tour): Promise<void> {
    if (!this.current) return;
    this.current = { ...this.current, tour: { ...this.current.tour, tour } };
    await this.goTo(this.current.index);
  }

  dispose(): void {
    this.thread?.dispose();
    this.controller.dispose();
    this.status.dispose();
    this.emitter.dispose();
  }
}

// ---------------------------------------------------------------------------------------------

export async function shippedTours(extensionUri: vscode.Uri): Promise<LoadedTour[]> {
  const dir = vscode.Uri.joinPath(extensionUri, 'tours');
  const out: LoadedTour[] = [];
  for (const [name, type] of await vscode.workspace.fs.readDirectory(dir)) {
    if (type !== vscode.FileType.File || !name.endsWith('.tour.json')) continue;
    const uri = vscode.Uri.joinPath(dir, name);
    const { tour } = parseTour(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)), name);
    if (tour) out.push({ tour, uri, base: extensionUri, shipped: true });
  }
  return out.sort((a, b) => a.tour.title.localeCompare(b.tour.title));
}

export async function loadTourFile(uri: vscode.Uri): Promise<LoadedTour> {
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const { tour, diagnostics } = parseTour(text, path.basename(uri.path));
  if (!tour) throw new Error(diagnostics.map((d) => `${path.basename(uri.path)}:${d.line}:${d.column}: ${d.message}`).join('; '));
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const base = folder?.uri ?? vscode.Uri.joinPath(uri, path.basename(path.dirname(uri.path)) === '.tours' ? '../..' : '..');
  return { tour, uri, base, shipped: false };
}

async function workspaceTours(): Promise<vscode.Uri[]> {
  const found = await vscode.workspace.findFiles('{**/.tours/*.json,**/*.tour.json}', '**/node_modules/**', 200);
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

/** The tour being recorded: steps added are written to its file at once. */
interface Recording {
  uri: vscode.Uri;
  base: vscode.Uri;
  tour: Tour;
}

function slug(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'tour';
}

export function registerTours(services: Services): void {
  const { context, store, log } = services;
  const state = new PatchSeriesState();
  const compare = new CompareUi(services);
  const revealHunk = registerPatchSeries(services, state);
  const player = new TourPlayer(services, state, compare, revealHunk);
  let recording: Recording | undefined;

  const save = async (rec: Recording) => {
    await vscode.workspace.fs.writeFile(rec.uri, new TextEncoder().encode(serializeTour(rec.tour)));
  };

  const startRecording = async (args?: { title?: string; uri?: vscode.Uri }): Promise<Recording | undefined> => {
    const title = args?.title ?? await vscode.window.showInputBox({ title: 'Record a tour', prompt: 'Title of the new tour', placeHolder: 'Reviewing the zap patch' });
    if (!title) return undefined;
    let uri = args?.uri;
    if (!uri) {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      uri = folder ? vscode.Uri.joinPath(folder, '.tours', `${slug(title)}.tour.json`) : await vscode.window.showSaveDialog({ filters: { Tour: ['json'] }, saveLabel: 'Create Tour' });
      if (!uri) return undefined;
    }
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    recording = { uri, base: folder?.uri ?? vscode.Uri.joinPath(uri, '..'), tour: { title, steps: [] } };
    await save(recording);
    await vscode.commands.executeCommand('setContext', 'timens.tourRecording', true);
    log.info(`recording tour "${title}" into ${uri.toString()}`);
    return recording;
  };

  /** Builds a step from the editor selection, the current hunk or the current simulation step. */
  const stepFrom = async (source: 'selection' | 'hunk' | 'simulation', node: SeriesNode | undefined, rec: Recording): Promise<TourStep | string> => {
    const series = state.series;
    const rel = (uri: vscode.Uri) => path.relative(rec.base.fsPath, uri.fsPath).split(path.sep).join('/');
    if (source === 'hunk' || (source === 'selection' && vscode.window.activeTextEditor?.document.uri.scheme === PATCH_SCHEME && !node)) {
      let hunkNode = node && node.kind === 'hunk' ? node : undefined;
      if (!hunkNode && series) {
        const uri = vscode.window.activeTextEditor?.document.uri;
        const parts = uri?.path.split('/').filter(Boolean) ?? [];
        const [key, p, f, h] = parts;
        const hunk = key === state.key ? series.patches[Number(p)]?.patch?.files[Number(f)]?.hunks[Number(h)] : undefined;
        if (hunk) {
          const message = series.patches[Number(p)];
          const file = message.patch!.files[Number(f)];
          hunkNode = { kind: 'hunk', patchIndex: Number(p), fileIndex: Number(f), hunkIndex: Number(h), message, file, hunk };
        }
        if (!hunkNode && player.current?.view?.anchor.hunk) {
          const a = player.current.view.anchor;
          return stepFromHunk(a.patch!, a.file!, a.hunk!);
        }
      }
      if (!hunkNode) return 'No patch hunk is open: open one from the Patch Series view first.';
      const sel = vscode.window.activeTextEditor?.selection;
      const step = stepFromHunk(hunkNode.message, hunkNode.file, hunkNode.hunk);
      const text = sel && !sel.isEmpty ? vscode.window.activeTextEditor!.document.getText(sel).trim() : '';
      return text ? { ...step, hunk: { ...step.hunk, pattern: text.split('\n')[0].trim() } } : step;
    }
    if (source === 'simulation') {
      const session = store.active;
      if (!session) return 'No simulation is running: run a scenario first.';
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
      const line = sel.active.line + 1;
      return { title: doc.lineAt(line - 1).text.trim() || `Line ${line}`, body: '', scenario: { path: rel(doc.uri), line, pattern: doc.lineAt(line - 1).text.trim() } };
    }
    return { title: `${path.basename(doc.fileName)}:${sel.start.line + 1}`, body: selected ? '```\n' + selected + '\n```' : '' };
  };

  const findNode = (series: PatchSeries | null, index?: number) => (series && index !== undefined ? series.patches[index] : undefined);

  context.subscriptions.push(
    player,
    state,
    vscode.workspace.registerTextDocumentContentProvider(TOUR_SCHEME, { provideTextDocumentContent: (uri) => player.stepDocument(uri) }),
    vscode.workspace.registerTextDocumentContentProvider('timens-compare', compare.docs),
    vscode.languages.registerCodeLensProvider({ language: 'timens' }, new CompareCodeLens()),
    vscode.commands.registerCommand('timens.compare', (uri?: vscode.Uri, other?: Parameters<CompareUi['compareCommand']>[1]) => compare.compareCommand(uri, other)),
    vscode.commands.registerCommand('timens.comparePatches', (uri?: vscode.Uri, patch?: Arm64PatchId) => compare.comparePatchesCommand(uri, patch)),
    vscode.commands.registerCommand('timens.patchSeries.whatBreaks', async (node?: SeriesNode | Arm64PatchId) => {
      const k = typeof node === 'string' ? undefined : node?.kind === 'bundled' ? node.knowledge : node?.kind === 'patch' ? node.knowledge : undefined;
      const id = typeof node === 'string' ? node : k?.switch.kind === 'patch' ? k.switch.id : undefined;
      if (!id) {
        void vscode.window.showInformationMessage('The model has no switch for this patch: only the six arm64 patches of the June 2020 series can be switched off.');
        return undefined;
      }
      return compare.whatBreaks(id);
    }),
    vscode.commands.registerCommand('timens.startTour', async (arg?: string | vscode.Uri, step?: number) => {
      try {
        let lt: LoadedTour | undefined;
        if (arg instanceof vscode.Uri) lt = await loadTourFile(arg);
        else {
          const shipped = await shippedTours(context.extensionUri);
          if (typeof arg === 'string') {
            lt = shipped.find((t) => t.tour.title === arg || t.uri?.path.endsWith('/' + arg));
            if (!lt) throw new Error(`no shipped tour is called "${arg}"`);
          } else {
            const ws = await workspaceTours();
            const items = [
              { label: 'Shipped with Timens Explorer', kind: vscode.QuickPickItemKind.Separator },
              ...shipped.map((t) => ({ label: `$(book) ${t.tour.title}`, detail: t.tour.description, description: `${t.tour.steps.length} steps`, load: () => Promise.resolve(t) })),
              ...(ws.length ? [{ label: 'In this workspace', kind: vscode.QuickPickItemKind.Separator }] : []),
              ...ws.map((u) => ({ label: `$(file) ${vscode.workspace.asRelativePath(u)}`, load: () => loadTourFile(u) })),
            ] as (vscode.QuickPickItem & { load?: () => Promise<LoadedTour> })[];
            const pick = await vscode.window.showQuickPick(items, { title: 'Start a Tour', matchOnDetail: true });
            if (!pick?.load) return undefined;
            lt = await pick.load();
          }
        }
        return await player.start(lt, step ?? 0);
      } catch (err) {
        void vscode.window.showErrorMessage(`Cannot start the tour: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      }
    }),
    vscode.commands.registerCommand('timens.tour.next', () => player.next()),
    vscode.commands.registerCommand('timens.tour.previous', () => player.previous()),
    vscode.commands.registerCommand('timens.tour.end', () => player.end()),
    vscode.commands.registerCommand('timens.tour.pickStep', async () => {
      const cur = player.current;
      if (!cur) return;
      const pick = await vscode.window.showQuickPick(cur.tour.tour.steps.map((s, i) => ({ label: `${i + 1}. ${s.title}`, picked: i === cur.index, i })), { title: cur.tour.tour.title });
      if (pick) await player.goTo(pick.i);
    }),
    vscode.commands.registerCommand('timens.tour.record', (args?: { title?: string; uri?: vscode.Uri }) => startRecording(args)),
    vscode.commands.registerCommand('timens.tour.addStep', async (args?: { from?: 'selection' | 'hunk' | 'simulation'; node?: SeriesNode; title?: string; body?: string } | SeriesNode) => {
      const opts = args && 'kind' in args ? { from: 'hunk' as const, node: args } : args ?? {};
      const rec = recording ?? await startRecording();
      if (!rec) return undefined;
      const made = await stepFrom(opts.from ?? 'selection', opts.node, rec);
      if (typeof made === 'string') {
        void vscode.window.showWarningMessage(made);
        return undefined;
      }
      const body = opts.body ?? await vscode.window.showInputBox({ title: `Step ${rec.tour.steps.length + 1}: ${made.title}`, prompt: 'What should the reader notice here? (Markdown)', value: made.body });
      if (body === undefined) return undefined;
      const step: TourStep = { ...made, ...(opts.title ? { title: opts.title } : {}), body };
      rec.tour = addStep(rec.tour, step);
      await save(rec);
      log.info(`tour "${rec.tour.title}": step ${rec.tour.steps.length} added (${step.title})`);
      return step;
    }),
    vscode.commands.registerCommand('timens.tour.addStepFromHunk', (node?: SeriesNode) => vscode.commands.executeCommand('timens.tour.addStep', { from: 'hunk', node })),
    vscode.commands.registerCommand('timens.tour.addStepFromSimulation', () => vscode.commands.executeCommand('timens.tour.addStep', { from: 'simulation' })),
    vscode.commands.registerCommand('timens.tour.editStep', async (args?: { index?: number; body?: string; notes?: string; title?: string }) => {
      // Edit the recording's last step, or the step on screen when playing a workspace tour.
      const playing = player.current && !player.current.tour.shipped && player.current.tour.uri ? player.current : undefined;
      const target = recording ? { tour: recording.tour, index: args?.index ?? recording.tour.steps.length - 1, uri: recording.uri } : playing ? { tour: playing.tour.tour, index: args?.index ?? playing.index, uri: playing.tour.uri! } : undefined;
      if (!target || !target.tour.steps[target.index]) {
        void vscode.window.showWarningMessage(player.current?.tour.shipped ? 'Shipped tours are read-only: record your own tour (Timens: Record Tour) and add steps to it.' : 'No tour step to edit: record a tour first.');
        return undefined;
      }
      const old = target.tour.steps[target.index];
      const change: Partial<TourStep> = {};
      if (args?.title !== undefined) (change as { title: string }).title = args.title;
      if (args?.body !== undefined || args?.notes !== undefined) {
        if (args.body !== undefined) (change as { body: string }).body = args.body;
        if (args.notes !== undefined) (change as { notes: string }).notes = args.notes;
      } else if (args?.title === undefined) {
        const body = await vscode.window.showInputBox({ title: `Edit step ${target.index + 1}: ${old.title}`, prompt: 'Step text (Markdown)', value: old.body });
        if (body === undefined) return undefined;
        const notes = await vscode.window.showInputBox({ title: `Review notes for step ${target.index + 1}`, prompt: 'Notes that go into the review reply under this hunk (optional)', value: old.notes ?? '' });
        (change as { body: string }).body = body;
        if (notes) (change as { notes: string }).notes = notes;
      }
      const tour = updateStep(target.tour, target.index, change);
      await vscode.workspace.fs.writeFile(target.uri, new TextEncoder().encode(serializeTour(tour)));
      if (recording && recording.uri.toString() === target.uri.toString()) recording.tour = tour;
      if (playing && playing.tour.uri?.toString() === target.uri.toString()) await player.replaceTour(tour);
      return tour.steps[target.index];
    }),
    vscode.commands.registerCommand('timens.tour.stopRecording', async () => {
      const rec = recording;
      recording = undefined;
      await vscode.commands.executeCommand('setContext', 'timens.tourRecording', false);
      if (rec) void vscode.window.showInformationMessage(`Tour "${rec.tour.title}" saved with ${rec.tour.steps.length} steps: ${vscode.workspace.asRelativePath(rec.uri)}`);
      return rec?.uri;
    }),
    vscode.commands.registerCommand('timens.copyReviewReply', async (args?: { patchIndex?: number; reviewedBy?: string; node?: SeriesNode } | SeriesNode) => {
      const opts = args && 'kind' in args ? { node: args } : args ?? {};
      const series = state.series;
      if (!series) {
        void vscode.window.showWarningMessage('Open the patch series first (Timens: Open Patch Series): a review reply quotes the real hunks.');
        return undefined;
      }
      let patch = opts.node && (opts.node.kind === 'patch' || opts.node.kind === 'file' || opts.node.kind === 'hunk') ? opts.node.message : findNode(series, opts.patchIndex);
      patch ??= player.current?.view?.anchor.patch;
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
      const tours = [player.current?.tour.tour, recording?.tour].filter((t): t is Tour => t !== undefined);
      const notes: ReviewNote[] = [];
      for (const t of tours) {
        for (const s of t.steps) {
          const a = resolveAnchor(series, s);
          if (a.patch !== patch) continue;
          const text = s.notes ?? (t === recording?.tour ? s.body : '');
          if (a.hunk) notes.push({ file: a.file, hunk: a.hunk, text });
          else if (text) notes.push({ text });
        }
      }
      if (opts.node?.kind === 'hunk' && !notes.some((n) => n.hunk === (opts.node as { hunk: unknown }).hunk)) notes.push({ file: opts.node.file, hunk: opts.node.hunk, text: '' });
      const config = vscode.workspace.getConfiguration('timens');
      const reviewedBy = opts.reviewedBy ?? config.get<string>('review.reviewedBy', '');
      const reply = buildReviewReply(patch, notes, reviewedBy || undefined);
      await vscode.env.clipboard.writeText(reply);
      const doc = await vscode.workspace.openTextDocument({ content: reply, language: 'plaintext' });
      await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: false });
      void vscode.window.showInformationMessage('Review reply copied to the clipboard and opened in a new document. Nothing was sent.');
      return reply;
    }),
  );
}
