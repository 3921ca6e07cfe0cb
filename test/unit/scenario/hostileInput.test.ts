// Hostile input the parser must answer with a clear one-line message at the right place, never a silently
// different value: found by generated and mutated scenarios (names with line breaks, kernel versions with
// leading zeros, durations finer than a nanosecond or of more digits than a double holds).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../../extension/scenario/parser';
import { parseDuration, readKernelVersion } from '../../../extension/scenario/values';
import type { ScenarioDiagnostic } from '../../../extension/scenario/api';

const BREAKS = /[\x00-\x1f\x7f\u2028\u2029]/;

function diagnostics(text: string, code: string): ScenarioDiagnostic[] {
  return parseScenario(text).diagnostics.filter((d) => d.code === code);
}

test('a diagnostic is one line whatever the line holds: a task name with a line break, U+2028 in a path or a token', () => {
  const texts = [
    'P1: readlink("/proc/a\\nb/ns/time")',
    'P1: readlink("/proc/self/task/x\\ry/ns/time")',
    'P1: readlink("/proc/self/task/\\x01/ns/time")',
    'P1: readlink("\u2028")',
    'P1: readlink("/proc/\u2029/ns/time")',
    'P1: lseek("x", "\u2028")',
    'P1: clock_gettime(CLOCK_\u2028)',
  ];
  for (const text of texts) {
    const ds = parseScenario(text).diagnostics.filter((d) => d.severity !== 'info');
    assert.ok(ds.length > 0, text);
    for (const d of ds) assert.ok(!BREAKS.test(d.message), `${text}: ${JSON.stringify(d.message)}`);
  }
  const [named] = diagnostics('P1: readlink("/proc/a\\nb/ns/time")', 'unknown-task');
  assert.equal(named.message, 'No task named a\\nb exists at this line (in /proc paths use self, thread-self or a task name)');
  const [outside] = diagnostics('P1: readlink("\u2028")', 'not-modelled');
  assert.match(outside.message, /^"\\u2028": a path outside \/proc/);
});

test('a kernel version with a leading zero is no version: 06.18 had been "older than any the model knows", nearest 6.18', () => {
  for (const v of ['06.18', '6.018', '6.01', '6.1.020', '00.1']) assert.equal(readKernelVersion(v), null, v);
  assert.deepEqual(readKernelVersion('6.1.0'), { kernel: '6.1', known: true, sublevel: true });
  assert.equal(readKernelVersion('5.10')?.known, true);
  const [bad] = diagnostics('kernel 06.18\nP1: clock_gettime(CLOCK_MONOTONIC)', 'bad-kernel');
  assert.deepEqual([bad.range.line, bad.range.col, bad.message], [0, 7, "'06.18' is not a kernel version such as 6.18 or 5.10"]);
  assert.deepEqual(diagnostics('kernel 06.18', 'unknown-kernel'), []);
});

test('a duration is exact: more digits than a double holds, or a fraction finer than a nanosecond, is no rounded value', () => {
  assert.deepEqual(parseDuration('9007199254740993ns'), { sec: 9007199, nsec: 254740993 });
  assert.deepEqual(parseDuration('9007199254740993us'), { sec: 9007199254, nsec: 740993000 });
  assert.deepEqual(parseDuration('999999999999999ms'), { sec: 999999999999, nsec: 999000000 });
  assert.deepEqual(parseDuration('0.0000000001m'), { sec: 0, nsec: 6 });
  assert.deepEqual(parseDuration('1.5000ms'), { sec: 0, nsec: 1500000 });
  assert.deepEqual(parseDuration('00000000000000000001.25s'), { sec: 1, nsec: 250000000 });
  assert.deepEqual(parseDuration('1.75'), { sec: 1, nsec: 750000000 });
  for (const d of ['1.5ns', '0.0000000001s', '1.00000000000000000001s', '1.0001us', `1.${'3'.repeat(100000)}d`]) assert.equal(parseDuration(d), 'finer', d);
  assert.ok(!Number.isSafeInteger((parseDuration(`${'9'.repeat(100000)}ns`) as { sec: number }).sec));
  const [finer] = diagnostics('sleep 1.5ns', 'bad-value');
  assert.deepEqual([finer.range.line, finer.range.col, finer.range.endCol, finer.message], [0, 6, 11, '1.5ns is finer than a nanosecond, the resolution of every clock']);
  const p = parseScenario('P1: clock_gettime(CLOCK_MONOTONIC)\nexpect P1 CLOCK_MONOTONIC == host + 9007199254740993ns');
  assert.deepEqual(p.diagnostics.filter((d) => d.severity === 'error'), []);
  const sleep = parseScenario('sleep 9007199254740993ns').steps[0];
  assert.deepEqual(sleep.operation, { op: 'sleep', delta: { sec: 9007199, nsec: 254740993 } });
});

test('a string with a character an editor does not show as itself is warned at that character: a NUL, U+2028, U+FFFD (bytes that were not UTF-8)', () => {
  const at = (text: string): [number, number, string][] => diagnostics(text, 'unusual-character').map((d) => [d.range.line, d.range.col, d.message]);
  assert.deepEqual(at('P1: write("/proc/self/timens_offsets", "monotonic 1 0\0x")'), [[0, 53, 'U+0000 in a string: an editor does not show it as itself; write it as \\x00']]);
  assert.deepEqual(diagnostics('P1: write("/proc/self/setgroups", "deny\x0b")', 'unusual-character')[0].fixes, [{ title: 'Replace with \\x0b', range: { line: 0, col: 39, endLine: 0, endCol: 40 }, newText: '\\x0b' }]);
  const [sep] = at('arch x86_64\nexpect read == "a\u2028"');
  assert.deepEqual(sep, [1, 17, "U+2028 in a string: an editor does not show it as itself (in a write's data, \\xe2\\x80\\xa8 are its bytes)"]);
  const [bad] = at(Buffer.from([...Buffer.from('P1: readlink("/proc/'), 0xff, ...Buffer.from('")')]).toString('utf8'));
  assert.equal(bad[1], 20);
  assert.match(bad[2], /^U\+FFFD \(REPLACEMENT CHARACTER\) in a string: the file is not valid UTF-8 here/);
  assert.deepEqual(at('P1: write("/proc/self/timens_offsets", "monotonic\t1 0\\x01")'), [], 'a tab and escapes are what they show');
  assert.equal(parseScenario('P1: write("/proc/self/timens_offsets", "monotonic 1 0\0x")').steps.length, 1, 'the line runs');
});
