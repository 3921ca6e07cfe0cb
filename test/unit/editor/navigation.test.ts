// The line navigation's binary searches (step commands, "step k/n", what the last step changed) agree with the
// walks over every line they replaced, at every position of a run: a step costs O(log lines), not O(events).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LineSpan, Simulation } from '../../../extension/sim/api';
import { runScenario } from '../../../extension/scenario/index';
import { lastStepStart, nextLinePosition, previousLinePosition, stepIndex, stepSpans } from '../../../extension/scenario/editor/navigation';
import { SAMPLE_SCENARIO } from '../../fixtures/sampleScenario';

const ARM64 = `arch arm64
kernel 5.9
P1: unshare(CLONE_NEWTIME)
P1: fork() = P2
expect ok
P2: clock_gettime(CLOCK_MONOTONIC)
P2: touch([vvar], 1)
expect ok
expect ok
`;

// The walks the binary searches replaced, kept here as the reference.
const reference = {
  next: (spans: readonly LineSpan[], position: number) => { for (const s of spans) if (s.end > position && s.end > s.first) return s.end; return null; },
  previous: (spans: readonly LineSpan[], position: number) => {
    if (position <= 0) return null;
    const completed = spans.filter((s) => s.end <= position && s.end > s.first).map((s) => s.end).sort((a, b) => a - b);
    const inside = spans.some((s) => s.first < position && position < s.end);
    if (inside) return completed.length ? completed[completed.length - 1]! : 0;
    return completed.length >= 2 ? completed[completed.length - 2]! : 0;
  },
  index: (spans: readonly LineSpan[], position: number) => {
    let k = 0;
    let partial = false;
    for (const s of spans) { if (s.end <= position) k++; else if (s.first < position) partial = true; }
    return { k, n: spans.length, partial };
  },
  lastStep: (sim: Simulation, position: number) => {
    if (position <= 0) return null;
    const spans = stepSpans(sim);
    if (spans.some((s) => s.first < position && position < s.end)) return position - 1;
    let best: LineSpan | undefined;
    for (const s of spans) if (s.end <= position && (!best || s.end > best.end)) best = s;
    if (!best) return position - 1;
    for (let i = best.end; i < position; i++) if (sim.kindOf(i) !== 'expect') return position - 1;
    return best.first;
  },
};

test('line navigation by binary search agrees with the walk over every line, at every position', () => {
  for (const text of [ARM64, SAMPLE_SCENARIO, 'kernel 6.18\nP1: fork() = P2\n\nexpect ok\nP2: clock_gettime(CLOCK_REALTIME)\nexpect ok\nexpect ok\n']) {
    const sim = runScenario(text).sim;
    for (const spans of [sim.lineSpans(), stepSpans(sim)]) {
      for (let p = -1; p <= sim.eventCount + 1; p++) {
        assert.equal(nextLinePosition(spans, p), reference.next(spans, p), `next at ${p}`);
        assert.equal(previousLinePosition(spans, p), reference.previous(spans, p), `previous at ${p}`);
        assert.deepEqual(stepIndex(spans, p), reference.index(spans, p), `index at ${p}`);
      }
    }
    const steps = stepSpans(sim);
    for (let p = 0; p <= sim.eventCount; p++) assert.equal(lastStepStart(sim, p, steps), reference.lastStep(sim, p), `last step at ${p}`);
  }
});
