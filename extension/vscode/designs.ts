// The designs that were never merged in the editor (issue 15): "Timens: Compare Designs" runs the scenario under
// several designs in the engine and shows the N-column comparison view; "Timens: Choose Design" writes the
// scenario's `design` header line.
import * as path from 'path';
import * as vscode from 'vscode';
import { designEdit } from '../scenario/editor/header';
import { designOf } from '../sim/designs/index';
import { DESIGNS, type DesignName } from '../sim/types';
import type { CompareTable } from '../tours/compare';
import { designChoices } from '../tours/designCompare';
import type { Services } from './services';
import { documentProfile, type CompareUi } from './toursCompare';

const item = (d: DesignName): vscode.QuickPickItem & { design: DesignName } => ({ label: d, description: designOf(d).title, detail: designOf(d).summary, design: d });

/** timens.compareDesigns: the scenario under the designs picked (all four by default), one column each. */
export async function compareDesigns(services: Services, compare: CompareUi, arg?: vscode.Uri, designs?: readonly DesignName[]): Promise<CompareTable | undefined> {
  const doc = await compare.documentFor(arg);
  if (!doc) return undefined;
  let chosen = designs?.filter((d) => (DESIGNS as readonly string[]).includes(d));
  if (!chosen) {
    const picks = await vscode.window.showQuickPick(DESIGNS.map((d) => ({ ...item(d), picked: true })), { title: `Compare ${path.basename(doc.fileName)} under the designs…`, canPickMany: true, matchOnDetail: true });
    if (!picks) return undefined;
    chosen = picks.map((p) => p.design);
  }
  if (chosen.length < 2) {
    void vscode.window.showWarningMessage('Pick at least two designs to compare.');
    return undefined;
  }
  const { design: _own, ...base } = await documentProfile(services, doc);
  void _own;
  const file = vscode.workspace.asRelativePath(doc.uri);
  const table = await services.store.engine.request('compareTable', { text: doc.getText(), file, choices: designChoices(base, chosen) });
  compare.view.show({ table, document: doc.uri, column: vscode.ViewColumn.Beside, title: `Compare designs: ${path.basename(doc.fileName)}` });
  services.log.info(`compare designs ${file}: ${chosen.join(', ')}: ${table.first ? `they part on line ${table.first.line + 1}` : 'no difference'}`);
  return table;
}

/** timens.chooseDesign: set (or replace, or remove for merged) the `design` header line of the scenario. */
export async function chooseDesign(compare: CompareUi, arg?: vscode.Uri, design?: DesignName): Promise<boolean> {
  const doc = await compare.documentFor(arg);
  if (!doc) return false;
  let d = design;
  if (!d) {
    const pick = await vscode.window.showQuickPick(DESIGNS.map(item), { title: 'Run this scenario under the design…', matchOnDetail: true });
    if (!pick) return false;
    d = pick.design;
  }
  const change = designEdit(doc.getText().split(/\r?\n/), d, doc.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n');
  if (!change) return true;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(change.line, change.col, change.endLine, change.endCol), change.text);
  return vscode.workspace.applyEdit(edit);
}
