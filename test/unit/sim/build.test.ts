// Which arm64 patch-off kernels build (sim/build.ts): a patch still applied, or the generic code CONFIG_TIME_NS
// compiles, that uses a symbol of a left-out patch makes the kernel unbuildable; the scenario layer then runs
// nothing unless `build forced` asks for the forced build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildStatusOf } from '../../../extension/sim/build';
import { switchesFor } from '../../../extension/sim/index';
import { runScenario } from '../../../extension/scenario/index';
import type { Arm64PatchId, KernelVersion } from '../../../extension/sim/types';

const status = (off: Arm64PatchId[], kernel: KernelVersion = '5.9') => buildStatusOf({ arch: 'arm64', kernel, disabledPatches: off });

test('each of the six switched off alone: 1, 2 and 3 do not build, 4, 5 and 6 do', () => {
  assert.deepEqual(status(['vvar-fault']).reasons, ['this kernel does not build: patch 4 (ee3cda8e4606) modifies vvar_fault(), introduced by patch 1 (d53b5c013e1e)']);
  assert.deepEqual(status(['zap-vvar']).reasons, ['this kernel does not link: kernel/time/namespace.c timens_commit() calls vdso_join_timens(), introduced for arm64 by patch 2 (1b6867d2916b)']);
  const three = status(['timens-page']).reasons;
  assert.equal(three.length, 1);
  assert.match(three[0], /^this kernel does not build: patch 4 \(ee3cda8e4606\) uses VVAR_DATA_PAGE_OFFSET and VVAR_TIMENS_PAGE_OFFSET; patch 5 \(bcf996434240\) uses VVAR_NR_PAGES; the generic vDSO .*__arch_get_timens_vdso_data\(\).*arch_get_vdso_data\(\), introduced by patch 3 \(3503d56cc723\)$/);
  for (const id of ['timens-fault', 'restrict-split', 'enable-timens'] as const) assert.equal(status([id]).builds, true, id);
});

test('combinations: the rules are about applied patches (and CONFIG_TIME_NS) needing absent ones', () => {
  assert.equal(status(['vvar-fault', 'timens-fault']).builds, true, 'nothing left uses vvar_fault');
  assert.equal(status(['zap-vvar', 'enable-timens']).builds, true, 'without CONFIG_TIME_NS nothing calls vdso_join_timens');
  assert.equal(status(['timens-page', 'timens-fault', 'restrict-split', 'enable-timens']).builds, true);
  assert.doesNotMatch(status(['timens-page'], '5.11').reasons[0], /VVAR_NR_PAGES/, 'vvar_mremap is gone from 5.11');
  assert.equal(status(['timens-page'], '6.15').builds, true, '6.15: the generic datastore replaced patches 1–4');
  assert.equal(buildStatusOf({ arch: 'x86_64', kernel: '5.9', disabledPatches: ['zap-vvar'] }).builds, true);
  assert.equal(buildStatusOf({ arch: 'arm64', kernel: '5.9', disabledPatches: ['zap-vvar'], forcedBuild: true }).forced, true);
});

test('a scenario on a kernel that does not build: an error, nothing runs; build forced runs it with a warning', () => {
  const text = 'arch arm64\nkernel 5.9\npatch off zap-vvar\nP1: unshare(CLONE_NEWTIME)\nexpect ok\n';
  const run = runScenario(text);
  assert.equal(run.valid, false);
  const d = run.diagnostics.find((x) => x.code === 'does-not-build')!;
  assert.equal(d.severity, 'error');
  assert.equal(d.range.line, 2);
  assert.match(d.message, /this kernel does not link: .*vdso_join_timens.*Nothing runs; add 'build forced'/);
  assert.equal(d.fixes?.[0].newText, 'build forced\n');
  const forced = runScenario(text.replace('patch off zap-vvar\n', 'patch off zap-vvar\nbuild forced\n'));
  assert.equal(forced.passed, true);
  assert.match(forced.diagnostics.find((x) => x.code === 'forced-build')!.message, /^forced build, not a real kernel: this kernel does not link/);
  assert.equal(switchesFor(forced.sim.profile).values.build, 'forced build');
  const cli = runScenario(text, { forcedBuild: true });
  assert.equal(cli.passed, true, 'the CLI option does what the header line does');
  const needless = runScenario('arch arm64\nkernel 5.9\nbuild forced\nP1: unshare(CLONE_NEWTIME)\n');
  assert.equal(needless.diagnostics.find((x) => x.code === 'build-not-needed')?.severity, 'info');
  const bad = runScenario('arch arm64\nkernel 5.9\nbuild always\n');
  assert.equal(bad.valid, false);
});
