// Runs a parsed scenario on the simulator: each step in order, each expectation against the state
// right after the operation line above it, and the outcomes and diagnostics the editor and CLI show.

import { createSimulation } from '../sim/index';
import type { OpResult } from '../sim/api';
import type { Step } from '../sim/ops';
import type { Profile } from '../sim/types';
import type { ExpectOutcome, LineOutcome, ParsedScenario, RunOptions, ScenarioDiagnostic, ScenarioRun } from './api';
import { evaluateCheck } from './expect';
import { parseScenario, profileDiagnostics } from './parser';
import { range } from './values';

export function profileFor(parsed: ParsedScenario, options: RunOptions = {}): Profile {
  return {
    arch: options.arch ?? parsed.header.arch ?? 'x86_64',
    kernel: options.kernel ?? parsed.header.kernel ?? '6.18',
    disabledPatches: [...(options.disabledPatches ?? parsed.header.disabledPatches)],
  };
}

export function runScenario(text: string, options: RunOptions = {}): ScenarioRun {
  return runParsed(parseScenario(text, options.file), options);
}

const EMPTY_RESULT: OpResult = { ret: null, errno: null, signal: null };

export function runParsed(parsed: ParsedScenario, options: RunOptions = {}): ScenarioRun {
  const steps = runParsedSteps(parsed, options);
  for (let r = steps.next(); ; r = steps.next()) if (r.done) return r.value;
}

/**
 * The same run, one scenario line at a time: yields the line just done, returns the run. A caller that must stay
 * responsive (the editor's worker) runs it in slices and can stop between any two lines.
 */
export function* runParsedSteps(parsed: ParsedScenario, options: RunOptions = {}): Generator<number, ScenarioRun, void> {
  const profile = profileFor(parsed, options);
  const overridden = options.arch !== undefined || options.kernel !== undefined || options.disabledPatches !== undefined;
  let diagnostics: ScenarioDiagnostic[] = [...parsed.diagnostics];
  if (overridden) {
    // The header's profile checks no longer apply: re-check with the profile actually used.
    diagnostics = diagnostics.filter((d) => d.code !== 'not-on-profile');
    diagnostics.push(...profileDiagnostics(parsed, profile));
  }
  const sim = createSimulation(profile);
  const valid = !diagnostics.some((d) => d.severity === 'error');
  if (!valid) {
    return { parsed, profile, sim, outcomes: [], expectations: [], diagnostics: sortDiagnostics(diagnostics), valid: false, passed: false };
  }
  const outcomes: LineOutcome[] = [];
  const expectations: ExpectOutcome[] = [];
  let lastStep: Step | null = null;
  let lastResult: OpResult | null = null;
  let si = 0;
  let ei = 0;
  let stopped = false;
  const steps = parsed.steps;
  const exps = parsed.expectations;
  while (!stopped && (si < steps.length || ei < exps.length)) {
    if (si < steps.length && (ei >= exps.length || steps[si].line < exps[ei].line)) {
      const step = steps[si++];
      let result: OpResult;
      try {
        result = sim.exec(step);
      } catch (e) {
        result = EMPTY_RESULT;
        diagnostics.push({ range: lineRange(parsed, step.line), severity: 'error', code: 'sim-error',
          message: `The simulator failed on this line: ${e instanceof Error ? e.message : String(e)}` });
      }
      lastStep = step;
      lastResult = result;
      outcomes.push(outcomeOf(sim.state(), step, result));
      if (options.maxEvents !== undefined && sim.eventCount >= options.maxEvents && (si < steps.length || ei < exps.length)) {
        diagnostics.push({ range: lineRange(parsed, step.line), severity: 'warning', code: 'run-incomplete',
          message: `Stopped after ${sim.eventCount} events (limit ${options.maxEvents}); the lines below did not run` });
        stopped = true;
      }
      yield step.line;
    } else {
      const exp = exps[ei++];
      let outcome;
      try {
        outcome = evaluateCheck(exp.check, sim, lastStep, lastResult, exp.line);
      } catch (e) {
        outcome = { passed: false, actual: 'error', message: `could not evaluate: ${e instanceof Error ? e.message : String(e)}` };
      }
      const task = 'task' in exp.check ? exp.check.task : lastStep?.task ?? null;
      try {
        sim.recordExpectation(exp.line, task, outcome.passed, `expect ${exp.text}: ${outcome.message}`);
      } catch {
        // Recording is a convenience for the event log; the outcome below is what counts.
      }
      expectations.push({ expectation: exp, passed: outcome.passed, actual: outcome.actual, message: outcome.message });
      if (!outcome.passed) {
        diagnostics.push({ range: lineRange(parsed, exp.line), severity: 'error', code: 'expect-failed', message: `expect failed: ${outcome.message}` });
      }
    }
  }
  const passed = !stopped && expectations.every((e) => e.passed) && !diagnostics.some((d) => d.code === 'sim-error');
  return { parsed, profile, sim, outcomes, expectations, diagnostics: sortDiagnostics(diagnostics), valid: true, passed };
}

function outcomeOf(state: ReturnType<import('../sim/api').Simulation['state']>, step: Step, result: OpResult): LineOutcome {
  const who = step.task ?? (step.operation.op === 'spawn' ? step.operation.child : null);
  const t = who ? state.tasks[who] : undefined;
  const np = t ? state.nsproxies[t.nsproxy] : undefined;
  return { line: step.line, step, result, time_ns: np?.time_ns ?? null, time_ns_for_children: np?.time_ns_for_children ?? null };
}

/** The statement part of a line (from its first token to its last non-comment token). */
export function lineRange(parsed: ParsedScenario, line: number): ReturnType<typeof range> {
  const toks = (parsed.tokens[line] ?? []).filter((t) => t.kind !== 'comment');
  if (!toks.length) return range(line, 0, 0);
  return range(line, toks[0].range.col, toks[toks.length - 1].range.endCol);
}

function sortDiagnostics(d: ScenarioDiagnostic[]): ScenarioDiagnostic[] {
  return d.sort((a, b) => a.range.line - b.range.line || a.range.col - b.range.col);
}
