// The Patch Series view's rows: a short series shows its patches at the root as before; a long one is paged,
// every patch reachable exactly once, and each row's parent is the row it was listed under.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSeries } from '../../../extension/tours/seriesReader';
import type { PatchSeries } from '../../../extension/tours/series';
import { PAGE_SIZE, seriesChildren, seriesParent, type SeriesNode } from '../../../extension/vscode/patchSeriesNodes';
import { b4Mbx, COVER, PATCH_1, PATCH_2 } from './fixtures';
import { generatedMbox } from './generate';

/** Every row below the root, each checked against its parent; the patches in the order they were reached. */
function walk(s: PatchSeries): { rows: number; patches: number[] } {
  const patches: number[] = [];
  let rows = 0;
  const visit = (node: SeriesNode | undefined) => {
    for (const child of seriesChildren(s, node)) {
      rows++;
      assert.deepEqual(seriesParent(s, child), node, `the parent of a ${child.kind} row is the row it was listed under`);
      if (child.kind === 'patch') patches.push(child.index);
      visit(child);
    }
  };
  visit(undefined);
  return { rows, patches };
}

test('a short series shows the cover and its patches at the root, as before paging', () => {
  const s = parseSeries(b4Mbx([COVER, PATCH_1, PATCH_2]), 'v4.mbx');
  const root = seriesChildren(s);
  assert.deepEqual(root.map((n) => n.kind), ['problems', 'cover', 'patch', 'patch', 'patch'], 'patch 3 is missing: a problem');
  assert.deepEqual(root.flatMap((n) => (n.kind === 'patch' ? [n.index] : [])), [0, 1, 2]);
  assert.deepEqual(walk(s).patches, [0, 1, 2]);
  assert.deepEqual(seriesChildren(null).map((n) => n.kind), ['info', 'bundled', 'bundled', 'bundled', 'bundled', 'bundled', 'bundled']);
});

test('a long series is paged at its root: every patch once, in order, and every parent the row above', () => {
  for (const count of [PAGE_SIZE, PAGE_SIZE + 1, 2 * PAGE_SIZE + 500]) {
    const s = parseSeries(generatedMbox(count), 'generated.mbox');
    assert.equal(s.patches.length, count);
    const root = seriesChildren(s);
    const pages = root.filter((n) => n.kind === 'page');
    assert.equal(pages.length, count > PAGE_SIZE ? Math.ceil(count / PAGE_SIZE) : 0, `${count} patches`);
    assert.ok(root.length <= PAGE_SIZE, 'the root never lists more than a page of rows');
    for (const p of pages) assert.ok(p.kind === 'page' && p.end - p.start <= PAGE_SIZE && p.end > p.start);
    const { patches } = walk(s);
    assert.deepEqual(patches, Array.from({ length: count }, (_, i) => i), `${count}: each patch reached once, in order`);
  }
});

test('the chain of parents of a hunk in a late page leads through its file, patch and page to the root', () => {
  const s = parseSeries(generatedMbox(2 * PAGE_SIZE + 10), 'generated.mbox');
  const index = 2 * PAGE_SIZE + 7;
  const message = s.patches[index];
  const file = message.patch!.files[0];
  let node: SeriesNode | undefined = { kind: 'hunk', patchIndex: index, fileIndex: 0, hunkIndex: 0, message, file, hunk: file.hunks[0] };
  const chain: string[] = [];
  while (node) {
    chain.push(node.kind === 'page' ? `page ${node.start}-${node.end}` : node.kind);
    const parent = seriesParent(s, node);
    if (parent) assert.ok(seriesChildren(s, parent).some((c) => JSON.stringify(c) === JSON.stringify(node)), `${node.kind} is a child of its parent`);
    node = parent;
  }
  assert.deepEqual(chain, ['hunk', 'file', 'patch', `page ${2 * PAGE_SIZE}-${2 * PAGE_SIZE + 10}`]);
});

test('a patch whose mailbox file changed since its import shows why on its row, instead of failing the tree', () => {
  const s = parseSeries(b4Mbx([COVER, PATCH_1, PATCH_2]), 'v4.mbx');
  const gone = Object.defineProperty({ ...s.patches[0] }, 'patch', { get: () => { throw new Error('v4.mbx has changed since it was imported: import it again to read its messages'); } });
  const patch = seriesChildren({ ...s, patches: [gone, ...s.patches.slice(1)] }).find((n) => n.kind === 'patch' && n.index === 0)!;
  assert.deepEqual(seriesChildren({ ...s, patches: [gone, ...s.patches.slice(1)] }, patch), [
    { kind: 'info', label: 'v4.mbx has changed since it was imported: import it again to read its messages', icon: 'error' },
  ]);
});
