// What changed between two builds of a side-bar tree, so a step sends (and the view refreshes) only those rows:
// rows whose own fields differ, subtrees whose list of children differs, or the whole tree when its roots do.
import type { TreeNode } from './trees';

/** A node's own fields, without its children (a row to update in place). */
export type TreeRow = Omit<TreeNode, 'children'>;

export interface TreePatch {
  /** The list of roots changed (ids added, removed or reordered): these are the new roots, whole. */
  readonly roots?: TreeNode[];
  /** Nodes whose own fields changed and whose children are the same ids: their new fields. */
  readonly rows: TreeRow[];
  /** Nodes whose list of children changed: the node, whole, with its new subtree. */
  readonly subtrees: TreeNode[];
}

function sameIds(a: readonly TreeNode[], b: readonly TreeNode[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i]!.id !== b[i]!.id) return false;
  return true;
}

/** The fields a row shows or a command reads; children are compared by sameIds. */
const ROW_FIELDS = ['kind', 'label', 'description', 'tooltip', 'icon', 'iconColor', 'obj', 'field', 'sinceEvent', 'expanded', 'changed', 'changedInside'] as const satisfies readonly (keyof TreeRow)[];

function sameRow(a: TreeNode, b: TreeNode): boolean {
  for (const f of ROW_FIELDS) if (a[f] !== b[f]) return false;
  return true;
}

export function rowOf(n: TreeNode): TreeRow {
  const { children: _children, ...row } = n;
  return row;
}

/** The patch that turns `before` into `after` (both built by the functions of trees.ts); empty when equal. */
export function diffTree(before: readonly TreeNode[], after: readonly TreeNode[]): TreePatch {
  if (!sameIds(before, after)) return { roots: [...after], rows: [], subtrees: [] };
  const rows: TreeRow[] = [];
  const subtrees: TreeNode[] = [];
  const visit = (a: TreeNode, b: TreeNode): void => {
    if (!sameIds(a.children, b.children)) { subtrees.push(b); return; }
    if (!sameRow(a, b)) rows.push(rowOf(b));
    for (let i = 0; i < b.children.length; i++) visit(a.children[i]!, b.children[i]!);
  };
  for (let i = 0; i < after.length; i++) visit(before[i]!, after[i]!);
  return { rows, subtrees };
}

export function isEmptyPatch(p: TreePatch): boolean {
  return !p.roots && p.rows.length === 0 && p.subtrees.length === 0;
}

/** Gives `n` the fields of `row`, dropping the optional ones the row leaves out. */
function setRow(n: TreeNode, row: TreeRow): void {
  const target = n as unknown as Record<string, unknown>;
  for (const f of ROW_FIELDS) if (!(f in row)) delete target[f];
  Object.assign(n, row);
}

/** A tree kept by its nodes' ids, that takes patches in place (node objects keep their identity, as a view's
 *  elements must) and says which of its nodes to refresh. */
export class PatchedTree {
  roots: TreeNode[] = [];
  private readonly byId = new Map<string, TreeNode>();
  private readonly parents = new Map<TreeNode, TreeNode | undefined>();

  /** Replaces the whole tree. */
  reset(roots: TreeNode[]): void {
    this.roots = roots;
    this.byId.clear();
    this.parents.clear();
    this.index(roots, undefined);
  }

  /** Applies `patch`: the nodes to refresh, or 'all' when the roots changed; null when a node is unknown (the
   *  patch was made against another tree: the caller asks for the whole tree again). */
  apply(patch: TreePatch): TreeNode[] | 'all' | null {
    if (patch.roots) { this.reset(patch.roots); return 'all'; }
    const touched: TreeNode[] = [];
    for (const row of patch.rows) {
      const n = this.byId.get(row.id);
      if (!n) return null;
      setRow(n, row);
      touched.push(n);
    }
    for (const sub of patch.subtrees) {
      const n = this.byId.get(sub.id);
      if (!n) return null;
      this.forget(n.children);
      setRow(n, rowOf(sub));
      n.children.splice(0, n.children.length, ...sub.children);
      this.index(n.children, n);
      touched.push(n);
    }
    return touched;
  }

  get(id: string): TreeNode | undefined {
    return this.byId.get(id);
  }

  parentOf(n: TreeNode): TreeNode | undefined {
    return this.parents.get(n);
  }

  private index(nodes: readonly TreeNode[], parent: TreeNode | undefined): void {
    for (const n of nodes) { this.byId.set(n.id, n); this.parents.set(n, parent); this.index(n.children, n); }
  }

  private forget(nodes: readonly TreeNode[]): void {
    for (const n of nodes) { this.byId.delete(n.id); this.parents.delete(n); this.forget(n.children); }
  }
}
