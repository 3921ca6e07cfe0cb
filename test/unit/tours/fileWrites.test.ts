// The commands that write files never lose the user's: a new file takes a name no file has (a recorded tour
// of the same title used to be written over), and a recording writes its change into the file as it is now.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freeName, numberedName } from '../../../extension/vscode/freeName';
import { addStep, serializeTour, stepIndexIn, tourToChange, updateStep, type Tour } from '../../../extension/tours/tour';

test('freeName gives the name, else the first numbered name no file has', async () => {
  const files = new Set(['review.tour.json', 'review-2.tour.json', 'scenario.timens', 'before-5.11.timens']);
  const taken = (n: string) => files.has(n);
  assert.equal(await freeName('review.tour.json', taken), 'review-3.tour.json');
  assert.equal(await freeName('other.tour.json', taken), 'other.tour.json');
  assert.equal(await freeName('scenario.timens', async (n) => files.has(n)), 'scenario-2.timens');
  assert.equal(await freeName('before-5.11.timens', taken), 'before-5.11-2.timens');
  assert.equal(numberedName('README', 2), 'README-2');
});

test('a recording changes the tour in the file: edits made there meanwhile stay, a file that does not parse is not written', () => {
  const ours: Tour = { title: 'My review', steps: [{ title: 'one', body: 'first' }, { title: 'two', body: 'second' }] };
  assert.deepEqual(tourToChange(ours, serializeTour(ours), 't.tour.json'), { tour: ours });
  assert.deepEqual(tourToChange(ours, null, 't.tour.json'), { tour: ours }, 'a deleted file is written again');
  // The user fixed step one's text in the editor and saved, in their own layout.
  const edited: Tour = { title: 'My review', steps: [{ title: 'one', body: 'first, fixed' }, { title: 'two', body: 'second' }] };
  const base = tourToChange(ours, JSON.stringify(edited, null, 4), 't.tour.json');
  assert.ok('tour' in base);
  assert.deepEqual(addStep(base.tour, { title: 'three', body: '' }).steps.map((s) => s.body), ['first, fixed', 'second', '']);
  // Editing step two (index 1 in our copy) finds it in the file even after the user removed step one.
  const shorter: Tour = { title: 'My review', steps: [{ title: 'two', body: 'second' }] };
  const at = stepIndexIn(shorter, ours.steps[1], 1);
  assert.equal(at, 0);
  assert.deepEqual(updateStep(shorter, at, { body: 'second, edited' }).steps, [{ title: 'two', body: 'second, edited' }]);
  assert.equal(stepIndexIn({ title: 'x', steps: [] }, ours.steps[1], 1), -1);
  const broken = tourToChange(ours, '{ "title": "My review", "steps": [', 't.tour.json');
  assert.ok('problem' in broken && /t\.tour\.json .*does not parse \(line 1, column \d+: .*nothing was written/.test(broken.problem), JSON.stringify(broken));
});
