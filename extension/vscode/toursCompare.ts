// Compare commands: run the scenario of an editor under two profiles and show the comparison view (a table
// with both results per line, differences named), with both timelines on request; a CodeLens offers it.
import * as path from 'path';
import * as vscode from 'vscode';
import type { RunOptions } from '../scenario/api';
import { patchOffChoices, profileLabel, type ProfileChoice } from '../tours/compare';
import type { ComparisonView } from '../engine/protocol';
import { arm64Knowledge } from '../tours/knowledge';
import { ARM64_PATCHES, KERNEL_VERSIONS, kernelAtLeast, type Arch, type Arm64PatchId, type DesignName, type KernelVersion, type Profile } from '../sim/types';
import { buildStatusOf, FORCED_BUILD } from '../sim/build';
import { CompareView } from './compareView';
import type { Services } from './services';
import { runRequest } from './session';
import { shippedUri } from './shippedFiles';
import { showTimelines } from './toursTimeline';

/**
 * The profile a document runs under: its header lines, else the timens.default* settings (as the session store
 * does). Asked of the engine, which holds the document parsed: parsing it here blocked the extension host for
 * as long as the scenario is long.
 */
export async function documentProfile(services: Services, document: vscode.TextDocument): Promise<Profile> {
  services.documents.ensure(document);
  // The whole profile, machine and build options included: a comparison changes one dimension of it.
  return services.store.engine.request('profile', { uri: document.uri.toString(), version: document.version, request: runRequest(document), ofText: true });
}

export function choiceFor(base: Profile, change: { arch?: Arch; kernel?: KernelVersion; disabledPatches?: readonly Arm64PatchId[]; forcedBuild?: boolean; design?: DesignName; label?: string }): ProfileChoice {
  const p: Profile = {
    arch: change.arch ?? base.arch,
    kernel: change.kernel ?? base.kernel,
    disabledPatches: [...new Set([...base.disabledPatches, ...(change.disabledPatches ?? [])])],
    ...(change.forcedBuild ?? base.forcedBuild ? { forcedBuild: true } : {}),
    ...(change.design ?? base.design ? { design: change.design ?? base.design } : {}),
    // What the change does not name stays the document's: its machine and build options.
    ...(base.machine ? { machine: base.machine } : {}),
    ...(base.config ? { config: base.config } : {}),
  };
  return { label: change.label ?? `${profileLabel(p)}${p.design ? `, design ${p.design}` : ''}`, options: p };
}

export function hasArm64Series(p: Profile): boolean {
  return p.arch === 'arm64' && kernelAtLeast(p.kernel, '5.9');
}

export class CompareUi implements vscode.Disposable {
  readonly view: CompareView;

  constructor(private readonly services: Services) {
    this.view = new CompareView(services.context.extensionUri, services.log);
  }

  /**
   * Runs the comparison in the engine (the simulator's worker, where the timelines read both runs) and shows it
   * in the comparison view (reused, in `column`). The two timelines open from the view's button, or at once with
   * `timelines` (they would cover the view in the same group otherwise).
   */
  async show(document: vscode.Uri, text: string, file: string, a: ProfileChoice, b: ProfileChoice, column: vscode.ViewColumn = vscode.ViewColumn.Beside, timelines = false): Promise<ComparisonView> {
    const cmp = await this.services.store.engine.request('compare', { text, file, a, b });
    const drawTimelines = () => showTimelines(this.services, cmp);
    this.view.show({ table: cmp.table, document, column, timelines: drawTimelines, title: `Compare: ${path.basename(file)} — ${b.label}` });
    this.services.log.info(`compare ${file}: ${a.label} vs ${b.label}: ${cmp.firstLine ? `first difference on line ${cmp.firstLine.line + 1}` : 'no difference'}`);
    if (timelines) drawTimelines();
    return cmp;
  }

  dispose(): void {
    this.view.dispose();
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
    const base = await documentProfile(this.services, doc);
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
        for (const p of ARM64_PATCHES) {
          if (base.disabledPatches.includes(p.id)) continue;
          const builds = buildStatusOf({ ...base, disabledPatches: [...base.disabledPatches, p.id] }).builds;
          items.push({ label: `without ${p.n}/6 ${p.id}`, description: builds ? p.title : `${p.title} — does not build`, change: { disabledPatches: [p.id] } });
          if (!builds) items.push({ label: `without ${p.n}/6 ${p.id}, forced build`, description: FORCED_BUILD, change: { disabledPatches: [p.id], forcedBuild: true } });
        }
      }
      const pick = await vscode.window.showQuickPick(items, { title: `Compare ${path.basename(doc.fileName)} (${profileLabel(base)}) with…`, matchOnDescription: true });
      if (!pick?.change) return undefined;
      change = pick.change;
    }
    return this.show(doc.uri, doc.getText(), vscode.workspace.asRelativePath(doc.uri), choiceFor(base, {}), choiceFor(base, change));
  }

  /** timens.comparePatches: for arm64 5.9+ scenarios, switch one patch of the series off. */
  async comparePatchesCommand(arg?: vscode.Uri, patch?: Arm64PatchId): Promise<ComparisonView | undefined> {
    const doc = await this.documentFor(arg);
    if (!doc) return undefined;
    let base = await documentProfile(this.services, doc);
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
    return this.show(doc.uri, doc.getText(), vscode.workspace.asRelativePath(doc.uri), on, off);
  }

  /** "What breaks without this patch?": the bundled scenario of the patch, patch on against off. */
  async whatBreaks(id: Arm64PatchId): Promise<ComparisonView | undefined> {
    const k = arm64Knowledge(id);
    if (!k.scenario) return undefined;
    // Shipped scenarios open read-only: they belong to the installed extension.
    const uri = shippedUri(k.scenario);
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: true });
    this.services.documents.ensure(doc);
    const session = await this.services.store.runDocument(doc, {}, 'command');
    const span = await session?.lineSpan((k.line ?? 1) - 1);
    if (session && span) await this.services.store.moveTo(span.end, 'command', session);
    const line = (k.line ?? 1) - 1;
    editor.selection = new vscode.Selection(line, 0, line, doc.lineAt(line).text.length);
    editor.revealRange(editor.selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    const [on, off] = patchOffChoices(await documentProfile(this.services, doc), id);
    return this.show(doc.uri, doc.getText(), k.scenario, on, off, vscode.ViewColumn.Two);
  }
}

/** A CodeLens on the header line of every scenario: Compare with another profile. (Compare Patches for arm64
 *  5.9 is in the editor's CodeLens row at the top of the file, so it is not offered twice.) */
export class CompareCodeLens implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    // The header lines are at the top: read only the lines before the first step (a scenario without an arch or
    // kernel line had every one of its lines read on the host at each edit: 10^6 lineAt calls).
    let at = 0;
    for (let i = 0; i < document.lineCount; i++) {
      const text = document.lineAt(i).text;
      if (/^\s*(arch|kernel)\b/.test(text)) { at = i; break; }
      if (!/^\s*(#|$|(patch|build|machine|design)\b)/.test(text)) break;
    }
    const range = new vscode.Range(at, 0, at, 0);
    return [new vscode.CodeLens(range, { title: '$(diff) Compare with another profile…', command: 'timens.compare', arguments: [document.uri] })];
  }
}
