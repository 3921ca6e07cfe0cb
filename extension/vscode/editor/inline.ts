// Inline results after a run (decorations at the end of each line, toggled by `timens.inlineResults`),
// the highlight of the line the cursor stands on, and the `step k/n · arch · kernel` status bar item.
import * as vscode from 'vscode';
import { inlineResults, type InlineResult, type InlineTone } from '../../scenario/editor/inline';
import { currentLine, stepIndex, stepSpans } from '../../scenario/editor/navigation';
import type { Services } from '../services';
import type { SimulationSession } from '../session';
import { EditorDecorations } from './decorations';

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
  readonly statusBar: vscode.StatusBarItem;
}

export function registerInlineResults(services: Services): InlineHandle {
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

  const enabled = (): boolean => vscode.workspace.getConfiguration('timens').get<boolean>('inlineResults', true);

  const render = (editor: vscode.TextEditor): void => {
    const session = store.get(editor.document.uri);
    const key = editor.document.uri.toString();
    const current = session && session.documentVersion === editor.document.version ? session : undefined;
    const results = current && enabled() ? inlineResults(current.run, current.sim.position) : [];
    shown.set(key, results);
    const byType = new Map<string, vscode.DecorationOptions[]>();
    for (const r of results) {
      if (r.line >= editor.document.lineCount) continue;
      const end = editor.document.lineAt(r.line).range.end;
      const k = `${r.tone}:${r.reached}`;
      const hover = new vscode.MarkdownString();
      hover.appendText(r.reached ? r.detail : `${r.detail}\n(not reached yet at the cursor)`);
      byType.set(k, [...(byType.get(k) ?? []), { range: new vscode.Range(end, end), hoverMessage: hover, renderOptions: { after: { contentText: `  ${r.text}` } } }]);
    }
    for (const [k, type] of decorationTypes) decorations.set(editor, type, byType.get(k) ?? []);
    // The line the cursor stands on, only while travelling (at the end every line has run).
    const line = current && current.sim.position < current.sim.eventCount ? currentLine(current.sim) : -1;
    decorations.set(editor, currentLineType, line >= 0 && line < editor.document.lineCount ? [editor.document.lineAt(line).range] : []);
  };

  const renderAll = (): void => {
    for (const editor of vscode.window.visibleTextEditors) if (editor.document.languageId === 'timens') render(editor);
  };

  const updateStatus = (session: SimulationSession | undefined): void => {
    void vscode.commands.executeCommand('setContext', 'timens.hasRun', !!session);
    if (!session) { statusBar.hide(); return; }
    const sim = session.sim;
    const { k, n, partial } = stepIndex(stepSpans(sim), sim.position);
    const p = session.run.profile;
    statusBar.text = `$(history) step ${k}${partial ? '+' : ''}/${n} · ${p.arch} · ${p.kernel}`;
    statusBar.tooltip = `${session.uri.path.split('/').pop()}: event ${sim.position} of ${sim.eventCount}${p.disabledPatches.length ? `, patches off: ${p.disabledPatches.join(', ')}` : ''}. Click to open the timeline.`;
    void vscode.commands.executeCommand('setContext', 'timens.atStart', sim.position === 0);
    void vscode.commands.executeCommand('setContext', 'timens.atEnd', sim.position === sim.eventCount);
    statusBar.show();
  };

  context.subscriptions.push(
    statusBar, currentLineType, ...decorationTypes.values(),
    store.onDidChange((e) => { renderAll(); updateStatus(e.session); }),
    vscode.window.onDidChangeVisibleTextEditors(renderAll),
    vscode.workspace.onDidChangeTextDocument((e) => {
      // Results of an older text would sit on the wrong lines: clear them until the next run.
      if (e.document.languageId === 'timens' && e.contentChanges.length) renderAll();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('timens.inlineResults')) renderAll(); }),
    vscode.window.onDidChangeActiveTextEditor((editor) => {
      // Showing a scenario that has a run makes that run the one on screen.
      if (editor && editor.document.languageId === 'timens' && store.get(editor.document.uri)) store.activate(editor.document.uri);
    }),
  );
  renderAll();
  updateStatus(store.active);
  return { shown: (uri) => shown.get(uri.toString()) ?? [], statusBar };
}
