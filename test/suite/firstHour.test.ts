// A newcomer's first hour in the real VS Code: settings read as formatted text, File > New File… offers a
// scenario, the event timeline is not named like VS Code's own Timeline view, and closing every editor leaves
// no "Illegal argument: TextEditor" or configuration-scope warning in the extension host's log.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { EXTENSION_ID, activateExtension, probeDom, screenshot, waitFor, workspaceRoot } from './helpers';

const inHarness = !!process.env.HARNESS_SHOT_DIR;

/** The lines of the extension host's logs (exthost.log, remoteexthost.log) that match `pattern`. */
async function hostLogLines(pattern: RegExp): Promise<string[]> {
  const api = await activateExtension();
  const dir = path.dirname(api.services.context.logUri.fsPath);
  return fs.readdirSync(dir).filter((f) => /exthost\.log$/i.test(f))
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter((l) => pattern.test(l)));
}

suite('first hour', () => {
  suiteSetup(async () => {
    await activateExtension();
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('settings with code in their description are Markdown, and the Settings editor shows no backticks', async () => {
    const properties = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes.configuration.properties as Record<string, { description?: string; markdownDescription?: string }>;
    const plainWithCode = Object.entries(properties).filter(([, p]) => p.description?.includes('`')).map(([k]) => k);
    assert.deepStrictEqual(plainWithCode, [], 'a plain description shows its backticks literally');
    if (!inHarness) return;
    await vscode.commands.executeCommand('workbench.action.openSettings', 'timens.defaultArch');
    const text = await waitFor(async () => (await probeDom('.settings-editor .setting-item-description'))?.map((e) => e.text).find((t) => /no .*arch.* line/.test(t)), 'the rendered description');
    assert.strictEqual(text, 'Architecture a scenario runs on when it has no arch line.');
    await screenshot('first-hour-settings');
  });

  test('File > New File… offers a Timens Scenario, which opens an untitled scenario.timens', async () => {
    const before = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
    if (inHarness) {
      void vscode.commands.executeCommand('welcome.showNewFileEntries');
      // The quick input is one widget: rows of a list shown before (the examples) can still be read until the
      // New File… entries replace them, so wait for the entry itself (it never appears if it is not offered).
      let last: string[] = [];
      const rows = await waitFor(async () => {
        last = (await probeDom('.quick-input-list .monaco-list-row'))?.map((e) => e.ariaLabel ?? '') ?? [];
        return last.some((r) => r.startsWith('Timens Scenario')) ? last : undefined;
      }, 'the New File… entries with Timens Scenario').catch((e: Error) => { throw new Error(`${e.message}; rows: ${last.join(' | ')}`); });
      assert.ok(rows.some((r) => r.startsWith('Timens Scenario')), rows.join(' | '));
      await screenshot('first-hour-new-file');
      await probeDom('body', [{ click: '.quick-input-list .monaco-list-row[aria-label^="Timens Scenario"]' }]);
    } else {
      await vscode.commands.executeCommand('timens.newScenario');
    }
    // The untitled document opens first, then its text is inserted (a named untitled file cannot be opened with content).
    const doc = await waitFor(() => vscode.workspace.textDocuments.find((d) => !before.has(d.uri.toString()) && d.languageId === 'timens' && d.getText() !== ''), 'the new scenario with its text');
    assert.strictEqual(doc.uri.scheme, 'untitled');
    assert.strictEqual(path.posix.basename(doc.uri.path), 'scenario.timens');
    assert.match(doc.getText(), /^# .*\narch x86_64\nkernel 6\.18\n/);
  });

  test('the event timeline is named so that it is not taken for VS Code\'s Timeline view', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON.contributes;
    const titles: string[] = [
      ...ext.viewsContainers.activitybar.map((c: { title: string }) => c.title),
      ...Object.values(ext.views as Record<string, { name: string }[]>).flat().map((v) => v.name),
      ...ext.commands.map((c: { title: string }) => c.title),
    ];
    assert.deepStrictEqual(titles.filter((t) => /^(open )?timeline$/i.test(t)), []);
    await vscode.window.showTextDocument(vscode.Uri.joinPath(workspaceRoot(), '01-unshare-and-time-for-children.timens'));
    await vscode.commands.executeCommand('timens.openTimeline');
    const tab = await waitFor(() => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('timens.timeline')), 'the timeline tab');
    assert.strictEqual(tab.label, 'Timens Event Timeline');
    if (inHarness) {
      const items = (await probeDom('.activitybar .action-item .action-label'))?.map((e) => e.ariaLabel ?? '') ?? [];
      assert.ok(items.some((a) => a.startsWith('Timens Explorer')), items.join(' | '));
    }
  });

  test('closing every editor of scenarios with results and a highlighted line logs no warning', async () => {
    const warnings = /Illegal argument: TextEditor|\[timens-explorer\.timens-explorer\] Accessing a window scoped configuration/;
    const before = (await hostLogLines(warnings)).length;
    const root = workspaceRoot();
    const api = await activateExtension();
    for (const [name, column] of [['01-unshare-and-time-for-children.timens', vscode.ViewColumn.One], ['02-offsets-and-freezing.timens', vscode.ViewColumn.Two]] as const) {
      const uri = vscode.Uri.joinPath(root, name);
      await vscode.window.showTextDocument(uri, { viewColumn: column });
      await vscode.commands.executeCommand('timens.runScenario', uri);
      await waitFor(() => api.store.get(uri), `the run of ${name}`);
    }
    await vscode.commands.executeCommand('timens.stepBack'); // the current-line highlight too
    await new Promise((r) => setTimeout(r, 1000));
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor(() => vscode.window.visibleTextEditors.length === 0, 'no editor');
    // The warnings, when there are any, are logged as the extension host hears of the closed editors.
    await new Promise((r) => setTimeout(r, 2000));
    const after = await hostLogLines(warnings);
    assert.deepStrictEqual(after.slice(before), []);
  });
});
