// Verify in the real VS Code: the command runs a scenario against this machine's kernel, a disagreement
// becomes a diagnostic of its own collection on its line, the side-by-side view and the status bar show the
// kernel and the counts, and a running verification can be cancelled.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { activateExtension, screenshot, waitFor } from './helpers';
import type { FileReport } from '../../extension/verify/index';

// Line 3 disagrees on every kernel: a /proc/PID directory fd is not a pidfd, so the kernel's setns refuses it
// (EINVAL: kernel/nsproxy.c setns takes a namespace file or a pidfd_fops file only), while the model still
// accepts it (a model error left for the next fidelity round; when it is fixed, this test needs another).
const SCENARIO = [
  '# verify: the model and the kernel side by side',
  'P1: open("/proc/self") = d',
  'P1: setns(d, CLONE_NEWTIME)',
  'P1: unshare(CLONE_NEWTIME)',
  'P1: write("/proc/self/timens_offsets", "monotonic 3600 0")',
  'P1: fork() = P2',
  'P2: clock_gettime(CLOCK_MONOTONIC)',
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

  test('a disagreement becomes a diagnostic on its line; the report has the kernel and the counts', async () => {
    const r = await vscode.commands.executeCommand<FileReport>('timens.verifyRunningKernel', { uri: doc.uri });
    assert.ok(r && typeof r === 'object', `a report: ${String(r)}`);
    assert.strictEqual(r.error, null, r.error ?? '');
    assert.match(r.kernel.release, /^\d+\.\d+/);
    assert.ok(r.disagree >= 1 && r.agree >= 4 && r.unchecked >= 1, JSON.stringify({ agree: r.agree, disagree: r.disagree, unchecked: r.unchecked }));
    const diags = await waitFor(() => vscode.languages.getDiagnostics(doc.uri).filter((d) => d.source === 'timens verify'), 'verify diagnostics');
    const third = diags.find((d) => d.range.start.line === 2);
    assert.ok(third, `a diagnostic on line 3: ${JSON.stringify(diags.map((d) => [d.range.start.line, d.message]))}`);
    assert.match(third.message, /outcome: kernel EINVAL, model ok/);
    assert.strictEqual(third.severity, vscode.DiagnosticSeverity.Warning);
    assert.ok(!diags.some((d) => d.range.start.line === 6), 'the clock line agrees: no diagnostic');
    const suspend = r.lines.find((l) => l.line === 7);
    assert.strictEqual(suspend?.status, 'unchecked');
    assert.match(suspend?.reason ?? '', /suspend changes the host/);
    await waitFor(() => vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.label.startsWith('Verify'))), 'the side-by-side view');
    await screenshot('verify-side-by-side');
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
