// Links into the docs resolve: every `docs/NAME.md#anchor` that the code, tests, scenarios, tours or docs name, and
// every relative Markdown link, reaches a file that exists and, with an anchor, a heading of it (GitHub's anchors).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../../..');
/** Build output, dependencies and lock files (nothing in them is written by hand), and this file, whose references
 *  are made up to be broken. */
const SKIP = new Set(['node_modules', 'dist', 'out', '.git', 'package-lock.json', 'docLinks.test.ts']);
const TEXT = /\.(md|ts|mts|mjs|json|timens|c|h|txt|yml)$/;

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (SKIP.has(e.name)) return [];
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : TEXT.test(e.name) ? [p] : [];
  });
}

/** GitHub's anchors of a Markdown text: each heading outside code fences, lower case, its punctuation but `-` and
 *  `_` dropped, each space a `-`; the second heading with the same anchor gets `-1`, the third `-2`. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) { fence = !fence; continue; }
    const m = fence ? null : /^#{1,6}\s+(.*?)\s*$/.exec(line);
    if (!m) continue;
    const text = m[1].replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const base = text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

interface Ref { readonly from: string; readonly line: number; readonly file: string; readonly anchor: string | null }

/** The references to Markdown files in one file: its relative Markdown links (in .md files) and, anywhere, the
 *  `docs/NAME.md` it names, which are read from the repository's root. */
function refsIn(file: string, text: string): Ref[] {
  const lineAt = (i: number): number => text.slice(0, i).split('\n').length;
  const from = path.relative(ROOT, file);
  const refs: Ref[] = [];
  if (file.endsWith('.md')) {
    for (const m of text.matchAll(/\]\(([^)\s]*)\)/g)) {
      const [target, anchor] = m[1].split('#', 2) as [string, string | undefined];
      if (/^[a-z]+:/i.test(target) || (target !== '' && !target.endsWith('.md'))) continue;
      refs.push({ from, line: lineAt(m.index), file: target === '' ? file : path.resolve(path.dirname(file), target), anchor: anchor ?? null });
    }
  }
  for (const m of text.matchAll(/(?<![\w.-])(docs\/[\w.-]+\.md)(?:#([\w-]+))?/g)) {
    refs.push({ from, line: lineAt(m.index), file: path.join(ROOT, m[1]), anchor: m[2] ?? null });
  }
  return refs;
}

/** Each reference that reaches no file, or no heading of it, as `from:line: target`. */
function broken(refs: readonly Ref[]): string[] {
  const anchors = new Map<string, Set<string> | null>();
  const anchorsIn = (file: string): Set<string> | null => {
    if (!anchors.has(file)) anchors.set(file, fs.existsSync(file) ? anchorsOf(fs.readFileSync(file, 'utf8')) : null);
    return anchors.get(file)!;
  };
  return refs.flatMap((r) => {
    const known = anchorsIn(r.file);
    const ok = known !== null && (r.anchor === null || known.has(r.anchor));
    return ok ? [] : [`${r.from}:${r.line}: ${path.relative(ROOT, r.file)}${r.anchor === null ? '' : `#${r.anchor}`}${known === null ? ' (no such file)' : ' (no such heading)'}`];
  });
}

test('anchors are GitHub\'s: punctuation dropped, spaces to -, repeats numbered, code fences skipped', () => {
  const md = '# The `.timens` language\n```\n# not a heading\n```\n### setuid(uid), prctl(PR_SET_DUMPABLE, 0|1)\n'
    + '## arm64 patches switched off (5.9 and later)\n## Notes\n## Notes\n## x86_64\'s [ia32](x.md) tasks\n';
  assert.deepEqual([...anchorsOf(md)], ['the-timens-language', 'setuiduid-prctlpr_set_dumpable-01',
    'arm64-patches-switched-off-59-and-later', 'notes', 'notes-1', 'x86_64s-ia32-tasks']);
});

test('a reference to a heading that is not there, or to a file that is not there, is reported', () => {
  const file = path.join(ROOT, 'docs', 'language.md');
  const refs = refsIn(file, 'See [it](model.md#no-such-heading), [that](#nor-here), docs/none.md and\ndocs/model.md#layout.\n');
  assert.equal(refs.length, 4);
  assert.deepEqual(broken(refs), [
    'docs/language.md:1: docs/model.md#no-such-heading (no such heading)',
    'docs/language.md:1: docs/language.md#nor-here (no such heading)',
    'docs/language.md:1: docs/none.md (no such file)',
  ]);
});

test('every docs/NAME.md#anchor and Markdown link in the repository reaches its file and heading', () => {
  const refs = walk(ROOT).flatMap((f) => refsIn(f, fs.readFileSync(f, 'utf8')));
  assert.ok(refs.filter((r) => r.anchor !== null).length >= 20, `only ${refs.length} references found: is the scan reading the repository?`);
  assert.deepEqual(broken(refs), []);
});
