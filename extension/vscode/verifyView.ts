// The side-by-side view of a verification: one row per scenario line, model | kernel, its status and what
// differs, scrolled to the first divergence. A table rather than a diff of two documents: lines that agree by
// meaning (clock offsets, namespace identities) differ in their digits, and a row also carries why a line
// could not be checked. Clicking a row reveals the line in the editor.
import { randomBytes } from 'crypto';
import * as path from 'path';
import * as vscode from 'vscode';
import type { FileReport } from '../verify/index';
import type { Services } from './services';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export class VerifyView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private uri: vscode.Uri | undefined;
  private report: FileReport | undefined;

  constructor(private readonly services: Services) {}

  show(uri: vscode.Uri, r: FileReport): void {
    this.uri = uri;
    this.report = r;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('timens.verify', 'Verify', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: true, localResourceRoots: [] });
      this.panel.iconPath = vscode.Uri.joinPath(this.services.context.extensionUri, 'media', 'timens.svg');
      this.panel.onDidDispose(() => { this.panel = undefined; });
      this.panel.webview.onDidReceiveMessage((m: unknown) => {
        const line = typeof m === 'object' && m !== null && 'reveal' in m ? Number((m as { reveal: unknown }).reveal) : NaN;
        if (Number.isInteger(line) && line >= 0 && this.uri) void this.reveal(line);
      });
    }
    this.panel.title = `Verify: ${path.basename(uri.path)}`;
    this.panel.webview.html = this.html(r);
    this.panel.reveal(vscode.ViewColumn.Beside, true);
  }

  reveal(line?: number): Thenable<unknown> {
    if (line === undefined) { this.panel?.reveal(); return Promise.resolve(); }
    return vscode.window.showTextDocument(this.uri!, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(line, 0, line, 0) });
  }

  /** The rows as text, for tests and for copying. */
  rows(): string[] {
    return (this.report?.lines ?? []).map((l) => `${l.line + 1} ${l.status} ${l.model} | ${l.kernel}`);
  }

  dispose(): void {
    this.panel?.dispose();
  }

  private html(r: FileReport): string {
    const nonce = randomBytes(16).toString('base64');
    const first = r.lines.find((l) => l.status === 'disagree');
    const head = r.error ? `Could not run: ${r.error}` : r.fileNotChecked ? `Not checkable: ${r.fileNotChecked}`
      : `${r.agree} agree, ${r.disagree} disagree, ${r.unchecked} not checkable`;
    const rows = r.lines.map((l) => {
      const diffs = l.diffs.map((d) => `<div class="diff"><b>${esc(d.field)}</b>: kernel <code>${esc(d.kernel)}</code>, model <code>${esc(d.model)}</code>${d.why ? ` <span class="why">(${esc(d.why)})</span>` : ''}</div>`).join('');
      const note = l.status === 'unchecked' ? `<div class="why">${esc(l.reason ?? '')}</div>` : l.known ? `<div class="why">known: ${esc(l.known)}</div>` : '';
      return `<tr class="${l.status}" data-line="${l.line}"${l === first ? ' id="first"' : ''}>
<td class="n">${l.line + 1}</td><td class="src"><code>${esc(l.source.trim())}</code>${diffs}${note}</td>
<td>${esc(l.model)}</td><td>${esc(l.kernel)}</td><td class="st">${l.status === 'unchecked' ? 'not checkable' : l.status}</td></tr>`;
    }).join('\n');
    return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 12px; }
h1 { font-size: 1.1em; font-weight: 600; margin: 10px 0 2px; }
.sub { color: var(--vscode-descriptionForeground); margin-bottom: 8px; }
table { border-collapse: collapse; width: 100%; }
th { text-align: left; font-weight: 600; border-bottom: 1px solid var(--vscode-panel-border); padding: 3px 6px; position: sticky; top: 0; background: var(--vscode-editor-background); }
td { padding: 3px 6px; vertical-align: top; border-bottom: 1px solid var(--vscode-editorWidget-border, transparent); }
tr { cursor: pointer; }
tr:hover { background: var(--vscode-list-hoverBackground); }
td.n { color: var(--vscode-editorLineNumber-foreground); text-align: right; }
code { font-family: var(--vscode-editor-font-family); }
tr.disagree td.st { color: var(--vscode-editorWarning-foreground); font-weight: 600; }
tr.disagree { background: var(--vscode-diffEditor-removedLineBackground, transparent); }
tr.agree td.st { color: var(--vscode-testing-iconPassed, var(--vscode-foreground)); }
tr.unchecked { color: var(--vscode-disabledForeground); }
#first { outline: 1px solid var(--vscode-focusBorder); }
.diff { margin-top: 2px; }
.why { color: var(--vscode-descriptionForeground); font-size: 0.92em; }
</style><title>Verify</title></head>
<body>
<h1>${esc(path.basename(r.file))}: model ${esc(r.profile)} | Linux ${esc(r.kernel.release)} ${esc(r.kernel.arch)}</h1>
<div class="sub">${esc(r.kernel.how)}. ${esc(head)}${r.note ? `. ${esc(r.note)}` : ''}</div>
<table><thead><tr><th>#</th><th>line</th><th>model</th><th>kernel</th><th></th></tr></thead><tbody>
${rows}
</tbody></table>
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
for (const tr of document.querySelectorAll('tr[data-line]')) tr.addEventListener('click', () => vscode.postMessage({ reveal: Number(tr.dataset.line) }));
const first = document.getElementById('first');
if (first) first.scrollIntoView({ block: 'center' });
</script>
</body></html>`;
  }
}
