// Parsing of patch mailboxes as they really arrive: b4 .mbx, format-patch mboxes, MIME with
// quoted-printable and base64, web-archive copies, bare diffs, broken and cut-off input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeEncodedWords, qpBytes, decodeCharset } from '../../../extension/tours/mail';
import { hunkLines, hunkSides } from '../../../extension/tours/patch';
import { allHunks, coverShortlog, MAX_PLACEHOLDERS, parseSubject, patchLabel } from '../../../extension/tours/series';
import { parseSeries } from '../../../extension/tours/seriesReader';
import { ARCHIVE_COVER, b4Mbx, COVER, formatPatchMbox, mimePatch, PATCH_1, PATCH_2, toBase64 } from './fixtures';

test('subject tags: version, n/N, RFC, Re:', () => {
  const s = parseSubject('[PATCH v4 3/6] arm64/vdso: Add time namespace page');
  assert.deepEqual([s.version, s.number, s.total, s.title, s.tag], [4, 3, 6, 'arm64/vdso: Add time namespace page', '[PATCH v4 3/6]']);
  const t = parseSubject('Re: [PATCHv8 07/34] x86/vdso: Handle faults on timens page');
  assert.deepEqual([t.version, t.number, t.total, t.reply], [8, 7, 34, true]);
  const r = parseSubject('[RFC PATCH net-next 1/2] thing');
  assert.equal(r.rfc, true);
  assert.equal(r.number, 1);
  assert.equal(parseSubject('[RFC 00/20] ns: Introduce Time Namespace').number, 0);
});

test('b4 .mbx: cover letter, patches in order, folded subjects, trailers, diffstat, hunks with function context', () => {
  const series = parseSeries(b4Mbx([PATCH_2, COVER, PATCH_1]), 'v4.mbx');
  assert.equal(series.format, 'mbox');
  assert.equal(series.cover?.subjectInfo.title, 'arm64: add the time namespace support');
  assert.equal(series.title, 'arm64: add the time namespace support');
  assert.equal(series.version, 4);
  // The third patch is only in the cover letter's shortlog: listed, without a diff.
  assert.deepEqual(series.patches.map((p) => p.subjectInfo.number), [1, 2, 3]);
  assert.equal(patchLabel(series.patches[0]), '[PATCH v4 1/3] arm64/vdso: use the fault callback to map vvar pages');
  assert.equal(series.patches[2].placeholder, true);
  assert.equal(series.patches[2].subjectInfo.title, 'arm64: enable time namespace support');
  const p1 = series.patches[0].patch!;
  assert.deepEqual(p1.trailers.map((t) => t.key), ['Reviewed-by', 'Signed-off-by']);
  assert.match(p1.message, /choose the page per task/);
  assert.equal(p1.notes, 'v2: cleanups');
  assert.deepEqual(p1.diffstat, [{ path: 'arch/arm64/kernel/vdso.c', changes: 12, graph: '++++++++++--' }]);
  assert.equal(p1.files.length, 1);
  const hunks = allHunks(series.patches[0]);
  assert.equal(hunks.length, 2);
  assert.equal(hunks[0].hunk.section, 'static struct vdso_abi_info vdso_info[] = {');
  assert.deepEqual(hunks[0].hunk.functions, ['vvar_fault']);
  assert.deepEqual(hunks[1].hunk.functions, ['__setup_additional_pages']);
  assert.equal(hunks[0].hunk.truncated, false);
  // Source lines point at the @@ header in the file (the mbx adds one From_ line per message).
  const src = b4Mbx([PATCH_2, COVER, PATCH_1]).split('\n');
  assert.match(src[hunks[1].hunk.sourceLine! - 1], /^@@ -120,6 \+128,6 @@/);
  const { before, after } = hunkSides(hunks[1].hunk);
  assert.match(before, /VM_READ, NULL/);
  assert.match(after, /VM_PFNMAP/);
  assert.deepEqual(series.diagnostics.filter((d) => d.severity !== 'info'), []);
});

test('format-patch mbox with mboxrd ">From " quoting in a body', () => {
  const quoted = PATCH_1.replace('Map the data page', '>From the start, map the data page');
  const series = parseSeries(formatPatchMbox([quoted, PATCH_2]), 'series.mbox');
  assert.equal(series.patches.length, 2);
  assert.match(series.patches[0].patch!.message, /^From the start/);
  assert.equal(series.cover, null);
});

test('single .patch file and a bare diff', () => {
  const one = parseSeries(PATCH_2, '0002-zap.patch');
  assert.equal(one.format, 'mail');
  assert.equal(one.patches.length, 1);
  assert.deepEqual(allHunks(one.patches[0]).map((h) => h.hunk.functions), [['vdso_join_timens']]);
  const bare = parseSeries(PATCH_2.slice(PATCH_2.indexOf('diff --git')), 'x.diff');
  assert.equal(bare.format, 'diff');
  assert.equal(bare.patches[0].patch!.files[0].newPath, 'arch/arm64/kernel/vdso.c');
});

test('MIME multipart: RFC 2047 subject and sender, quoted-printable text, base64 attachment', () => {
  const series = parseSeries(mimePatch(), 'mime.eml');
  const p = series.patches[0];
  assert.ok(p, 'the attachment makes it a patch');
  assert.equal(p.subject, '[PATCH v4 2/3] arm64/vdso: Zap vvar pages when switching to a time namespace');
  assert.equal(p.from, 'André Tester <andre@example.org>');
  assert.match(p.body, /Café note: the zap runs under the mmap read lock\. x{90}\n/);
  const hunks = allHunks(p);
  assert.equal(hunks.length, 1);
  assert.deepEqual(hunks[0].hunk.functions, ['vdso_join_timens']);
  // Decoded parts have no 1:1 source lines.
  assert.equal(hunks[0].hunk.sourceLine, null);
  assert.deepEqual(series.diagnostics, []);
});

test('encoded words: adjacent words join, Q underscores are spaces, unknown charset falls back', () => {
  assert.equal(decodeEncodedWords('=?UTF-8?Q?a_b?= =?UTF-8?Q?c?='), 'a bc');
  assert.equal(decodeEncodedWords('plain =?iso-8859-1?q?caf=E9?= text'), 'plain café text');
  assert.equal(decodeEncodedWords('=?x-unknown?q?ok?='), 'ok');
  assert.equal(decodeCharset(qpBytes('soft=\nbreak =3D done'), 'utf-8'), 'softbreak = done');
});

test('web-archive cover letter: subject from the first line, six patches listed from its shortlog', () => {
  const series = parseSeries(ARCHIVE_COVER, 'cover.txt');
  assert.equal(series.format, 'archive-text');
  assert.equal(series.cover?.from, 'Test Author');
  assert.equal(series.patches.length, 6);
  assert.ok(series.patches.every((p) => p.placeholder));
  assert.equal(patchLabel(series.patches[2]), '[PATCH v4 3/6] arm64/vdso: Add time namespace page');
  assert.equal(coverShortlog(series.cover!.body).length, 6);
  assert.ok(series.diagnostics.some((d) => d.severity === 'info' && /6 of 6 patches are not in cover.txt/.test(d.message)));
});

test('broken input: a cut-off hunk keeps what was read and says where', () => {
  const cut = PATCH_1.slice(0, PATCH_1.indexOf('+	return SIGBUS_RESULT;'));
  const series = parseSeries(cut, 'cut.patch');
  const hunks = allHunks(series.patches[0]);
  assert.equal(hunks.length, 1);
  assert.equal(hunks[0].hunk.truncated, true);
  assert.ok(hunkLines(hunks[0].hunk).some((l) => l.text.includes('insert_data_page')));
  const d = series.diagnostics.find((x) => /ends early/.test(x.message));
  assert.ok(d, JSON.stringify(series.diagnostics));
  assert.equal(d.line, cut.split('\n').findIndex((l) => l.startsWith('@@ -40,6')) + 1);
  assert.match(d.message, /announces 6 old and 14 new lines, but only 3 and 8 follow/);
  // The diffstat still names the file, and the file is there: no complaint about it.
  assert.ok(!series.diagnostics.some((x) => /diffstat lists/.test(x.message)));
});

test('broken input: malformed hunk header, unclosed multipart, headers without a body separator, empty file', () => {
  const bad = parseSeries(PATCH_2.replace('@@ -90,6 +90,15 @@', '@@ -90,6 +90 15 @@'), 'bad.patch');
  const d = bad.diagnostics.find((x) => /malformed hunk header/.test(x.message));
  assert.ok(d);
  assert.equal(d.line, PATCH_2.split('\n').findIndex((l) => l.startsWith('@@ ')) + 1);
  const unclosed = parseSeries(mimePatch().replace('--=-=-=boundary42--\n', ''), 'unclosed.eml');
  assert.ok(unclosed.diagnostics.some((x) => /ends without the closing boundary/.test(x.message)));
  assert.equal(unclosed.patches.length, 1, 'the parts read so far are still used');
  const noBoundary = parseSeries(mimePatch().replace(/;\n boundary="=-=-=boundary42"/, ''), 'nob.eml');
  assert.ok(noBoundary.diagnostics.some((x) => /without a boundary parameter/.test(x.message)));
  const empty = parseSeries('', 'empty.mbox');
  assert.equal(empty.patches.length, 0);
  assert.match(empty.diagnostics[0].message, /empty/);
  const junk = parseSeries('hello\nworld\n', 'junk.txt');
  assert.ok(junk.diagnostics.some((x) => x.line === 1 && /taken as the subject/.test(x.message)));
});

test('a problem in a base64 attachment\'s patch is reported at the line its encoded part starts, never at line 0', () => {
  // The decoded text has no line of its own in the file: the part's first body line is where to look.
  const body = PATCH_2.split('\n\n').slice(1).join('\n\n');
  const text = mimePatch().replace(toBase64(body), toBase64(body.replace('@@ -90,6 +90,15 @@', '@@ -90,6 +90,25 @@')));
  const series = parseSeries(text, 'mime.eml');
  const partStart = text.split('\n').indexOf('Content-Transfer-Encoding: base64') + 3; // 1-based, after the blank line
  const early = series.diagnostics.find((d) => /ends early/.test(d.message));
  assert.ok(early, JSON.stringify(series.diagnostics));
  assert.equal(early.line, partStart);
  assert.match(early.message, new RegExp(`\\(decoded line \\d+ of the encoded part at line ${partStart}\\)`));
  assert.ok(!/line 0/.test(early.message), early.message);
  for (const d of series.diagnostics) assert.ok(d.line >= 1, JSON.stringify(d));
});

test('a cover letter announcing 0/9223372036854775808 lists a bounded number of missing patches and says so', () => {
  // Each missing patch is a placeholder: one per announced number made a 200-byte mail fill the heap.
  for (const total of ['5000', '9223372036854775808']) {
    const text = `From: A <a@example.org>\nSubject: [PATCH 0/${total}] huge\n\nA (2):\n  first\n  second\n`;
    const series = parseSeries(text, 'huge.eml');
    assert.equal(series.patches.length, MAX_PLACEHOLDERS);
    assert.deepEqual(series.patches.slice(0, 3).map((p) => p.subjectInfo.title), ['first', 'second', 'patch 3']);
    const d = series.diagnostics.find((x) => /announces/.test(x.message));
    assert.ok(d, JSON.stringify(series.diagnostics));
    assert.equal(d.line, 1);
    assert.match(d.message, new RegExp(`announces ${total} patches; only the first ${MAX_PLACEHOLDERS} missing ones are listed`));
    assert.ok(series.diagnostics.some((x) => x.message.startsWith(`${MAX_PLACEHOLDERS} of ${total} patches are not in huge.eml`)), JSON.stringify(series.diagnostics));
  }
});

test('the parser never throws, on any text or any mangling of a real series', () => {
  const real = b4Mbx([COVER, PATCH_1, PATCH_2]);
  fc.assert(fc.property(fc.string({ maxLength: 400 }), (s) => { parseSeries(s, 'x'); }), { numRuns: 300 });
  fc.assert(fc.property(fc.integer({ min: 0, max: real.length }), fc.integer({ min: 0, max: 200 }), fc.string({ maxLength: 20 }), (at, del, ins) => {
    const s = parseSeries(real.slice(0, at) + ins + real.slice(at + del), 'x');
    for (const d of s.diagnostics) assert.ok(d.line >= 1 && d.column >= 1, JSON.stringify(d));
  }), { numRuns: 300 });
});

test('message/rfc822 nested a hundred thousand deep: no stack overflow, a message that says where it stopped', () => {
  const depth = 100000;
  const nested = 'Content-Type: message/rfc822\n\n'.repeat(depth);
  const text = `From: A <a@example.org>\nSubject: [PATCH 1/1] deep\n${nested.replace(/\n\n$/, '\n')}\ndiff --git a/f.c b/f.c\n`;
  const series = parseSeries(text, 'deep.eml');
  const deep = series.diagnostics.find((d) => /nested more than 8 deep/.test(d.message));
  assert.ok(deep, JSON.stringify(series.diagnostics.slice(0, 3)));
  assert.equal(deep.severity, 'error');
  assert.ok(deep.line > 2 && deep.line < 30, `the line where nesting passed the limit: ${deep.line}`);
});

test('a mailbox full of problems keeps the first thousand and says how many more there were', () => {
  const text = 'From git@z Thu Jan  1 00:00:00 1970\n' + Array.from({ length: 5000 }, () => 'no header here\n\nFrom git@z Thu Jan  1 00:00:00 1970\n').join('');
  const series = parseSeries(text, 'noisy.mbox');
  assert.equal(series.diagnostics.length, 1001);
  assert.match(series.diagnostics[1000].message, /^\d+ more problems were found and are not listed \(only the first 1000 are kept\)$/);
});

test('a problem is one line, whatever path or subject of the mail it quotes (a damaged part decodes to control characters)', () => {
  const mail = 'From: A <a@b>\nSubject: [PATCH] x\n\nmsg\n---\ndiff --git a/x\x01y\x7fz\x1bw b/x\x01y\x7fz\x1bw\nindex 1..2 100644\n';
  const ds = parseSeries(mail, 'x.mbx').diagnostics;
  assert.deepEqual(ds.map((d) => [d.line, d.column, d.message]), [[6, 1, 'no hunks for x\\u0001y\\u007fz\\u001bw']]);
});
