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
import { allHunks, parseSeries } from '../../../extension/tours/series';
import { addStep, buildReviewReply, parseTour, resolveAnchor, resolveScenarioLine, serializeTour, stepFromHunk, updateStep, type Tour } from '../../../extension/tours/tour';
import { ARM64_PATCHES } from '../../../extension/sim/types';
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
  assert.equal(knowledgeForTitle('ARM64/VDSO: zap vvar pages when switching to a time namespace')?.n, 2);
});

test('tour validation reports positions and JSON paths', () => {
  const bad = '{\n  "title": "t",\n  "steps": [\n    { "title": "a" },\n    { "title": "b", "compare": { "kernel": "4.19" }, "colour": 1 }\n  ]\n}\n';
  const { diagnostics } = parseTour(bad, 'bad.tour.json');
  const kernel = diagnostics.find((d) => /unknown kernel "4.19"/.test(d.message));
  assert.ok(kernel);
  assert.equal(kernel.line, 5);
  assert.equal(kernel.path, 'steps[1].compare.kernel');
  assert.ok(diagnostics.some((d) => /unknown property "colour"/.test(d.message)));
  assert.ok(diagnostics.some((d) => /compare needs a scenario/.test(d.message)));
  const broken = parseTour('{\n  "title": "t",\n  "steps": [\n', 'cut.tour.json');
  assert.equal(broken.tour, null);
  assert.match(broken.diagnostics[0].message, /not valid JSON/);
  assert.ok(broken.diagnostics[0].line >= 3);
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
  assert.ok(step.hunk?.pattern && hunk.lines.some((l) => l.text.includes(step.hunk!.pattern!)));
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
    const s = await readGitRange(repo, 'base..HEAD');
    assert.equal(s.format, 'git');
    assert.equal(s.source, 'git:base..HEAD');
    assert.deepEqual(s.patches.map((p) => p.subject), ['[PATCH 1/2] vdso: return one', '[PATCH 2/2] kconfig: add X']);
    assert.deepEqual(allHunks(s.patches[0]).map((h) => h.hunk.functions), [['a']]);
    assert.equal(s.patches[1].patch!.files[0].status, 'added');
    const single = await readGitRange(repo, 'HEAD');
    assert.equal(single.patches.length, 1);
    await assert.rejects(readGitRange(repo, 'nosuch..HEAD'), (e: unknown) => e instanceof GitRangeError && /git rev-list failed/.test(e.message));
    await assert.rejects(readGitRange(os.tmpdir(), 'a..b'), GitRangeError);
    assert.throws(() => normaliseRange('a...b'), /three-dot/);
    assert.throws(() => normaliseRange(''), /empty range/);
  } finally {
    fs.rmSync(repo, { recursive: true, force: true });
  }
});
