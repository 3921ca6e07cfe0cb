// Every shipped example (examples/*.timens) is valid, explains itself with comments, and all its
// expectations hold on its own header's profile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runScenario } from '../../../extension/scenario/index';

const DIR = path.resolve(__dirname, '../../../../examples');
const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.timens')).sort();

test('there are at least 12 examples', () => {
  assert.ok(files.length >= 12, `${files.length} examples`);
});

for (const f of files) {
  test(`example ${f}`, () => {
    const text = fs.readFileSync(path.join(DIR, f), 'utf8');
    const run = runScenario(text, { file: f });
    // A forced build (a patch-off kernel that does not build) carries its label as a warning, and only then.
    const forced = run.diagnostics.filter((d) => d.code === 'forced-build');
    assert.equal(forced.length, run.parsed.header.forcedBuild ? 1 : 0);
    assert.deepEqual(run.diagnostics.filter((d) => d.severity !== 'info' && d.code !== 'expect-failed' && d.code !== 'forced-build').map((d) => `${d.range.line + 1}: ${d.message}`), []);
    assert.deepEqual(run.expectations.filter((e) => !e.passed).map((e) => `${e.expectation.line + 1}: ${e.message}`), []);
    assert.ok(run.expectations.length >= 3, 'an example checks what it shows');
    assert.ok(run.parsed.header.arch && run.parsed.header.kernel, 'an example says which machine it runs on');
    const comments = text.split('\n').filter((l) => l.trimStart().startsWith('#')).length;
    assert.ok(comments >= 3, 'an example explains itself');
    assert.equal(run.passed, true);
  });
}

// Each patch-off example shows what its patch changes: with the patch applied, an expectation fails.
for (const f of files.filter((x) => /patch-\d-.*-off/.test(x))) {
  test(`example ${f} fails with its patch switched on`, () => {
    const text = fs.readFileSync(path.join(DIR, f), 'utf8');
    const run = runScenario(text, { file: f, disabledPatches: [] });
    assert.ok(run.valid, 'the whole series builds');
    const failed = run.expectations.filter((e) => !e.passed);
    assert.ok(failed.length > 0, 'no expectation depends on the patch');
    // Every expectation marked "# on:" is one the patch changes.
    const lines = text.split('\n');
    for (const e of run.expectations) if (/#\s*on:/.test(lines[e.expectation.line])) assert.equal(e.passed, false, `line ${e.expectation.line + 1} holds with the patch on`);
  });
}
