// Issue 15: the designs that were never merged run as the profile's design. Each design's example holds under
// it and fails under every other; every shipped example runs under every design (an operation a design leaves
// undefined is refused with its reason, never a crash); every seed quote a design cites is in that seed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runScenario } from '../../../extension/scenario/index';
import { DESIGN_IMPLS } from '../../../extension/sim/designs/index';
import { DESIGNS, type DesignName } from '../../../extension/sim/types';
import { compareScenarioN } from '../../../extension/tours/compare';
import { designChoices, formatDesignTable, parseDesignList } from '../../../extension/tours/designCompare';
import { compareCommand } from '../../../extension/tours/compareCli';
import { FILE_HOST } from '../../../extension/debug/launch';

const ROOT = path.resolve(__dirname, '../../../..');
const EXAMPLES = path.join(ROOT, 'examples');
const OWN: Readonly<Record<DesignName, string>> = {
  'merged': '24-design-merged.timens', 'clone-time': '21-design-clone-time.timens',
  'monotonic-sync': '22-design-monotonic-sync.timens', 'per-ns-timekeeper': '23-design-per-ns-timekeeper.timens',
};

for (const own of DESIGNS) {
  test(`the ${own} example holds under ${own} and fails under every other design`, () => {
    const text = fs.readFileSync(path.join(EXAMPLES, OWN[own]), 'utf8');
    for (const d of DESIGNS) {
      const run = runScenario(text, { file: OWN[own], design: d });
      const failed = run.expectations.filter((e) => !e.passed).map((e) => `${e.expectation.line + 1}: ${e.message}`);
      if (d === own) assert.deepEqual(failed, [], `under ${d}`);
      else assert.ok(failed.length > 0, `${OWN[own]} holds under ${d} too`);
    }
  });
}

test('every shipped example runs under every design: results or refusals with a reason, no model error', () => {
  for (const f of fs.readdirSync(EXAMPLES).filter((x) => x.endsWith('.timens'))) {
    const text = fs.readFileSync(path.join(EXAMPLES, f), 'utf8');
    for (const d of DESIGNS) {
      const run = runScenario(text, { file: f, design: d });
      assert.deepEqual(run.diagnostics.filter((x) => x.code === 'sim-error').map((x) => x.message), [], `${f} under ${d}`);
      for (let i = 0; i < run.sim.eventCount; i++) {
        const e = run.sim.event(i);
        assert.ok(!(e.kind === 'error' && e.summary.startsWith('internal simulator error')), `${f} under ${d}: ${e.summary}`);
      }
      for (const o of run.outcomes) {
        if (o.result.refused !== undefined) assert.match(o.result.refused, d === 'merged' ? /not modelled/ : /not defined by the .* design \(seed 00\d is silent on .+\)|not modelled/, `${f}:${o.line + 1} under ${d}`);
      }
    }
  }
});

test('every seed quote a design cites is in the seed file it names', () => {
  // Seed 000 is one long line with '>' quote marks inside: they are not part of what is quoted.
  const squash = (s: string) => s.replace(/(^|\s)>+(?=\s)/g, ' ').replace(/\s+/g, ' ');
  const seeds = path.join(ROOT, 'test/fixtures/seeds');
  for (const d of Object.values(DESIGN_IMPLS)) {
    assert.ok(d.behaviours.some((b) => 'seed' in b.tag), `${d.name} cites no seed`);
    for (const b of d.behaviours) {
      if (!('seed' in b.tag)) { assert.ok(b.tag.choice.length > 20, `${d.name}.${b.what}: a choice says why`); continue; }
      const file = path.join(seeds, b.tag.seed);
      const text = squash(fs.readFileSync(file, 'utf8'));
      for (const part of b.tag.quote.split(' ... ')) assert.ok(text.includes(squash(part)), `${d.name}.${b.what}: "${part}" is not in ${b.tag.seed}`);
    }
  }
});

test('merged: the clock a design invents is an invalid clock id; unknown design headers are errors', () => {
  const run = runScenario('arch x86_64\nkernel 6.18\nP1: clock_gettime(CLOCK_MONOTONIC_SYNC, syscall)\nexpect errno == EINVAL\n', { file: 'x' });
  assert.equal(run.passed, true);
  assert.ok(run.diagnostics.some((d) => d.code === 'design-clock' && d.severity === 'info' && d.range.line === 2));
  assert.ok(!runScenario('design monotonic-sync\nP1: clock_gettime(CLOCK_MONOTONIC_SYNC, syscall)\n', { file: 'x' }).diagnostics.some((d) => d.code === 'design-clock'));
  const bad = runScenario('design clone-tim\nP1: id()\n', { file: 'x' });
  assert.ok(bad.diagnostics.some((d) => d.code === 'unknown-design' && d.message.includes('clone-time')));
});

test('compare designs: a table per line, the first line where they part, and the CLI exit status', () => {
  const file = path.join(EXAMPLES, OWN['clone-time']);
  const text = fs.readFileSync(file, 'utf8');
  const run = runScenario(text, { file });
  const table = compareScenarioN(text, file, designChoices(run.profile, ['merged', 'clone-time']));
  assert.equal(table.columns.length, 2);
  assert.equal(table.first?.source.trim(), 'P5: unshare(CLONE_NEWUSER|CLONE_NEWTIME)');
  const printed = formatDesignTable(table, 100);
  assert.match(printed, /\[1\] merged/);
  for (const l of printed.split('\n')) assert.ok(l.length <= 100, `too wide: ${l}`);
  assert.deepEqual(parseDesignList('merged'), 'name at least two designs, e.g. merged,clone-time (the designs are merged, clone-time, monotonic-sync, per-ns-timekeeper)');
  let out = '';
  let err = '';
  assert.equal(compareCommand(['--design', 'merged,clone-time', file, '--width', '100'], (s) => { out += s; }, (s) => { err += s; }), 1);
  assert.match(out, /First line where they part: 13/);
  assert.equal(compareCommand(['--design', 'merged,nope', file], () => undefined, (s) => { err += s; }), 2);
  assert.match(err, /unknown design 'nope'/);
  // --width is a number of columns, held to 60..1,000: '1e9' had thrown RangeError (each cell is padded to the width)
  for (const w of ['1e9', 'abc', '-5', '']) {
    err = '';
    assert.equal(compareCommand(['--design', 'merged,clone-time', file, `--width=${w}`], () => undefined, (s) => { err += s; }), 2, w);
    assert.equal(err, `timens compare: --width takes a number of columns, not '${w}'\n`);
  }
  out = '';
  assert.equal(compareCommand(['--design', 'merged,clone-time', file, '--width', '999999999'], (s) => { out += s; }, () => undefined), 1);
  assert.ok(Math.max(...out.split('\n').map((l) => l.length)) <= 1000, 'at most 1,000 columns');
});

test('the designs tour runs: each design step stops on the first line where that design parts from the merged one', () => {
  const tour = JSON.parse(fs.readFileSync(path.join(ROOT, 'tours/designs-not-merged.tour.json'), 'utf8')) as { steps: { scenario?: { path: string; line?: number }; compare?: { design?: DesignName } }[] };
  const steps = tour.steps.filter((s) => s.compare?.design);
  assert.deepEqual(steps.map((s) => s.compare!.design).sort(), ['clone-time', 'monotonic-sync', 'per-ns-timekeeper']);
  for (const s of steps) {
    const file = path.join(ROOT, s.scenario!.path);
    const text = fs.readFileSync(file, 'utf8');
    const run = runScenario(text, { file });
    const table = compareScenarioN(text, file, designChoices(run.profile, ['merged', s.compare!.design!]));
    assert.equal(s.scenario!.line, table.first!.line + 1, `${s.compare!.design}: the step's line`);
  }
});

test("the debugger's launch configuration picks the design over the header", async () => {
  const program = path.join(EXAMPLES, OWN['clone-time']);
  const own = await FILE_HOST.load({ program }, false);
  assert.equal(own.run.profile.design, 'clone-time');
  assert.equal(own.run.passed, true);
  const merged = await FILE_HOST.load({ program, design: 'merged' }, false);
  assert.equal(merged.run.profile.design ?? 'merged', 'merged');
  assert.equal(merged.run.passed, false);
});

test('monotonic-sync: the boot-time readers in a namespace are refused as BOOTTIME is; outside they run', () => {
  const run = runScenario('design monotonic-sync\nP1: clone3(CLONE_NEWTIME) = A\nA: sysinfo()\nA: read("/proc/P1/stat")\nP1: sysinfo()\nP1: read("/proc/A/stat")\n', { file: 'x' });
  const refused = run.outcomes.map((o) => o.result.refused ?? null);
  assert.deepEqual(refused.slice(1).map((r) => r !== null && /CLOCK_BOOTTIME in a namespace/.test(r)), [true, true, false, false], JSON.stringify(refused));
});
