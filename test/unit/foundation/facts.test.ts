// Each fact has one home in extension/sim (types.ts: versions, clocks, profile defaults, timespec text; api.ts:
// event kinds). Code imports it; the JSON files VS Code reads cannot, so this test holds them to the home.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { ARM64_PATCHES, CLOCKS, DEFAULT_PROFILE, KERNEL_VERSIONS, compareKernels, fmtTs, kernelAtLeast } from '../../../extension/sim/types';
import { readKernelVersion } from '../../../extension/scenario/values';

const json = (file: string): Record<string, unknown> => JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
type Prop = { enum?: string[]; default?: string };

test('the known kernel versions are in version order, and the order reads any major.minor', () => {
  for (let i = 1; i < KERNEL_VERSIONS.length; i++) assert.ok(compareKernels(KERNEL_VERSIONS[i - 1], KERNEL_VERSIONS[i]) < 0, KERNEL_VERSIONS[i]);
  assert.ok(compareKernels('6.1.20', '6.1') === 0 && compareKernels('6.12', '6.2') > 0 && compareKernels('5.10', '5.9') > 0);
  assert.ok(kernelAtLeast('6.12', '6.3') && !kernelAtLeast('5.9', '5.10'));
  assert.equal(fmtTs({ sec: -3, nsec: 5 }), '-3.000000005');
});

test('a minor version of 1000 or more is still older than the next major (6.1000 < 7.0; 6.1000 once read as 7.0)', () => {
  assert.ok(compareKernels('6.1000', '7.0') < 0 && compareKernels('6.99999999999999999999', '7.0') < 0);
  assert.ok(compareKernels('6.1000', '6.18') > 0 && compareKernels('7.0', '6.1000') > 0);
  assert.equal(compareKernels('6.1000.3', '6.1000'), 0);
  assert.equal(readKernelVersion('6.99999999999999999999')?.kernel, '6.18', 'the nearest older known version');
  assert.equal(readKernelVersion('6.1000')?.kernel, '6.18');
});

test('package.json settings list the simulator\'s versions and defaults', () => {
  const props = ((json('package.json').contributes as Record<string, unknown>).configuration as { properties: Record<string, Prop> }).properties;
  assert.deepEqual(props['timens.defaultKernel'].enum, [...KERNEL_VERSIONS]);
  assert.equal(props['timens.defaultKernel'].default, DEFAULT_PROFILE.kernel);
  assert.deepEqual(props['timens.defaultArch'].enum, ['x86_64', 'arm64']);
  assert.equal(props['timens.defaultArch'].default, DEFAULT_PROFILE.arch);
});

test('the tour schema lists the simulator\'s versions, architectures and patches', () => {
  const text = fs.readFileSync('schemas/tour.schema.json', 'utf8');
  const enums = [...text.matchAll(/"enum":\s*\[([^\]]*)\]/g)].map((m) => JSON.parse(`[${m[1]}]`) as string[]);
  assert.ok(enums.some((e) => JSON.stringify(e) === JSON.stringify([...KERNEL_VERSIONS])), 'a kernel enum equal to KERNEL_VERSIONS');
  for (const e of enums) {
    if (e.includes('5.6')) assert.deepEqual(e, [...KERNEL_VERSIONS]);
    if (e.includes('arm64')) assert.deepEqual(e, ['x86_64', 'arm64']);
    if (e.includes('zap-vvar')) assert.deepEqual([...e].sort(), ARM64_PATCHES.map((p) => p.id).sort());
  }
});

test('the snippets default to the simulator\'s profile and name only its clocks', () => {
  const snippets = json('snippets/timens.json') as Record<string, { body: string[] }>;
  const header = snippets.Header.body.join('\n');
  assert.ok(header.includes(`kernel \${2:${DEFAULT_PROFILE.kernel}}`), header);
  assert.ok(header.includes(`arch \${1|${DEFAULT_PROFILE.arch},`), header);
  const clocks = [...JSON.stringify(snippets).matchAll(/CLOCK_[A-Z_]+/g)].map((m) => m[0]);
  assert.ok(clocks.length > 0);
  for (const c of clocks) assert.ok(c in CLOCKS, c);
});
