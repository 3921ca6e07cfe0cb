// The quick pick of the hunks that stand for an event: at most PICK_LIMIT items at a time, narrowed by what the
// user types (tours/hunkPick.ts), so a series where thousands of hunks match opens its pick at once.
import * as vscode from 'vscode';
import { HunkPickList, PICK_LIMIT, type HunkPickItem } from '../tours/hunkPick';
import type { HunkRef } from '../tours/links';

type Item = vscode.QuickPickItem & { readonly item: HunkPickItem };

/** Resolves with the picked hunk, or undefined when the pick is dismissed. */
export function pickHunk(found: readonly HunkRef[], title: string): Promise<HunkRef | undefined> {
  const list = new HunkPickList(found);
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = title;
  qp.matchOnDescription = true;
  const show = (typed: string): void => {
    const { items, matched } = list.show(typed);
    qp.items = items.map((item) => ({ label: item.label, description: item.description, item }));
    qp.placeholder = matched > PICK_LIMIT ? `${matched} hunks: the first ${PICK_LIMIT} are listed, type to narrow (patch tag, header, function)` : `${matched} hunk${matched === 1 ? '' : 's'}`;
  };
  show('');
  return new Promise((resolve) => {
    let picked: HunkRef | undefined;
    qp.onDidChangeValue(show);
    qp.onDidAccept(() => { picked = qp.selectedItems[0]?.item.ref; qp.hide(); });
    qp.onDidHide(() => { qp.dispose(); resolve(picked); });
    qp.show();
  });
}
