// The editor's commands: run, step forward/back, go to start/end (driving the shared cursor outside a
// debug session too), select architecture and kernel (written as header lines), reset, reveal line, reveal on
// timeline and copy as text (tree context menus). New scenarios are in newScenario.ts.
import * as vscode from 'vscode';
import type { Move } from '../../debug/cursor';
import { changedBlock, rewriteHeader } from '../../scenario/editor/header';
import { treeToText, type TreeNode } from '../../scenario/editor/trees';
import { patchesApply, versionAtLeast } from '../../scenario/editor/format';
import { ARM64_PATCHES, KERNEL_VERSIONS, type Arch, type Arm64PatchId, type KernelVersion, type Profile } from '../../sim/types';
import { runRequest, type SimulationSession } from '../session';
import type { Services } from '../services';
import { isScenario } from './documents';
import type { TreesHandle } from './trees';

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The scenario document a command is about: its argument (a Uri), else the active editor. */
async function scenarioDocument(arg: unknown): Promise<vscode.TextDocument | undefined> {
  if (arg instanceof vscode.Uri) return vscode.workspace.openTextDocument(arg);
  const doc = vscode.window.activeTextEditor?.document;
  return isScenario(doc) ? doc : undefined;
}

export function registerEditorCommands(services: Services, trees: TreesHandle): void {
  const { context, store, log, documents } = services;

  const runDocument = async (doc: vscode.TextDocument): Promise<SimulationSession | undefined> => {
    const maxEvents = vscode.workspace.getConfiguration('timens').get<number>('maxEvents', 2_000_000);
    documents.ensure(doc);
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Running ${doc.uri.path.split('/').pop()}`, cancellable: true }, async (progress, token) => {
      progress.report({ message: 'simulating…' });
      const session = await store.runDocument(doc, {}, 'run', maxEvents, { progress, token });
      if (!session) {
        if (token.isCancellationRequested) void vscode.window.showInformationMessage('Timens: run cancelled; the views still show the previous run.');
        return undefined;
      }
      const run = session.summary;
      const errors = run.diagnostics.filter((d) => d.severity === 'error');
      log.info(`ran ${doc.uri.fsPath}: ${run.eventCount} events in ${Math.round(run.ms)} ms, valid=${run.valid}, passed=${run.passed}`);
      if (!run.valid) {
        const choice = await vscode.window.showErrorMessage(`Timens: ${doc.uri.path.split('/').pop()} has ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing ran. First: line ${errors[0] ? errors[0].range.line + 1 : '?'}: ${errors[0]?.message ?? ''}`, 'Show Problems');
        if (choice) void vscode.commands.executeCommand('workbench.actions.view.problems');
      } else {
        const failed = run.failedExpectations;
        const incomplete = run.incomplete;
        vscode.window.setStatusBarMessage(`Timens: ${run.lines} lines, ${run.eventCount} events, ` +
          `${run.expectations - failed}/${run.expectations} expectations held${incomplete ? ` (stopped at timens.maxEvents = ${maxEvents})` : ''}`, 8000);
        if (incomplete) void vscode.window.showWarningMessage(`Timens: the run stopped after ${maxEvents} events (setting timens.maxEvents).`);
      }
      return session;
    });
  };

  /** The session to move: the active one, or a fresh run of the scenario in the active editor. */
  const sessionToMove = async (): Promise<SimulationSession | undefined> => {
    const doc = vscode.window.activeTextEditor?.document;
    if (isScenario(doc)) {
      const existing = store.get(doc.uri);
      if (existing && existing.documentVersion === doc.version) { store.activate(doc.uri); return existing; }
      return runDocument(doc);
    }
    if (store.active) return store.active;
    void vscode.window.showErrorMessage('Timens: no scenario has run. Open a .timens file and run it first.');
    return undefined;
  };

  const move = (to: Move, edge: string) => async (): Promise<boolean> => {
    const session = await sessionToMove();
    if (!session || !session.valid) {
      if (session) void vscode.window.showErrorMessage('Timens: this scenario has errors, so there is nothing to step through.');
      return false;
    }
    if (await store.move(to, 'command', session)) return true;
    vscode.window.setStatusBarMessage(`Timens: already at the ${edge} of the scenario`, 3000);
    return false;
  };

  const revealLine = async (line: number, uri?: vscode.Uri): Promise<boolean> => {
    const target = uri ?? store.active?.uri;
    if (!target) { void vscode.window.showErrorMessage('Timens: no scenario is open to reveal a line in.'); return false; }
    if (line < 0) { void vscode.window.showInformationMessage('Timens: this state comes from before the first line (the initial state).'); return false; }
    const editor = await vscode.window.showTextDocument(target, { preserveFocus: false, preview: false });
    const range = editor.document.lineAt(Math.min(line, editor.document.lineCount - 1)).range;
    editor.selection = new vscode.Selection(range.start, range.start);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return true;
  };

  /** The event that produced what a tree node shows: its PTE's event, else the last event that changed its object. */
  const eventOfNode = async (node: TreeNode | undefined): Promise<number | null> => {
    const session = store.active;
    if (!session) return null;
    if (node?.sinceEvent !== undefined) return node.sinceEvent;
    if (node?.obj) {
      const e = await store.engine.request('lastChange', { runId: session.runId, obj: node.obj, ...(node.field ? { field: node.field } : {}) });
      if (e !== null) return e;
    }
    return session.position > 0 ? session.position - 1 : null;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('timens.runScenario', async (arg?: unknown) => {
      try {
        const doc = await scenarioDocument(arg);
        if (!doc) { void vscode.window.showErrorMessage('Timens: open a .timens scenario to run it.'); return undefined; }
        return await runDocument(doc);
      } catch (err) {
        log.error(`run failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
        void vscode.window.showErrorMessage(`Timens: the run failed: ${message(err)}`);
        return undefined;
      }
    }),
    vscode.commands.registerCommand('timens.stepForward', move({ kind: 'line', direction: 1 }, 'end')),
    vscode.commands.registerCommand('timens.stepBack', move({ kind: 'line', direction: -1 }, 'start')),
    vscode.commands.registerCommand('timens.goToStart', move({ kind: 'start' }, 'start')),
    vscode.commands.registerCommand('timens.goToEnd', move({ kind: 'end' }, 'end')),
    vscode.commands.registerCommand('timens.reset', () => {
      // The scenario in the active editor if it has a run, else the run on screen.
      const doc = vscode.window.activeTextEditor?.document;
      const target = isScenario(doc) && store.get(doc.uri) ? doc.uri : store.active?.uri;
      if (!target) { vscode.window.setStatusBarMessage('Timens: nothing to reset', 3000); return false; }
      store.reset(target);
      return true;
    }),
    // A second argument (a Profile) skips the quick picks: used by tests and by other features.
    vscode.commands.registerCommand('timens.selectProfile', async (arg?: unknown, given?: Profile) => {
      const doc = await scenarioDocument(arg);
      if (!doc) { void vscode.window.showErrorMessage('Timens: open a .timens scenario to choose its architecture and kernel.'); return false; }
      documents.ensure(doc);
      const current = await store.engine.request('profile', { uri: doc.uri.toString(), version: doc.version, request: runRequest(doc) });
      const profile = given ?? await pickProfile(current);
      if (!profile) return false;
      const before = doc.getText().split('\n').map((l) => l.replace(/\r$/, ''));
      const after = rewriteHeader(before, profile);
      const block = changedBlock(before, after);
      if (block) {
        const edit = new vscode.WorkspaceEdit();
        const eol = doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
        const start = new vscode.Position(block.start, 0);
        const end = block.endBefore < doc.lineCount ? new vscode.Position(block.endBefore, 0) : doc.lineAt(doc.lineCount - 1).range.end;
        const lines = after.slice(block.start, block.endAfter);
        const text = lines.length ? lines.join(eol) + (block.endBefore < doc.lineCount ? eol : '') : '';
        edit.replace(doc.uri, new vscode.Range(start, end), text);
        if (!(await vscode.workspace.applyEdit(edit))) { void vscode.window.showErrorMessage('Timens: could not write the header lines (is the file read-only?).'); return false; }
      }
      // Re-run when the file had been run, so the views show the new machine at once.
      if (store.get(doc.uri)) await runDocument(doc);
      return true;
    }),
    vscode.commands.registerCommand('timens.revealLine', async (arg?: unknown) => {
      if (typeof arg === 'number') return revealLine(arg);
      if (arg && typeof arg === 'object' && 'line' in arg && typeof (arg as { line: unknown }).line === 'number' && !('children' in arg)) {
        const a = arg as { line: number; uri?: vscode.Uri };
        return revealLine(a.line, a.uri);
      }
      const session = store.active;
      if (!session) { void vscode.window.showErrorMessage('Timens: no scenario has run.'); return false; }
      const ev = await eventOfNode(arg as TreeNode | undefined);
      if (ev === null) return revealLine(-1);
      const event = await session.event(ev);
      return revealLine(event ? event.line : -1, session.uri);
    }),
    vscode.commands.registerCommand('timens.tree.revealOnTimeline', async (node?: TreeNode) => {
      const ev = await eventOfNode(node);
      if (ev === null) { void vscode.window.showErrorMessage('Timens: nothing to reveal: no event has been applied yet.'); return false; }
      try {
        await vscode.commands.executeCommand('timens.timeline.reveal', ev);
        return true;
      } catch (err) {
        void vscode.window.showErrorMessage(`Timens: the timeline could not reveal event #${ev}: ${message(err)}`);
        return false;
      }
    }),
    vscode.commands.registerCommand('timens.toggleInlineResults', async () => {
      const config = vscode.workspace.getConfiguration('timens');
      const next = !config.get<boolean>('inlineResults', true);
      await config.update('inlineResults', next, vscode.ConfigurationTarget.Global);
      vscode.window.setStatusBarMessage(`Timens: inline results ${next ? 'on' : 'off'}`, 3000);
      return next;
    }),
    vscode.commands.registerCommand('timens.copyAsText', async (node?: TreeNode) => {
      const session = store.active;
      if (!session) { void vscode.window.showErrorMessage('Timens: no scenario has run, so there is no state to copy.'); return undefined; }
      const p = session.profile;
      const head = `${session.uri.path.split('/').pop()} on ${p.arch} ${p.kernel}${p.disabledPatches.length ? ` (patches off: ${p.disabledPatches.join(', ')})` : ''}, event ${session.position}/${session.eventCount}\n`;
      const text = head + (node && 'children' in node ? treeToText([node]) : trees.allAsText());
      await vscode.env.clipboard.writeText(text);
      vscode.window.setStatusBarMessage('Timens: copied as text', 3000);
      return text;
    }),
  );
}

/** Quick picks: architecture, kernel version, and on arm64 5.9+ which patches of the series are applied. */
async function pickProfile(current: Profile): Promise<Profile | undefined> {
  const archItems: (vscode.QuickPickItem & { arch: Arch })[] = [
    { label: 'x86_64', description: 'time namespaces from 5.6', arch: 'x86_64', picked: current.arch === 'x86_64' },
    { label: 'arm64', description: 'time namespaces from 5.9 (the June 2020 series)', arch: 'arm64', picked: current.arch === 'arm64' },
  ];
  const arch = await vscode.window.showQuickPick(archItems, { title: 'Architecture (1/2)', placeHolder: `now ${current.arch}` });
  if (!arch) return undefined;
  const kernelItems = [...KERNEL_VERSIONS].reverse().map((v) => ({
    label: v, kernel: v as KernelVersion,
    description: v === current.kernel ? '(current)' : arch.arch === 'arm64' && !versionAtLeast(v, '5.9') ? 'no time namespaces on arm64 yet' : '',
  }));
  const kernel = await vscode.window.showQuickPick(kernelItems, { title: 'Kernel version (2/2)', placeHolder: `now ${current.kernel}` });
  if (!kernel) return undefined;
  let disabled: Arm64PatchId[] = [];
  if (patchesApply({ arch: arch.arch, kernel: kernel.kernel })) {
    const patchItems = ARM64_PATCHES.map((p) => ({ label: `${p.n}/6 ${p.id}`, description: p.title, id: p.id as Arm64PatchId, picked: !current.disabledPatches.includes(p.id) }));
    const applied = await vscode.window.showQuickPick(patchItems, { title: 'Patches of the arm64 series applied (untick to switch one off)', canPickMany: true });
    if (!applied) return undefined;
    disabled = ARM64_PATCHES.map((p) => p.id as Arm64PatchId).filter((id) => !applied.some((a) => a.id === id));
  }
  // The file's `build forced` and build options stay: rewriteHeader keeps `build forced` where the new kernel
  // still does not build (dropping it would stop a scenario the user had made run).
  return { arch: arch.arch, kernel: kernel.kernel, disabledPatches: disabled, ...(current.forcedBuild ? { forcedBuild: true } : {}), ...(current.config ? { config: current.config } : {}) };
}
