// The expect grammar in one place (extension/scenario/expectGrammar.ts): each form's example parses to that
// form, and what else knows the forms follows the table: completion, the parse error and the table in
// docs/language.md (the TextMate grammar is made from it: test/unit/editor/grammar.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseScenario } from '../../../extension/scenario/parser';
import { EXPECT_FORMS } from '../../../extension/scenario/expectGrammar';
import { completionsAt } from '../../../extension/scenario/editor/language';
import { DEFAULT_PROFILE } from '../../../extension/sim/types';

const ROOT = path.resolve(__dirname, '../../../..');
const SETUP = 'arch x86_64\nkernel 6.18\nP1: unshare(CLONE_NEWTIME)\nP1: fork() = P2\n';

function formOf(line: string): string | undefined {
  const p = parseScenario(SETUP + line);
  assert.deepEqual(p.diagnostics.filter((d) => d.severity === 'error'), [], line);
  return p.expectations[0]?.check.form;
}

test('every form\'s example parses to that form', () => {
  for (const f of EXPECT_FORMS) assert.equal(formOf(f.example), f.form, f.example);
});

test('docs/language.md shows an example of every form', () => {
  const doc = fs.readFileSync(path.join(ROOT, 'docs/language.md'), 'utf8');
  const table = doc.slice(doc.indexOf('## Expectations'), doc.indexOf('## Diagnostics'));
  const examples = [...table.matchAll(/\| `(expect [^`]*)` \|$/gm)].map((m) => m[1]);
  const documented = new Set(examples.map(formOf));
  for (const f of EXPECT_FORMS) assert.ok(documented.has(f.form), `docs/language.md has no example of the ${f.form} form`);
});

test('completion after `expect ` offers every form that starts with a word; the parse error lists every form', () => {
  const text = `${SETUP}expect `;
  const labels = completionsAt('expect ', 4, 7, { parsed: parseScenario(text), profile: DEFAULT_PROFILE }).map((e) => e.label);
  for (const f of EXPECT_FORMS.filter((x) => x.subject)) assert.ok(labels.includes(f.subject === 'ok' ? 'ok' : `${f.subject} ==`), `${f.subject}: ${labels.join()}`);
  const error = parseScenario(`${SETUP}expect 42`).diagnostics.find((d) => d.code === 'syntax')!;
  for (const f of EXPECT_FORMS) assert.ok(error.message.includes(f.pattern), `${f.pattern} in ${error.message}`);
});
