// Verify in the editor: "Verify Against Running Kernel" and "Verify Against Kernel Image…" on the active
// scenario, with progress and cancel, in a trusted workspace and after asking once; disagreements become
// diagnostics of their own collection, a side-by-side view shows model | kernel per line, and a status bar item
// the kernel and the counts.
import * as path from 'path';
import * as vscode from 'vscode';
import { verify, VerifyError, type FileReport } from '../verify/index';
import type { Services } from './services';
import { VerifyView } from './verifyView';

const CONFIRMED = 'timens.verify.confirmed';
export const VERIFY_SOURCE = 'timens verify';

export interface VerifyCommandOptions {
  /** The kernel image for "Against Kernel Image…" (skips the file picker). */
  readonly image?: vscode.Uri;
  /** The scenario to verify (default: the active .timens editor). */
  readonly uri?: vscode.Uri;
}

class VerifyUi {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('timens-verify');
  readonly status = vscode.window.createStatusBarItem('timens.verify', vscode.StatusBarAlignment.Left, 50);
  readonly view: VerifyView;
  private running: AbortController | null = null;
  last: FileReport | undefined;

  constructor(private readonly services: Services) {
    this.view = new VerifyView(services);
    this.status.name = 'Timens Verify';
    this.status.command = 'timens.verify.showReport';
  }

  cancel(): boolean {
    if (!this.running) return false;
    this.running.abort();
    return true;
  }

  private async confirm(): Promise<boolean> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showErrorMessage('Timens: Verify runs real system calls, so it needs a trusted workspace (Workspaces: Manage Workspace Trust).');
      return false;
    }
    const state = this.services.context.globalState;
    if (state.get<boolean>(CONFIRMED)) return true;
    const run = 'Run on This Machine';
    const answer = await vscode.window.showWarningMessage(
      'Verify runs each line of the scenario as real system calls: on the running kernel in a throwaway sandbox (new user, time and other namespaces; the host\'s clocks and sysctls are never changed), or in a qemu VM for a kernel image. It builds a small helper with the system C compiler. Continue?',
      { modal: true }, run);
    if (answer !== run) return false;
    await state.update(CONFIRMED, true);
    return true;
  }

  async run(kind: 'running' | 'image', opts: VerifyCommandOptions = {}): Promise<FileReport | 'cancelled' | undefined> {
    const uri = opts.uri ?? vscode.window.activeTextEditor?.document.uri;
    const doc = uri ? await vscode.workspace.openTextDocument(uri) : undefined;
    if (!doc || doc.languageId !== 'timens') {
      void vscode.window.showErrorMessage('Timens: open a .timens scenario to verify it.');
      return undefined;
    }
    if (this.running) {
      void vscode.window.showInformationMessage('Timens: a verification is already running (Timens: Cancel Verify stops it).');
      return undefined;
    }
    let image = opts.image;
    if (kind === 'image' && !image) {
      const picked = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Verify Against This Kernel',
        title: 'A kernel image: arch/x86/boot/bzImage or arch/arm64/boot/Image' });
      image = picked?.[0];
      if (!image) return undefined;
    }
    if (!(await this.confirm())) return undefined;
    const controller = new AbortController();
    this.running = controller;
    void vscode.commands.executeCommand('setContext', 'timens.verifyRunning', true);
    const total = doc.lineCount;
    const name = path.basename(doc.uri.path);
    this.status.text = `$(sync~spin) Verifying ${name}…`;
    this.status.tooltip = 'Timens Verify is running; click to see the last report';
    this.status.show();
    try {
      const report = await vscode.window.withProgress({
        location: vscode.ProgressLocation.Notification, cancellable: true,
        title: kind === 'image' ? `Timens: verifying ${name} against ${path.basename(image!.fsPath)} (qemu)` : `Timens: verifying ${name} against the running kernel`,
      }, async (progress, token) => {
        token.onCancellationRequested(() => controller.abort());
        let done = 0;
        const [r] = await verify([{ file: doc.uri.fsPath || name, text: doc.getText() }], {
          signal: controller.signal,
          ...(image ? { kernelImage: image.fsPath } : {}),
          onProgress: (_f, line) => {
            const pct = Math.max(0, Math.min(100, Math.round(((line + 1) / total) * 100)));
            progress.report({ message: `line ${line + 1}`, increment: pct - done });
            done = pct;
          },
        });
        return r;
      });
      this.show(doc, report);
      return report;
    } catch (e) {
      if (controller.signal.aborted) { this.status.text = '$(circle-slash) Verify cancelled'; return 'cancelled'; }
      const msg = e instanceof VerifyError ? e.message : e instanceof Error ? e.message : String(e);
      this.services.log.error(`verify ${name}: ${msg}`);
      this.status.text = '$(error) Verify could not run';
      this.status.tooltip = msg;
      void vscode.window.showErrorMessage(`Timens: verify could not run: ${msg}`);
      return undefined;
    } finally {
      this.running = null;
      void vscode.commands.executeCommand('setContext', 'timens.verifyRunning', false);
    }
  }

  private show(doc: vscode.TextDocument, r: FileReport): void {
    this.last = r;
    const diags = disagreementDiagnostics(doc, r);
    this.diagnostics.set(doc.uri, diags);
    const kernel = `Linux ${r.kernel.release} ${r.kernel.arch}`;
    this.status.text = r.error ? `$(error) ${kernel}: could not run`
      : r.fileNotChecked ? `$(circle-slash) ${kernel}: not checkable`
        : `$(${r.disagree ? 'warning' : 'pass'}) ${kernel}: ${r.agree} agree, ${r.disagree} disagree, ${r.unchecked} not checkable`;
    this.status.tooltip = `Timens Verify of ${path.basename(doc.uri.path)}: model ${r.profile} against ${kernel} (${r.kernel.how}). Click for the side-by-side view.`;
    this.status.show();
    this.view.show(doc.uri, r);
  }
}

/** One warning per line where the kernel and the model disagree, on the line's operation (its comment left out). */
export function disagreementDiagnostics(doc: vscode.TextDocument, r: FileReport): vscode.Diagnostic[] {
  const diags: vscode.Diagnostic[] = [];
  for (const l of r.lines) {
    if (l.status !== 'disagree' || l.line >= doc.lineCount) continue;
    const text = doc.lineAt(l.line);
    const range = new vscode.Range(l.line, text.firstNonWhitespaceCharacterIndex, l.line, text.text.replace(/\s+#.*$/, '').length);
    const d = new vscode.Diagnostic(range, `The kernel and the model disagree: ${l.diffs.map((x) => `${x.field}: kernel ${x.kernel}, model ${x.model}`).join('; ')}`,
      vscode.DiagnosticSeverity.Warning);
    d.source = VERIFY_SOURCE;
    d.code = 'verify-disagree';
    diags.push(d);
  }
  return diags;
}

export function registerVerify(services: Services): void {
  const ui = new VerifyUi(services);
  services.context.subscriptions.push(
    ui.diagnostics, ui.status, ui.view,
    vscode.commands.registerCommand('timens.verifyRunningKernel', (arg?: vscode.Uri | VerifyCommandOptions) =>
      ui.run('running', arg instanceof vscode.Uri ? { uri: arg } : arg)),
    vscode.commands.registerCommand('timens.verifyKernelImage', (arg?: vscode.Uri | VerifyCommandOptions) =>
      ui.run('image', arg instanceof vscode.Uri ? { uri: arg } : arg)),
    vscode.commands.registerCommand('timens.verify.cancel', () => ui.cancel()),
    vscode.commands.registerCommand('timens.verify.showReport', () => {
      if (ui.last) ui.view.reveal();
      else void vscode.window.showInformationMessage('Timens: no verification has run yet (Timens: Verify Against Running Kernel).');
      return ui.last;
    }),
  );
}
