// CONFIG_TIME_NS=n as a profile option (issue 13 "mechanisms"): the `config` header line, the CLI's --config, and
// what the kernel does without time namespaces, on both architectures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario, profileOfHeader } from '../../../extension/scenario/parser';
import { runScenario } from '../../../extension/scenario/runner';
import { completionsAt, hoverAt } from '../../../extension/scenario/editor/language';
import { profileLabel } from '../../../extension/scenario/editor/format';
import { switchesFor } from '../../../extension/sim/profile';
import { configOf, configText } from '../../../extension/sim/config';
import { DEFAULT_PROFILE } from '../../../extension/sim/types';

const SCENARIO = 'P1: unshare(CLONE_NEWTIME)\nexpect errno == EINVAL\nP1: readlink("/proc/self/ns/time")\nexpect errno == ENOENT\n';

test('config CONFIG_TIME_NS=n turns time namespaces off on every arch and version; the default keeps them', () => {
  for (const [arch, kernel] of [['x86_64', '5.6'], ['x86_64', '6.18'], ['arm64', '5.9'], ['arm64', '6.18']] as const) {
    const off = switchesFor({ arch, kernel, disabledPatches: [], config: { timeNs: false } });
    assert.equal(off.values.timeNamespaces, false, `${arch} ${kernel}`);
    assert.equal(off.values.timensFault, false, 'vvar_fault: IS_ENABLED(CONFIG_TIME_NS)');
    assert.match(off.list.find((s) => s.name === 'timeNamespaces')!.source, /CONFIG_TIME_NS=n/);
    assert.equal(switchesFor({ arch, kernel, disabledPatches: [] }).values.timeNamespaces, true);
  }
  const run = runScenario(`arch arm64\nkernel 6.12\nconfig CONFIG_TIME_NS=n\n${SCENARIO}`);
  assert.ok(run.passed, JSON.stringify(run.expectations.map((e) => e.message)));
  const on = runScenario(`arch arm64\nkernel 6.12\nconfig CONFIG_TIME_NS=y\n${SCENARIO}`);
  assert.equal(on.expectations.filter((e) => !e.passed).length, 2, 'with y the same lines succeed');
});

test('the config line: CONFIG_ prefix optional, y|n only, unknown options with a fix, shown in the profile label', () => {
  const p = parseScenario('config TIME_NS=n\n');
  assert.deepEqual(p.diagnostics.filter((d) => d.severity === 'error'), []);
  assert.deepEqual(p.header.config, { timeNs: false });
  assert.equal(configOf(profileOfHeader(p.header)).timeNs, false);
  assert.equal(configText(p.header.config), 'CONFIG_TIME_NS=n');
  assert.match(profileLabel(profileOfHeader(p.header)), /CONFIG_TIME_NS=n/);
  const bad = parseScenario('config CONFIG_TIME_N=n\n').diagnostics.find((d) => d.code === 'unknown-config');
  assert.ok(bad);
  assert.equal(bad.fixes?.[0].newText, 'CONFIG_TIME_NS');
  assert.ok(parseScenario('config CONFIG_TIME_NS=m\n').diagnostics.some((d) => d.code === 'bad-config-value'));
  assert.ok(parseScenario('config CONFIG_TIME_NS = n\n').diagnostics.some((d) => d.code === 'syntax'));
  assert.ok(parseScenario('config\n').diagnostics.some((d) => d.code === 'syntax'));
});

test('config in hover and completion', () => {
  const parsed = parseScenario('config CONFIG_TIME_NS=n\n');
  const hover = hoverAt(0, 10, { parsed, profile: profileOfHeader(parsed.header) });
  assert.match(hover?.markdown ?? '', /copy_time_ns/);
  assert.match(hover?.markdown ?? '', /no time namespaces/);
  assert.ok(completionsAt('', 0, 0, { parsed: null, profile: DEFAULT_PROFILE }).some((c) => c.label === 'config'));
  assert.deepEqual(completionsAt('config ', 0, 7, { parsed: null, profile: DEFAULT_PROFILE }).map((c) => c.label), ['CONFIG_TIME_NS=', 'CONFIG_COMPAT_VDSO=', 'CONFIG_KUSER_HELPERS=']);
  assert.deepEqual(completionsAt('config CONFIG_TIME_NS=', 0, 22, { parsed: null, profile: DEFAULT_PROFILE }).map((c) => c.label), ['n', 'y']);
});
