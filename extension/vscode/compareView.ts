// The comparison view: one webview panel, reused for every comparison, showing a table with a column per
// run (profiles; designs later) where each difference is highlighted and named and each row jumps to its
// scenario line. The page itself is made by extension/tours/compareHtml.ts.
import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import type { CompareTable } from '../tours/compare';
import type { CompareViewMessage } from '../../webview/compareProtocol';
import { renderComparePage } from '../tours/compareHtml';

export const COMPARE_VIEW_TYPE = 'timens.compare';

export interface CompareShow {
  readonly table: CompareTable;
  /** The scenario the rows belong to (a click opens it at the row's line). */
  readonly document: vscode.Uri;
  readonly column: vscode.ViewColumn;
  /** Draws the runs on the timeline, when the caller can (two columns). */
  readonly timelines?: () => void;
  readonly title?: string;
}

function isMessage(m: unknown): m is CompareViewMessage {
  if (typeof m !== 'object' || m === null) return false;
  const o = m as { type?: unknown; line?: unknown };
  return (o.type === 'reveal' && typeof o.line === 'number' && Number.isInteger(o.line) && o.line >= 0 && o.line < 1e7) || o.type === 'timelines';
}

export class CompareView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private shown: CompareShow | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly extensionUri: vscode.Uri, private readonly log: vscode.LogOutputChannel) {}

  /** What is on screen (for tests and for the tour layout). */
  get current(): { readonly table: CompareTable; readonly panel: vscode.WebviewPanel } | undefined {
    return this.panel && this.shown ? { table: this.shown.table, panel: this.panel } : undefined;
  }

  show(s: CompareShow): vscode.WebviewPanel {
    const title = s.title ?? `Compare: ${s.table.file.replace(/^.*[\\/]/, '')}`;
    if (!this.panel) {
      const root = this.extensionUri;
      this.panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, title, { viewColumn: s.column, preserveFocus: true }, {
        enableScripts: true,
        localResourceRoots: [vscode.Uri.joinPath(root, 'dist', 'webview'), vscode.Uri.joinPath(root, 'media')],
      });
      this.panel.iconPath = vscode.Uri.joinPath(root, 'media', 'timens.svg');
      this.panel.webview.onDidReceiveMessage((m: unknown) => void this.receive(m), undefined, this.disposables);
      this.panel.onDidDispose(() => { this.panel = undefined; this.shown = undefined; }, undefined, this.disposables);
    } else if (this.panel.viewColumn !== s.column) {
      this.panel.reveal(s.column, true);
    }
    this.shown = s;
    this.panel.title = title;
    const webview = this.panel.webview;
    webview.html = renderComparePage(s.table, {
      nonce: randomBytes(16).toString('base64'),
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview', 'compare.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'compare.css')).toString(),
      timelines: s.timelines !== undefined,
    });
    return this.panel;
  }

  /** Opens the scenario at a line of the table on screen (what a click on a row does). */
  async revealLine(line: number): Promise<vscode.TextEditor | undefined> {
    const s = this.shown;
    if (!s) return undefined;
    const doc = await vscode.workspace.openTextDocument(s.document);
    const l = Math.max(0, Math.min(line, doc.lineCount - 1));
    const existing = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === doc.uri.toString());
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: existing?.viewColumn ?? vscode.ViewColumn.One, preserveFocus: false, preview: true });
    editor.selection = new vscode.Selection(l, 0, l, doc.lineAt(l).text.length);
    editor.revealRange(editor.selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return editor;
  }

  /** Draws the runs of the table on screen on the timeline (what the view's button does). */
  showTimelines(): boolean {
    if (!this.shown?.timelines) return false;
    this.shown.timelines();
    return true;
  }

  private async receive(m: unknown): Promise<void> {
    if (!isMessage(m)) { this.log.warn(`compare view: ignored a malformed message ${JSON.stringify(m)?.slice(0, 120)}`); return; }
    if (m.type === 'reveal') await this.revealLine(m.line);
    else this.showTimelines();
  }

  dispose(): void {
    this.panel?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
