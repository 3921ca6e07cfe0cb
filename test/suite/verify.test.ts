// Verify in the real VS Code: the command runs a scenario against this machine's kernel, a disagreement
// becomes a diagnostic of its own collection on its line, the side-by-side view and the status bar show the
// kernel and the counts, and a running verification can be cancelled.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateExtension, screenshot, waitFor } from './helpers';
import type { FileReport } from '../../extension/verify/index';
import { disagreementDiagnostics, VERIFY_SOURCE } from '../../extension/vscode/verify';

// Line 7 is the corner a model once got wrong: P2 is root of a child user namespace whose maps cover uid 1000, so
// its CAP_DAC_OVERRIDE there lets it open P3's timens_offsets (owned by uid 1000) for writing (fs/namei.c
// generic_permission → capable_wrt_inode_uidgid). It needs a root sandbox (uid 1000 exists only there): the
// harness runs as root. The model has no known disagreement with this kernel, so the rendering of one is checked
// on the real report with one line's kernel side changed (the comparison itself is unit-tested).
const SCENARIO = [
  '# verify: the model and the kernel side by side',
  'spawn P3 uid=1000',
  'P1: fork() = P2',
  'P2: unshare(CLONE_NEWUSER)',
  'P1: write("/proc/P2/uid_map", "0 0 65536")',
  'P1: write("/proc/P2/gid_map", "0 0 65536")',
  'P2: open("/proc/P3/timens_offsets", O_WRONLY) = w',
  'P1: unshare(CLONE_NEWTIME)',
  'P1: write("/proc/self/timens_offsets", "monotonic 3600 0")',
  'P1: fork() = P4',
  'P4: clock_gettime(CLOCK_MONOTONIC)',
  'suspend 1h',
].join('\n');

suite('Timens: Verify Against Running Kernel', () => {
  let doc: vscode.TextDocument;

  suiteSetup(async () => {
    const api = await activateExtension();
    // The first run asks before anything runs; the test has answered that already.
    await api.services.context.globalState.update('timens.verify.confirmed', true);
    doc = await vscode.workspace.openTextDocument({ language: 'timens', content: SCENARIO });
    await vscode.window.showTextDocument(doc);
  });

  test('the commands are contributed and need a trusted workspace', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const c of ['timens.verifyRunningKernel', 'timens.verifyKernelImage', 'timens.verify.cancel']) assert.ok(commands.includes(c), c);
    const ext = vscode.extensions.getExtension('timens-explorer.timens-explorer')!;
    const cmd = (ext.packageJSON.contributes.commands as { command: string; enablement?: string }[]).find((c) => c.command === 'timens.verifyRunningKernel');
    assert.strictEqual(cmd?.enablement, 'isWorkspaceTrusted');
    assert.strictEqual(vscode.workspace.isTrusted, true, 'the harness trusts its workspace');
  });

  test('the kernel and the model agree line by line; the report has the kernel and the counts', async () => {
    const r = await vscode.commands.executeCommand<FileReport>('timens.verifyRunningKernel', { uri: doc.uri });
    assert.ok(r && typeof r === 'object', `a report: ${String(r)}`);
    assert.strictEqual(r.error, null, r.error ?? '');
    assert.match(r.kernel.release, /^\d+\.\d+/);
    assert.deepStrictEqual({ disagree: r.disagree, agreeAtLeast: r.agree >= 9, unchecked: r.unchecked },
      { disagree: 0, agreeAtLeast: true, unchecked: 1 }, JSON.stringify(r.lines.filter((l) => l.status !== 'agree')));
    const open = r.lines.find((l) => l.line === 6);
    assert.strictEqual(open?.status, 'agree', 'the DAC override line (needs a root sandbox)');
    assert.match(open?.kernel ?? '', /^ok/);
    const suspend = r.lines.find((l) => l.line === 11);
    assert.strictEqual(suspend?.status, 'unchecked');
    assert.match(suspend?.reason ?? '', /suspend changes the host/);
    await waitFor(() => vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.label.startsWith('Verify'))), 'the side-by-side view');
    assert.strictEqual(vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === VERIFY_SOURCE).length, 0, 'no verify diagnostics when all agree');
    await screenshot('verify-side-by-side');

    // A disagreement on line 7 becomes a warning on its operation, naming both sides.
    const changed: FileReport = { ...r, disagree: 1, agree: r.agree - 1,
      lines: r.lines.map((l) => l.line === 6 ? { ...l, status: 'disagree', diffs: [{ field: 'outcome', kernel: 'ok', model: 'EACCES' }] } : l) };
    const diags = disagreementDiagnostics(doc, changed);
    assert.strictEqual(diags.length, 1);
    assert.deepStrictEqual([diags[0]!.range.start.line, diags[0]!.range.start.character, diags[0]!.range.end.character], [6, 0, doc.lineAt(6).text.length]);
    assert.match(diags[0]!.message, /outcome: kernel ok, model EACCES/);
    assert.strictEqual(diags[0]!.severity, vscode.DiagnosticSeverity.Warning);
  });

  test('the report can be shown again, and a running verification can be cancelled', async () => {
    const again = await vscode.commands.executeCommand<FileReport>('timens.verify.showReport');
    assert.ok(again && again.lines.length >= 6);
    const long = await vscode.workspace.openTextDocument({ language: 'timens', content: 'P1: fork() = P2\nP2: clock_nanosleep(CLOCK_MONOTONIC, 0, 2s)\nP2: clock_nanosleep(CLOCK_MONOTONIC, 0, 2s)\nP2: clock_nanosleep(CLOCK_MONOTONIC, 0, 2s)' });
    const running = vscode.commands.executeCommand('timens.verifyRunningKernel', { uri: long.uri });
    await waitFor(() => Promise.resolve(vscode.commands.executeCommand<boolean>('timens.verify.cancel')), 'a running verification to cancel', 20000, 50);
    assert.strictEqual(await running, 'cancelled');
  });
});
