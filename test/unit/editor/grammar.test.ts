// The TextMate grammar shipped for .timens: every pattern compiles, the vocabulary it colours matches the
// language's (every operation word, header word and mapping), and `#` inside ns#1 is not a comment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { MAPPING_NAMES, OPERATION_SPECS } from '../../../extension/scenario/vocabulary';

interface Rule { match?: string; begin?: string; end?: string; patterns?: Rule[]; include?: string }
const grammar = JSON.parse(fs.readFileSync('syntaxes/timens.tmLanguage.json', 'utf8')) as { scopeName: string; patterns: Rule[]; repository: Record<string, Rule> };

function rules(): Rule[] {
  const out: Rule[] = [];
  const walk = (r: Rule): void => { out.push(r); r.patterns?.forEach(walk); };
  grammar.patterns.forEach(walk);
  Object.values(grammar.repository).forEach(walk);
  return out;
}

test('the grammar is the one package.json ships, and every regex compiles', () => {
  const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
  assert.ok(pkg.contributes.grammars.some((g: { language: string; scopeName: string; path: string }) => g.language === 'timens' && g.scopeName === grammar.scopeName && fs.existsSync(g.path)));
  for (const r of rules()) for (const re of [r.match, r.begin, r.end]) if (re) assert.doesNotThrow(() => new RegExp(re), re);
  for (const r of rules()) if (r.include?.startsWith('#')) assert.ok(grammar.repository[r.include.slice(1)], `include ${r.include}`);
});

test('operations, host actions, mappings and comments are recognised', () => {
  const ops = new RegExp(grammar.repository['task-line'].patterns!.find((p) => p.match?.includes('unshare'))!.match!);
  for (const s of OPERATION_SPECS.filter((x) => !x.host)) assert.ok(ops.test(`${s.word}(`), s.word);
  const host = new RegExp(grammar.repository.host.begin!);
  for (const s of OPERATION_SPECS.filter((x) => x.host)) assert.ok(host.test(`${s.word} 1s`), s.word);
  const values = grammar.repository.values.patterns!;
  const mapping = new RegExp(values.find((p) => p.match?.includes('vvar'))!.match!);
  for (const m of MAPPING_NAMES) assert.ok(mapping.test(m), m);
  const comment = new RegExp(grammar.repository.comment.match!);
  assert.equal(comment.exec('expect P2.time_ns == ns#1')?.[0], undefined);
  assert.equal(comment.exec('P1: fork() = P2  # a child')?.[0], '# a child');
  assert.ok(new RegExp(grammar.repository.section.match!).test('# --- set up'));
});
