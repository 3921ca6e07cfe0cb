// Decorations set only when they change and only on editors VS Code still shows. When editors close, VS Code
// reports the remaining ones visible and active before it tells the extension host they are gone too; setting
// the same decorations on them again logged "Illegal argument: TextEditor(…)" warnings, one per decoration type.
import * as vscode from 'vscode';

type Decorations = readonly vscode.Range[] | readonly vscode.DecorationOptions[];

function signature(decorations: Decorations): string {
  return decorations.map((d) => {
    const o = (d instanceof vscode.Range ? { range: d } : d) as vscode.DecorationOptions;
    const r = o.range;
    const hover = o.hoverMessage instanceof vscode.MarkdownString ? o.hoverMessage.value : String(o.hoverMessage ?? '');
    return `${r.start.line}:${r.start.character}-${r.end.line}:${r.end.character}|${o.renderOptions?.after?.contentText ?? ''}|${hover}`;
  }).join('\n');
}

export class EditorDecorations {
  /** What each editor shows, by decoration type key (editors are dropped when VS Code drops them). */
  private readonly shown = new WeakMap<vscode.TextEditor, Map<string, string>>();

  set(editor: vscode.TextEditor, type: vscode.TextEditorDecorationType, decorations: Decorations): void {
    this.setIfChanged(editor, type, signature(decorations), () => decorations);
  }

  /** As `set`, for a caller that knows what identifies its decorations: `make` runs only when they changed. */
  setIfChanged(editor: vscode.TextEditor, type: vscode.TextEditorDecorationType, sig: string, make: () => Decorations): void {
    if (!vscode.window.visibleTextEditors.includes(editor)) return;
    let byType = this.shown.get(editor);
    if (!byType) this.shown.set(editor, (byType = new Map()));
    // Never decorated and nothing to draw counts as unchanged too.
    if ((byType.get(type.key) ?? '') === sig) return;
    byType.set(type.key, sig);
    editor.setDecorations(type, make());
  }
}
