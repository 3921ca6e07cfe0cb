// Keeps the engine's copy of every open .timens document in step with the editor: the whole text when a
// document opens (or the engine lost track), then only the edits, so a keystroke costs the host next to nothing.
import * as vscode from 'vscode';
import type { EngineClient } from '../engineClient';

export const LANGUAGE_ID = 'timens';
export const SELECTOR: vscode.DocumentSelector = { language: LANGUAGE_ID };

export class DocumentSync implements vscode.Disposable {
  /** The version of each document the engine has. */
  private readonly sent = new Map<string, number>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly engine: EngineClient, private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => { if (isScenario(d)) this.open(d); }),
      vscode.workspace.onDidChangeTextDocument((e) => this.changed(e)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        const key = d.uri.toString();
        if (!this.sent.delete(key)) return;
        void engine.request('close', { uri: key }).catch(() => undefined);
      }),
      engine.onDidRestart(() => {
        const docs = vscode.workspace.textDocuments.filter((d) => this.sent.has(d.uri.toString()));
        this.sent.clear();
        for (const d of docs) this.open(d);
      }),
    );
  }

  /** Makes sure the engine has this version of the document (call before asking anything about it). */
  ensure(doc: vscode.TextDocument): void {
    if (this.sent.get(doc.uri.toString()) !== doc.version) this.open(doc);
  }

  private open(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    this.sent.set(key, doc.version);
    void this.engine.request('open', { uri: key, version: doc.version, file: doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.toString(), text: doc.getText() })
      .catch((err: unknown) => this.log.warn(`could not send ${key} to the simulator: ${err instanceof Error ? err.message : String(err)}`));
  }

  private changed(e: vscode.TextDocumentChangeEvent): void {
    const doc = e.document;
    const key = doc.uri.toString();
    const had = this.sent.get(key);
    if (had === undefined) {
      if (isScenario(doc)) this.open(doc);
      return;
    }
    if (e.contentChanges.length === 0 || had === doc.version) return;
    this.sent.set(key, doc.version);
    const last = doc.lineAt(doc.lineCount - 1);
    const edits = e.contentChanges.map((c) => ({ offset: c.rangeOffset, length: c.rangeLength, text: c.text }));
    void this.engine.request('change', { uri: key, version: doc.version, edits, length: doc.offsetAt(last.range.end) }).then((ok) => {
      // The copy did not match (an edit was missed): send the whole text of whatever version is current now.
      if (!ok && !doc.isClosed && this.sent.get(key) === doc.version) this.open(doc);
    }, () => undefined);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

export function isScenario(doc: vscode.TextDocument | undefined): doc is vscode.TextDocument {
  return !!doc && doc.languageId === LANGUAGE_ID;
}

export function toRange(r: { line: number; col: number; endLine: number; endCol: number }): vscode.Range {
  return new vscode.Range(r.line, r.col, r.endLine, r.endCol);
}
