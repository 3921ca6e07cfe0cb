// The Namespaces, Tasks and Memory views: the engine builds their models (extension/scenario/editor/trees.ts)
// at the cursor of the run on screen, marked with what the last step changed, and sends them after each move.
import * as vscode from 'vscode';
import type { TreeViews } from '../../engine/protocol';
import { treeToText, type NamespaceMode, type TreeNode } from '../../scenario/editor/trees';
import type { Services } from '../services';

export const VIEW_IDS = ['timens.namespaces', 'timens.tasks', 'timens.memory'] as const;
export type ViewId = (typeof VIEW_IDS)[number];

class NodeProvider implements vscode.TreeDataProvider<TreeNode> {
  private readonly emitter = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  roots: TreeNode[] = [];
  /** How often VS Code asked for children: tests use it to know the view really rendered. */
  getChildrenCalls = 0;
  private readonly parents = new Map<TreeNode, TreeNode | undefined>();

  set(roots: TreeNode[]): void {
    this.roots = roots;
    this.parents.clear();
    const walk = (nodes: TreeNode[], parent: TreeNode | undefined): void => {
      for (const n of nodes) { this.parents.set(n, parent); walk(n.children, n); }
    };
    walk(roots, undefined);
    this.emitter.fire(undefined);
  }

  getChildren(element?: TreeNode): TreeNode[] {
    this.getChildrenCalls++;
    return element ? element.children : this.roots;
  }

  getParent(element: TreeNode): TreeNode | undefined {
    return this.parents.get(element);
  }

  getTreeItem(n: TreeNode): vscode.TreeItem {
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
    'timens.namespaces': new NodeProvider(),
    'timens.tasks': new NodeProvider(),
    'timens.memory': new NodeProvider(),
  } satisfies Record<ViewId, NodeProvider>;
  const views = Object.fromEntries(VIEW_IDS.map((id) => [id, vscode.window.createTreeView(id, { treeDataProvider: providers[id], showCollapseAll: true })])) as Record<ViewId, vscode.TreeView<TreeNode>>;
  let mode: NamespaceMode = context.workspaceState.get<NamespaceMode>('timens.namespacesMode', 'owner');
  void vscode.commands.executeCommand('setContext', 'timens.namespacesMode', mode);

  let generation = 0;
  const refresh = (views: TreeViews | undefined): void => {
    generation++;
    const key: Record<ViewId, 'namespaces' | 'tasks' | 'memory'> = { 'timens.namespaces': 'namespaces', 'timens.tasks': 'tasks', 'timens.memory': 'memory' };
    for (const id of VIEW_IDS) providers[id].set(views ? views[key[id]] : []);
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
