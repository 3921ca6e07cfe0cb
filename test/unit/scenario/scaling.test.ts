// A run's cost grows linearly with the scenario: 8 times the lines may cost at most 16 times the CPU time
// (best of three each; generous, so a shared machine's noise cannot fail it; `npm run bench` holds the tight
// ratio). The scenario forks, reads clocks, checks and exits over and over, so the tasks alive stay few while
// the lines (and the objects that ever existed) grow: the shape that made the runner quadratic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forEachLine } from '../../../extension/scenario/lines';
import { checkText, runText } from '../../../extension/scenario/stream';
import { generatedRunScenario } from '../../bench/cliScenario';

function cpuSecondsOfRun(text: string): number {
  const source = (each: Parameters<typeof forEachLine>[1]): void => forEachLine(text, each);
  const c0 = process.cpuUsage();
  const checked = checkText(source);
  assert.equal(checked.valid, true, JSON.stringify(checked.diagnostics.filter((d) => d.severity === 'error').slice(0, 3)));
  const result = runText(source, checked, { operation() {}, expectation() {} });
  const c = process.cpuUsage(c0);
  assert.equal(result.passed, true);
  return (c.user + c.system) / 1e6;
}

test('8 times the lines cost at most 16 times the CPU time (parse and run, streaming)', () => {
  const small = generatedRunScenario(2_000);
  const large = generatedRunScenario(16_000);
  // Warm the JIT first: the first runs in a fresh process are several times slower than later ones.
  for (let i = 0; i < 3; i++) cpuSecondsOfRun(small);
  cpuSecondsOfRun(large);
  let bestSmall = Infinity;
  let bestLarge = Infinity;
  for (let i = 0; i < 3; i++) {
    bestSmall = Math.min(bestSmall, cpuSecondsOfRun(small));
    bestLarge = Math.min(bestLarge, cpuSecondsOfRun(large));
  }
  const ratio = bestLarge / bestSmall;
  assert.ok(ratio <= 16, `8x the lines cost ${ratio.toFixed(1)}x the CPU time (${bestSmall.toFixed(3)} s, ${bestLarge.toFixed(3)} s)`);
});
