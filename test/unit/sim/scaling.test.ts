// Recording is linear in the number of operations: 8 times the forks (or threads) may cost at most 16 times the CPU
// time. A ratio only, best of three, and generous so that noise cannot fail it (npm run bench holds the tight 10x);
// the quadratic model this replaced took about 80 times as long for 8 times the forks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { createSimulation } from '../../../extension/sim/index';
import type { Operation } from '../../../extension/sim/ops';

function getGc(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}
const gc = getGc();

/** CPU time of recording `n` operations. The heap is collected first: otherwise the previous run's garbage (8
 *  times larger after a large run) is collected during this one and counted against it. */
function cpuMs(n: number, op: (k: number) => Operation): number {
  gc();
  const sim = createSimulation({ arch: 'x86_64', kernel: '6.18', disabledPatches: [] });
  const c0 = process.cpuUsage();
  for (let k = 0; k < n; k++) sim.exec({ line: k, task: 'P1', operation: op(k) });
  const c = process.cpuUsage(c0);
  assert.equal(sim.state().tasks[`C${n - 1}`]?.state, 'running');
  return (c.user + c.system) / 1000;
}

function ratio8x(n: number, op: (k: number) => Operation): { small: number; large: number } {
  cpuMs(8 * n, op); // warm-up
  let small = Infinity;
  let large = Infinity;
  for (let i = 0; i < 3; i++) {
    small = Math.min(small, cpuMs(n, op));
    large = Math.min(large, cpuMs(8 * n, op));
  }
  return { small, large };
}

test('8 times the forks cost at most 16 times the CPU time', () => {
  const { small, large } = ratio8x(2000, (k) => ({ op: 'fork', child: `C${k}` }));
  assert.ok(large / small <= 16, `2,000 forks ${small.toFixed(0)} ms, 16,000 forks ${large.toFixed(0)} ms: ${(large / small).toFixed(1)}x`);
});

test('8 times the threads cost at most 16 times the CPU time', () => {
  const { small, large } = ratio8x(1000, (k) => ({ op: 'pthread_create', child: `C${k}` }));
  assert.ok(large / small <= 16, `1,000 threads ${small.toFixed(0)} ms, 8,000 threads ${large.toFixed(0)} ms: ${(large / small).toFixed(1)}x`);
});
