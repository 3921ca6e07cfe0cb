// Runs only against the .vsix installed into VS Code (TIMENS_PACKAGED=1): proves that the package holds
// everything the extension needs at run time.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { EXTENSION_ID, activateExtension } from './helpers';

suite('The packaged extension (.vsix)', () => {
  test('is the installed copy, not the development folder', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, 'the .vsix was installed');
    const extensionsDir = process.env.HARNESS_EXTENSIONS_DIR;
    assert.ok(extensionsDir, 'the harness says where extensions are installed');
    assert.ok(ext.extensionPath.startsWith(fs.realpathSync(extensionsDir)) || ext.extensionPath.startsWith(extensionsDir),
      `${ext.extensionPath} lies under ${extensionsDir}`);
  });

  test('activates from the package and ships its bundles and media', async () => {
    const api = await activateExtension();
    assert.ok(api.store);
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    for (const rel of ['dist/extension.js', 'dist/engine.js', 'dist/importWorker.js', 'dist/cli.js', 'dist/webview/timeline.js', 'dist/webview/memory.js', 'media/memory.css', 'media/timens.svg', 'media/language-configuration.json']) {
      assert.ok(fs.existsSync(path.join(ext.extensionPath, rel)), `${rel} is in the package`);
    }
    // The grammar is a build output (tools/build.mjs makes it from the vocabulary): the path package.json names.
    for (const g of (ext.packageJSON as { contributes: { grammars: { path: string; scopeName: string }[] } }).contributes.grammars) {
      const file = path.join(ext.extensionPath, g.path);
      assert.ok(fs.existsSync(file), `${g.path} is in the package`);
      assert.strictEqual((JSON.parse(fs.readFileSync(file, 'utf8')) as { scopeName: string }).scopeName, g.scopeName);
    }
    // vsce stores the licence as LICENSE.txt
    assert.ok(['LICENSE', 'LICENSE.txt'].some((f) => fs.existsSync(path.join(ext.extensionPath, f))), 'the licence is in the package');
    assert.ok(fs.readdirSync(path.join(ext.extensionPath, 'dist')).every((f) => !f.endsWith('.map')), 'no source maps are shipped');
    for (const rel of ['node_modules', 'test', 'extension', 'out']) {
      assert.ok(!fs.existsSync(path.join(ext.extensionPath, rel)), `${rel} is kept out of the package`);
    }
  });

  test('ships no test hooks, and runs scenarios in its worker', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const bundles = ['dist/extension.js', 'dist/engine.js', 'dist/webview/timeline.js'].map((rel) => fs.readFileSync(path.join(ext.extensionPath, rel), 'utf8'));
    for (const hook of ['__timeline', 'timens.editor._inspect', 'timens.timeline._test']) {
      assert.ok(bundles.every((b) => !b.includes(hook)), `${hook} is not in the shipped bundles`);
    }
    const doc = await vscode.workspace.openTextDocument({ language: 'timens', content: 'kernel 6.18\nP1: unshare(CLONE_NEWTIME)\nP1: fork() = P2\n' });
    const session = await vscode.commands.executeCommand<{ eventCount: number } | undefined>('timens.runScenario', doc.uri);
    assert.ok(session && session.eventCount > 10, 'the packaged engine ran the scenario');
  });
});
