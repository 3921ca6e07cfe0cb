// The editor feature (issue 4): .timens language support, the three side-bar trees, the commands that
// drive the shared simulation cursor, inline results and the status bar item.
import * as vscode from 'vscode';
import type { TreeNode } from '../../scenario/editor/trees';
import type { Services } from '../services';
import { registerEditorCommands } from './commands';
import { registerInlineResults } from './inline';
import { registerLanguageFeatures } from './language';
import { registerNewScenarioCommands } from './newScenario';
import { registerTrees, VIEW_IDS } from './trees';

export function registerEditor(services: Services): void {
  const diagnostics = registerLanguageFeatures(services);
  const trees = registerTrees(services);
  const inline = registerInlineResults(services, diagnostics);
  registerEditorCommands(services, trees);
  registerNewScenarioCommands(services);

  // For the extension's own VS Code tests: what the views and the editor show right now, as plain data.
  // Not contributed in package.json, so it is not in the command palette; not in the shipped bundle at all.
  if (!TIMENS_TEST_HOOKS) return;
  const plain = (n: TreeNode): unknown => ({ label: n.label, description: n.description, changed: n.changed, children: n.children.map(plain) });
  services.context.subscriptions.push(vscode.commands.registerCommand('timens.editor._inspect', async (uri?: vscode.Uri) => (await inline.settled(), {
    views: Object.fromEntries(VIEW_IDS.map((id) => [id, {
      visible: trees.views[id].visible,
      getChildrenCalls: trees.providers[id].getChildrenCalls,
      getTreeItemCalls: trees.providers[id].getTreeItemCalls,
      lastRefresh: trees.providers[id].lastRefresh,
      nodes: trees.providers[id].roots.map(plain),
    }])),
    namespacesMode: trees.mode(),
    treeGeneration: trees.generation(),
    inline: uri ? inline.shown(uri) : [],
    sessionVersion: uri ? services.store.get(uri)?.documentVersion : undefined,
    checking: diagnostics.checkingShown,
    statusBar: inline.statusBar.text,
    sentAs: uri ? services.documents.sentAs(uri) : undefined,
    engine: await services.store.engine.request('stats', {}),
  })));
}
