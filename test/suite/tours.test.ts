// Tours in the real VS Code: a mailbox read by the import worker into the Patch Series view; the shipped arm64
// tour played step by step in one layout (hunk | scenario over comparison), with shipped files read-only, our
// notes as a Markdown preview and the side bar left as the user had it; the comparison view; hostile tours
// refused; recording a tour and a review reply.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Comparison } from '../../extension/tours/compare';
import type { PatchSeries } from '../../extension/tours/series';
import type { Tour } from '../../extension/tours/tour';
import type { StepView } from '../../extension/vscode/tours';
import { hunksForEvent } from '../../extension/tours/links';
import { parseSeries } from '../../extension/tours/seriesReader';
import { activateExtension, screenshot, waitFor, workspaceRoot } from './helpers';
import { b4Mbx, COVER, PATCH_1, PATCH_2 } from '../unit/tours/fixtures';
import { generatedMbox } from '../unit/tours/generate';

const allTabs = () => vscode.window.tabGroups.all.flatMap((g) => g.tabs);
const inspectSeries = async () => (await vscode.commands.executeCommand<{ getTreeItemCalls: number; root: string[]; selection: string[] }>('timens.patchSeries._inspect'));
const isCompareTab = (t: vscode.Tab) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('timens.compare');

suite('tours: patch series, tour player, compare, recording', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'timens-tours-'));
  const mbx = path.join(tmp, 'v4-test.mbx');

  suiteSetup(async () => {
    fs.writeFileSync(mbx, b4Mbx([COVER, PATCH_1, PATCH_2]));
    await activateExtension();
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('timens.tour.end');
    await vscode.commands.executeCommand('vscode.setEditorLayout', { orientation: 0, groups: [{}] });
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('the Patch Series view shows the bundled notes, then a mailbox read by the import worker', async function () {
    this.timeout(180000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('timens.patchSeries.focus');
    await screenshot('tours-01-patch-series-bundled');
    // A larger mailbox first: the worker streams it and the host gets every message back.
    const big = path.join(tmp, 'big.mbox');
    const bigText = generatedMbox(2500);
    fs.writeFileSync(big, bigText);
    const asked0 = await inspectSeries();
    const bigSeries = await vscode.commands.executeCommand<PatchSeries>('timens.openPatchSeries', vscode.Uri.file(big));
    assert.equal(bigSeries?.patches.length, 2500);
    // The root is paged: VS Code asks for a few rows, not one per patch.
    const shown = await waitFor(async () => { const s = await inspectSeries(); return s.getTreeItemCalls > asked0.getTreeItemCalls ? s : undefined; }, 'the tree to show the series');
    assert.deepEqual(shown.root, ['page 0-1000', 'page 1000-2000', 'page 2000-2500']);
    assert.ok(shown.getTreeItemCalls - asked0.getTreeItemCalls < 50, `rows asked for: ${shown.getTreeItemCalls - asked0.getTreeItemCalls}`);
    // Following a hunk of a late page opens its page, patch and file.
    assert.equal(await vscode.commands.executeCommand<boolean>('timens.patchSeries.revealHunk', 2400, 0, 0), true);
    assert.deepEqual((await waitFor(async () => { const s = await inspectSeries(); return s.selection.length > 0 ? s : undefined; }, 'the selection')).selection, ['hunk 2400/0/0']);
    await screenshot('tours-02a-patch-series-paged');
    // From a fault event of a run to its hunks in the imported series: the headers the series read here gives; the
    // quick pick's first entry opens its hunk.
    const scenario = vscode.Uri.joinPath(workspaceRoot(), '10-arm64-vvar-faults.timens');
    await vscode.commands.executeCommand('timens.runScenario', scenario);
    const session = (await activateExtension()).store.active!;
    const fault = (await session.find({ kind: 'fault', limit: 1 }))[0]!.index;
    const expected = hunksForEvent(parseSeries(bigText, 'big.mbox'), (await session.event(fault))!);
    assert.ok(expected.length > 1000, `${expected.length} hunks`);
    let answered: string[] | undefined;
    const lookup = vscode.commands.executeCommand<string[]>('timens.patchSeries.hunksForEvent', fault).then((h) => (answered = h));
    await waitFor(async () => { await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem'); return answered; }, 'the hunks and the pick', 60000, 500);
    assert.deepEqual(await lookup, expected.map((f) => f.header));
    const opened = allTabs().find((t) => t.isActive && t.input instanceof vscode.TabInputTextDiff)?.input as vscode.TabInputTextDiff | undefined;
    assert.match(opened?.modified.path ?? '', new RegExp(`/${expected[0].patchIndex}/${expected[0].fileIndex}/${expected[0].hunkIndex}/after/`));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const series = await vscode.commands.executeCommand<PatchSeries>('timens.openPatchSeries', vscode.Uri.file(mbx));
    assert.ok(series, 'the mailbox was read');
    assert.deepEqual(series.patches.map((p) => [p.subjectInfo.number, p.placeholder]), [[1, false], [2, false], [3, true]]);
    const after = await vscode.commands.executeCommand<vscode.Uri>('timens.patchSeries.openHunk', {
      kind: 'hunk', patchIndex: 1, fileIndex: 0, hunkIndex: 0, message: series.patches[1], file: series.patches[1].patch!.files[0], hunk: series.patches[1].patch!.files[0].hunks[0],
    });
    const doc = await vscode.workspace.openTextDocument(after);
    assert.match(doc.getText(), /int vdso_join_timens\(struct task_struct \*task/);
    // Give the Patch Series view the whole side bar for the picture, then put the other views back.
    const others = ['timens.namespaces', 'timens.tasks', 'timens.memory'];
    for (const v of others) await vscode.commands.executeCommand(`${v}.toggleVisibility`).then(undefined, () => undefined);
    try {
      await vscode.commands.executeCommand('timens.patchSeries.focus');
      assert.equal(await vscode.commands.executeCommand<boolean>('timens.patchSeries.revealHunk', 1, 0, 0), true);
      await screenshot('tours-02-patch-series-loaded');
    } finally {
      for (const v of others) await vscode.commands.executeCommand(`${v}.toggleVisibility`).then(undefined, () => undefined);
    }
  });

  test('a tour reuses one layout, keeps shipped files read-only and leaves the closed side bar closed', async function () {
    this.timeout(240000);
    const api = await activateExtension();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    const first = await vscode.commands.executeCommand<StepView>('timens.startTour', 'arm64-patch-by-patch.tour.json');
    assert.ok(first);
    assert.equal(first.index, 0);
    assert.equal(first.anchor.status, 'none');
    assert.equal(first.threadUri.scheme, 'timens-tour');
    assert.equal(first.viewRevealed, false, 'step 1 names the Patch Series view, but the side bar was closed');
    assert.equal(await vscode.commands.executeCommand<boolean>('timens.patchSeries.revealHunk', 1, 0, 0), false, 'the side bar is still closed');

    const second = await vscode.commands.executeCommand<StepView>('timens.tour.next');
    assert.equal(second.index, 1);
    assert.equal(second.anchor.status, 'ok', second.anchor.message);
    assert.deepEqual(second.anchor.hunk?.functions, ['vvar_fault']);
    assert.equal(second.threadUri.scheme, 'timens-patch');
    assert.equal(second.scenarioLine, 17);
    assert.equal(second.comparison, true);
    assert.equal(await vscode.commands.executeCommand<boolean>('timens.patchSeries.revealHunk', 1, 0, 0), false, 'still closed after a step naming the Memory view');
    // The run sits at the end of line 17's events: the vDSO read that shows the offset.
    const session = api.store.active;
    assert.ok(session && session.uri.path.endsWith('tours/scenarios/arm64-1-vvar-fault.timens'));
    const span = (await session.lineSpan(16))!;
    assert.equal(session.position, span.end);
    assert.equal((await session.resultOfLine(16))?.clock?.path, 'vdso-timens');
    // From a fault event of the run back to the vvar_fault hunk of the loaded series.
    const fault = (await session.find({ kind: 'fault', limit: 1 }))[0]!.index;
    const headers = await vscode.commands.executeCommand<string[]>('timens.patchSeries.hunksForEvent', fault);
    assert.ok(headers.some((h) => h.startsWith('@@ -40,6 +40,14 @@')), headers.join());
    // The layout: the hunk on the left, the scenario top right, the comparison below it.
    const groups = vscode.window.tabGroups.all;
    assert.equal(groups.length, 3, groups.map((g) => g.tabs.map((t) => t.label).join('|')).join(' / '));
    assert.ok(groups[0].tabs.some((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === second.threadUri.toString()));
    assert.ok(groups[1].tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === session.uri.toString()));
    assert.ok(groups[2].tabs.some(isCompareTab));
    // Shipped scenarios are read-only: the file system refuses the write.
    assert.equal(session.uri.scheme, 'timens-shipped');
    assert.equal(vscode.workspace.fs.isWritableFileSystem('timens-shipped'), false);
    await assert.rejects(Promise.resolve(vscode.workspace.fs.writeFile(session.uri, new TextEncoder().encode('arch x86_64\n'))));
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await screenshot('tours-03-layout-step2');
    const tabsAtStep2 = allTabs().length;

    const third = await vscode.commands.executeCommand<StepView>('timens.tour.next');
    assert.equal(third.index, 2);
    assert.equal(third.anchor.status, 'ok');
    assert.deepEqual(third.anchor.hunk?.functions, ['vdso_join_timens']);
    assert.equal(third.scenarioLine, 22);
    assert.equal(allTabs().length, tabsAtStep2, `no new tabs: ${allTabs().map((t) => t.label).join(', ')}`);
    assert.equal(allTabs().filter(isCompareTab).length, 1, 'one comparison view, reused');

    // Patch 3 is not in the test mailbox: the step shows our notes as a Markdown preview.
    const fourth = await vscode.commands.executeCommand<StepView>('timens.tour.next');
    assert.equal(fourth.anchor.status, 'no-diff');
    assert.ok(fourth.notesUri);
    const notes = await vscode.workspace.openTextDocument(fourth.notesUri);
    assert.match(notes.getText(), /Add time namespace page/);
    await waitFor(() => allTabs().some((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('markdown.preview')), 'the notes preview');
    assert.ok(!allTabs().some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === fourth.notesUri!.toString()), 'the notes are not open as an editable text');
    assert.equal(allTabs().length, tabsAtStep2, `still no new tabs: ${allTabs().map((t) => t.label).join(', ')}`);
    await screenshot('tours-04-notes-preview');
    const back = await vscode.commands.executeCommand<StepView>('timens.tour.previous');
    assert.equal(back.index, 2);
    assert.equal(allTabs().length, tabsAtStep2);
    await vscode.commands.executeCommand('timens.tour.end');
    await vscode.commands.executeCommand('workbench.action.toggleSidebarVisibility');
  });

  test('the comparison view: a table per line, differences named, and a row jumps to its line', async function () {
    this.timeout(180000);
    const ext = vscode.extensions.getExtension('timens-explorer.timens-explorer')!;
    const uri = vscode.Uri.joinPath(ext.extensionUri, 'tours/scenarios/x86-vfork-after-unshare.timens');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('vscode.setEditorLayout', { orientation: 0, groups: [{}] });
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const cmp = await vscode.commands.executeCommand<Comparison>('timens.compare', uri, { kernel: '6.1' });
    assert.ok(cmp.firstLine);
    assert.equal(cmp.firstLine.line + 1, 10);
    assert.equal(cmp.firstLine.b?.errno, 'EINVAL');
    assert.deepEqual(cmp.table.first?.differs, ['errno', 'ret']);
    await waitFor(() => allTabs().some(isCompareTab), 'the comparison view');
    const editor = await vscode.commands.executeCommand<vscode.TextEditor>('timens.compare.revealLine', 9);
    assert.equal(editor?.selection.start.line, 9);
    assert.match(editor!.document.lineAt(9).text, /vfork/);
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await new Promise((r) => setTimeout(r, 1500));
    await screenshot('tours-05-compare-view');
    const patchCmp = await vscode.commands.executeCommand<Comparison>('timens.comparePatches', vscode.Uri.joinPath(ext.extensionUri, 'tours/scenarios/arm64-6-enable-timens.timens'), 'enable-timens');
    assert.equal(patchCmp.firstLine?.b?.errno, 'EINVAL');
    assert.equal(allTabs().filter(isCompareTab).length, 1, 'the comparison view is reused');
    // Its button draws both runs on the timeline (a second tab beside it).
    await vscode.commands.executeCommand('timens.compare.showTimelines');
    await waitFor(() => allTabs().some((t) => t.input instanceof vscode.TabInputWebview && /x86_64|arm64/.test(t.label) && !isCompareTab(t)), 'the comparison timelines');
  });

  test('hostile tours are refused: a foreign command as a view, a path out of the folder, a link out of it', async function () {
    this.timeout(120000);
    const dir = path.join(tmp, 'hostile');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(tmp, 'outside.timens'), 'arch x86_64\nP1: getpid()\n');
    const write = (name: string, tour: object) => { fs.writeFileSync(path.join(dir, name), JSON.stringify(tour)); return vscode.Uri.file(path.join(dir, name)); };
    const focusView = write('view.tour.json', { title: 'v', steps: [{ title: 'a', view: 'workbench.action.closeAllEditors' }] });
    assert.equal(await vscode.commands.executeCommand('timens.startTour', focusView), undefined);
    const escape = write('escape.tour.json', { title: 'e', steps: [{ title: 'a', scenario: { path: '../outside.timens' } }] });
    assert.equal(await vscode.commands.executeCommand('timens.startTour', escape), undefined);
    fs.symlinkSync(path.join(tmp, 'outside.timens'), path.join(dir, 'link.timens'));
    const link = write('link.tour.json', { title: 'l', steps: [{ title: 'a', scenario: { path: 'link.timens' } }] });
    const view = await vscode.commands.executeCommand<StepView>('timens.startTour', link);
    assert.equal(view?.scenarioUri, undefined, 'the linked scenario outside the folder did not run');
    await vscode.commands.executeCommand('timens.tour.end');
  });

  test('recording a tour, editing a step, and a review reply with its notes', async function () {
    this.timeout(180000);
    const file = vscode.Uri.file(path.join(tmp, 'my-review.tour.json'));
    await vscode.commands.executeCommand('timens.tour.record', { title: 'My review', uri: file });
    const series = await vscode.commands.executeCommand<PatchSeries>('timens.openPatchSeries', vscode.Uri.file(mbx));
    const hunkNode = { kind: 'hunk', patchIndex: 1, fileIndex: 0, hunkIndex: 0, message: series.patches[1], file: series.patches[1].patch!.files[0], hunk: series.patches[1].patch!.files[0].hunks[0] };
    await vscode.commands.executeCommand('timens.tour.addStep', { from: 'hunk', node: hunkNode, body: 'The zap for arm64.' });
    // A step from the simulation: a scenario below the tour's folder, run from its editor.
    const scn = path.join(tmp, 'clock.timens');
    fs.writeFileSync(scn, 'arch x86_64\nkernel 6.18\nP1: unshare(CLONE_NEWTIME)\nP1: fork() = P2\nP2: clock_gettime(CLOCK_MONOTONIC)\n');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(scn));
    await vscode.commands.executeCommand('timens.runScenario');
    await vscode.commands.executeCommand('timens.tour.addStep', { from: 'simulation', body: 'Where the clock is read.' });
    await vscode.commands.executeCommand('timens.tour.editStep', { index: 0, notes: 'Should the AArch32 mapping be zapped too?' });
    const saved = JSON.parse(fs.readFileSync(file.fsPath, 'utf8')) as Tour;
    assert.equal(saved.steps.length, 2);
    assert.equal(saved.steps[0].hunk?.function, 'vdso_join_timens');
    assert.equal(saved.steps[0].notes, 'Should the AArch32 mapping be zapped too?');
    assert.equal(saved.steps[1].scenario?.path, 'clock.timens');
    const reply = await vscode.commands.executeCommand<string>('timens.copyReviewReply', { patchIndex: 1, reviewedBy: 'Jane Reviewer <jane@example.org>' });
    assert.match(reply, /^Subject: Re: \[PATCH v4 2\/3\] arm64\/vdso: Zap vvar pages/);
    assert.match(reply, /> \+int vdso_join_timens/);
    assert.match(reply, /\nShould the AArch32 mapping be zapped too\?\n/);
    assert.match(reply, /\nReviewed-by: Jane Reviewer <jane@example.org>\n/);
    assert.equal(await vscode.env.clipboard.readText(), reply);
    await vscode.commands.executeCommand('timens.tour.stopRecording');
    // Play the recorded tour back: its first step anchors to the hunk it was recorded on.
    const view = await vscode.commands.executeCommand<StepView>('timens.startTour', file);
    assert.equal(view.anchor.status, 'ok');
    await screenshot('tours-06-recorded-tour');
  });
});
