// Compare commands: run the scenario of an editor under two profiles and show the side-by-side report
// (a read-only document) and both timelines (the timeline's comparison mode); a CodeLens offers it.
import * as path from 'path';
import * as vscode from 'vscode';
import type { RunOptions } from '../scenario/api';
import { parseScenario } from '../scenario/index';
import { patchOffChoices, profileLabel, type ProfileChoice } from '../tours/compare';
import type { ComparisonView } from '../engine/protocol';
import { arm64Knowledge } from '../tours/knowledge';
import { ARM64_PATCHES, KERNEL_VERSIONS, type Arch, type Arm64PatchId, type KernelVersion, type Profile } from '../sim/types';
import type { Services } from './services';
import { showTimelines } from './toursTimeline';

export const COMPARE_SCHEME = 'timens-compare';

export class ComparisonDocuments implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private counter = 0;
  last: ComparisonView | undefined;

  add(c: ComparisonView): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: COMPARE_SCHEME, path: `/${++this.counter}/${path.basename(c.file).replace(/\.timens$/, '')} — ${c.b.label.replace(/\//g, '\u2215')}.txt` });
    this.texts.set(uri.toString(), c.report);
    this.last = c;
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? 'This comparison is no longer available; run Timens: Compare again.';
  }
}

/** The profile a document runs under: its header lines, else the timens.default* settings (as the session store does). */
export function documentProfile(document: vscode.TextDocument): Profile {
  const parsed = parseScenario(document.getText(), document.uri.fsPath);
  const config = vscode.workspace.getConfiguration('timens', document.uri);
  return {
    arch: parsed.header.arch ?? config.get<Arch>('defaultArch', 'x86_64'),
    kernel: parsed.header.kernel ?? config.get<KernelVersion>('defaultKernel', '6.18'),
    disabledPatches: parsed.header.disabledPatches,
  };
}

export function choiceFor(base: Profile, change: { arch?: Arch; kernel?: KernelVersion; disabledPatches?: readonly Arm64PatchId[]; label?: string }): ProfileChoice {
  const p: Profile = {
    arch: change.arch ?? base.arch,
    kernel: change.kernel ?? base.kernel,
    disabledPatches: [...new Set([...base.disabledPatches, ...(change.disabledPatches ?? [])])],
  };
  return { label: change.label ?? profileLabel(p), options: p };
}

const ARM64_SERIES_FROM = KERNEL_VERSIONS.indexOf('5.9');
export function hasArm64Series(p: Profile): boolean {
  return p.arch === 'arm64' && KERNEL_VERSIONS.indexOf(p.kernel) >= ARM64_SERIES_FROM;
}

export class CompareUi {
  readonly docs = new ComparisonDocuments();

  constructor(private readonly services: Services) {}

  /** Runs the comparison, opens the report beside the editor and the two timelines. */
  async show(text: string, file: string, a: ProfileChoice, b: ProfileChoice, column: vscode.ViewColumn = vscode.ViewColumn.Beside): Promise<ComparisonView> {
    // Both runs are made in the engine (the simulator's worker), where the timelines read them.
    const cmp = await this.services.store.engine.request('compare', { text, file, a, b });
    const uri = this.docs.add(cmp);
    const doc = await vscode.workspace.openTextDocument(uri);
    // The report's head names the first difference, so it opens at the top. It takes the focus so that
    // the timelines open beside it rather than on top of it.
    await vscode.window.showTextDocument(doc, { viewColumn: column, preview: false, preserveFocus: false });
    this.services.log.info(`compare ${file}: ${a.label} vs ${b.label}: ${cmp.firstLine ? `first difference on line ${cmp.firstLine.line + 1}` : 'no difference'}`);
    showTimelines(this.services, cmp);
    return cmp;
  }

  async documentFor(arg?: vscode.Uri): Promise<vscode.TextDocument | undefined> {
    if (arg instanceof vscode.Uri) return vscode.workspace.openTextDocument(arg);
    const doc = vscode.window.activeTextEditor?.document;
    if (doc && (doc.languageId === 'timens' || doc.fileName.endsWith('.timens'))) return doc;
    const fromStore = this.services.store.active?.uri;
    if (fromStore) return vscode.workspace.openTextDocument(fromStore);
    void vscode.window.showErrorMessage('Compare needs a .timens scenario: open one first.');
    return undefined;
  }

  /** timens.compare: the scenario's own profile against one picked (another kernel, arch, or an arm64 patch off). */
  async compareCommand(arg?: vscode.Uri, other?: RunOptions & { label?: string }): Promise<ComparisonView | undefined> {
    const doc = await this.documentFor(arg);
    if (!doc) return undefined;
    const base = documentProfile(doc);
    let change = other;
    if (!change) {
      type Item = vscode.QuickPickItem & { change?: RunOptions };
      const items: Item[] = [
        { label: 'Other kernel versions', kind: vscode.QuickPickItemKind.Separator },
        ...KERNEL_VERSIONS.filter((k) => k !== base.kernel).map((k) => ({ label: `kernel ${k}`, description: `${base.arch}`, change: { kernel: k } })),
        { label: 'Other architecture', kind: vscode.QuickPickItemKind.Separator },
        { label: `arch ${base.arch === 'arm64' ? 'x86_64' : 'arm64'}`, description: `kernel ${base.kernel}`, change: { arch: base.arch === 'arm64' ? 'x86_64' : 'arm64' } },
      ];
      if (hasArm64Series(base)) {
        items.push({ label: 'arm64 patches switched off', kind: vscode.QuickPickItemKind.Separator });
        for (const p of ARM64_PATCHES) if (!base.disabledPatches.includes(p.id)) items.push({ label: `without ${p.n}/6 ${p.id}`, description: p.title, change: { disabledPatches: [p.id] } });
      }
      const pick = await vscode.window.showQuickPick(items, { title: `Compare ${path.basename(doc.fileName)} (${profileLabel(base)}) with…`, matchOnDescription: true });
      if (!pick?.change) return undefined;
      change = pick.change;
    }
    return this.show(doc.getText(), vscode.workspace.asRelativePath(doc.uri), choiceFor(base, {}), choiceFor(base, change));
  }

  /** timens.comparePatches: for arm64 5.9+ scenarios, switch one patch of the series off. */
  async comparePatchesCommand(arg?: vscode.Uri, patch?: Arm64PatchId): Promise<ComparisonView | undefined> {
    const doc = await this.documentFor(arg);
    if (!doc) return undefined;
    let base = documentProfile(doc);
    if (!hasArm64Series(base)) {
      const runAs = 'Run it as arm64 5.9';
      const answer = await vscode.window.showWarningMessage(`${path.basename(doc.fileName)} runs on ${profileLabel(base)}; the arm64 patches only exist on arm64 5.9 and later.`, runAs);
      if (answer !== runAs) return undefined;
      base = { arch: 'arm64', kernel: '5.9', disabledPatches: base.disabledPatches };
    }
    let id = patch;
    if (!id) {
      const pick = await vscode.window.showQuickPick(ARM64_PATCHES.filter((p) => !base.disabledPatches.includes(p.id)).map((p) => ({
        label: `${p.n}/6 ${p.id}`, description: p.title, detail: arm64Knowledge(p.id).withoutIt.replace(/\*\*/g, ''), id: p.id,
      })), { title: 'Which patch should be switched off?', matchOnDescription: true, matchOnDetail: true });
      if (!pick) return undefined;
      id = pick.id;
    }
    const [on, off] = patchOffChoices(base, id);
    return this.show(doc.getText(), vscode.workspace.asRelativePath(doc.uri), on, off);
  }

  /** "What breaks without this patch?": the bundled scenario of the patch, patch on against off. */
  async whatBreaks(id: Arm64PatchId): Promise<ComparisonView | undefined> {
    const k = arm64Knowledge(id);
    if (!k.scenario) return undefined;
    const uri = vscode.Uri.joinPath(this.services.context.extensionUri, k.scenario);
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: true });
    this.services.documents.ensure(doc);
    const session = await this.services.store.runDocument(doc, {}, 'command');
    const span = await session?.lineSpan((k.line ?? 1) - 1);
    if (session && span) await this.services.store.moveTo(span.end, 'command', session);
    const line = (k.line ?? 1) - 1;
    editor.selection = new vscode.Selection(line, 0, line, doc.lineAt(line).text.length);
    editor.revealRange(editor.selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    const [on, off] = patchOffChoices(documentProfile(doc), id);
    return this.show(doc.getText(), k.scenario, on, off, vscode.ViewColumn.Two);
  }
}

/** A CodeLens on the header line of every scenario: Compare with another profile. (Compare Patches for arm64
 *  5.9 is in the editor's CodeLens row at the top of the file, so it is not offered twice.) */
export class CompareCodeLens implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    // The header lines are at the top: read lines until one is found, not the whole (maybe huge) text.
    let at = 0;
    for (let i = 0; i < document.lineCount; i++) if (/^\s*(arch|kernel)\b/.test(document.lineAt(i).text)) { at = i; break; }
    const range = new vscode.Range(at, 0, at, 0);
    return [new vscode.CodeLens(range, { title: '$(diff) Compare with another profile…', command: 'timens.compare', arguments: [document.uri] })];
  }
}
