// Property tests: the parser never throws and never hangs, whatever the input, and what it reports is
// well-formed (ranges inside the text, one token row per line, tokens in order and inside their line).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseScenario, ScenarioParser } from '../../../extension/scenario/parser';
import { LineSplitter, splitLines } from '../../../extension/scenario/lines';

const VALID = [
  'arch arm64', 'kernel 6.12', 'patch off zap-vvar', 'P1: unshare(CLONE_NEWTIME)',
  'P1: write("/proc/self/timens_offsets", "monotonic 86400 0\\n")', 'P1: fork() = P2',
  'P2: clock_gettime(CLOCK_MONOTONIC, syscall)', 'expect P2 CLOCK_MONOTONIC == host + 86400s',
  'expect P2.time_ns == ns#1', 'expect ns#1 offset monotonic == 86400s', 'P2: touch([vvar], 1)',
  'expect P2 [vvar][1] -> host', 'P1: setns(pidfd(P2), CLONE_NEWTIME)', 'sleep 1.5s', 'spawn P5 uid=65534',
  'P1: open("/proc/P2/ns/time") = fd1', 'P1: setns(fd1, 0)', 'expect errno == EACCES', '# comment',
  'P1: clock_nanosleep(CLOCK_BOOTTIME, TIMER_ABSTIME, now - 3s)', 'P1: mremap([vvar], 4, MREMAP_MAYMOVE|MREMAP_FIXED)',
];

function checkWellFormed(text: string): void {
  const p = parseScenario(text);
  const lines = splitLines(text);
  assert.equal(p.tokens.length, lines.length);
  for (const d of p.diagnostics) {
    assert.ok(d.range.line >= 0 && d.range.line < lines.length, `diagnostic line in range: ${JSON.stringify(d)}`);
    assert.ok(d.range.col >= 0 && d.range.col <= d.range.endCol || d.range.endLine > d.range.line, 'ordered range');
    assert.ok(d.range.endCol <= lines[d.range.endLine].length + 1, `diagnostic column inside the line: ${JSON.stringify(d)}`);
    assert.equal(typeof d.message, 'string');
    assert.ok(d.message.length > 0);
  }
  for (let l = 0; l < lines.length; l++) {
    let prev = 0;
    for (const t of p.tokens[l]) {
      assert.equal(t.range.line, l);
      assert.ok(t.range.col >= prev && t.range.endCol > t.range.col && t.range.endCol <= lines[l].length);
      prev = t.range.endCol;
    }
  }
  for (const s of p.steps) assert.ok(s.line >= 0 && s.line < lines.length);
  checkStreaming(text, p);
}

/** The streaming parse (the CLI's: text in chunks, one line at a time, no tokens kept) finds what the whole-text parse finds. */
function checkStreaming(text: string, whole: ReturnType<typeof parseScenario>): void {
  const parser = new ScenarioParser();
  const steps: unknown[] = [];
  const expectations: unknown[] = [];
  const each = (s: string, base: number, end: number): void => {
    const r = parser.line(s, base, end);
    if (r.step) steps.push(r.step);
    if (r.expectation) expectations.push(r.expectation);
  };
  const lines = new LineSplitter();
  const size = 1 + (text.length % 7);
  for (let i = 0; i < text.length; i += size) lines.push(text.slice(i, i + size), each);
  lines.end(each);
  const end = parser.finish();
  assert.deepEqual(steps, whole.steps);
  assert.deepEqual(expectations, whole.expectations);
  assert.deepEqual(end.diagnostics, whole.diagnostics);
  assert.deepEqual(end.header, whole.header);
}

test('the parser never throws on arbitrary strings', () => {
  fc.assert(fc.property(fc.string({ maxLength: 400, unit: 'binary' }), (s) => { checkWellFormed(s); }), { numRuns: 1500 });
});

test('the parser never throws on mutated valid scenarios', () => {
  const line = fc.oneof(
    fc.constantFrom(...VALID),
    fc.tuple(fc.constantFrom(...VALID), fc.nat(80), fc.nat(6), fc.string({ maxLength: 5, unit: 'grapheme-ascii' }))
      .map(([l, at, del, ins]) => l.slice(0, at) + ins + l.slice(at + del)),
  );
  fc.assert(fc.property(fc.array(line, { maxLength: 30 }), (ls) => { checkWellFormed(ls.join('\n')); }), { numRuns: 1500 });
});

test('the parser never throws on token soup', () => {
  const word = fc.constantFrom('P1', 'P2', ':', '(', ')', ',', '|', '=', '==', '->', '[vvar]', '[', ']', 'expect', 'ns#1', '"x', '"a\\', '"ok"',
    'CLONE_NEWTIME', 'fork', 'setns', 'pidfd', 'now', '+', '-', '1s', '0x', '0x80', '.', 'time_ns', 'host', 'frozen', 'arch', 'kernel', 'patch', 'off', '#', '\t', '\r', '\u{1F600}', '\uD800',
    '\r\n', '\u2028', '\u2029', '\0', '\ufeff', '\u00a0', '\ufffd');
  fc.assert(fc.property(fc.array(fc.array(word, { maxLength: 14 }).map((w) => w.join(' ')), { maxLength: 12 }), (ls) => { checkWellFormed(ls.join('\n')); }), { numRuns: 1500 });
});

test('long task names: the free name of a fix and the nearest name of a typo are found in linear time (they were quadratic)', () => {
  const name = 'P' + '7'.repeat(300_000);
  const p = parseScenario(`P1: fork() = ${name}\nP1: fork() = ${name}\n`);
  const taken = p.diagnostics.find((d) => d.code === 'name-taken');
  assert.equal(taken?.fixes?.[0].newText, 'P2');
  // A misspelt long name: 'did you mean' compares it with every task in time linear in its length.
  const typo = parseScenario(`P1: fork() = ${name}\n${name.slice(0, -1)}8: exit(0)\n`);
  assert.deepEqual(typo.diagnostics.find((d) => d.code === 'unknown-task')?.fixes?.map((f) => f.newText), [name]);
});

test('very long lines and unbalanced input still parse', () => {
  const long = 'P1: unshare(' + 'CLONE_NEWTIME|'.repeat(20000) + '0)\n' + '"'.repeat(50000) + '\n' + '('.repeat(50000);
  checkWellFormed(long);
});
