// The names the commands that create files choose: never one a file already has (a recorded tour of the same
// title used to be written over).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freeName, numberedName } from '../../../extension/vscode/freeName';

test('freeName gives the name, else the first numbered name no file has', async () => {
  const files = new Set(['review.tour.json', 'review-2.tour.json', 'scenario.timens', 'before-5.11.timens']);
  const taken = (n: string) => files.has(n);
  assert.equal(await freeName('review.tour.json', taken), 'review-3.tour.json');
  assert.equal(await freeName('other.tour.json', taken), 'other.tour.json');
  assert.equal(await freeName('scenario.timens', async (n) => files.has(n)), 'scenario-2.timens');
  assert.equal(await freeName('before-5.11.timens', taken), 'before-5.11-2.timens');
  assert.equal(numberedName('README', 2), 'README-2');
});
