// The Namespaces, Tasks and Memory views: the engine builds their models (extension/scenario/editor/trees.ts)
// at the cursor of the run on screen, marked with what the last step changed, and sends what changed after each
// move (scenario/editor/treePatch.ts); the views refresh only those rows.
import * as vscode from 'vscode';
import type { TreeKey } from '../../engine/protocol';
import type { PatchedTree } from '../../scenario/editor/treePatch';
import { treeToText, type NamespaceMode, type TreeNode } from '../../scenario/editor/trees';
import type { Services } from '../services';
import type { TreesChange } from '../session';

export const VIEW_IDS = ['timens.namespaces', 'timens.tasks', 'timens.memory'] as const;
export type ViewId = (typeof VIEW_IDS)[number];

class NodeProvider implements vscode.TreeDataProvider<TreeNode> {
  private readonly emitter = new vscode.EventEmitter<TreeNode[] | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  /** How often VS Code asked for children and for rows: tests use them to know what a step refreshed. */
  getChildrenCalls = 0;
  getTreeItemCalls = 0;
  /** How many nodes the last change refreshed ('all': the whole tree). */
  lastRefresh: number | 'all' = 'all';

  /** The store's copy of the tree, patched in place after each step. */
  constructor(private readonly tree: PatchedTree) {}

  get roots(): TreeNode[] {
    return this.tree.roots;
  }

  /** Refreshes the nodes a step changed (VS Code re-reads each one and what is open below it), or everything. */
  refresh(changed: readonly TreeNode[] | 'all'): void {
    this.lastRefresh = changed === 'all' ? 'all' : changed.length;
    if (changed === 'all') this.emitter.fire(undefined);
    else if (changed.length) this.emitter.fire([...changed]);
  }

  getChildren(element?: TreeNode): TreeNode[] {
    this.getChildrenCalls++;
    return element ? element.children : this.tree.roots;
  }

  getParent(element: TreeNode): TreeNode | undefined {
    return this.tree.parentOf(element);
  }

  getTreeItem(n: TreeNode): vscode.TreeItem {
    this.getTreeItemCalls++;
    const label: vscode.TreeItemLabel = { label: n.label, highlights: n.changed ? [[0, n.label.length]] : [] };
    const item = new vscode.TreeItem(label, n.children.length === 0
      ? vscode.TreeItemCollapsibleState.None
      : n.expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    item.id = n.id;
    // ● this row changed in the last step; ◦ something below it did (useful when it is folded).
    item.description = n.changed ? `● ${n.description}` : n.changedInside ? `◦ ${n.description}` : n.description;
    const tip = new vscode.MarkdownString();
    tip.appendText(n.tooltip || `${n.label}  ${n.description}`);
    if (n.changed) tip.appendMarkdown('\n\n**Changed in the last step**');
    item.tooltip = tip;
    const color = n.changed ? 'charts.yellow' : n.iconColor;
    item.iconPath = new vscode.ThemeIcon(n.icon, color ? new vscode.ThemeColor(color) : undefined);
    item.contextValue = `timens.node.${n.kind}`;
    return item;
  }
}

export interface TreesHandle {
  readonly providers: Readonly<Record<ViewId, NodeProvider>>;
  readonly views: Readonly<Record<ViewId, vscode.TreeView<TreeNode>>>;
  mode(): NamespaceMode;
  /** How many times the trees were replaced (tests and the benchmark wait for the next one). */
  generation(): number;
  /** All three trees as text (Copy as Text with no node selected). */
  allAsText(): string;
}

export function registerTrees(services: Services): TreesHandle {
  const { context, store } = services;
  const providers = {
    'timens.namespaces': new NodeProvider(store.patched.namespaces),
    'timens.tasks': new NodeProvider(store.patched.tasks),
    'timens.memory': new NodeProvider(store.patched.memory),
  } satisfies Record<ViewId, NodeProvider>;
  const views = Object.fromEntries(VIEW_IDS.map((id) => [id, vscode.window.createTreeView(id, { treeDataProvider: providers[id], showCollapseAll: true })])) as Record<ViewId, vscode.TreeView<TreeNode>>;
  let mode: NamespaceMode = context.workspaceState.get<NamespaceMode>('timens.namespacesMode', 'owner');
  void vscode.commands.executeCommand('setContext', 'timens.namespacesMode', mode);

  let generation = 0;
  const key: Record<ViewId, TreeKey> = { 'timens.namespaces': 'namespaces', 'timens.tasks': 'tasks', 'timens.memory': 'memory' };
  const refresh = ({ changed }: TreesChange): void => {
    generation++;
    for (const id of VIEW_IDS) providers[id].refresh(changed[key[id]]);
  };

  const setMode = (m: NamespaceMode): void => {
    mode = m;
    void context.workspaceState.update('timens.namespacesMode', m);
    void vscode.commands.executeCommand('setContext', 'timens.namespacesMode', m);
    store.watch(m);
  };

  context.subscriptions.push(
    ...Object.values(views),
    store.onDidChangeTrees(refresh),
    vscode.commands.registerCommand('timens.namespaces.showFlat', () => setMode('flat')),
    vscode.commands.registerCommand('timens.namespaces.showByOwner', () => setMode('owner')),
  );
  store.watch(mode);

  return {
    providers,
    views,
    mode: () => mode,
    generation: () => generation,
    allAsText: () => VIEW_IDS.map((id) => `${views[id].title ?? id}\n${treeToText(providers[id].roots, 1)}`).join('\n'),
  };
}
