// Tours in the real VS Code: open a mailbox in the Patch Series view, play the shipped arm64 tour through
// three steps (comment thread, scenario run to its line, comparison), record a tour, copy a review reply.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import type { Comparison } from '../../extension/tours/compare';
import type { PatchSeries } from '../../extension/tours/series';
import type { Tour } from '../../extension/tours/tour';
import type { StepView } from '../../extension/vscode/tours';
import { activateExtension, screenshot, waitFor } from './helpers';
import { b4Mbx, COVER, PATCH_1, PATCH_2 } from '../unit/tours/fixtures';

suite('tours: patch series, tour player, compare, recording', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'timens-tours-'));
  const mbx = path.join(tmp, 'v4-test.mbx');

  suiteSetup(async () => {
    fs.writeFileSync(mbx, b4Mbx([COVER, PATCH_1, PATCH_2]));
    await activateExtension();
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('timens.tour.end');
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('the Patch Series view shows the bundled notes, then a loaded mailbox', async function () {
    this.timeout(180000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('timens.patchSeries.focus');
    await screenshot('tours-01-patch-series-bundled');
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
      await vscode.commands.executeCommand('timens.patchSeries.revealHunk', 1, 0, 0);
      await screenshot('tours-02-patch-series-loaded');
    } finally {
      for (const v of others) await vscode.commands.executeCommand(`${v}.toggleVisibility`).then(undefined, () => undefined);
    }
  });

  test('playing the shipped arm64 tour: three steps with thread, run-to-line and comparison', async function () {
    this.timeout(240000);
    const api = await activateExtension();
    const first = await vscode.commands.executeCommand<StepView>('timens.startTour', 'arm64-patch-by-patch.tour.json');
    assert.ok(first);
    assert.equal(first.index, 0);
    assert.equal(first.anchor.status, 'none');
    assert.equal(first.threadUri.scheme, 'timens-tour');

    const second = await vscode.commands.executeCommand<StepView>('timens.tour.next');
    assert.equal(second.index, 1);
    assert.equal(second.anchor.status, 'ok', second.anchor.message);
    assert.deepEqual(second.anchor.hunk?.functions, ['vvar_fault']);
    assert.equal(second.threadUri.scheme, 'timens-patch');
    assert.equal(second.scenarioLine, 17);
    assert.equal(second.comparison, true);
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
    await waitFor(() => vscode.window.visibleTextEditors.some((e) => e.document.uri.scheme === 'timens-compare'), 'the comparison report');
    const report = vscode.window.visibleTextEditors.find((e) => e.document.uri.scheme === 'timens-compare')!.document.getText();
    assert.match(report, /First difference: line 17/);
    // The two timelines, one above the other (the timeline's comparison mode).
    await waitFor(() => vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputWebview && /arm64 5\.9 vs arm64 5\.9 without patch 1\/6/.test(t.label))), 'the comparison timelines');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await new Promise((r) => setTimeout(r, 2500)); // the timeline webviews draw after their ready handshake
    await screenshot('tours-03-step2-comment-thread');

    const third = await vscode.commands.executeCommand<StepView>('timens.tour.next');
    assert.equal(third.index, 2);
    assert.equal(third.anchor.status, 'ok');
    assert.deepEqual(third.anchor.hunk?.functions, ['vdso_join_timens']);
    assert.equal(third.scenarioLine, 22);
    await waitFor(() => vscode.window.visibleTextEditors.some((e) => e.document.uri.scheme === 'timens-compare' && /line 22/.test(e.document.getText())), 'the zap-vvar comparison');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await new Promise((r) => setTimeout(r, 2500)); // the timeline webviews draw after their ready handshake
    await screenshot('tours-04-step3-comparison');

    // Patch 3 is not in the test mailbox: the step falls back to our notes and says so.
    const fourth = await vscode.commands.executeCommand<StepView>('timens.tour.next');
    assert.equal(fourth.anchor.status, 'no-diff');
    const notes = await vscode.workspace.openTextDocument(fourth.threadUri);
    assert.match(notes.getText(), /Add time namespace page/);
    const back = await vscode.commands.executeCommand<StepView>('timens.tour.previous');
    assert.equal(back.index, 2);
  });

  test('compare from the command, on another kernel version', async function () {
    this.timeout(180000);
    const ext = vscode.extensions.getExtension('timens-explorer.timens-explorer')!;
    const uri = vscode.Uri.joinPath(ext.extensionUri, 'tours/scenarios/x86-vfork-after-unshare.timens');
    const cmp = await vscode.commands.executeCommand<Comparison>('timens.compare', uri, { kernel: '6.1' });
    assert.ok(cmp.firstLine);
    assert.equal(cmp.firstLine.line + 1, 10);
    assert.equal(cmp.firstLine.b?.errno, 'EINVAL');
    const patchCmp = await vscode.commands.executeCommand<Comparison>('timens.comparePatches', vscode.Uri.joinPath(ext.extensionUri, 'tours/scenarios/arm64-6-enable-timens.timens'), 'enable-timens');
    assert.equal(patchCmp.firstLine?.b?.errno, 'EINVAL');
  });

  test('recording a tour, editing a step, and a review reply with its notes', async function () {
    this.timeout(180000);
    const file = vscode.Uri.file(path.join(tmp, 'my-review.tour.json'));
    await vscode.commands.executeCommand('timens.tour.record', { title: 'My review', uri: file });
    const series = await vscode.commands.executeCommand<PatchSeries>('timens.openPatchSeries', vscode.Uri.file(mbx));
    const hunkNode = { kind: 'hunk', patchIndex: 1, fileIndex: 0, hunkIndex: 0, message: series.patches[1], file: series.patches[1].patch!.files[0], hunk: series.patches[1].patch!.files[0].hunks[0] };
    await vscode.commands.executeCommand('timens.tour.addStep', { from: 'hunk', node: hunkNode, body: 'The zap for arm64.' });
    await vscode.commands.executeCommand('timens.tour.addStep', { from: 'simulation', body: 'Where the clock is read.' });
    await vscode.commands.executeCommand('timens.tour.editStep', { index: 0, notes: 'Should the AArch32 mapping be zapped too?' });
    const saved = JSON.parse(fs.readFileSync(file.fsPath, 'utf8')) as Tour;
    assert.equal(saved.steps.length, 2);
    assert.equal(saved.steps[0].hunk?.function, 'vdso_join_timens');
    assert.equal(saved.steps[0].notes, 'Should the AArch32 mapping be zapped too?');
    assert.ok(saved.steps[1].scenario?.path.endsWith('.timens'));
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
    await screenshot('tours-05-recorded-tour');
  });
});
