// Inline results (decorations at the end of each line, toggled by `timens.inlineResults`), the highlight of
// the line the cursor stands on, and the `step k/n · arch · kernel` status bar item. Lines come from the engine
// for the part of each editor that is on screen; whether a line is reached is decided here from the cursor.
import * as vscode from 'vscode';
import type { InlineLine } from '../../engine/protocol';
import { shiftResults, type InlineResult, type InlineTone } from '../../scenario/editor/inline';
import type { Services } from '../services';
import type { SimulationSession } from '../session';
import { EditorDecorations } from './decorations';
import type { DiagnosticsController } from './language';
import { SELECTOR } from './documents';

/** Lines fetched above and below what an editor shows, so scrolling a little needs no new request. */
const MARGIN_LINES = 200;
/** Lines drawn above and below what an editor shows (a scroll draws again from the lines fetched). */
const DRAW_MARGIN_LINES = 40;

const TONE_COLOR: Record<InlineTone, string> = {
  ok: 'editorCodeLens.foreground',
  error: 'editorWarning.foreground',
  signal: 'editorError.foreground',
  'expect-pass': 'testing.iconPassed',
  'expect-fail': 'testing.iconFailed',
};

export interface InlineHandle {
  /** What is drawn now in the editor of `uri` (tests read it: decorations cannot be read back from VS Code). */
  shown(uri: vscode.Uri): readonly InlineResult[];
  /** Resolves when the lines asked of the engine so far are drawn. */
  settled(): Promise<void>;
  readonly statusBar: vscode.StatusBarItem;
}

export function registerInlineResults(services: Services, diagnostics: DiagnosticsController): InlineHandle {
  const { context, store } = services;
  const decorationTypes = new Map<string, vscode.TextEditorDecorationType>();
  for (const tone of Object.keys(TONE_COLOR) as InlineTone[]) {
    for (const reached of [true, false]) {
      decorationTypes.set(`${tone}:${reached}`, vscode.window.createTextEditorDecorationType({
        after: { color: new vscode.ThemeColor(reached ? TONE_COLOR[tone] : 'disabledForeground'), margin: '0 0 0 2.5em', fontStyle: reached ? 'normal' : 'italic' },
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }));
    }
  }
  const currentLineType = vscode.window.createTextEditorDecorationType({
    isWholeLine: true,
    backgroundColor: new vscode.ThemeColor('editor.rangeHighlightBackground'),
    overviewRulerColor: new vscode.ThemeColor('editorCursor.foreground'),
    overviewRulerLane: vscode.OverviewRulerLane.Full,
  });
  const statusBar = vscode.window.createStatusBarItem('timens.step', vscode.StatusBarAlignment.Left, 50);
  statusBar.name = 'Timens step';
  statusBar.command = 'timens.openTimeline';
  const shown = new Map<string, readonly InlineResult[]>();
  const decorations = new EditorDecorations();
  /** Per document: the run and the line window last fetched, with its lines; stale once the text was edited since
   *  (the lines then carried to where the edits moved them). */
  const fetched = new Map<string, { runId: number; from: number; to: number; lines: readonly InlineLine[]; stale?: true }>();
  const inFlight = new Set<Promise<unknown>>();

  const enabled = (): boolean => vscode.workspace.getConfiguration('timens').get<boolean>('inlineResults', true);

  const windowOf = (editor: vscode.TextEditor, margin = MARGIN_LINES): { from: number; to: number } => {
    const ranges = editor.visibleRanges.length ? editor.visibleRanges : [new vscode.Range(0, 0, Math.min(editor.document.lineCount, 100), 0)];
    return { from: Math.max(0, ranges[0]!.start.line - margin), to: ranges[ranges.length - 1]!.end.line + 1 + margin };
  };

  const draw = (editor: vscode.TextEditor, current: SimulationSession | undefined, lines: readonly InlineLine[], stale = false): void => {
    const key = editor.document.uri.toString();
    const position = current?.position ?? 0;
    const { from, to } = windowOf(editor, DRAW_MARGIN_LINES);
    const inWindow = lines.filter((l) => l.line >= from && l.line < to);
    // A stale result is drawn as one not reached (dimmed): it is what the line gave before the last edit.
    const results: InlineResult[] = inWindow.map(({ reachedAt, ...r }) => (stale ? { ...r, reached: false, stale } : { ...r, reached: reachedAt <= position }));
    shown.set(key, results);
    // Grouped by decoration type; the options (and their markdown hovers) are made only for a type whose lines changed.
    const byType = new Map<string, { r: InlineResult; end: vscode.Position }[]>();
    for (const r of results) {
      if (r.line >= editor.document.lineCount) continue;
      const k = `${r.tone}:${r.reached}`;
      let list = byType.get(k);
      if (!list) byType.set(k, list = []);
      list.push({ r, end: editor.document.lineAt(r.line).range.end });
    }
    // No hoverMessage: VS Code runs every decoration's hover through its markdown parser on the host at each
    // redraw (20-90 ms per debugger step); the hover provider below answers for the one line hovered.
    for (const [k, type] of decorationTypes) {
      const list = byType.get(k) ?? [];
      const signature = list.map(({ r, end }) => `${r.line}:${end.character}|${r.text}`).join('\n');
      decorations.setIfChanged(editor, type, signature, () => list.map(({ r, end }) => ({ range: new vscode.Range(end, end), renderOptions: { after: { contentText: `  ${r.text}` } } })));
    }
    // The line the cursor stands on, only while travelling (at the end every line has run).
    const line = current && current.position < current.eventCount ? current.view.line : -1;
    decorations.set(editor, currentLineType, line >= 0 && line < editor.document.lineCount ? [editor.document.lineAt(line).range] : []);
  };

  const render = (editor: vscode.TextEditor): void => {
    const key = editor.document.uri.toString();
    const session = store.get(editor.document.uri);
    const current = session && session.documentVersion === editor.document.version && enabled() ? session : undefined;
    const have = fetched.get(key);
    if (!current) {
      // Edited since the run: its results stay on the lines the edits left alone, as stale, until the next run lands
      // (cleared, they vanished at every keystroke and came back a quarter of a second after the last).
      if (have?.stale && session && enabled()) { draw(editor, undefined, have.lines, true); return; }
      fetched.delete(key);
      draw(editor, session && session.documentVersion === editor.document.version ? session : undefined, []);
      return;
    }
    const want = windowOf(editor);
    if (have && !have.stale && have.runId === current.runId && have.from <= want.from && have.to >= want.to) { draw(editor, current, have.lines); return; }
    // Draw what is known at once (the cursor moved; or the last text's results, stale), then the lines of the new
    // window when they come.
    if (have?.stale) draw(editor, undefined, have.lines, true);
    else draw(editor, current, have && have.runId === current.runId ? have.lines : []);
    const asked = store.engine.request('inline', { runId: current.runId, ...want }).then((lines) => {
      if (store.get(editor.document.uri)?.runId !== current.runId || editor.document.version !== current.documentVersion) return;
      fetched.set(key, { runId: current.runId, ...want, lines });
      draw(editor, store.get(editor.document.uri), lines);
    }, () => undefined).finally(() => inFlight.delete(asked));
    inFlight.add(asked);
  };

  const renderAll = (): void => {
    for (const editor of vscode.window.visibleTextEditors) if (editor.document.languageId === 'timens') render(editor);
  };

  const updateStatus = (session: SimulationSession | undefined): void => {
    void vscode.commands.executeCommand('setContext', 'timens.hasRun', !!session);
    if (!session) { statusBar.hide(); return; }
    const { k, n, partial } = session.view.step;
    const p = session.profile;
    statusBar.text = `$(history) step ${k}${partial ? '+' : ''}/${n} · ${p.arch} · ${p.kernel}`;
    statusBar.tooltip = `${session.uri.path.split('/').pop()}: event ${session.position} of ${session.eventCount}${p.disabledPatches.length ? `, patches off: ${p.disabledPatches.join(', ')}` : ''}. Click to open the timeline.`;
    void vscode.commands.executeCommand('setContext', 'timens.atStart', session.position === 0);
    void vscode.commands.executeCommand('setContext', 'timens.atEnd', session.position === session.eventCount);
    statusBar.show();
  };

  /** The result drawn after the end of the hovered line: hovering it lands at the line's end. */
  const hoverProvider: vscode.HoverProvider = {
    provideHover(doc, position) {
      const line = doc.lineAt(position.line);
      if (position.character < line.range.end.character) return undefined;
      const r = shown.get(doc.uri.toString())?.find((x) => x.line === position.line);
      if (!r) return undefined;
      const md = new vscode.MarkdownString();
      md.appendText(r.stale ? `${r.detail}\n(from before the last edit: the new text is running)` : r.reached ? r.detail : `${r.detail}\n(not reached yet at the cursor)`);
      return new vscode.Hover(md, line.range.with(line.range.end));
    },
  };

  context.subscriptions.push(
    vscode.languages.registerHoverProvider(SELECTOR, hoverProvider),
    statusBar, currentLineType, ...decorationTypes.values(),
    store.onDidChange(() => { renderAll(); updateStatus(store.active); }),
    vscode.window.onDidChangeVisibleTextEditors(renderAll),
    vscode.window.onDidChangeTextEditorVisibleRanges((e) => { if (e.textEditor.document.languageId === 'timens') render(e.textEditor); }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document.languageId !== 'timens' || !e.contentChanges.length) return;
      // Results of the older text move with the lines the edits left alone; those of edited lines go.
      const key = e.document.uri.toString();
      const have = fetched.get(key);
      if (have) {
        const edits = e.contentChanges.map((c) => ({ line: c.range.start.line, col: c.range.start.character, endLine: c.range.end.line, endCol: c.range.end.character, text: c.text }));
        fetched.set(key, { ...have, lines: shiftResults(have.lines, edits), stale: true });
      }
      renderAll();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('timens.inlineResults')) renderAll(); }),
    diagnostics.onDidCheck((doc) => {
      // The current text was checked and did not run (a syntax error): the last text's results are not coming back.
      const key = doc.uri.toString();
      if (!fetched.get(key)?.stale || store.get(doc.uri)?.documentVersion === doc.version) return;
      fetched.delete(key);
      renderAll();
    }),
  );
  renderAll();
  updateStatus(store.active);
  return { shown: (uri) => shown.get(uri.toString()) ?? [], settled: async () => { while (inFlight.size) await Promise.all([...inFlight]); }, statusBar };
}
