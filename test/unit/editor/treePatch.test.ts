// A step sends what changed in the side-bar trees: patches applied in place give the trees built whole, keep the
// unchanged nodes (objects and all), and name only rows that differ.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunRecord } from '../../../extension/engine/runs';
import { TREE_KEYS, type TreeSet } from '../../../extension/engine/protocol';
import { runScenario } from '../../../extension/scenario/index';
import { diffTree, isEmptyPatch, PatchedTree, rowOf } from '../../../extension/scenario/editor/treePatch';
import type { TreeNode } from '../../../extension/scenario/editor/trees';
import { SAMPLE_SCENARIO } from '../../fixtures/sampleScenario';

const ARM64 = `arch arm64
kernel 5.9
P1: unshare(CLONE_NEWTIME)
P1: write("/proc/self/timens_offsets", "monotonic 86400 0")
expect ok
P1: fork() = P2
P2: clock_gettime(CLOCK_MONOTONIC)
expect P2 CLOCK_MONOTONIC == host + 86400s
P2: pthread_create() = T3
P2: touch([vvar], 1)
P1: touch([vvar], 1)
expect signal == SIGBUS
`;

function all(nodes: readonly TreeNode[], out: TreeNode[] = []): TreeNode[] {
  for (const n of nodes) { out.push(n); all(n.children, out); }
  return out;
}

function record(text: string): RunRecord {
  return new RunRecord(1, 'file:///t.timens', 1, 'run', runScenario(text), text, undefined, 0);
}

/** The trees at every position, forwards then backwards, as the engine builds them after each move. */
function walk(rec: RunRecord, mode: 'owner' | 'flat'): TreeSet[] {
  const n = rec.sim.eventCount;
  const out: TreeSet[] = [];
  const positions = [...Array(n + 1).keys(), ...[...Array(n).keys()].reverse()];
  for (const p of positions) {
    rec.cursor.move({ kind: 'goto', position: p }, 'test');
    out.push(rec.trees(mode));
  }
  return out;
}

for (const [name, text] of [['arm64 5.9 with a thread and SIGBUS', ARM64], ['the shared sample', SAMPLE_SCENARIO]] as const) {
  test(`tree patches of ${name}: applied in place they give the trees built whole, at every step both ways`, () => {
    for (const mode of ['owner', 'flat'] as const) {
      const states = walk(record(text), mode);
      const kept = Object.fromEntries(TREE_KEYS.map((k) => [k, new PatchedTree()])) as Record<(typeof TREE_KEYS)[number], PatchedTree>;
      for (const k of TREE_KEYS) kept[k].reset(structuredClone(states[0]![k]));
      let rowsSent = 0;
      let rowsTotal = 0;
      for (let i = 1; i < states.length; i++) {
        for (const k of TREE_KEYS) {
          const before = states[i - 1]![k];
          const after = states[i]![k];
          const patch = diffTree(before, after);
          const objects = new Map(all(kept[k].roots).map((n) => [n.id, n]));
          // Through a structured clone, as the patch crosses from the engine's thread to the host's.
          const touched = kept[k].apply(structuredClone(patch));
          assert.notEqual(touched, null, 'a patch of the trees the host has always applies');
          assert.deepEqual(kept[k].roots, after, `${k} at step ${i} (${mode})`);
          rowsTotal += all(after).length;
          if (patch.roots) continue;
          rowsSent += patch.rows.length + patch.subtrees.reduce((s, t) => s + all([t]).length, 0);
          // Only rows that differ are sent; every other node is the same object as before (a view keeps it).
          const old = new Map(all(before).map((n) => [n.id, n]));
          for (const row of patch.rows) assert.notDeepEqual(rowOf(old.get(row.id)!), row, `${row.id} is sent only when it changed`);
          const inSubtree = new Set(patch.subtrees.flatMap((t) => all(t.children).map((n) => n.id)));
          for (const n of all(kept[k].roots)) if (!inSubtree.has(n.id)) assert.equal(n, objects.get(n.id), `${n.id} keeps its object`);
          assert.equal(isEmptyPatch(patch), JSON.stringify(before) === JSON.stringify(after));
        }
      }
      assert.ok(rowsSent < rowsTotal / 4, `a step sends a small part of the rows (${rowsSent} of ${rowsTotal})`);
    }
  });
}

test('tree patches: changed roots replace the tree; a patch of other trees is refused, not half applied to wrong rows', () => {
  const leaf = (id: string, description: string): TreeNode => ({ id, kind: 'field', label: id, description, tooltip: '', icon: 'x', expanded: false, children: [], changed: false, changedInside: false });
  const a = [{ ...leaf('a', ''), children: [leaf('a/x', '1')] }];
  const b = [{ ...leaf('a', ''), children: [leaf('a/x', '2')] }, leaf('b', '')];
  assert.deepEqual(diffTree(a, b).roots?.map((n) => n.id), ['a', 'b']);
  const c = [{ ...leaf('a', ''), children: [leaf('a/x', '1'), leaf('a/y', '')] }];
  const sub = diffTree(a, c);
  assert.deepEqual(sub.subtrees.map((n) => n.id), ['a'], 'a new child sends its parent whole');
  const tree = new PatchedTree();
  tree.reset(structuredClone(a));
  assert.deepEqual((tree.apply(sub) as TreeNode[]).map((n) => n.id), ['a']);
  assert.equal(tree.get('a/y')?.id, 'a/y');
  assert.equal(tree.parentOf(tree.get('a/y')!), tree.get('a'));
  // An optional field the new row leaves out is dropped, not kept from before.
  const colored = [{ ...leaf('a', ''), iconColor: 'charts.red', children: [] }];
  const plain = new PatchedTree();
  plain.reset(structuredClone(colored));
  plain.apply(diffTree(colored, [leaf('a', '')]));
  assert.equal('iconColor' in plain.roots[0]!, false);
  assert.equal(new PatchedTree().apply(diffTree(a, [{ ...leaf('a', 'changed'), children: [leaf('a/x', '1')] }])), null);
});
