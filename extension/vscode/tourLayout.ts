// The editors a tour shows, in fixed places: the patch (its hunk in a diff editor, or our notes as a
// Markdown preview) on the left, the scenario on the right, the comparison below the scenario. Each step
// opens its editors into those places and closes what the previous step opened and no longer needs, so the
// number of tabs does not grow; tabs that were open before the tour, pinned or changed are left alone.
import * as vscode from 'vscode';

/** Where each part of a step goes. */
export const TOUR_COLUMNS = { patch: vscode.ViewColumn.One, scenario: vscode.ViewColumn.Two, compare: vscode.ViewColumn.Three } as const;

function inputKey(tab: vscode.Tab): string {
  const i = tab.input;
  if (i instanceof vscode.TabInputText) return `text:${i.uri.toString()}`;
  if (i instanceof vscode.TabInputTextDiff) return `diff:${i.modified.toString()}`;
  if (i instanceof vscode.TabInputWebview) return `webview:${i.viewType}:${tab.label}`;
  return `other:${tab.label}`;
}

function allTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs);
}

/** Which tabs belong to a step: a predicate over a tab. */
export type TabMatch = (tab: vscode.Tab) => boolean;

export const matchText = (uri: vscode.Uri): TabMatch => (t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString();
export const matchDiff = (modified: vscode.Uri): TabMatch => (t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === modified.toString();
export const matchWebview = (viewType: string, label?: string): TabMatch => (t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(viewType) && (label === undefined || t.label.includes(label));

export class TourLayout {
  /** Tabs the tour opened (by key) and still owns. */
  private owned = new Set<string>();
  private before = new Set<string>();

  /** Two columns, or with `withCompare` the patch left, the scenario right and the comparison below it. */
  async ensureGrid(withCompare: boolean): Promise<void> {
    const groups = vscode.window.tabGroups.all.length;
    if (withCompare ? groups >= 3 : groups >= 2) return;
    const layout = withCompare
      ? { orientation: 0, groups: [{ size: 0.5 }, { size: 0.5, orientation: 1, groups: [{ size: 0.55 }, { size: 0.45 }] }] }
      : { orientation: 0, groups: [{ size: 0.5 }, { size: 0.5 }] };
    await vscode.commands.executeCommand('vscode.setEditorLayout', layout);
  }

  /** Call before a step opens its editors. */
  begin(): void {
    this.before = new Set(allTabs().map(inputKey));
  }

  /**
   * Call after a step opened its editors, with what they are. Tabs of the previous step that this step does
   * not show again are closed (unless pinned or dirty); this step's new tabs become the tour's.
   */
  async end(shown: readonly TabMatch[]): Promise<void> {
    const tabs = allTabs();
    const now = new Set<string>();
    for (const t of tabs) {
      if (!shown.some((m) => m(t))) continue;
      const k = inputKey(t);
      if (this.owned.has(k) || !this.before.has(k)) now.add(k);
    }
    const stale = tabs.filter((t) => this.owned.has(inputKey(t)) && !now.has(inputKey(t)) && !t.isPinned && !t.isDirty);
    this.owned = now;
    if (stale.length > 0) await vscode.window.tabGroups.close(stale, true);
  }

  /** The tour ended: its tabs stay open for reading, but are no longer the tour's. */
  release(): void {
    this.owned.clear();
  }
}
