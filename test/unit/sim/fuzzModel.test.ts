// The model never fails on its own inputs: the differential-testing scenarios (tools/fuzz-scenario.mjs) run on
// every kernel version of both architectures, under every design and with each arm64 patch switched off, and no
// line ends in "the simulator failed" (an exception inside the model) or an expectation it could not evaluate.
// The real kernel checks their values (tools/fuzz-verify.mjs); this checks the version paths no kernel here runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenario } from '../../../extension/scenario/index';
import { ARM64_PATCHES, DESIGNS, KERNEL_VERSIONS, type KernelVersion } from '../../../extension/sim/types';
import { fuzzScenario } from '../../../tools/fuzz-scenario.mjs';

const SEEDS = Array.from({ length: 20 }, (_, i) => 424_000 + i);

/** A scenario's lines the model refuses before it runs on older kernels (an error diagnostic, and nothing runs). */
function forProfile(text: string, arch: 'x86_64' | 'arm64', kernel: KernelVersion): string {
  const old = KERNEL_VERSIONS.indexOf(kernel) < KERNEL_VERSIONS.indexOf(arch === 'arm64' ? '5.9' : '6.13');
  return old ? text.split('\n').filter((l) => !l.includes(arch === 'arm64' ? 'compat' : 'vvar_vclock')).join('\n') : text;
}

/** Lines where the model itself failed, as `file:line: message`. */
function failures(text: string, options: Parameters<typeof runScenario>[1] & object, name: string): string[] {
  const run = runScenario(text, options);
  const broken = run.diagnostics.filter((d) => d.code === 'sim-error').map((d) => `${name}:${d.range.line + 1}: ${d.message}`);
  const unevaluated = run.expectations.filter((x) => x.actual === 'error').map((x) => `${name}:${x.expectation.line + 1}: ${x.message}`);
  assert.ok(run.valid, `${name}: ${run.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message).join('; ')}`);
  return [...broken, ...unevaluated];
}

for (const arch of ['x86_64', 'arm64'] as const) {
  test(`${arch}: the fuzz scenarios run on every kernel version without the model failing`, () => {
    const found: string[] = [];
    for (const seed of SEEDS) {
      const text = fuzzScenario(seed, { arch, lines: 80 });
      for (const kernel of KERNEL_VERSIONS) found.push(...failures(forProfile(text, arch, kernel), { arch, kernel }, `${arch} ${kernel} seed ${seed}`));
    }
    // the task-heavy mix (deaths by signal, vfork parents, exec'd threads) on half the seeds
    for (const seed of SEEDS.slice(0, 10)) {
      const text = fuzzScenario(seed, { arch, lines: 80, mix: 'tasks' });
      for (const kernel of KERNEL_VERSIONS) found.push(...failures(forProfile(text, arch, kernel), { arch, kernel }, `${arch} ${kernel} seed ${seed} mix tasks`));
    }
    assert.deepEqual(found, []);
  });
}

test('the fuzz scenarios run under every design, and on arm64 5.9 with each patch switched off, without the model failing', () => {
  const found: string[] = [];
  for (const seed of SEEDS) {
    const x86 = fuzzScenario(seed, { arch: 'x86_64', lines: 80 });
    for (const design of DESIGNS) found.push(...failures(x86, { design }, `${design} seed ${seed}`));
    const arm = forProfile(fuzzScenario(seed, { arch: 'arm64', lines: 80 }), 'arm64', '5.9');
    for (const patch of ARM64_PATCHES) found.push(...failures(arm, { arch: 'arm64', kernel: '5.9', disabledPatches: [patch.id], forcedBuild: true }, `patch off ${patch.id} seed ${seed}`));
  }
  assert.deepEqual(found, []);
});
