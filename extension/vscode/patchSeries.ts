// The Patch Series view: the loaded mailbox (cover letter, patches, files, hunks, problems) or, when
// none is loaded, the bundled notes on the arm64 series; hunks open in a diff editor through virtual
// documents, and each patch offers "What breaks without this patch?".
import * as path from 'path';
import * as vscode from 'vscode';
import { readGitRange } from '../tours/gitRange';
import { ARM64_SERIES, knowledgeForTitle, type PatchKnowledge } from '../tours/knowledge';
import { functionsOfHunk, hunksForEvent } from '../tours/links';
import { hunkSides, type FileDiff, type Hunk } from '../tours/patch';
import { parseSeries, patchLabel, type PatchSeries, type SeriesDiagnostic, type SeriesMessage } from '../tours/series';
import type { Services } from './services';

export const PATCH_SCHEME = 'timens-patch';

/** The series on screen, shared by the tree, the diff documents and the tour player. */
export class PatchSeriesState {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private current: PatchSeries | null = null;
  private generation = 0;

  get series(): PatchSeries | null {
    return this.current;
  }

  /** Bumped on every load so that virtual document URIs of an older series are never confused with new ones. */
  get key(): string {
    return `s${this.generation}`;
  }

  set(series: PatchSeries | null): void {
    this.current = series;
    this.generation++;
    this.emitter.fire();
  }

  dispose(): void {
    this.emitter.dispose();
  }
}

export type SeriesNode =
  | { readonly kind: 'info'; readonly label: string; readonly detail?: string; readonly command?: vscode.Command; readonly icon: string }
  | { readonly kind: 'cover'; readonly message: SeriesMessage }
  | { readonly kind: 'patch'; readonly index: number; readonly message: SeriesMessage; readonly knowledge?: PatchKnowledge }
  | { readonly kind: 'bundled'; readonly knowledge: PatchKnowledge }
  | { readonly kind: 'file'; readonly patchIndex: number; readonly fileIndex: number; readonly message: SeriesMessage; readonly file: FileDiff }
  | { readonly kind: 'hunk'; readonly patchIndex: number; readonly fileIndex: number; readonly hunkIndex: number; readonly message: SeriesMessage; readonly file: FileDiff; readonly hunk: Hunk }
  | { readonly kind: 'problems'; readonly diagnostics: readonly SeriesDiagnostic[] }
  | { readonly kind: 'problem'; readonly diagnostic: SeriesDiagnostic };

function filePath(f: FileDiff): string {
  return f.newPath ?? f.oldPath ?? '(unnamed)';
}

/** Virtual document addresses: /<key>/<patch>/<file>/<hunk>/<side>/<basename> and friends. */
export function hunkUri(key: string, patchIndex: number, fileIndex: number, hunkIndex: number, side: 'before' | 'after', file: FileDiff): vscode.Uri {
  return vscode.Uri.from({ scheme: PATCH_SCHEME, path: `/${key}/${patchIndex}/${fileIndex}/${hunkIndex}/${side}/${path.posix.basename(filePath(file))}` });
}
export function messageUri(key: string, patchIndex: number | 'cover'): vscode.Uri {
  return vscode.Uri.from({ scheme: PATCH_SCHEME, path: `/${key}/${patchIndex}/message.patch` });
}
export function notesUri(knowledge: PatchKnowledge): vscode.Uri {
  return vscode.Uri.from({ scheme: PATCH_SCHEME, path: `/bundled/${knowledge.series}/${knowledge.n}/patch-${knowledge.n}-notes.md` });
}

/** Our notes on a bundled patch, shown when no mailbox is loaded (and linked from the tree). */
export function notesText(k: PatchKnowledge, series: PatchSeries | null): string {
  const lines = [
    `# ${k.title}`,
    '',
    series ? `Loaded series: ${series.source}` : '> No mailbox is loaded: these are Timens Explorer\'s own notes on the patch, not the patch itself.',
    series ? '' : '> Open the series with "Timens: Open Patch Series" (a b4 .mbx, an mbox or a git range) to see its hunks.',
    '',
    '## What it changes',
    '',
    k.summary,
    '',
    '## Without it',
    '',
    k.withoutIt,
    '',
    '## Where',
    '',
    `Files: ${k.files.join(', ')}`,
    `Functions: ${k.functions.join(', ')}`,
    `Model switch: ${k.switch.kind === 'patch' ? `patch off ${k.switch.id}` : k.switch.kind === 'version' ? `kernel ${k.switch.before} vs ${k.switch.after} (${k.switch.arch})` : `none — ${k.switch.why}`}`,
    k.scenario ? `Scenario: ${k.scenario}, line ${k.line}` : '',
    '',
  ];
  return lines.join('\n');
}

export class PatchSeriesTree implements vscode.TreeDataProvider<SeriesNode> {
  private readonly emitter = new vscode.EventEmitter<SeriesNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(private readonly state: PatchSeriesState) {
    state.onDidChange(() => this.emitter.fire(undefined));
  }

  getChildren(node?: SeriesNode): SeriesNode[] {
    const s = this.state.series;
    if (!node) {
      if (!s) {
        return [
          { kind: 'info', label: 'Open the real series…', detail: 'mbox, b4 .mbx, .patch or git range', icon: 'folder-opened', command: { command: 'timens.openPatchSeries', title: 'Open Patch Series' } },
          ...ARM64_SERIES.patches.map((k) => ({ kind: 'bundled' as const, knowledge: k })),
        ];
      }
      const out: SeriesNode[] = [];
      if (s.diagnostics.length > 0) out.push({ kind: 'problems', diagnostics: s.diagnostics });
      if (s.cover) out.push({ kind: 'cover', message: s.cover });
      s.patches.forEach((m, index) => out.push({ kind: 'patch', index, message: m, knowledge: knowledgeForTitle(m.subjectInfo.title) }));
      if (out.length === 0) out.push({ kind: 'info', label: `Nothing could be read from ${s.source}`, icon: 'warning' });
      return out;
    }
    if (node.kind === 'problems') return node.diagnostics.map((d) => ({ kind: 'problem', diagnostic: d }));
    if (node.kind === 'patch') return (node.message.patch?.files ?? []).map((file, fileIndex) => ({ kind: 'file', patchIndex: node.index, fileIndex, message: node.message, file }));
    if (node.kind === 'file') return node.file.hunks.map((hunk, hunkIndex) => ({ kind: 'hunk', patchIndex: node.patchIndex, fileIndex: node.fileIndex, hunkIndex, message: node.message, file: node.file, hunk }));
    return [];
  }

  getParent(node: SeriesNode): SeriesNode | undefined {
    const s = this.state.series;
    if (!s) return undefined;
    if (node.kind === 'problem') return { kind: 'problems', diagnostics: s.diagnostics };
    if (node.kind === 'file') return { kind: 'patch', index: node.patchIndex, message: node.message, knowledge: knowledgeForTitle(node.message.subjectInfo.title) };
    if (node.kind === 'hunk') return { kind: 'file', patchIndex: node.patchIndex, fileIndex: node.fileIndex, message: node.message, file: node.file };
    return undefined;
  }

  getTreeItem(node: SeriesNode): vscode.TreeItem {
    const s = this.state.series;
    switch (node.kind) {
      case 'info': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.description = node.detail;
        item.iconPath = new vscode.ThemeIcon(node.icon);
        item.command = node.command;
        return item;
      }
      case 'problems': {
        const errors = node.diagnostics.filter((d) => d.severity === 'error').length;
        const warnings = node.diagnostics.filter((d) => d.severity === 'warning').length;
        const label = errors + warnings > 0 ? `Problems reading ${s?.source ?? 'the series'} (${errors + warnings})` : `Notes on reading ${s?.source ?? 'the series'} (${node.diagnostics.length})`;
        const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.Collapsed);
        item.iconPath = new vscode.ThemeIcon(errors > 0 ? 'error' : warnings > 0 ? 'warning' : 'info');
        return item;
      }
      case 'problem': {
        const d = node.diagnostic;
        const item = new vscode.TreeItem(`line ${d.line}: ${d.message}`, vscode.TreeItemCollapsibleState.None);
        item.iconPath = new vscode.ThemeIcon(d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'info');
        item.tooltip = `${s?.source ?? ''}:${d.line}:${d.column}: ${d.message}`;
        return item;
      }
      case 'cover': {
        const item = new vscode.TreeItem(patchLabel(node.message), vscode.TreeItemCollapsibleState.None);
        item.description = 'cover letter';
        item.iconPath = new vscode.ThemeIcon('mail');
        item.contextValue = 'timens.cover';
        item.command = { command: 'vscode.open', title: 'Open Cover Letter', arguments: [messageUri(this.state.key, 'cover')] };
        return item;
      }
      case 'patch': {
        const m = node.message;
        const item = new vscode.TreeItem(patchLabel(m), m.placeholder ? vscode.TreeItemCollapsibleState.None : vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `${this.state.key}/patch/${node.index}`;
        item.description = m.placeholder ? 'not in this file' : node.knowledge?.switch.kind === 'patch' ? `switch: ${node.knowledge.switch.id}` : `${m.patch?.files.length ?? 0} files`;
        item.iconPath = new vscode.ThemeIcon(m.placeholder ? 'circle-outline' : 'git-commit');
        item.contextValue = node.knowledge?.switch.kind === 'patch' ? 'timens.patch.switchable' : 'timens.patch';
        item.tooltip = node.knowledge ? new vscode.MarkdownString(`**${patchLabel(m)}**\n\n${node.knowledge.summary}\n\n**Without it:** ${node.knowledge.withoutIt}`) : patchLabel(m);
        if (m.placeholder && node.knowledge) item.command = { command: 'vscode.open', title: 'Open Notes', arguments: [notesUri(node.knowledge)] };
        return item;
      }
      case 'bundled': {
        const k = node.knowledge;
        const item = new vscode.TreeItem(`[PATCH v4 ${k.n}/6] ${k.title}`, vscode.TreeItemCollapsibleState.None);
        item.id = `bundled/${k.n}`;
        item.description = k.switch.kind === 'patch' ? `notes · switch: ${k.switch.id}` : 'notes';
        item.iconPath = new vscode.ThemeIcon('note');
        item.contextValue = 'timens.patch.switchable';
        item.tooltip = new vscode.MarkdownString(`${k.summary}\n\n**Without it:** ${k.withoutIt}`);
        item.command = { command: 'vscode.open', title: 'Open Notes', arguments: [notesUri(k)] };
        return item;
      }
      case 'file': {
        const item = new vscode.TreeItem(filePath(node.file), vscode.TreeItemCollapsibleState.Expanded);
        item.id = `${this.state.key}/file/${node.patchIndex}/${node.fileIndex}`;
        item.description = `${node.file.status}${node.file.binary ? ', binary' : ''} · ${node.file.hunks.length} hunk${node.file.hunks.length === 1 ? '' : 's'}`;
        item.resourceUri = vscode.Uri.file('/' + filePath(node.file));
        item.iconPath = vscode.ThemeIcon.File;
        return item;
      }
      case 'hunk': {
        const h = node.hunk;
        const fns = functionsOfHunk(h);
        const item = new vscode.TreeItem(h.header.replace(/ @@ .*$/, ' @@'), vscode.TreeItemCollapsibleState.None);
        item.id = `${this.state.key}/hunk/${node.patchIndex}/${node.fileIndex}/${node.hunkIndex}`;
        item.description = fns.length > 0 ? fns.join(', ') : h.section;
        item.iconPath = new vscode.ThemeIcon(h.truncated ? 'warning' : 'diff');
        item.tooltip = `${h.header}${h.truncated ? '\n(cut short in the mail)' : ''}`;
        item.contextValue = 'timens.hunk';
        item.command = { command: 'timens.patchSeries.openHunk', title: 'Open Hunk', arguments: [node] };
        return item;
      }
    }
  }
}

/** Serves the before/after sides of hunks, whole patch mails and the bundled notes as read-only documents. */
export class PatchContentProvider implements vscode.TextDocumentContentProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  constructor(private readonly state: PatchSeriesState) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    const parts = uri.path.split('/').filter(Boolean);
    if (parts[0] === 'bundled') {
      const k = [...ARM64_SERIES.patches].find((p) => p.series === parts[1] && String(p.n) === parts[2]) ?? knowledgeForTitle(parts[1]);
      return k ? notesText(k, this.state.series) : 'Unknown bundled patch.';
    }
    const s = this.state.series;
    if (!s || parts[0] !== this.state.key) return 'This document belongs to a patch series that is no longer loaded. Open it again from the Patch Series view.';
    if (parts[2] === 'message.patch') {
      const m = parts[1] === 'cover' ? s.cover : s.patches[Number(parts[1])];
      if (!m) return 'No such message.';
      return [`Subject: ${m.subject}`, m.from ? `From: ${m.from}` : '', m.date ? `Date: ${m.date}` : '', '', m.body].filter((l, i) => l !== '' || i > 2).join('\n');
    }
    const [, p, f, h, side] = parts;
    const hunk = s.patches[Number(p)]?.patch?.files[Number(f)]?.hunks[Number(h)];
    if (!hunk) return 'No such hunk.';
    const sides = hunkSides(hunk);
    return side === 'before' ? sides.before : sides.after;
  }
}

export function describeDiagnostics(series: PatchSeries): string {
  const errors = series.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = series.diagnostics.filter((d) => d.severity === 'warning').length;
  const real = series.patches.filter((p) => !p.placeholder).length;
  return `${series.source}: ${real} patch${real === 1 ? '' : 'es'}${series.cover ? ' and a cover letter' : ''}${errors + warnings > 0 ? ` (${errors} errors, ${warnings} warnings: see Problems in the Patch Series view)` : ''}`;
}

/** Loads a file (any of the supported formats) into the state. */
export async function loadSeriesFile(state: PatchSeriesState, uri: vscode.Uri): Promise<PatchSeries> {
  const bytes = await vscode.workspace.fs.readFile(uri);
  const series = parseSeries(bytes, path.basename(uri.path));
  state.set(series);
  return series;
}

/** Shows a hunk in the Patch Series view (the tour player calls it so the tree follows the tour). */
export type RevealHunk = (patchIndex: number, fileIndex: number, hunkIndex: number) => Promise<void>;

export function registerPatchSeries(services: Services, state: PatchSeriesState): RevealHunk {
  const { context, log, store } = services;
  const tree = new PatchSeriesTree(state);
  const view = vscode.window.createTreeView('timens.patchSeries', { treeDataProvider: tree, showCollapseAll: true });
  const provider = new PatchContentProvider(state);
  state.onDidChange(() => {
    view.description = state.series ? state.series.source : 'bundled notes';
    view.message = state.series ? undefined : 'No mailbox loaded. The arm64 series is shown from Timens Explorer\'s own notes; open the real series to see its hunks.';
  });
  view.description = 'bundled notes';
  view.message = 'No mailbox loaded. The arm64 series is shown from Timens Explorer\'s own notes; open the real series to see its hunks.';

  context.subscriptions.push(
    view,
    vscode.workspace.registerTextDocumentContentProvider(PATCH_SCHEME, provider),
    vscode.commands.registerCommand('timens.openPatchSeries', async (arg?: vscode.Uri | { repo: string; range: string }) => {
      try {
        let series: PatchSeries;
        if (arg instanceof vscode.Uri) {
          series = await loadSeriesFile(state, arg);
        } else if (arg && typeof arg === 'object' && 'range' in arg) {
          series = await readGitRange(arg.repo, arg.range);
          state.set(series);
        } else {
          const pick = await vscode.window.showQuickPick([
            { label: '$(file) Open a mailbox or patch file…', detail: '.mbox, .mbx (b4 am), .patch, .eml or a cover letter saved as .txt', id: 'file' },
            { label: '$(git-commit) Read a git range…', detail: 'base..head of a local repository, through git format-patch', id: 'git' },
          ], { title: 'Open Patch Series' });
          if (!pick) return undefined;
          if (pick.id === 'file') {
            const uris = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Open Series', filters: { 'Patch series': ['mbox', 'mbx', 'patch', 'diff', 'eml', 'txt'], 'All files': ['*'] } });
            if (!uris?.[0]) return undefined;
            series = await loadSeriesFile(state, uris[0]);
          } else {
            const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
            const repo = await vscode.window.showInputBox({ title: 'Repository', prompt: 'Path of a local git repository', value: folder ?? '' });
            if (!repo) return undefined;
            const range = await vscode.window.showInputBox({ title: 'Commit range', prompt: 'base..head, e.g. v5.8..arm64/timens-v4', placeHolder: 'base..head' });
            if (!range) return undefined;
            series = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `git format-patch ${range}`, cancellable: true }, (_p, token) => {
              const abort = new AbortController();
              token.onCancellationRequested(() => abort.abort());
              return readGitRange(repo, range, abort.signal);
            });
            state.set(series);
          }
        }
        log.info(`patch series loaded: ${describeDiagnostics(series)}`);
        for (const d of series.diagnostics) log.warn(`${series.source}:${d.line}:${d.column}: ${d.severity}: ${d.message}`);
        void vscode.commands.executeCommand('timens.patchSeries.focus');
        const bad = series.diagnostics.filter((d) => d.severity !== 'info');
        if (bad.length > 0) void vscode.window.showWarningMessage(`Read ${describeDiagnostics(series)}. First problem: line ${bad[0].line}: ${bad[0].message}`);
        return series;
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        void vscode.window.showErrorMessage(`Could not open the patch series: ${msg}`);
        log.error(`openPatchSeries: ${msg}`);
        return undefined;
      }
    }),
    vscode.commands.registerCommand('timens.patchSeries.close', () => state.set(null)),
    vscode.commands.registerCommand('timens.patchSeries.openHunk', async (node: Extract<SeriesNode, { kind: 'hunk' }>) => {
      const key = state.key;
      const before = hunkUri(key, node.patchIndex, node.fileIndex, node.hunkIndex, 'before', node.file);
      const after = hunkUri(key, node.patchIndex, node.fileIndex, node.hunkIndex, 'after', node.file);
      await vscode.commands.executeCommand('vscode.diff', before, after, `${filePath(node.file)} ${node.hunk.header.replace(/ @@ .*$/, ' @@')} (${node.message.subjectInfo.tag || 'patch'})`, { preview: true, viewColumn: vscode.ViewColumn.One });
      return after;
    }),
    vscode.commands.registerCommand('timens.patchSeries.showEvents', async (node: Extract<SeriesNode, { kind: 'hunk' }>) => {
      const fns = functionsOfHunk(node.hunk);
      const session = store.active;
      if (!session) {
        void vscode.window.showInformationMessage(`This hunk touches ${fns.join(', ') || 'no known function'}. Run a scenario first to see the model events that stand for it.`);
        return [];
      }
      const events = await session.find({ functions: fns });
      if (events.length === 0) {
        void vscode.window.showInformationMessage(`No event of the current run stands for ${fns.join(', ') || 'this hunk'}.`);
        return [];
      }
      const pick = await vscode.window.showQuickPick(events.map((e) => ({
        label: `#${e.index} ${e.kind} ${e.fn}`, description: `line ${e.line + 1}${e.task ? ' · ' + e.task : ''}`, detail: e.summary, index: e.index,
      })), { title: `Events for ${fns.join(', ')}` });
      if (pick) await store.moveTo(pick.index + 1, 'tree', session);
      return events.map((e) => e.index);
    }),
  );
  context.subscriptions.push(vscode.commands.registerCommand('timens.patchSeries.hunksForEvent', async (eventIndex?: number) => {
    // The way back: from the event at the cursor (or the one given) to the hunks of the loaded series that stand for it.
    const session = store.active;
    const series = state.series;
    if (!session || !series) {
      void vscode.window.showInformationMessage(!series ? 'Open a patch series first (Timens: Open Patch Series).' : 'Run a scenario first: the event at its cursor is looked up in the series.');
      return [];
    }
    const index = eventIndex ?? session.position - 1;
    const event = index >= 0 && index < session.eventCount ? await session.event(index) : null;
    if (!event) return [];
    const found = hunksForEvent(series, event);
    if (found.length === 0) {
      void vscode.window.showInformationMessage(`No hunk of ${series.source} touches ${event.stack.join(' > ') || event.fn}.`);
      return [];
    }
    const pick = found.length === 1 ? { f: found[0] } : await vscode.window.showQuickPick(found.map((f) => ({ label: `${f.patch.subjectInfo.tag} ${f.hunk.header}`, description: f.functions.join(', '), f })), { title: `Hunks for event #${index} ${event.kind} ${event.fn}` });
    if (pick) {
      const p = series.patches.indexOf(pick.f.patch);
      const fi = pick.f.patch.patch?.files.indexOf(pick.f.file) ?? 0;
      const h = pick.f.file.hunks.indexOf(pick.f.hunk);
      await vscode.commands.executeCommand('timens.patchSeries.openHunk', { kind: 'hunk', patchIndex: p, fileIndex: fi, hunkIndex: h, message: pick.f.patch, file: pick.f.file, hunk: pick.f.hunk });
    }
    return found.map((f) => f.hunk.header);
  }));
  const reveal: RevealHunk = async (patchIndex, fileIndex, hunkIndex) => {
    const s = state.series;
    const message = s?.patches[patchIndex];
    const file = message?.patch?.files[fileIndex];
    const hunk = file?.hunks[hunkIndex];
    if (!message || !file || !hunk || !view.visible) return;
    try {
      await view.reveal({ kind: 'hunk', patchIndex, fileIndex, hunkIndex, message, file, hunk }, { select: true, focus: false, expand: true });
    } catch (err) {
      log.warn(`patch series: cannot reveal hunk ${patchIndex}/${fileIndex}/${hunkIndex}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  context.subscriptions.push(vscode.commands.registerCommand('timens.patchSeries.revealHunk', (p: number, f: number, h: number) => reveal(p, f, h)));
  return reveal;
}
