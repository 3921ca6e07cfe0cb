// Editor figures: what one cursor move costs the trees (state before the last step, three tree models,
// change marking), hover and completion latency, and inline results, on a scenario with many tasks; and the
// grammar's highlighting rate through VS Code's own tokenizer (what the workbench spends on a long scenario).
import { runScenario } from '../../extension/scenario/index';
import { completionsAt, hoverAt } from '../../extension/scenario/editor/language';
import { inlineResults } from '../../extension/scenario/editor/inline';
import { lastStepStart, stepSpans } from '../../extension/scenario/editor/navigation';
import { markChanges, memoryTree, namespaceTree, taskTree } from '../../extension/scenario/editor/trees';
import { timensTokenizer } from '../unit/editor/tokenize';
import { scenarioOfEvents } from './scenarios';

function bigScenario(tasks: number): string {
  const lines = ['arch x86_64', 'kernel 6.18', 'P1: unshare(CLONE_NEWTIME)', 'P1: write("/proc/self/timens_offsets", "monotonic 86400 0")'];
  for (let i = 2; i <= tasks; i++) {
    lines.push(`P1: fork() = P${i}`, `P${i}: clock_gettime(CLOCK_MONOTONIC)`);
    if (i % 10 === 0) lines.push(`P${i}: unshare(CLONE_NEWTIME)`, `P${i}: fork() = Q${i}`);
  }
  return lines.join('\n') + '\n';
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export async function bench(): Promise<Record<string, number>> {
  const text = bigScenario(200);
  const run = runScenario(text);
  const sim = run.sim;
  const spans = stepSpans(sim);
  // One cursor move as the views do it: back to the start of the last step, forward again, build, mark.
  const refresh: number[] = [];
  for (let k = 0; k < spans.length; k += Math.max(1, Math.floor(spans.length / 50))) {
    const t0 = performance.now();
    sim.goto(spans[k].end);
    const now = sim.state();
    const start = lastStepStart(sim, sim.position);
    sim.goto(start ?? 0);
    const before = sim.state();
    sim.goto(spans[k].end);
    for (const build of [(s: typeof now) => namespaceTree(s, 'owner'), taskTree, (s: typeof now) => memoryTree(s, run.profile)]) {
      markChanges(build(now), build(before), sim.lastChanges());
    }
    refresh.push(performance.now() - t0);
  }
  const lines = text.split('\n');
  const hover: number[] = [];
  const completion: number[] = [];
  for (let line = 4; line < lines.length - 1; line += 17) {
    let t0 = performance.now();
    hoverAt(line, 1, { parsed: run.parsed, profile: run.profile, run });
    hover.push(performance.now() - t0);
    t0 = performance.now();
    completionsAt('P1: clock_gettime(', line, 18, { parsed: run.parsed, profile: run.profile });
    completion.push(performance.now() - t0);
  }
  const t0 = performance.now();
  inlineResults(run, sim.eventCount);
  const inline = performance.now() - t0;
  return {
    ...await grammarRate(),
    'editor.tasks': Object.keys(sim.state().tasks).length,
    'editor.tree_refresh_ms_median': median(refresh),
    'editor.tree_refresh_ms_max': Math.max(...refresh),
    'editor.hover_task_ms_median': median(hover),
    'editor.completion_ms_median': median(completion),
    'editor.inline_results_ms': inline,
  };
}

/** Lines per second VS Code's tokenizer (vscode-textmate, Oniguruma) highlights with our grammar: the scenario the
 *  VS Code bench opens (about 10^6 events, 1.5·10^5 lines), best of two passes (the first compiles the scanners). */
async function grammarRate(): Promise<Record<string, number>> {
  const { grammar } = await timensTokenizer();
  const lines = scenarioOfEvents(1_000_000).split('\n');
  let best = Infinity;
  for (let pass = 0; pass < 2; pass++) {
    const t0 = performance.now();
    let state = null as Parameters<typeof grammar.tokenizeLine2>[1];
    for (const line of lines) state = grammar.tokenizeLine2(line, state).ruleStack;
    best = Math.min(best, performance.now() - t0);
  }
  return { 'editor.grammar_lines': lines.length, 'editor.grammar_lines_per_sec': lines.length / (best / 1000) };
}
