// The tour player: each step shows its patch hunk (or our notes on the patch) and its scenario side by side,
// runs the scenario to the step's line, opens the comparison below it, and puts the step's text in a comment
// thread with Previous/Next beside the code. It reuses one layout and leaves the side bar as the user has it.
import * as path from 'path';
import * as vscode from 'vscode';
import { knowledgeForTitle } from '../tours/knowledge';
import { hunkLines } from '../tours/patch';
import { resolveAnchor, resolveScenarioLine, TOUR_VIEWS, type AnchorResult, type Tour } from '../tours/tour';
import { COMPARE_VIEW_TYPE } from './compareView';
import { hunkUri, notesUri } from './patchUris';
import type { PatchSeriesUi } from './patchSeries';
import type { PatchSeriesState } from './patchSeriesTree';
import type { Services } from './services';
import { matchDiff, matchText, matchWebview, TOUR_COLUMNS, TourLayout, type TabMatch } from './tourLayout';
import { choiceFor, documentProfile, type CompareUi } from './toursCompare';

export const TOUR_SCHEME = 'timens-tour';

export interface LoadedTour {
  readonly tour: Tour;
  /** The tour file, when it has one (shipped or workspace). */
  readonly uri?: vscode.Uri;
  /** Finds the document of a step's scenario path (shipped: read-only; workspace: checked to stay inside). */
  readonly scenario: (relative: string) => Promise<vscode.Uri>;
  readonly shipped: boolean;
}

/** What the player shows at a step; kept for tests and for the recording and review commands. */
export interface StepView {
  readonly index: number;
  readonly anchor: AnchorResult;
  readonly threadUri: vscode.Uri;
  readonly threadLine: number;
  /** Our notes on the patch, shown as a Markdown preview when the mailbox has no hunk for the step. */
  readonly notesUri?: vscode.Uri;
  readonly scenarioUri?: vscode.Uri;
  readonly scenarioLine?: number;
  readonly scenarioStale?: boolean;
  readonly comparison?: boolean;
  /** The step names a view; it was revealed only if the Timens side bar was already showing. */
  readonly viewRevealed?: boolean;
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

const VIEW_NAMES: Readonly<Record<string, string>> = { 'timens.namespaces': 'Namespaces', 'timens.tasks': 'Tasks', 'timens.memory': 'Memory', 'timens.patchSeries': 'Patch Series' };

function stepMarkdown(lt: LoadedTour, index: number, view: Omit<StepView, 'threadUri' | 'threadLine'>): vscode.MarkdownString {
  const step = lt.tour.steps[index];
  const n = lt.tour.steps.length;
  const parts = [`### ${step.title}`, '', step.body ?? ''];
  const note = anchorNote(view.anchor);
  if (note) parts.push('', '---', note);
  if (view.scenarioUri) {
    parts.push('', `$(play) Ran \`${path.posix.basename(view.scenarioUri.path)}\` to line ${view.scenarioLine ?? '?'}${view.scenarioStale ? ' ($(warning) the line text it was written for is gone)' : ''}${view.comparison ? '; the comparison is below it.' : '.'}`);
  }
  const commands = ['timens.tour.previous', 'timens.tour.next', 'timens.tour.end'];
  if (step.view && step.view !== 'timeline' && !view.viewRevealed && VIEW_NAMES[step.view]) {
    // The side bar is the user's: offer the view instead of opening it.
    parts.push('', `[$(eye) Show the ${VIEW_NAMES[step.view]} view](command:${step.view}.focus) for this step.`);
    commands.push(`${step.view}.focus`);
  }
  if (step.notes) parts.push('', `**Your notes:** ${step.notes}`);
  const nav: string[] = [];
  if (index > 0) nav.push('[$(arrow-left) Previous](command:timens.tour.previous)');
  if (index < n - 1) nav.push('[Next $(arrow-right)](command:timens.tour.next)');
  nav.push('[End tour](command:timens.tour.end)');
  parts.push('', nav.join(' · '));
  const md = new vscode.MarkdownString(parts.join('\n'), true);
  md.isTrusted = { enabledCommands: commands };
  md.supportThemeIcons = true;
  return md;
}

export class TourPlayer implements vscode.Disposable {
  readonly controller = vscode.comments.createCommentController('timens-tour', 'Timens Tour');
  private thread: vscode.CommentThread | undefined;
  private readonly status = vscode.window.createStatusBarItem('timens.tour', vscode.StatusBarAlignment.Left, 90);
  private readonly layout = new TourLayout();
  current: { tour: LoadedTour; index: number; view?: StepView } | undefined;
  private readonly stepDocs = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;

  constructor(private readonly services: Services, private readonly state: PatchSeriesState, private readonly compare: CompareUi, private readonly patchSeries: PatchSeriesUi) {
    this.status.name = 'Timens Tour';
    this.controller.options = { prompt: 'Tour step', placeHolder: 'Tour steps are edited with Timens: Edit Tour Step' };
  }

  /** Text of the step documents used when a step has neither patch nor scenario. */
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

  /** The patch side: the hunk in a diff editor (returns where the thread goes), or our notes as a preview. */
  private async showPatch(anchor: AnchorResult, patchTitle: string | undefined, shown: TabMatch[]): Promise<{ threadUri?: vscode.Uri; threadLine: number; notesUri?: vscode.Uri }> {
    const series = this.state.series;
    if (anchor.hunk && anchor.patch && anchor.file && series) {
      const p = series.patches.indexOf(anchor.patch);
      const f = anchor.patch.patch?.files.indexOf(anchor.file) ?? -1;
      const h = anchor.file.hunks.indexOf(anchor.hunk);
      const before = hunkUri(this.state.key, p, f, h, 'before', anchor.file);
      const after = hunkUri(this.state.key, p, f, h, 'after', anchor.file);
      await this.patchSeries.reveal(p, f, h);
      const title = `${anchor.file.newPath ?? anchor.file.oldPath} ${anchor.hunk.header.replace(/ @@ .*$/, ' @@')} (${anchor.patch.subjectInfo.tag || 'patch'})`;
      await vscode.commands.executeCommand('vscode.diff', before, after, title, { preview: true, viewColumn: TOUR_COLUMNS.patch, preserveFocus: true });
      shown.push(matchDiff(after));
      // The thread sits on the first added line (or the first line) of the new side.
      let threadLine = 0;
      let newLine = 0;
      for (const l of hunkLines(anchor.hunk)) {
        if (l.kind === '+') { threadLine = newLine; break; }
        if (l.kind === ' ') newLine++;
      }
      return { threadUri: after, threadLine };
    }
    const k = patchTitle !== undefined ? knowledgeForTitle(patchTitle) ?? (anchor.patch ? knowledgeForTitle(anchor.patch.subjectInfo.title) : undefined) : undefined;
    if (!k) return { threadLine: 0 };
    const uri = notesUri(k);
    const name = path.posix.basename(uri.path);
    try {
      // The Markdown preview opens in the active group: make that the patch side first.
      await vscode.commands.executeCommand('workbench.action.focusFirstEditorGroup');
      await vscode.commands.executeCommand('markdown.showPreview', uri, undefined, { sideBySide: false, locked: true });
      shown.push(matchWebview('markdown.preview', name));
    } catch (err) {
      this.services.log.warn(`tour: no Markdown preview (${err instanceof Error ? err.message : String(err)}); the notes open as text`);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { viewColumn: TOUR_COLUMNS.patch, preview: true, preserveFocus: true });
      shown.push(matchText(uri));
    }
    return { threadLine: 0, notesUri: uri };
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
    const shown: TabMatch[] = [];
    this.layout.begin();

    // 1. The patch side.
    const patch = step.patch ? await this.showPatch(anchor, step.patch.title ?? '', shown) : { threadLine: 0 };
    let threadUri = patch.threadUri;
    let threadLine = patch.threadLine;
    const patchShown = threadUri !== undefined || patch.notesUri !== undefined;
    // Without a patch side the scenario takes its place and the comparison goes beside it.
    const scenarioColumn = patchShown ? TOUR_COLUMNS.scenario : TOUR_COLUMNS.patch;
    const compareColumn = patchShown ? TOUR_COLUMNS.compare : TOUR_COLUMNS.scenario;
    if (step.scenario && (patchShown || step.compare)) await this.layout.ensureGrid(patchShown && step.compare !== undefined);

    // 2. The scenario: run it and move the cursor to the end of the step's line; 3. the comparison below it.
    let scenarioUri: vscode.Uri | undefined;
    let scenarioLine: number | undefined;
    let scenarioStale = false;
    let comparison = false;
    if (step.scenario) {
      try {
        scenarioUri = await lt.scenario(step.scenario.path);
        const doc = await vscode.workspace.openTextDocument(scenarioUri);
        const editor = await vscode.window.showTextDocument(doc, { viewColumn: scenarioColumn, preview: true, preserveFocus: patchShown });
        shown.push(matchText(doc.uri));
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
        if (!threadUri) { threadUri = doc.uri; threadLine = (scenarioLine ?? 1) - 1; }
        if (step.compare) {
          const base = await documentProfile(this.services, doc);
          await this.compare.show(doc.uri, doc.getText(), step.scenario.path, choiceFor(base, {}), choiceFor(base, step.compare), compareColumn);
          shown.push(matchWebview(COMPARE_VIEW_TYPE));
          comparison = true;
        }
      } catch (err) {
        void vscode.window.showErrorMessage(`Tour step ${i + 1}: cannot run ${step.scenario.path}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (!threadUri) {
      threadUri = vscode.Uri.from({ scheme: TOUR_SCHEME, path: `/${encodeURIComponent(lt.tour.title)}/step-${i + 1}.md` });
      this.stepDocs.set(threadUri.toString(), `# ${step.title}\n\n(${lt.tour.title}, step ${i + 1} of ${lt.tour.steps.length})\n`);
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(threadUri), { viewColumn: patchShown ? TOUR_COLUMNS.scenario : TOUR_COLUMNS.patch, preview: true });
      shown.push(matchText(threadUri));
    }
    await this.layout.end(shown);

    // 4. The view the step names: only this extension's, and only when the Timens side bar is already showing.
    let viewRevealed = false;
    if (step.view && TOUR_VIEWS.includes(step.view)) {
      if (step.view === 'timeline') {
        await vscode.commands.executeCommand('timens.openTimeline');
        viewRevealed = true;
      } else if (this.patchSeries.visible) {
        try { await vscode.commands.executeCommand(`${step.view}.focus`); viewRevealed = true; } catch { this.services.log.warn(`tour: cannot reveal view ${step.view}`); }
      }
    }

    // 5. The thread beside the code, the status bar.
    const viewInfo = { index: i, anchor, notesUri: patch.notesUri, scenarioUri, scenarioLine, scenarioStale, comparison, viewRevealed };
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
    this.layout.release();
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
