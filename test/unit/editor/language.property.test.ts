// Property tests: completion, hover and the outline never throw or hang, whatever is typed, and completion
// ranges stay inside the line (VS Code rejects a completion item whose range is not on the cursor line).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseScenario, runScenario } from '../../../extension/scenario/index';
import { completionsAt, hoverAt, outline, sectionTitle } from '../../../extension/scenario/editor/language';
import { DEFAULT_PROFILE } from '../../../extension/sim/types';

const PIECES = ['P1', 'P2', ':', ' ', '(', ')', ',', '|', '"', '/proc/', 'self', '=', '==', '->', '[vvar]', '[', ']', 'expect', 'arch', 'kernel',
  'patch', 'off', 'unshare', 'fork', 'clock_gettime', 'CLONE_NEWTIME', 'CLOCK_MONOTONIC', 'ns#1', '#', '---', 'host', '+', '86400s', '\\', 'é', '\u{1F600}'];
const line = fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 3 })), { maxLength: 12 }).map((xs) => xs.join(''));

test('completionsAt never throws and its ranges stay on the typed prefix', () => {
  const base = parseScenario('arch x86_64\nkernel 6.18\nP1: fork() = P2\n');
  fc.assert(fc.property(line, fc.nat(40), (text, at) => {
    const col = Math.min(at, text.length);
    for (const e of completionsAt(text, 3, col, { parsed: base, profile: DEFAULT_PROFILE })) {
      assert.ok(e.replaceFrom === -1 || (e.replaceFrom >= 0 && e.replaceFrom <= col), `replaceFrom ${e.replaceFrom} for col ${col} in ${JSON.stringify(text)}`);
      assert.ok(e.label.length > 0);
    }
  }), { numRuns: 400 });
});

test('hoverAt and outline never throw on arbitrary scenarios, with or without a run', () => {
  fc.assert(fc.property(fc.array(line, { maxLength: 6 }), fc.nat(8), fc.nat(30), (lines, l, c) => {
    const text = ['arch arm64', 'kernel 5.9', 'P1: unshare(CLONE_NEWTIME)', 'P1: fork() = P2', ...lines].join('\n');
    const run = runScenario(text);
    const parsed = run.parsed;
    hoverAt(Math.min(l, parsed.tokens.length - 1), c, { parsed, profile: run.profile, run });
    hoverAt(Math.min(l, parsed.tokens.length - 1), c, { parsed, profile: run.profile });
    outline(parsed, text.split('\n'));
  }), { numRuns: 150 });
});

test('section titles: read by hand as the old regular expression read them, and in linear time on long lines', () => {
  const SECTION = /^\s*#\s*(?:-{3,}|={3,})\s*(.*?)\s*(?:-{3,}|={3,})?\s*$/;
  const text = fc.array(fc.constantFrom(' ', '\t', '#', '-', '=', 'a', 'b', '\u00a0'), { maxLength: 24 }).map((xs) => xs.join(''));
  fc.assert(fc.property(text, (t) => {
    const m = SECTION.exec(t);
    assert.equal(sectionTitle(t), m ? m[1] : null, JSON.stringify(t));
  }), { numRuns: 3000 });
  // A million characters that made the regular expression backtrack quadratically (it never returned).
  for (const long of ['# --- a' + ' '.repeat(1_000_000) + 'b', '# --- ' + '-'.repeat(1_000_000) + 'b', '# ===' + ' -'.repeat(500_000)]) {
    assert.equal(typeof sectionTitle(long), 'string');
    assert.equal(outline(parseScenario(long), [long]).length, 1);
  }
});

test('a hover looks a word up among the language\'s own words: Object\'s members (constructor, toString…) are none', () => {
  for (const w of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__']) {
    const lines = [`P1: clock_gettime(${w})`, `P1: unshare(${w})`, `expect errno == ${w}`, `expect signal == ${w}`, `P1: lseek(f, 0, ${w})`, `P1: execve("/bin/x", ${w})`];
    const run = runScenario(['arch x86_64', 'kernel 6.18', ...lines].join('\n'));
    lines.forEach((text, i) => {
      const h = hoverAt(i + 2, text.indexOf(w) + 1, { parsed: run.parsed, profile: run.profile, run });
      assert.ok(!/native code|function /.test(h?.markdown ?? ''), `${text}: ${h?.markdown}`);
    });
  }
});
