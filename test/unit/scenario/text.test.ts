// What a scenario's text may hold besides the language: line ends (\n, \r\n and a lone \r end a line, as in
// VS Code; U+2028 does not), a byte-order mark at the start (dropped), NUL bytes and other invisible or
// control characters (a clear error naming the code point). The whole-text and the chunked reader agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../../extension/scenario/parser';
import { LineSplitter, splitLines } from '../../../extension/scenario/lines';

test('lines end at \\n, \\r\\n and a lone \\r; U+2028 and U+2029 end no line; a leading BOM is not text', () => {
  assert.deepEqual(splitLines('a\nb\r\nc\rd'), ['a', 'b', 'c', 'd']);
  assert.deepEqual(splitLines('a\r'), ['a', '']);
  assert.deepEqual(splitLines('a\r\r\nb'), ['a', '', 'b']);
  assert.deepEqual(splitLines('a\u2028b\u2029c'), ['a\u2028b\u2029c']);
  assert.deepEqual(splitLines('\ufeffarch x86_64\n'), ['arch x86_64', '']);
  assert.deepEqual(splitLines('x\ufeff'), ['x\ufeff']);
  assert.deepEqual(splitLines(''), ['']);
});

test('text in chunks of any size gives the same lines as the whole text (a \\r\\n split across two chunks is one line end)', () => {
  const texts = ['\ufeffa\r\nbb\rccc\n\r\n\rd', 'x\r', '\r\n\r\n', 'long line without end', '\ufeff'];
  for (const text of texts) {
    for (let size = 1; size <= 4; size++) {
      const got: string[] = [];
      const each = (s: string, base: number, end: number): void => { got.push(s.slice(base, end)); };
      const lines = new LineSplitter();
      for (let i = 0; i < text.length; i += size) lines.push(text.slice(i, i + size), each);
      lines.end(each);
      assert.deepEqual(got, splitLines(text), `${JSON.stringify(text)} in chunks of ${size}`);
    }
  }
});

test('a scenario with a BOM, Windows or old-Mac line ends parses as the same scenario with \\n', () => {
  const lines = ['arch x86_64', 'kernel 6.18', 'P1: unshare(CLONE_NEWTIME)', 'P1: fork() = P2', 'expect P2.time_ns == ns#1'];
  const plain = parseScenario(lines.join('\n'));
  assert.deepEqual(plain.diagnostics, []);
  for (const text of ['\ufeff' + lines.join('\n'), lines.join('\r\n'), lines.join('\r'), '\ufeff' + lines.join('\r') + '\r']) {
    const p = parseScenario(text);
    assert.deepEqual(p.diagnostics, [], JSON.stringify(text));
    assert.deepEqual(p.steps, plain.steps);
    assert.deepEqual(p.expectations, plain.expectations);
    assert.deepEqual(p.tokens[2].map((t) => [t.kind, t.text, t.range.col]), plain.tokens[2].map((t) => [t.kind, t.text, t.range.col]));
  }
  // With a lone \r the lines are the ones an editor shows: the expectation is on line 5.
  assert.equal(parseScenario(lines.join('\r')).expectations[0].line, 4);
});

test('NUL, U+2028, a BOM inside the text, a no-break space and control characters are errors that name the character', () => {
  const at = (text: string): { message: string; col: number; fix?: string } => {
    const p = parseScenario(`arch x86_64\nkernel 6.18\n${text}`);
    const d = p.diagnostics.find((x) => x.code === 'bad-token');
    assert.ok(d, `a bad-token diagnostic for ${JSON.stringify(text)}: ${JSON.stringify(p.diagnostics)}`);
    assert.equal(d.range.line, 2);
    return { message: d.message, col: d.range.col, fix: d.fixes?.[0]?.newText };
  };
  const nul = at('P1: unshare(\0)');
  assert.match(nul.message, /NUL byte \(U\+0000\).*binary file/);
  assert.equal(nul.col, 12);
  assert.ok(!nul.message.includes('\0'), 'the message holds no raw NUL');
  const ls = at('P1: unshare(CLONE_NEWTIME)\u2028P1: fork() = P2');
  assert.match(ls.message, /U\+2028 \(LINE SEPARATOR\) does not end a line/);
  assert.equal(ls.fix, '\n');
  assert.match(at('P1: fork()\u2029= P2').message, /U\+2029 \(PARAGRAPH SEPARATOR\)/);
  assert.equal(at('P1:\ufeff fork() = P2').fix, '');
  assert.equal(at('P1:\u00a0fork() = P2').fix, ' ');
  assert.match(at('P1: fork() = P2\u0007').message, /control character U\+0007/);
  assert.match(at('P1: fork() = \ufffdP2').message, /not valid UTF-8/);
  // Inside a string or a comment they are text.
  const p = parseScenario('arch x86_64\nkernel 6.18\nP1: write("/proc/self/timens_offsets", "a\u2028b")  # \0 \u2028');
  assert.deepEqual(p.diagnostics.filter((d) => d.severity === 'error'), []);
});
