// The vDSO's seqcount loop made visible (issue 13 "mechanisms" item 2): a clock read with race= interleaves one
// host update_vsyscall with its loop; the events show the retry and the page's seq grows by 2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseScenario } from '../../../extension/scenario/parser';
import { runScenario } from '../../../extension/scenario/runner';
import { completionsAt } from '../../../extension/scenario/editor/language';
import { DEFAULT_PROFILE } from '../../../extension/sim/types';
import { harness, op, C, OFFSETS } from './helpers';

const raced = (clock: number, race: 'during' | 'before') => ({ op: 'clock_gettime', clock, via: 'vdso', race } as const);

test('race=during retries once, race=before spins without a retry; the value is unchanged and seq grows by 2', () => {
  for (const arch of ['x86_64', 'arm64'] as const) {
    const h = harness('6.12', arch);
    const seq = () => h.sim.state().pages['page#host'].blocks.map((b) => b.seq);
    const before = seq();
    const r = h.run('P1', raced(C.CLOCK_MONOTONIC, 'during'));
    assert.equal(r.retries, 1, arch);
    assert.deepEqual(r.clock?.value, r.clock?.host);
    assert.deepEqual(seq(), before.map((s) => s + 2), 'vdso_write_begin and vdso_write_end on both blocks');
    const from = h.sim.eventCount;
    assert.equal(h.run('P1', raced(C.CLOCK_MONOTONIC_COARSE, 'before')).retries, 0);
    const texts = Array.from({ length: h.sim.eventCount - from }, (_, i) => h.sim.event(from + i).summary);
    assert.ok(texts.some((s) => /is odd .*cpu_relax/.test(s)), texts.join('\n'));
    assert.equal(h.run('P1', op.gettime(C.CLOCK_MONOTONIC)).retries, undefined, 'an ordinary read does not race');
  }
});

test('in a namespace the loop runs on the real page and the offset is added after it', () => {
  const h = harness();
  h.run('P1', op.unshare());
  h.run('P1', op.write(OFFSETS, 'monotonic 3600 0'));
  h.run('P1', op.fork('P2'));
  const r = h.run('P2', raced(C.CLOCK_MONOTONIC, 'during'));
  assert.equal(r.retries, 1);
  assert.equal(r.clock?.path, 'vdso-timens');
  assert.equal(r.clock!.value.sec - r.clock!.host.sec, 3600);
  assert.equal(h.sim.state().pages['page#ns#1'].blocks[0].seq, 1, 'the namespace page is never written');
});

test('the race argument: parse, diagnostics, completion, expect retries', () => {
  const p = parseScenario('arch x86_64\nkernel 6.18\nP1: clock_gettime(CLOCK_MONOTONIC, race=during)\n');
  assert.deepEqual(p.diagnostics, []);
  assert.deepEqual(p.steps[0].operation, { op: 'clock_gettime', clock: 1, via: 'vdso', race: 'during' });
  assert.ok(parseScenario('P1: clock_gettime(CLOCK_MONOTONIC, race=durin)\n').diagnostics.some((d) => d.code === 'bad-value' && d.fixes?.[0]?.newText === 'during'));
  const run = runScenario('P1: clock_gettime(CLOCK_MONOTONIC, race=during)\nexpect retries == 1\nP1: clock_gettime(CLOCK_MONOTONIC, race=before)\nexpect retries == 1\n');
  assert.deepEqual(run.expectations.map((e) => e.passed), [true, false]);
  const labels = completionsAt('P1: clock_gettime(CLOCK_MONOTONIC, vdso, ', 0, 41, { parsed: null, profile: DEFAULT_PROFILE }).map((c) => c.label);
  assert.ok(labels.includes('race=during'), labels.join());
});
