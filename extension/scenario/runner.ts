// Runs a parsed scenario on the simulator: each step in order, each expectation against the state right
// after the operation line above it, and the outcomes and diagnostics the editor and CLI show. LineRunner
// does one line at a time, so a whole document (runParsed) and the CLI's streaming run share it.

import { createSimulation } from '../sim/index';
import type { OpResult, Simulation } from '../sim/api';
import type { Step } from '../sim/ops';
import { DEFAULT_PROFILE, type Profile } from '../sim/types';
import type { ExpectOutcome, Expectation, LineOutcome, ParsedScenario, Range, RunOptions, ScenarioDiagnostic, ScenarioRun } from './api';
import { evaluateCheck } from './expect';
import { parseScenario, PROFILE_CODES, profileDiagnostics } from './parser';
import { range } from './values';

export function profileFor(parsed: Pick<ParsedScenario, 'header'>, options: RunOptions = {}): Profile {
  return {
    arch: options.arch ?? parsed.header.arch ?? DEFAULT_PROFILE.arch,
    kernel: options.kernel ?? parsed.header.kernel ?? DEFAULT_PROFILE.kernel,
    disabledPatches: [...(options.disabledPatches ?? parsed.header.disabledPatches)],
    ...(options.forcedBuild ?? parsed.header.forcedBuild ? { forcedBuild: true } : {}),
    ...(options.machine ?? parsed.header.machine ? { machine: { ...parsed.header.machine, ...options.machine } } : {}),
    ...(options.config ?? parsed.header.config ? { config: { ...parsed.header.config, ...options.config } } : {}),
    ...(options.design ?? parsed.header.design ? { design: options.design ?? parsed.header.design } : {}),
  };
}

export function runScenario(text: string, options: RunOptions = {}): ScenarioRun {
  return runParsed(parseScenario(text, options.file), options);
}

const EMPTY_RESULT: OpResult = { ret: null, errno: null, signal: null };

/**
 * Runs lines one at a time: an operation line executes its step, an expect line is checked against the state
 * after the operation line above it. Keeps only the last step and result, so its memory does not grow with
 * the scenario; runtime problems go to `diagnostics`.
 */
export class LineRunner {
  private lastStep: Step | null = null;
  private lastResult: OpResult | null = null;
  readonly diagnostics: ScenarioDiagnostic[] = [];
  constructor(readonly sim: Simulation) {}

  /** Executes one step. `where` gives the line's statement range, asked for only when the simulator fails. */
  step(step: Step, where: () => Range): LineOutcome {
    let result: OpResult;
    let failed: string | undefined;
    try {
      result = this.sim.exec(step);
      // The simulation records a failure of the model as an error event and goes on; the line still says so.
      failed = result.internal;
    } catch (e) {
      result = EMPTY_RESULT;
      failed = e instanceof Error ? e.message : String(e);
    }
    if (failed !== undefined) {
      this.diagnostics.push({ range: where(), severity: 'error', code: 'sim-error', message: `The simulator failed on this line: ${failed} (a bug in the model; please report it)` });
    }
    this.lastStep = step;
    this.lastResult = result;
    // The namespaces of the task that ran the line (for spawn, the new task), by a cheap query: building the
    // whole state after every line made a run quadratic in its length.
    const who = step.task ?? (step.operation.op === 'spawn' ? step.operation.child : null);
    const ns = who ? this.sim.taskNamespaces(who) : null;
    return { line: step.line, step, result, time_ns: ns?.time_ns ?? null, time_ns_for_children: ns?.time_ns_for_children ?? null };
  }

  /** Checks one expectation and records it in the event log. `where` as for step. */
  expect(exp: Expectation, where: () => Range): ExpectOutcome {
    let outcome;
    try {
      outcome = evaluateCheck(exp.check, this.sim, this.lastStep, this.lastResult, exp.line);
    } catch (e) {
      outcome = { passed: false, actual: 'error', message: `could not evaluate: ${e instanceof Error ? e.message : String(e)}` };
    }
    const task = 'task' in exp.check ? exp.check.task : this.lastStep?.task ?? null;
    try {
      this.sim.recordExpectation(exp.line, task, outcome.passed, `expect ${exp.text}: ${outcome.message}`);
    } catch {
      // Recording is a convenience for the event log; the outcome below is what counts.
    }
    if (!outcome.passed) {
      this.diagnostics.push({ range: where(), severity: 'error', code: 'expect-failed', message: `expect failed: ${outcome.message}` });
    }
    return { expectation: exp, passed: outcome.passed, actual: outcome.actual, message: outcome.message };
  }
}

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
  const overridden = options.arch !== undefined || options.kernel !== undefined || options.disabledPatches !== undefined || options.forcedBuild !== undefined || options.config !== undefined;
  let diagnostics: ScenarioDiagnostic[] = [...parsed.diagnostics];
  if (overridden) {
    // The header's profile checks no longer apply: re-check with the profile actually used.
    diagnostics = diagnostics.filter((d) => !PROFILE_CODES.has(d.code));
    diagnostics.push(...profileDiagnostics(parsed, profile));
  }
  const sim = createSimulation(profile);
  const valid = !diagnostics.some((d) => d.severity === 'error');
  if (!valid) {
    return { parsed, profile, sim, outcomes: [], expectations: [], diagnostics: sortDiagnostics(diagnostics), valid: false, passed: false };
  }
  const runner = new LineRunner(sim);
  const outcomes: LineOutcome[] = [];
  const expectations: ExpectOutcome[] = [];
  let si = 0;
  let ei = 0;
  let stopped = false;
  const steps = parsed.steps;
  const exps = parsed.expectations;
  while (!stopped && (si < steps.length || ei < exps.length)) {
    if (si < steps.length && (ei >= exps.length || steps[si].line < exps[ei].line)) {
      const step = steps[si++];
      outcomes.push(runner.step(step, () => lineRange(parsed, step.line)));
      if (options.maxEvents !== undefined && sim.eventCount >= options.maxEvents && (si < steps.length || ei < exps.length)) {
        runner.diagnostics.push({ range: lineRange(parsed, step.line), severity: 'warning', code: 'run-incomplete',
          message: `Stopped after ${sim.eventCount} events (limit ${options.maxEvents}); the lines below did not run` });
        stopped = true;
      }
      yield step.line;
    } else {
      const exp = exps[ei++];
      expectations.push(runner.expect(exp, () => lineRange(parsed, exp.line)));
    }
  }
  diagnostics.push(...runner.diagnostics);
  const passed = !stopped && expectations.every((e) => e.passed) && !diagnostics.some((d) => d.code === 'sim-error');
  return { parsed, profile, sim, outcomes, expectations, diagnostics: sortDiagnostics(diagnostics), valid: true, passed };
}

/** The statement part of a line (from its first token to its last non-comment token). */
export function lineRange(parsed: ParsedScenario, line: number): Range {
  const toks = (parsed.tokens[line] ?? []).filter((t) => t.kind !== 'comment');
  if (!toks.length) return range(line, 0, 0);
  return range(line, toks[0].range.col, toks[toks.length - 1].range.endCol);
}

export function sortDiagnostics(d: ScenarioDiagnostic[]): ScenarioDiagnostic[] {
  return d.sort((a, b) => a.range.line - b.range.line || a.range.col - b.range.col);
}
