// The designs that were never merged in the real VS Code (issue 15): "Timens: Compare Designs" runs an example
// under three designs in the engine and shows the comparison view with a column each (rows jump to their line);
// "Timens: Choose Design" writes, replaces and removes the scenario's design header line.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { CompareTable } from '../../extension/tours/compare';
import type { StepView } from '../../extension/vscode/tourPlayer';
import { activateExtension, screenshot, waitFor } from './helpers';

const allTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs);
const isCompareTab = (t: vscode.Tab) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('timens.compare');

suite('designs: compare designs, choose design', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'timens-designs-'));

  suiteSetup(async () => {
    await activateExtension();
  });
  suiteTeardown(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('Compare Designs shows one column per design and the first line where they part', async function () {
    this.timeout(120000);
    const ext = vscode.extensions.getExtension('timens-explorer.timens-explorer')!;
    const uri = vscode.Uri.joinPath(ext.extensionUri, 'examples/21-design-clone-time.timens');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const table = await vscode.commands.executeCommand<CompareTable>('timens.compareDesigns', uri, ['merged', 'clone-time', 'per-ns-timekeeper']);
    assert.ok(table, 'a comparison');
    assert.equal(table.columns.length, 3);
    assert.match(table.columns[1], /^clone-time/);
    assert.equal(table.first?.line, 12, 'they part at the unshare: only CLONE_TIME moves the caller');
    const settime = table.rows.find((r) => r.source.startsWith('P5: settimeofday'))!;
    assert.deepEqual(settime.cells.map((c) => c?.errno), ['EPERM', '', 'EPERM']);
    const vdso = table.rows.find((r) => r.source.startsWith('P1: clock_gettime(CLOCK_REALTIME)'))!;
    assert.ok(vdso.cells.every((c) => c !== null && c.refused === ''), 'P1 is outside any namespace: nothing is refused');
    await waitFor(() => allTabs().some(isCompareTab), 'the comparison view');
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>('timens.compare.revealLine', 12);
    assert.match(editor!.document.lineAt(12).text, /unshare/);
    await new Promise((r) => setTimeout(r, 1500));
    await screenshot('designs-01-compare-designs');
  });

  test('Choose Design writes the header line, replaces it, and merged removes it', async function () {
    this.timeout(60000);
    const file = path.join(tmp, 'choose.timens');
    fs.writeFileSync(file, '# a scenario\narch x86_64\nkernel 6.18\n\nP1: unshare(CLONE_NEWTIME)\n');
    const uri = vscode.Uri.file(file);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    assert.equal(await vscode.commands.executeCommand('timens.chooseDesign', uri, 'monotonic-sync'), true);
    assert.equal(doc.lineAt(3).text, 'design monotonic-sync');
    await vscode.commands.executeCommand('timens.chooseDesign', uri, 'clone-time');
    assert.equal(doc.getText().match(/^design .*$/gm)?.join(), 'design clone-time');
    await vscode.commands.executeCommand('timens.chooseDesign', uri, 'merged');
    assert.doesNotMatch(doc.getText(), /design/);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('the designs tour runs: a step per design, each beside its comparison with the merged design', async function () {
    this.timeout(120000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const first = await vscode.commands.executeCommand<StepView>('timens.startTour', 'designs-not-merged.tour.json');
    assert.equal(first.index, 0);
    assert.equal(first.scenarioLine, 10);
    const lines: number[] = [];
    for (let i = 1; i <= 3; i++) {
      const step = await vscode.commands.executeCommand<StepView>('timens.tour.next');
      assert.equal(step.index, i);
      assert.equal(step.comparison, true, `step ${i + 1} shows a comparison`);
      lines.push(step.scenarioLine ?? -1);
    }
    assert.deepEqual(lines, [10, 8, 14], 'each design step stops where that design parts from the merged one');
    await waitFor(() => allTabs().some(isCompareTab), 'the comparison view');
    await new Promise((r) => setTimeout(r, 1500));
    await screenshot('designs-02-tour-per-ns-timekeeper');
    await vscode.commands.executeCommand('timens.tour.end');
  });
});
