// The Patch Series commands: open a mailbox or a git range (read by the import worker, with progress and
// cancel; git only in a trusted workspace), close it, open a hunk in a diff editor, and go between hunks
// and the model's events.
import * as path from 'path';
import * as vscode from 'vscode';
import { ImportCancelled, importSeries } from '../tours/importClient';
import type { ImportSource } from '../tours/importProtocol';
import { functionsOfHunk, hunkOf, hunksForEventInSlices } from '../tours/links';
import type { PatchSeries } from '../tours/series';
import { pickHunk } from './hunkQuickPick';
import { filePath, hunkUri, PATCH_SCHEME, PatchContentProvider } from './patchUris';
import { seriesChildren } from './patchSeriesNodes';
import { commandResult } from './patchSeriesResult';
import { notesText, PatchSeriesState, PatchSeriesTree, type SeriesNode } from './patchSeriesTree';
import type { Services } from './services';

export function describeDiagnostics(series: PatchSeries): string {
  const errors = series.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = series.diagnostics.filter((d) => d.severity === 'warning').length;
  const real = series.patches.filter((p) => !p.placeholder).length;
  return `${series.source}: ${real} patch${real === 1 ? '' : 'es'}${series.cover ? ' and a cover letter' : ''}${errors + warnings > 0 ? ` (${errors} errors, ${warnings} warnings: see Problems in the Patch Series view)` : ''}`;
}

function megabytes(n: number): string {
  return `${(n / (1024 * 1024)).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

/** Runs an import in the worker under a cancellable progress notification; undefined when cancelled. */
async function importWithProgress(services: Services, source: ImportSource, title: string): Promise<PatchSeries | undefined> {
  const workerPath = vscode.Uri.joinPath(services.context.extensionUri, 'dist', 'importWorker.js').fsPath;
  try {
    return await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (progress, token) => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      let shown = 0;
      return importSeries(source, {
        workerPath,
        signal: abort.signal,
        onProgress: (p) => {
          const message = `${megabytes(p.done)}${p.total ? ` of ${megabytes(p.total)}` : ''}, ${p.messages} messages`;
          const pct = p.total ? (100 * p.done) / p.total : shown;
          progress.report({ message, increment: pct - shown });
          shown = pct;
        },
      });
    });
  } catch (err) {
    if (err instanceof ImportCancelled) {
      services.log.info(`import of ${title} cancelled`);
      return undefined;
    }
    throw err;
  }
}

/** A file URI is read by the worker itself; other schemes (remote, virtual) are read here and handed over. */
async function fileSource(uri: vscode.Uri): Promise<ImportSource> {
  const name = path.posix.basename(uri.path);
  if (uri.scheme === 'file') return { kind: 'file', path: uri.fsPath, name };
  const bytes = await vscode.workspace.fs.readFile(uri);
  return { kind: 'bytes', name, data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer };
}

/** git reads the repository's configuration, which may name programs to run: only in a trusted workspace. */
async function gitAllowed(): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const manage = 'Manage Workspace Trust';
  const answer = await vscode.window.showErrorMessage('Reading a git range runs git, which can run programs named by the repository\'s configuration: Timens Explorer does that only in a trusted workspace.', manage);
  if (answer === manage) void vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}

/** What the tour player needs of the view: follow a hunk, and know whether the Timens side bar is showing. */
export interface PatchSeriesUi {
  reveal(patchIndex: number, fileIndex: number, hunkIndex: number): Promise<boolean>;
  readonly visible: boolean;
}

export function registerPatchSeries(services: Services, state: PatchSeriesState): PatchSeriesUi {
  const { context, log, store } = services;
  const tree = new PatchSeriesTree(state);
  const view = vscode.window.createTreeView('timens.patchSeries', { treeDataProvider: tree, showCollapseAll: true });
  const noMailbox = 'No mailbox loaded. The arm64 series is shown from Timens Explorer\'s own notes; open the real series to see its hunks.';
  const describe = () => {
    view.description = state.series ? state.series.source : 'bundled notes';
    view.message = state.series ? undefined : noMailbox;
  };
  state.onDidChange(describe);
  describe();

  const open = async (arg?: vscode.Uri | { repo: string; range: string }): Promise<PatchSeries | undefined> => {
    let source: ImportSource | undefined;
    if (arg instanceof vscode.Uri) source = await fileSource(arg);
    else if (arg && typeof arg === 'object' && 'range' in arg) source = (await gitAllowed()) ? { kind: 'git', repo: arg.repo, range: arg.range, trusted: vscode.workspace.isTrusted } : undefined;
    else {
      const pick = await vscode.window.showQuickPick([
        { label: '$(file) Open a mailbox or patch file…', detail: '.mbox, .mbx (b4 am), .patch, .eml or a cover letter saved as .txt', id: 'file' },
        { label: '$(git-commit) Read a git range…', detail: 'base..head of a local repository, through git format-patch (trusted workspaces only)', id: 'git' },
      ], { title: 'Open Patch Series' });
      if (pick?.id === 'file') {
        const uris = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Open Series', filters: { 'Patch series': ['mbox', 'mbx', 'patch', 'diff', 'eml', 'txt'], 'All files': ['*'] } });
        if (uris?.[0]) source = await fileSource(uris[0]);
      } else if (pick?.id === 'git' && (await gitAllowed())) {
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
        const repo = await vscode.window.showInputBox({ title: 'Repository', prompt: 'Path of a local git repository', value: folder ?? '' });
        const range = repo ? await vscode.window.showInputBox({ title: 'Commit range', prompt: 'base..head, e.g. v5.8..arm64/timens-v4', placeHolder: 'base..head' }) : undefined;
        if (repo && range) source = { kind: 'git', repo, range, trusted: vscode.workspace.isTrusted };
      }
    }
    if (!source) return undefined;
    const title = source.kind === 'git' ? `git format-patch ${source.range}` : `Reading ${source.name}`;
    const series = await importWithProgress(services, source, title);
    if (!series) return undefined;
    state.set(series);
    log.info(`patch series loaded: ${describeDiagnostics(series)}`);
    for (const d of series.diagnostics) log.warn(`${series.source}:${d.line}:${d.column}: ${d.severity}: ${d.message}`);
    void vscode.commands.executeCommand('timens.patchSeries.focus');
    const bad = series.diagnostics.filter((d) => d.severity !== 'info');
    if (bad.length > 0) void vscode.window.showWarningMessage(`Read ${describeDiagnostics(series)}. First problem: line ${bad[0].line}: ${bad[0].message}`);
    return commandResult(series);
  };

  context.subscriptions.push(
    view,
    vscode.workspace.registerTextDocumentContentProvider(PATCH_SCHEME, new PatchContentProvider(() => state, notesText)),
    vscode.commands.registerCommand('timens.openPatchSeries', async (arg?: vscode.Uri | { repo: string; range: string }) => {
      try {
        return await open(arg);
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        void vscode.window.showErrorMessage(`Could not open the patch series: ${msg}`);
        log.error(`openPatchSeries: ${msg}`);
        return undefined;
      }
    }),
    vscode.commands.registerCommand('timens.patchSeries.close', () => state.set(null)),
    vscode.commands.registerCommand('timens.patchSeries.openHunk', async (node: Extract<SeriesNode, { kind: 'hunk' }>) => {
      const before = hunkUri(state.key, node.patchIndex, node.fileIndex, node.hunkIndex, 'before', node.file);
      const after = hunkUri(state.key, node.patchIndex, node.fileIndex, node.hunkIndex, 'after', node.file);
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
    vscode.commands.registerCommand('timens.patchSeries.hunksForEvent', async (eventIndex?: number) => {
      // The way back: from the event at the cursor (or the one given) to the hunks of the loaded series that stand for it.
      const session = store.active;
      const series = state.series;
      if (!session || !series) {
        void vscode.window.showInformationMessage(!series ? 'Open a patch series first (Timens: Open Patch Series).' : 'Run a scenario first: the event at its cursor is looked up in the series.');
        return [];
      }
      const index = eventIndex ?? session.position - 1;
      if (!Number.isInteger(index) || index < 0 || index >= session.eventCount) return [];
      const event = await session.event(index);
      if (!event) return [];
      const found = await hunksForEventInSlices(series, event);
      if (found.length === 0) {
        void vscode.window.showInformationMessage(`No hunk of ${series.source} touches ${event.stack.join(' > ') || event.fn}.`);
        return [];
      }
      const pick = found.length === 1 ? found[0] : await pickHunk(found, `Hunks for event #${index} ${event.kind} ${event.fn}`);
      // Only the picked hunk's patch is read.
      const at = pick && hunkOf(pick);
      if (pick && at) {
        const node: Extract<SeriesNode, { kind: 'hunk' }> = { kind: 'hunk', patchIndex: pick.patchIndex, fileIndex: pick.fileIndex, hunkIndex: pick.hunkIndex, message: pick.patch, file: at.file, hunk: at.hunk };
        await vscode.commands.executeCommand('timens.patchSeries.openHunk', node);
      }
      return found.map((f) => f.header);
    }),
  );

  /** Follows a hunk in the tree when the view is showing; never opens the side bar. */
  const reveal = async (patchIndex: number, fileIndex: number, hunkIndex: number): Promise<boolean> => {
    const message = state.series?.patches[patchIndex];
    const file = message?.patch?.files[fileIndex];
    const hunk = file?.hunks[hunkIndex];
    if (!message || !file || !hunk || !view.visible) return false;
    try {
      await view.reveal({ kind: 'hunk', patchIndex, fileIndex, hunkIndex, message, file, hunk }, { select: true, focus: false, expand: true });
      return true;
    } catch (err) {
      log.warn(`patch series: cannot reveal hunk ${patchIndex}/${fileIndex}/${hunkIndex}: ${err instanceof Error ? err.message : String(err)}`);
      return false;
    }
  };
  context.subscriptions.push(vscode.commands.registerCommand('timens.patchSeries.revealHunk', (p: number, f: number, h: number) => reveal(p, f, h)));
  // For the extension's own VS Code tests: what VS Code asked the tree for, the root's rows and the selection.
  // Not contributed in package.json, so not in the command palette; not in the shipped bundle at all.
  if (TIMENS_TEST_HOOKS) context.subscriptions.push(vscode.commands.registerCommand('timens.patchSeries._inspect', () => ({
    getTreeItemCalls: tree.getTreeItemCalls,
    getChildrenCalls: tree.getChildrenCalls,
    root: seriesChildren(state.series).map((n) => (n.kind === 'page' ? `page ${n.start}-${n.end}` : n.kind)),
    selection: view.selection.map((n) => (n.kind === 'hunk' ? `hunk ${n.patchIndex}/${n.fileIndex}/${n.hunkIndex}` : n.kind)),
  })));
  return { reveal, get visible() { return view.visible; } };
}
