// No tracked file cites the team's notes, which live outside the repository (a reader of the repository cannot
// follow them): a claim cites the kernel source, a docs/model-*.md heading, or a scenario of test/conformance.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');

/** The names of the notes, and paths into the folder beside the clone that holds them. A bare `design.md` is the
 *  team's design note (the repository has none; a path such as web/design.md would not match). */
const OUTSIDE: readonly RegExp[] = [
  /timens-model\.md|timens-model §/,
  /real-kernel-facts|arm64-kernel-facts/,
  /selftests-expectations|design-alternatives/,
  /(?<![\w./-])design\.md/,
  /(?<![\w./-])shared\/[\w.-]/,
  /\.\.\/shared\b/,
];

/** Files that may name the folder, each with why. .ci/run clones the repository into a temporary folder and links
 *  the team's folder beside it, as beside the working clone; it cites nothing and sends no reader there. This file
 *  names the patterns it looks for. */
const EXEMPT: ReadonlyMap<string, string> = new Map([
  ['.ci/run', 'CI layout: links ../shared beside its fresh clone'],
  ['test/unit/foundation/outsideNotes.test.ts', 'the patterns themselves'],
]);

/** Each line of `text` naming one of the outside notes, as `file:line: the line`. */
function citations(file: string, text: string): string[] {
  return text.split('\n').flatMap((line, i) =>
    OUTSIDE.some((re) => re.test(line)) ? [`${file}:${i + 1}: ${line.trim().slice(0, 160)}`] : []);
}

/** The tracked files of the repository (git's index), text only. */
function trackedTexts(): Array<[string, string]> {
  const names = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 }).split('\0').filter(Boolean);
  return names.flatMap((name): Array<[string, string]> => {
    const file = path.join(ROOT, name);
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) return [];
    const bytes = fs.readFileSync(file);
    return bytes.includes(0) ? [] : [[name, bytes.toString('utf8')]];
  });
}

test('a citation of an outside note is found, with its file and line; kernel and docs citations are not', () => {
  const text = [
    '// kernel/time/namespace.c timens_offsets_write, v5.6; docs/model-proc.md#procpidtimens_offsets',
    '# real-kernel-facts.md Q3: how the kernel parses an offsets write',
    '// Behaviour by version (timens-model.md §4, §7)',
    'Written from shared/kernel/timens-model.md.',
    'see ../shared/design.md, and design.md, Layers',
    'test/unit/sim/designs.test.ts, extension/shared/x.ts and web/design.md are ours',
  ].join('\n');
  assert.deepEqual(citations('x.ts', text).map((c) => c.split(':').slice(0, 2).join(':')), ['x.ts:2', 'x.ts:3', 'x.ts:4', 'x.ts:5']);
});

test('no tracked file cites the team\'s notes outside the repository', () => {
  const files = trackedTexts();
  assert.ok(files.length >= 100, `only ${files.length} tracked files read: is git answering from the repository?`);
  assert.ok(files.some(([name]) => name === 'test/conformance/README.md'), 'the conformance README is among the files read');
  const found = files.filter(([name]) => !EXEMPT.has(name)).flatMap(([name, text]) => citations(name, text));
  // the message lists every one (an array diff of this size is shortened)
  assert.deepEqual(found, [], `${found.length} citations of notes outside the repository:\n${found.join('\n')}`);
});
