// Tours: the shipped files validate, steps anchor to hunks by content and turn stale when the content
// is gone, recording builds anchored steps, the review reply quotes hunks with notes; git ranges.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readGitRange, GitRangeError, normaliseRange } from '../../../extension/tours/gitRange';
import { ARM64_SERIES, FOLLOW_UPS, X86_SERIES, knowledgeForTitle } from '../../../extension/tours/knowledge';
import { functionsOfHunk } from '../../../extension/tours/links';
import { allHunks } from '../../../extension/tours/series';
import { hunkLines } from '../../../extension/tours/patch';
import { parseSeries } from '../../../extension/tours/seriesReader';
import { addStep, buildReviewReply, parseTour, resolveAnchor, resolveScenarioLine, scenarioPathProblem, serializeTour, stepFromHunk, TOUR_SCHEMA_PATH, TOUR_VIEWS, updateStep, type Tour } from '../../../extension/tours/tour';
import { JsonSyntaxError, pathText, walkJson } from '../../../extension/tours/jsonTree';
import { resolveScenarioFile, TourPathError } from '../../../extension/tours/tourPaths';
import fc from 'fast-check';
import { ARM64_PATCHES, KERNEL_VERSIONS } from '../../../extension/sim/types';
import { parseScenario } from '../../../extension/scenario/parser';
import { b4Mbx, COVER, PATCH_1, PATCH_2 } from './fixtures';

const ROOT = path.resolve(__dirname, '../../../..');
const series = () => parseSeries(b4Mbx([COVER, PATCH_1, PATCH_2]), 'v4.mbx');

test('shipped tours validate and every scenario reference runs to an operation line', () => {
  const files = fs.readdirSync(path.join(ROOT, 'tours')).filter((f) => f.endsWith('.tour.json'));
  assert.deepEqual(files.sort(), ['arm64-patch-by-patch.tour.json', 'designs-not-merged.tour.json', 'unshare-to-vdso.tour.json']);
  for (const f of files) {
    const { tour, diagnostics } = parseTour(fs.readFileSync(path.join(ROOT, 'tours', f), 'utf8'), f);
    assert.deepEqual(diagnostics, [], f);
    assert.ok(tour && tour.steps.length >= 3, f);
    for (const s of tour.steps) {
      if (!s.scenario) continue;
      const text = fs.readFileSync(path.join(ROOT, s.scenario.path), 'utf8');
      const parsed = parseScenario(text, s.scenario.path);
      assert.deepEqual(parsed.diagnostics.filter((d) => d.severity === 'error'), [], s.scenario.path);
      const { line, stale } = resolveScenarioLine(text, s.scenario);
      assert.equal(stale, false);
      assert.ok(parsed.steps.some((st) => st.line === line! - 1), `${f} "${s.title}": line ${line} of ${s.scenario.path} is not an operation`);
    }
  }
  const arm = parseTour(fs.readFileSync(path.join(ROOT, 'tours/arm64-patch-by-patch.tour.json'), 'utf8')).tour!;
  const compared = arm.steps.flatMap((s) => s.compare?.disabledPatches ?? []);
  assert.deepEqual(compared, ARM64_PATCHES.map((p) => p.id), 'one step per arm64 patch, each compared with it switched off');
});

test('bundled knowledge: every patch has an explanation, a switch and (arm64) a scenario line that is an operation', () => {
  for (const k of [...ARM64_SERIES.patches, ...X86_SERIES.patches, ...FOLLOW_UPS]) {
    assert.ok(k.summary.length > 60 && k.withoutIt.length > 20, k.title);
    if (k.scenario) {
      const parsed = parseScenario(fs.readFileSync(path.join(ROOT, k.scenario), 'utf8'), k.scenario);
      assert.ok(parsed.steps.some((s) => s.line === k.line! - 1), `${k.title}: line ${k.line}`);
    }
  }
  assert.deepEqual(ARM64_SERIES.patches.map((p) => (p.switch.kind === 'patch' ? p.switch.id : '')), ARM64_PATCHES.map((p) => p.id));
  assert.equal(knowledgeForTitle('arm64/vdso: Zap vvar pages when switching to a time namespace')?.n, 2);
  // Cited, not gathered: each series names its posting; no machine path or note on how facts were collected.
  for (const series of [ARM64_SERIES, X86_SERIES]) assert.ok(series.source.cover && (series.source.archive || series.source.firstCommit), series.id);
  const all = fs.readFileSync(path.join(ROOT, 'extension/tours/knowledge.ts'), 'utf8');
  assert.doesNotMatch(all, /\/work\/|\/home\/|shared\/kernel|seeds|as we recall|observed on/i);
  assert.equal(knowledgeForTitle('ARM64/VDSO: zap vvar pages when switching to a time namespace')?.n, 2);
});

test('tour validation reports positions and JSON paths', () => {
  const bad = '{\n  "title": "t",\n  "steps": [\n    { "title": "a" },\n    { "title": "b", "compare": { "kernel": "4.19" }, "colour": 1 }\n  ]\n}\n';
  const { tour, diagnostics } = parseTour(bad, 'bad.tour.json');
  assert.equal(tour, null, 'a tour with problems is not played');
  const kernel = diagnostics.find((d) => /unknown value "4.19"/.test(d.message));
  assert.ok(kernel, JSON.stringify(diagnostics));
  assert.deepEqual([kernel.line, kernel.column, kernel.path], [5, 44, 'steps[1].compare.kernel']);
  const colour = diagnostics.find((d) => /unknown property "colour"/.test(d.message));
  assert.deepEqual([colour?.line, colour?.column, colour?.path], [5, 54, 'steps[1].colour']);
  assert.ok(diagnostics.some((d) => /"compare" needs "scenario"/.test(d.message) && d.path === 'steps[1].compare'));
  const broken = parseTour('{\n  "title": "t",\n  "steps": [\n', 'cut.tour.json');
  assert.equal(broken.tour, null);
  assert.match(broken.diagnostics[0].message, /not valid JSON/);
  assert.ok(broken.diagnostics[0].line >= 3);
});

test('wrong types are problems with their JSON path, never a TypeError', () => {
  const cases: [string, RegExp, string][] = [
    ['{"title": "t", "steps": "all of them"}', /must be an array, not a string/, 'steps'],
    ['{"title": 7, "steps": []}', /"title" must be a string, not a whole number/, 'title'],
    ['{"title": "t", "steps": [{"title": "a", "patch": {"number": "1"}}]}', /"number" must be a whole number, not a string/, 'steps[0].patch.number'],
    ['{"title": "t", "steps": [{"title": "a", "scenario": {"path": 5}}]}', /"path" must be a string/, 'steps[0].scenario.path'],
    ['{"title": "t", "steps": [{"title": "a", "scenario": {"path": "x.timens", "line": 0}}]}', /at least 1/, 'steps[0].scenario.line'],
    ['{"title": "t", "steps": [{"title": "a", "hunk": {"pattern": "x"}}]}', /"hunk" needs "patch"/, 'steps[0].hunk'],
    ['{"title": "t", "steps": [{"title": "a", "patch": {}}]}', /needs "number" or "title"/, 'steps[0].patch'],
    ['{"title": "t", "steps": [{"title": "a", "view": "workbench.action.terminal"}]}', /unknown value "workbench.action.terminal"/, 'steps[0].view'],
    ['{"title": "t", "steps": [null]}', /item 1 of "steps" must be an object, not null/, 'steps[0]'],
    ['[]', /must be an object, not an array/, ''],
  ];
  for (const [text, message, path] of cases) {
    const { tour, diagnostics } = parseTour(text);
    assert.equal(tour, null, text);
    assert.ok(diagnostics.some((d) => message.test(d.message) && d.path === path), `${text}: ${JSON.stringify(diagnostics)}`);
  }
  // Any JSON at all: a list of problems or a tour whose fields have the types the player relies on.
  fc.assert(fc.property(fc.jsonValue(), (v) => {
    const { tour } = parseTour(JSON.stringify(v));
    if (!tour) return;
    assert.equal(typeof tour.title, 'string');
    for (const st of tour.steps) assert.equal(typeof st.title, 'string');
  }), { numRuns: 500 });
  fc.assert(fc.property(fc.string(), (t) => { parseTour(t); }), { numRuns: 500 });
});

test('validation costs linear time in the number of problems', () => {
  const tourWith = (n: number) => JSON.stringify({ title: 't', steps: Array.from({ length: n }, (_, i) => ({ title: `s${i}`, colour: i })) }, null, 2);
  const small = tourWith(4000);
  const large = tourWith(32000);
  const cpu = (f: () => void) => { const c0 = process.cpuUsage(); f(); const c = process.cpuUsage(c0); return c.user + c.system; };
  parseTour(small);
  let a = Infinity;
  let b = Infinity;
  for (let i = 0; i < 5; i++) { a = Math.min(a, cpu(() => parseTour(small))); b = Math.min(b, cpu(() => parseTour(large))); }
  assert.ok(b / a <= 16, `8x the problems took ${(b / a).toFixed(1)}x the time`);
  // The first problems are kept (with their positions), and their number is bounded.
  const { diagnostics } = parseTour(large);
  assert.equal(diagnostics.length, 200);
  assert.equal(diagnostics[0].path, 'steps[0].colour');
  assert.equal(diagnostics[0].line, 6);
});

test('a scenario path may not leave the tour folder', () => {
  for (const p of ['../../etc/passwd.timens', 'a/../../b.timens', '/etc/x.timens', 'C:/x.timens', 'a\\..\\b.timens']) {
    const { tour, diagnostics } = parseTour(JSON.stringify({ title: 't', steps: [{ title: 'a', scenario: { path: p } }] }));
    assert.equal(tour, null, p);
    assert.equal(diagnostics[0].path, 'steps[0].scenario.path');
  }
  assert.equal(scenarioPathProblem('tours/scenarios/a.timens'), null);
});

test('the tour schema is the one home of the format: its lists match the model, and every file points at it', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, TOUR_SCHEMA_PATH), 'utf8'));
  const step = schema.definitions.step.properties;
  assert.deepEqual(step.compare.properties.kernel.enum, [...KERNEL_VERSIONS]);
  assert.deepEqual(step.compare.properties.disabledPatches.items.enum, ARM64_PATCHES.map((p) => p.id));
  assert.deepEqual(TOUR_VIEWS, ['timens.namespaces', 'timens.tasks', 'timens.memory', 'timens.patchSeries', 'timeline']);
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  assert.deepEqual(pkg.contributes.jsonValidation.map((j: { url: string }) => j.url), [`./${TOUR_SCHEMA_PATH}`]);
  // Settings that raise limits are ignored from an untrusted workspace's own settings.
  const limits = Object.keys(pkg.contributes.configuration.properties).filter((k) => /max/i.test(k));
  assert.ok(limits.length > 0);
  assert.deepEqual(limits.filter((k) => !pkg.capabilities.untrustedWorkspaces.restrictedConfigurations.includes(k)), []);
  for (const v of TOUR_VIEWS) if (v !== 'timeline') assert.ok(Object.values(pkg.contributes.views).flat().some((x) => (x as { id: string }).id === v), v);
  for (const f of fs.readdirSync(path.join(ROOT, 'tours')).filter((x) => x.endsWith('.tour.json'))) {
    const t = JSON.parse(fs.readFileSync(path.join(ROOT, 'tours', f), 'utf8'));
    assert.equal(path.resolve(ROOT, 'tours', t.$schema), path.join(ROOT, TOUR_SCHEMA_PATH), f);
  }
});

test('the JSON walker takes what JSON.parse takes and finds where each value starts', () => {
  fc.assert(fc.property(fc.jsonValue(), (v) => {
    const text = JSON.stringify(v, null, 1);
    const parsed = JSON.parse(text);
    walkJson(text, (p, at) => {
      // The value found at `at` is the one at path `p` in the parsed value.
      let want: unknown = parsed;
      for (const k of p) want = (want as Record<string | number, unknown>)[k];
      const first = text[at];
      const expected = want === null ? 'n' : Array.isArray(want) ? '[' : typeof want === 'object' ? '{' : typeof want === 'string' ? '"' : typeof want === 'boolean' ? String(want)[0] : /[-0-9]/.test(first) ? first : '?';
      assert.equal(first, expected, `${pathText(p)} at ${at}`);
    });
  }), { numRuns: 300 });
  fc.assert(fc.property(fc.string(), (t) => {
    let ours = true;
    let theirs = true;
    try { walkJson(t, () => undefined, 1e6); } catch (e) { ours = false; assert.ok(e instanceof JsonSyntaxError); }
    try { JSON.parse(t); } catch { theirs = false; }
    assert.equal(ours, theirs, JSON.stringify(t));
  }), { numRuns: 1000 });
  // Nesting is bounded (no recursion either way), and a hostile depth still gives a clean answer.
  assert.throws(() => walkJson('['.repeat(100000), () => undefined), /nested more than 64 deep/);
  const deep = parseTour('['.repeat(50000) + ']'.repeat(50000));
  assert.equal(deep.tour, null);
  assert.match(deep.diagnostics[0].message, /must be an object, not an array/);
});

test('anchoring: by header, by content after the hunk moved, stale when the content is gone, no mailbox', () => {
  const s = series();
  const step = { patch: { number: 1, title: 'arm64/vdso: use the fault callback to map vvar pages' }, hunk: { file: 'vdso.c', header: '@@ -40,6 +40,14 @@ static struct vdso_abi_info vdso_info[] = {', pattern: 'insert_data_page' } };
  const ok = resolveAnchor(s, step);
  assert.equal(ok.status, 'ok');
  assert.deepEqual(ok.hunk!.functions, ['vvar_fault']);
  // A respin moves the hunk (new line numbers): still found, by its content.
  const respun = parseSeries(b4Mbx([COVER, PATCH_1.replace('@@ -40,6 +40,14 @@', '@@ -52,6 +52,14 @@').replace('[PATCH v4 1/3]', '[PATCH v5 1/3]'), PATCH_2]), 'v5.mbx');
  const moved = resolveAnchor(respun, step);
  assert.equal(moved.status, 'moved');
  assert.equal(moved.hunk!.oldStart, 52);
  // The content the step talks about is gone: stale, and the hunk at the old header is still offered.
  const rewritten = parseSeries(b4Mbx([COVER, PATCH_1.replace('insert_data_page', 'map_host_page'), PATCH_2]), 'v6.mbx');
  const stale = resolveAnchor(rewritten, step);
  assert.equal(stale.status, 'stale');
  assert.match(stale.message, /no hunk of .* contains "insert_data_page"/);
  assert.equal(stale.hunk?.oldStart, 40);
  // Anchored by patch title across a renumbered series, and by function only (the shipped tours do this).
  assert.equal(resolveAnchor(s, { patch: { number: 9, title: 'arm64/vdso: Zap vvar pages when switching to a time namespace' }, hunk: { function: 'vdso_join_timens' } }).status, 'ok');
  assert.equal(resolveAnchor(s, { patch: { title: 'arm64: enable time namespace support' } }).status, 'no-diff');
  assert.equal(resolveAnchor(s, { patch: { title: 'something else entirely' } }).status, 'patch-missing');
  const none = resolveAnchor(null, { patch: { number: 1 } });
  assert.equal(none.status, 'no-series');
  assert.match(none.message, /No mailbox is loaded/);
  assert.equal(resolveAnchor(s, { patch: { number: 1 }, hunk: { file: 'Kconfig' } }).status, 'stale');
});

test('a hunk pattern is literal text: a catastrophic regular expression is just text that is not there', () => {
  // As a regular expression, /(a+)+$/ against thirty "a"s and a "b" takes 2^30 steps: this test would hang.
  const hunkOfAs = PATCH_1.replace('\tif (vmf->pgoff == 0)', `\tif (${'a'.repeat(30)}b)`);
  const s = parseSeries(b4Mbx([COVER, hunkOfAs, PATCH_2]), 'v4.mbx');
  const hostile = resolveAnchor(s, { patch: { number: 1 }, hunk: { pattern: '/(a+)+$/' } });
  assert.equal(hostile.status, 'stale');
  assert.equal(resolveAnchor(s, { patch: { number: 1 }, hunk: { pattern: '/vvar_.*/' } }).status, 'stale', 'no regex semantics');
  assert.equal(resolveAnchor(s, { patch: { number: 1 }, hunk: { pattern: `${'a'.repeat(30)}b` } }).status, 'ok');
});

test('scenario lines follow their text when the file changes', () => {
  const text = '# c\nP1: unshare(CLONE_NEWTIME)\nP1: fork() = P2\n';
  assert.deepEqual(resolveScenarioLine(text, { path: 'x', line: 3, pattern: 'fork()' }), { line: 3, stale: false });
  assert.deepEqual(resolveScenarioLine('# new comment\n' + text, { path: 'x', line: 3, pattern: 'fork()' }), { line: 4, stale: false });
  assert.deepEqual(resolveScenarioLine(text, { path: 'x', line: 3, pattern: 'vfork()' }), { line: 3, stale: true });
});

test('recording: a step from a hunk is anchored by content and survives a respin', () => {
  const s = series();
  const { file, hunk } = allHunks(s.patches[1])[0];
  const step = stepFromHunk(s.patches[1], file, hunk);
  assert.equal(step.hunk?.function, 'vdso_join_timens');
  assert.ok(step.hunk?.pattern && hunkLines(hunk).some((l) => l.text.includes(step.hunk!.pattern!)));
  let tour: Tour = { title: 'mine', steps: [] };
  tour = addStep(tour, step);
  tour = updateStep(tour, 0, { body: 'Why a read lock?', notes: 'The zap only needs the read side.' });
  const back = parseTour(serializeTour(tour));
  assert.deepEqual(back.diagnostics, []);
  assert.equal(back.tour!.steps[0].notes, 'The zap only needs the read side.');
  const v5 = parseSeries(b4Mbx([COVER, PATCH_1, PATCH_2.replace('@@ -90,6 +90,15 @@', '@@ -99,6 +99,15 @@')]), 'v5.mbx');
  assert.equal(resolveAnchor(v5, back.tour!.steps[0]).status, 'moved');
  assert.deepEqual(functionsOfHunk(hunk), ['vdso_join_timens', 'zap_page_range']);
});

test('review reply: quoted commit text and hunk, the note under it, the trailer; headers to reply with', () => {
  const s = series();
  const p = s.patches[1];
  const { file, hunk } = allHunks(p)[0];
  const reply = buildReviewReply(p, [{ file, hunk, text: 'Is the read lock enough here?' }, { text: 'Looks good otherwise.' }], 'Jane Reviewer <jane@example.org>');
  const lines = reply.split('\n');
  assert.equal(lines[0], 'Subject: Re: [PATCH v4 2/3] arm64/vdso: Zap vvar pages when switching to a time namespace');
  assert.equal(lines[1], 'In-Reply-To: <20200616075500.2-test@example.org>');
  assert.ok(lines.includes('On Tue, 16 Jun 2020 00:55:01 -0700, Test Author <author@example.org> wrote:'));
  assert.ok(lines.includes('> Drop the PTEs of the data mapping when the task changes namespace.'));
  assert.ok(lines.includes('> diff --git a/arch/arm64/kernel/vdso.c b/arch/arm64/kernel/vdso.c'));
  assert.ok(lines.includes('> @@ -90,6 +90,15 @@ static int setup_pages(struct mm_struct *mm)'));
  assert.ok(lines.includes('> +int vdso_join_timens(struct task_struct *task, struct time_namespace *ns)'));
  const q = lines.indexOf('Is the read lock enough here?');
  assert.ok(q > lines.indexOf('> +}'), 'the note comes after the quoted hunk');
  assert.ok(lines.indexOf('Looks good otherwise.') > q);
  assert.equal(lines.filter((l) => l.startsWith('Reviewed-by:')).join(), 'Reviewed-by: Jane Reviewer <jane@example.org>');
  assert.ok(!buildReviewReply(p, []).includes('Reviewed-by'));
});

test('git range: format-patch of base..head of a temporary repository', async () => {
  const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'timens-git-'));
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.org', GIT_AUTHOR_DATE: '2020-06-16T00:00:00Z', GIT_COMMITTER_DATE: '2020-06-16T00:00:00Z' } });
  try {
    git('init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(repo, 'vdso.c'), 'static int a(void)\n{\n\treturn 0;\n}\n');
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    git('tag', 'base');
    fs.writeFileSync(path.join(repo, 'vdso.c'), 'static int a(void)\n{\n\treturn 1;\n}\n');
    git('commit', '-q', '-am', 'vdso: return one\n\nBody text.\n\nSigned-off-by: T <t@example.org>');
    fs.writeFileSync(path.join(repo, 'Kconfig'), 'config X\n\tbool\n');
    git('add', '.');
    git('commit', '-q', '-m', 'kconfig: add X');
    const s = await readGitRange(repo, 'base..HEAD', { trusted: true });
    assert.equal(s.format, 'git');
    assert.equal(s.source, 'git:base..HEAD');
    assert.deepEqual(s.patches.map((p) => p.subject), ['[PATCH 1/2] vdso: return one', '[PATCH 2/2] kconfig: add X']);
    assert.deepEqual(allHunks(s.patches[0]).map((h) => h.hunk.functions), [['a']]);
    assert.equal(s.patches[1].patch!.files[0].status, 'added');
    const single = await readGitRange(repo, 'HEAD', { trusted: true });
    assert.equal(single.patches.length, 1);
    await assert.rejects(readGitRange(repo, 'nosuch..HEAD', { trusted: true }), (e: unknown) => e instanceof GitRangeError && /git rev-list failed/.test(e.message));
    await assert.rejects(readGitRange(os.tmpdir(), 'a..b', { trusted: true }), GitRangeError);
    // An untrusted workspace gets no git process at all, whatever the range.
    await assert.rejects(readGitRange(repo, 'base..HEAD', { trusted: false }), (e: unknown) => e instanceof GitRangeError && /trusted workspace/.test(e.message));
    assert.throws(() => normaliseRange('a...b'), /three-dot/);
    assert.throws(() => normaliseRange(''), /empty range/);
  } finally {
    fs.rmSync(repo, { recursive: true, force: true });
  }
});

test('a scenario reached through a symbolic link must still lie below the tour folder or the workspace', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'timens-tourpath-'));
  try {
    const tourDir = path.join(dir, 'ws', '.tours');
    const outside = path.join(dir, 'outside');
    fs.mkdirSync(tourDir, { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(outside, 'secret.timens'), 'arch x86_64\n');
    fs.writeFileSync(path.join(dir, 'ws', 'ok.timens'), 'arch x86_64\n');
    fs.symlinkSync(path.join(outside, 'secret.timens'), path.join(dir, 'ws', 'link.timens'));
    fs.symlinkSync(path.join(dir, 'ws', 'ok.timens'), path.join(tourDir, 'inside-link.timens'));
    const roots = [tourDir, path.join(dir, 'ws')];
    assert.equal(await resolveScenarioFile(path.join(dir, 'ws'), 'ok.timens', roots), fs.realpathSync(path.join(dir, 'ws', 'ok.timens')));
    assert.equal(await resolveScenarioFile(tourDir, 'inside-link.timens', roots), fs.realpathSync(path.join(dir, 'ws', 'ok.timens')));
    await assert.rejects(resolveScenarioFile(path.join(dir, 'ws'), 'link.timens', roots), (e: unknown) => e instanceof TourPathError && /outside the tour's folder and the workspace/.test(e.message));
    await assert.rejects(resolveScenarioFile(path.join(dir, 'ws'), '../outside/secret.timens', roots), /leaves the tour's folder/);
    await assert.rejects(resolveScenarioFile(path.join(dir, 'ws'), 'missing.timens', roots), /does not exist/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('a tour problem is one line, though it quotes the tour\'s keys and values (U+2028, a line break in a path)', () => {
  const tour = (step: string): string => `{\n  "title": "t",\n  "steps": [\n    ${step}\n  ]\n}\n`;
  const cases: [string, RegExp][] = [
    [tour('{ "title": "a", "b\u2028ody": "x" }'), /^unknown property "b\\u2028ody"/],
    [tour('{ "title": "a", "view": "timens.\u2029tasks" }'), /^"view": unknown value "timens\.\\u2029tasks"/],
    [tour('{ "title": "a", "scenario": { "path": "a\\\\b\\nc.timens" } }'), /^scenario\.path "a\\b\\nc\.timens" uses/],
    [`{\n  "title": \u2028 }`, /not valid JSON: expected a value, found "\\u2028"$/],
  ];
  for (const [text, message] of cases) {
    const { tour: parsed, diagnostics } = parseTour(text, 'x.tour.json');
    assert.equal(parsed, null);
    assert.equal(diagnostics.length, 1, JSON.stringify(diagnostics));
    assert.match(diagnostics[0].message, message);
    assert.ok(!/[\n\r\u2028\u2029]/.test(diagnostics[0].message), diagnostics[0].message);
  }
});
