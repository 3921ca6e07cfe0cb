// The foundation checks in the real VS Code: the extension activates, its view container and views are
// there, and its commands run.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { EXTENSION_ID, activateExtension, screenshot, waitFor } from './helpers';

suite('Timens Explorer in a real VS Code', () => {
  test('runs in a Node extension host of VS Code 1.139.1', () => {
    assert.strictEqual(vscode.version, '1.139.1');
    assert.strictEqual(typeof process.versions.node, 'string');
  });

  test('declares only lazy activation, and activates on demand', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is installed`);
    // Start-up activation ('*', onStartupFinished) would cost every VS Code user time; views, commands,
    // the language and the debugger imply their own activation events.
    const events: string[] = ext.packageJSON.activationEvents ?? [];
    assert.deepStrictEqual(events.filter((e) => e === '*' || e === 'onStartupFinished'), []);
    const api = await activateExtension();
    assert.ok(ext.isActive);
    assert.ok(api.store, 'the API exposes the session store');
    assert.strictEqual(api.store.active, undefined, 'no simulation runs before the user asks for one');
  });

  test('contributes the .timens language, the Timens container and its views', async () => {
    const languages = await vscode.languages.getLanguages();
    assert.ok(languages.includes('timens'), 'language timens is registered');
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const views = (ext.packageJSON.contributes.views.timens as { id: string }[]).map((v) => v.id);
    for (const id of ['timens.namespaces', 'timens.tasks', 'timens.memory']) assert.ok(views.includes(id), `view ${id} is contributed`);
    await vscode.commands.executeCommand('workbench.view.extension.timens');
    // VS Code creates a `<view>.focus` command for every view it has really registered.
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['timens.namespaces', 'timens.tasks', 'timens.memory']) assert.ok(commands.includes(`${id}.focus`), `${id} is registered in the workbench`);
    await screenshot('foundation-view-container');
  });

  test('a command runs and reports success', async () => {
    const result = await vscode.commands.executeCommand<boolean>('timens.showLog');
    assert.strictEqual(result, true);
  });

  test('a .timens file opens in the timens language and activates the extension', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'timens', content: 'P1: unshare(CLONE_NEWTIME)\n' });
    await vscode.window.showTextDocument(doc);
    assert.strictEqual(doc.languageId, 'timens');
    await waitFor(() => vscode.extensions.getExtension(EXTENSION_ID)?.isActive, 'activation');
  });
});
