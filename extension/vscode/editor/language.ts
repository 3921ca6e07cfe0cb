// VS Code providers for .timens files: live diagnostics with quick fixes, completion, hover, outline and
// the CodeLens row. The logic runs in the engine (extension/scenario/editor/language.ts in the worker); this
// file asks it and converts types.
import * as vscode from 'vscode';
import type { Fix, ScenarioDiagnostic } from '../../scenario/api';
import { codeLensCommands, type CompletionKind, type OutlineSymbol } from '../../scenario/editor/language';
import type { RunSummary } from '../../engine/protocol';
import { runRequest } from '../session';
import type { Services } from '../services';
import { LANGUAGE_ID, SELECTOR, isScenario, toRange } from './documents';

const DEBOUNCE_MS = 250;
/** A background check that takes longer than this shows in the status bar. */
const PROGRESS_AFTER_MS = 500;

const SEVERITY: Record<ScenarioDiagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** Diagnostics of the current text: the run of that text (the user's, or the engine's capped background run). */
export class DiagnosticsController implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection(LANGUAGE_ID);
  /** Fixes by document and diagnostic identity (the code-action context hands back copies, not our objects). */
  private readonly fixes = new Map<string, { key: string; fixes: readonly Fix[] }[]>();
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly checked = new vscode.EventEmitter<vscode.TextDocument>();
  /** The checks that have taken longer than PROGRESS_AFTER_MS, by document, shown in one status bar item. */
  private readonly slowChecks = new Map<string, number>();
  /** Static text, not a Window progress: its spinner made the workbench composite a frame 60 times a second in
   *  software for the whole of a long check (measured: 0.15 s of the compositor's CPU per open of a large file, on
   *  a 2-core machine where the extension host then waited for a CPU). */
  readonly checking = vscode.window.createStatusBarItem('timens.checking', vscode.StatusBarAlignment.Left, 49);
  /** The item's text while it is shown (a status bar item cannot be asked whether it is). */
  checkingShown: string | undefined;
  /** A document's current text was checked (its diagnostics are shown); it ran if its session is of this version. */
  readonly onDidCheck = this.checked.event;

  constructor(private readonly services: Services) {
    const { store } = services;
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => { if (e.contentChanges.length) this.schedule(e.document, DEBOUNCE_MS); }),
      vscode.workspace.onDidCloseTextDocument((d) => { clearTimeout(this.timers.get(d.uri.toString())); this.collection.delete(d.uri); this.fixes.delete(d.uri.toString()); }),
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('timens')) this.refreshAll(); }),
      store.onDidChange((e) => {
        if (e.reason !== 'run' || !e.session) return;
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === e.session!.uri.toString());
        if (doc && doc.version === e.session.documentVersion) this.show(doc, e.session.summary);
      }),
    );
    this.refreshAll();
  }

  private refreshAll(): void {
    for (const d of vscode.workspace.textDocuments) this.schedule(d, 0);
  }

  private schedule(doc: vscode.TextDocument, delay: number): void {
    if (!isScenario(doc)) return;
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => { this.timers.delete(key); void this.update(doc); }, delay));
  }

  /** Asks the engine to check the document's current text (it runs it in slices, off this thread). */
  async update(doc: vscode.TextDocument): Promise<void> {
    if (doc.isClosed) return;
    this.services.documents.ensure(doc);
    const version = doc.version;
    const pending = this.services.store.engine.request('validate', { uri: doc.uri.toString(), version, request: runRequest(doc) });
    const key = doc.uri.toString();
    let shown = false;
    const slow = setTimeout(() => { shown = true; this.slowCheck(key, +1); }, PROGRESS_AFTER_MS);
    try {
      const summary = await pending;
      if (summary && !doc.isClosed && doc.version === version) this.show(doc, summary);
    } catch (err) {
      this.services.log.error(`background run of ${doc.uri.fsPath} failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      clearTimeout(slow);
      if (shown) this.slowCheck(key, -1);
    }
  }

  /** One more or one fewer slow check of the document `key`: the item names each file while a check of it is slow. */
  private slowCheck(key: string, delta: 1 | -1): void {
    const n = (this.slowChecks.get(key) ?? 0) + delta;
    if (n > 0) this.slowChecks.set(key, n);
    else this.slowChecks.delete(key);
    if (this.slowChecks.size === 0) { this.checking.hide(); this.checkingShown = undefined; return; }
    const names = [...this.slowChecks.keys()].map((k) => vscode.Uri.parse(k).path.split('/').pop());
    this.checking.name = 'Timens check';
    this.checking.text = `$(watch) Timens: checking ${names.join(', ')}`;
    this.checking.tooltip = `The background run of ${names.join(', ')} is under way (in the engine's worker): its diagnostics and inline results come when it ends.`;
    this.checking.show();
    this.checkingShown = this.checking.text;
  }

  private show(doc: vscode.TextDocument, summary: RunSummary): void {
    const out: vscode.Diagnostic[] = [];
    const fixes: { key: string; fixes: readonly Fix[] }[] = [];
    for (const d of summary.diagnostics) {
      const diag = new vscode.Diagnostic(toRange(d.range), d.message, SEVERITY[d.severity]);
      diag.source = 'timens';
      diag.code = d.code;
      out.push(diag);
      if (d.fixes?.length) fixes.push({ key: diagnosticKey(diag), fixes: d.fixes });
    }
    this.collection.set(doc.uri, out);
    this.fixes.set(doc.uri.toString(), fixes);
    this.checked.fire(doc);
  }

  fixesFor(doc: vscode.TextDocument, diag: vscode.Diagnostic): readonly Fix[] {
    const key = diagnosticKey(diag);
    return this.fixes.get(doc.uri.toString())?.find((f) => f.key === key)?.fixes ?? [];
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.collection.dispose();
    this.checked.dispose();
    this.checking.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

function diagnosticKey(d: vscode.Diagnostic): string {
  const code = typeof d.code === 'object' ? d.code.value : d.code;
  return `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}|${code}|${d.message}`;
}

const COMPLETION_KIND: Record<CompletionKind, vscode.CompletionItemKind> = {
  operation: vscode.CompletionItemKind.Function,
  keyword: vscode.CompletionItemKind.Keyword,
  task: vscode.CompletionItemKind.Variable,
  flag: vscode.CompletionItemKind.Constant,
  clock: vscode.CompletionItemKind.EnumMember,
  errno: vscode.CompletionItemKind.Constant,
  signal: vscode.CompletionItemKind.Event,
  path: vscode.CompletionItemKind.File,
  value: vscode.CompletionItemKind.Value,
  namespace: vscode.CompletionItemKind.Module,
  fd: vscode.CompletionItemKind.Reference,
  snippet: vscode.CompletionItemKind.Snippet,
};

const SYMBOL_KIND: Record<OutlineSymbol['kind'], vscode.SymbolKind> = {
  section: vscode.SymbolKind.Namespace,
  header: vscode.SymbolKind.Property,
  task: vscode.SymbolKind.Object,
  step: vscode.SymbolKind.Function,
  host: vscode.SymbolKind.Event,
  expect: vscode.SymbolKind.Boolean,
};

export function registerLanguageFeatures(services: Services): DiagnosticsController {
  const { context, store, documents } = services;
  const engine = store.engine;
  const diagnostics = new DiagnosticsController(services);
  /** What the engine needs to name a document's text. */
  const at = (doc: vscode.TextDocument) => { documents.ensure(doc); return { uri: doc.uri.toString(), version: doc.version, request: runRequest(doc) }; };
  const codeLensChanged = new vscode.EventEmitter<void>();
  context.subscriptions.push(
    diagnostics,
    codeLensChanged,
    vscode.languages.registerCodeActionsProvider(SELECTOR, {
      provideCodeActions(doc, _range, ctx) {
        const actions: vscode.CodeAction[] = [];
        for (const diag of ctx.diagnostics) {
          if (diag.source !== 'timens') continue;
          for (const fix of diagnostics.fixesFor(doc, diag)) {
            const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
            action.edit = new vscode.WorkspaceEdit();
            action.edit.replace(doc.uri, toRange(fix.range), fix.newText);
            action.diagnostics = [diag];
            action.isPreferred = diagnostics.fixesFor(doc, diag).length === 1;
            actions.push(action);
          }
          const code = typeof diag.code === 'object' ? diag.code.value : diag.code;
          if (code === 'missing-header') {
            const pick = new vscode.CodeAction('Choose architecture and kernel…', vscode.CodeActionKind.QuickFix);
            pick.command = { command: 'timens.selectProfile', title: 'Select Architecture and Kernel', arguments: [doc.uri] };
            pick.diagnostics = [diag];
            actions.push(pick);
          }
        }
        return actions;
      },
    }, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),

    vscode.languages.registerCompletionItemProvider(SELECTOR, {
      async provideCompletionItems(doc, position) {
        const entries = await engine.request('complete', { ...at(doc), line: position.line, character: position.character });
        return entries.map((e, i) => {
          const item = new vscode.CompletionItem(e.label, COMPLETION_KIND[e.kind]);
          const text = e.insertText ?? e.label;
          item.insertText = e.snippet ? new vscode.SnippetString(text) : text;
          if (e.replaceFrom >= 0) item.range = new vscode.Range(position.line, e.replaceFrom, position.line, position.character);
          if (e.detail) item.detail = e.detail;
          if (e.documentation) item.documentation = new vscode.MarkdownString(e.documentation);
          item.sortText = e.sortText ?? String(i).padStart(4, '0');
          // Labels with punctuation (`P2:`, `"/proc/…"`) must still match what was typed so far.
          item.filterText = e.label;
          if (e.retrigger) item.command = { command: 'editor.action.triggerSuggest', title: 'more' };
          return item;
        });
      },
    }, ' ', ':', '(', ',', '|', '"', '/', '.', '[', '=', '>'),

    vscode.languages.registerHoverProvider(SELECTOR, {
      async provideHover(doc, position) {
        const result = await engine.request('hover', { ...at(doc), line: position.line, character: position.character });
        if (!result) return undefined;
        const md = new vscode.MarkdownString(result.markdown);
        md.supportThemeIcons = true;
        return new vscode.Hover(md, toRange(result.range));
      },
    }),

    vscode.languages.registerDocumentSymbolProvider(SELECTOR, {
      async provideDocumentSymbols(doc) {
        const { uri, version } = at(doc);
        const symbols = await engine.request('outline', { uri, version });
        if (doc.version !== version) return [];
        const last = doc.lineCount - 1;
        // The engine's text is this version's: its line lengths make the ranges (two lineAt per symbol cost the
        // host 10-40 ms for a bounded outline of 2,000 symbols).
        const convert = (s: OutlineSymbol): vscode.DocumentSymbol => {
          const end = s.endLength !== undefined && s.endLine <= last ? new vscode.Position(s.endLine, s.endLength) : doc.lineAt(Math.min(s.endLine, last)).range.end;
          const selection = s.length !== undefined && s.line <= last ? new vscode.Range(s.line, 0, s.line, s.length) : doc.lineAt(s.line).range;
          const sym = new vscode.DocumentSymbol(s.name || '(line)', s.detail, SYMBOL_KIND[s.kind], new vscode.Range(selection.start, end), selection);
          sym.children = s.children.map(convert);
          return sym;
        };
        return symbols.map(convert);
      },
    }, { label: 'Timens' }),

    vscode.languages.registerCodeLensProvider(SELECTOR, {
      onDidChangeCodeLenses: codeLensChanged.event,
      async provideCodeLenses(doc) {
        const top = new vscode.Range(0, 0, 0, 0);
        return codeLensCommands(await engine.request('profile', at(doc))).map((c) => new vscode.CodeLens(top, { title: c.title, command: c.command, arguments: [doc.uri] }));
      },
    }),
    // The Compare Patches lens depends on the profile, which a run with overrides or a settings change can alter.
    store.onDidChange((e) => { if (e.reason !== 'position') codeLensChanged.fire(); }),
    vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('timens')) codeLensChanged.fire(); }),
  );
  return diagnostics;
}
