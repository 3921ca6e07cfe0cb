// The hunk quick pick's list: at most the limit, narrowed over every hunk by the words typed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HunkPickList, PICK_LIMIT } from '../../../extension/tours/hunkPick';
import type { HunkRef } from '../../../extension/tours/links';
import type { SeriesMessage } from '../../../extension/tours/series';

function ref(n: number, fns: string[]): HunkRef {
  const patch = { subjectInfo: { tag: `[PATCH ${n}/3000]` } } as unknown as SeriesMessage;
  return { patch, patchIndex: n, fileIndex: 0, hunkIndex: 0, header: `@@ -${n},6 +${n},8 @@ static int f${n}(void)`, functions: fns };
}

const ALL = new HunkPickList(Array.from({ length: 3000 }, (_, i) => ref(i + 1, i % 2 ? ['vvar_fault'] : ['vvar_fault', 'vdso_join_timens'])));

test('without a word typed: the first PICK_LIMIT hunks, and how many there are', () => {
  const { items, matched } = ALL.show('  ');
  assert.equal(matched, 3000);
  assert.equal(items.length, PICK_LIMIT);
  assert.equal(items[0]!.ref.patchIndex, 1);
  assert.equal(items[0]!.label, '[PATCH 1/3000] @@ -1,6 +1,8 @@ static int f1(void)');
  assert.equal(items[0]!.description, 'vvar_fault, vdso_join_timens');
});

test('words typed narrow over every hunk, not only the listed ones, in any case and order', () => {
  const late = ALL.show('PATCH 2999/');
  assert.deepEqual(late.items.map((i) => i.ref.patchIndex), [2999]);
  const both = ALL.show('join_timens f29');
  assert.ok(both.items.every((i) => i.description.includes('vdso_join_timens') && i.label.includes('f29')));
  assert.equal(both.matched, both.items.length);
  assert.ok(!both.items.some((i) => i.ref.patchIndex === 2998), 'patch 2998 names vvar_fault alone');
  assert.ok(both.items.some((i) => i.ref.patchIndex === 2999));
  const many = ALL.show('vvar_fault', 10);
  assert.deepEqual([many.items.length, many.matched], [10, 3000]);
  assert.deepEqual(ALL.show('nothing-like-this'), { items: [], matched: 0 });
});
