// Keeps the engine's copy of every open .timens document in step with the editor: the whole text when a
// document opens (or the engine lost track; a large clean file the engine reads itself), then only the edits.
import * as vscode from 'vscode';
import type { EditorLines } from '../../engine/diskText';
import type { EngineClient } from '../engineClient';

export const LANGUAGE_ID = 'timens';
export const SELECTOR: vscode.DocumentSelector = { language: LANGUAGE_ID };

/** Documents longer than this go to the engine in parts of this many lines, one part per turn of the event loop. */
export const PART_LINES = 5000;

/** Lets the host's event loop run between two parts. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

type SentAs = 'text' | 'parts' | 'file';

export class DocumentSync implements vscode.Disposable {
  /** The version of each document the engine has (or is being sent), and that text's length. */
  private readonly sent = new Map<string, { version: number; length: number }>();
  /** How each document's text last reached the engine: kept for the tests only (the way a large clean file takes). */
  private readonly how = new Map<string, SentAs>();
  /** Documents whose text is on its way in parts: an edit meanwhile makes the sending start again. */
  private readonly sending = new Map<string, object>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly engine: EngineClient, private readonly log: vscode.LogOutputChannel) {
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => { if (isScenario(d)) this.open(d); }),
      vscode.workspace.onDidChangeTextDocument((e) => this.changed(e)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        const key = d.uri.toString();
        this.sending.delete(key);
        this.how.delete(key);
        if (!this.sent.delete(key)) return;
        void engine.request('close', { uri: key }).catch(() => undefined);
      }),
      engine.onDidRestart(() => {
        const docs = vscode.workspace.textDocuments.filter((d) => this.sent.has(d.uri.toString()));
        this.sent.clear();
        this.sending.clear();
        for (const d of docs) this.open(d);
      }),
    );
  }

  /** Makes sure the engine has this version of the document (call before asking anything about it). */
  ensure(doc: vscode.TextDocument): void {
    if (this.sent.get(doc.uri.toString())?.version !== doc.version) this.open(doc);
  }

  private open(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    const file = doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.toString();
    const warn = (err: unknown): void => this.log.warn(`could not send ${key} to the simulator: ${err instanceof Error ? err.message : String(err)}`);
    if (doc.lineCount <= PART_LINES) {
      const text = doc.getText();
      this.sent.set(key, { version: doc.version, length: text.length });
      this.sending.delete(key);
      this.sentVia(key, 'text');
      void this.engine.request('open', { uri: key, version: doc.version, file, text }).catch(warn);
      return;
    }
    // In parts: getText of a whole 10^6-event document and its copy to the worker blocked the host for 100-200 ms.
    // The engine answers requests about the document once the last part is in, so callers need not wait here.
    const version = doc.version;
    this.sent.set(key, { version, length: 0 });
    if (this.sending.has(key)) return; // the running loop sees the new version and starts again
    const token = {};
    this.sending.set(key, token);
    void (async () => {
      if (doc.uri.scheme === 'file' && !doc.isDirty) {
        // A clean file: the engine reads it itself (the host copies nothing), when its lines are the editor's.
        const v = doc.version;
        const read = await this.engine.request('openFromDisk', { uri: key, version: v, file, editor: editorLines(doc) }).catch((err: unknown) => ({ reason: String(err) }));
        if (this.sending.get(key) !== token) return;
        if (doc.isClosed) { this.sending.delete(key); return; }
        if ('length' in read && doc.version === v) {
          this.sent.set(key, { version: v, length: read.length });
          this.sending.delete(key);
          this.sentVia(key, 'file');
          return;
        }
        if ('reason' in read) this.log.debug(`${key}: sending the text, the file cannot stand for it: ${read.reason}`);
      }
      for (;;) {
        const v = doc.version;
        this.sent.set(key, { version: v, length: 0 });
        let length = 0;
        let start = 0;
        let restart = false;
        while (!restart) {
          const end = Math.min(start + PART_LINES, doc.lineCount);
          // Up to the start of line `end`, or to the end of the text for the last part.
          const text = doc.getText(new vscode.Range(start, 0, end === doc.lineCount ? end + 1 : end, 0));
          length += text.length;
          const last = end === doc.lineCount;
          void (start === 0
            ? this.engine.request('open', { uri: key, version: v, file, text, more: !last })
            : this.engine.request('openPart', { uri: key, version: v, text, last })).catch(warn);
          if (last) break;
          start = end;
          await nextTurn();
          if (this.sending.get(key) !== token) return; // closed, or the engine restarted and the text goes again
          if (doc.isClosed) { this.sending.delete(key); return; }
          restart = doc.version !== v;
        }
        if (restart) continue;
        this.sent.set(key, { version: v, length });
        this.sending.delete(key);
        this.sentVia(key, 'parts');
        return;
      }
    })();
  }

  /** How the document's text last reached the engine: whole, in parts, or read by the engine from the file. */
  sentAs(uri: vscode.Uri): SentAs | undefined {
    return this.how.get(uri.toString());
  }

  private sentVia(key: string, how: SentAs): void {
    if (TIMENS_TEST_HOOKS) this.how.set(key, how);
  }

  private changed(e: vscode.TextDocumentChangeEvent): void {
    const doc = e.document;
    const key = doc.uri.toString();
    const had = this.sent.get(key);
    if (had === undefined) {
      if (isScenario(doc)) this.open(doc);
      return;
    }
    if (e.contentChanges.length === 0 || had.version === doc.version || this.sending.has(key)) return;
    if (had.version !== doc.version - 1) {
      // An edit went by unseen: the engine gets the whole text again.
      this.open(doc);
      return;
    }
    // The length follows from the edits: asking VS Code for the offset of the end cost it a pass over every line.
    let length = had.length;
    for (const c of e.contentChanges) length += c.text.length - c.rangeLength;
    this.sent.set(key, { version: doc.version, length });
    const edits = e.contentChanges.map((c) => ({ offset: c.rangeOffset, length: c.rangeLength, text: c.text }));
    void this.engine.request('change', { uri: key, version: doc.version, edits, length }).then((ok) => {
      // The copy did not match (an edit was missed): send the whole text of whatever version is current now.
      if (!ok && !doc.isClosed && this.sent.get(key)?.version === doc.version) this.open(doc);
    }, () => undefined);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** How many of a document's lines the engine compares with the file it reads in the editor's stead. */
const PROBES = 32;

/** The editor's end of line, line count and a few lines spread over the text (each one lineAt: cheap). */
function editorLines(doc: vscode.TextDocument): EditorLines {
  const last = doc.lineCount - 1;
  const lines = new Set<number>();
  for (let i = 0; i < PROBES; i++) lines.add(Math.round((i * last) / (PROBES - 1)));
  return {
    eol: doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n',
    lineCount: doc.lineCount,
    probes: [...lines].sort((a, b) => a - b).map((line) => [line, doc.lineAt(line).text] as const),
    ...encodingOf(doc),
  };
}

/** TextDocument.encoding (VS Code 1.100 on; the extension supports older ones, whose API has none). */
function encodingOf(doc: vscode.TextDocument): { encoding?: string } {
  const encoding = (doc as { readonly encoding?: unknown }).encoding;
  return typeof encoding === 'string' ? { encoding } : {};
}

export function isScenario(doc: vscode.TextDocument | undefined): doc is vscode.TextDocument {
  return !!doc && doc.languageId === LANGUAGE_ID;
}

export function toRange(r: { line: number; col: number; endLine: number; endCol: number }): vscode.Range {
  return new vscode.Range(r.line, r.col, r.endLine, r.endCol);
}
