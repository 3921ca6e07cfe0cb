// A scenario run that streams, for texts of any length (the CLI): the text is read twice, line by line. The
// check parses it (syntax and names: a scenario with errors runs nothing); the run parses it again and runs
// each line as it comes, handing its outcome on at once. Nothing is kept per line.

import { createSimulation } from '../sim/index';
import type { Simulation } from '../sim/api';
import type { Profile } from '../sim/types';
import type { ExpectOutcome, Header, LineOutcome, RunOptions, ScenarioDiagnostic } from './api';
import type { Lexeme } from './lexer';
import type { EachLine } from './lines';
import { PROFILE_CODES, profileDiagnosticsOf, ScenarioParser } from './parser';
import { LineRunner, profileFor, sortDiagnostics } from './runner';
import { range } from './values';

/** Gives every line of the text, in order, each time it is called (a file is read again). */
export type TextSource = (each: EachLine) => void;

export interface CheckResult {
  readonly header: Header;
  /** The profile the run uses: the header's, or the options' where they override it. */
  readonly profile: Profile;
  /** Every diagnostic, sorted; with options that override the header, the profile checks are those of the profile used. */
  readonly diagnostics: readonly ScenarioDiagnostic[];
  /** No errors: the scenario can run. */
  readonly valid: boolean;
}

/** Parse only (syntax and names), as `timens check` does and `timens run` does first. */
export function checkText(text: TextSource, options: RunOptions = {}): CheckResult {
  const parser = new ScenarioParser();
  text((source, base, end) => { parser.line(source, base, end); });
  const parsed = parser.finish();
  const profile = profileFor(parsed, options);
  let diagnostics = parsed.diagnostics;
  if (options.arch !== undefined || options.kernel !== undefined || options.disabledPatches !== undefined || options.forcedBuild !== undefined || options.config !== undefined) {
    // The header's profile checks no longer apply: re-check with the profile actually used (as runParsed does).
    diagnostics = sortDiagnostics([...diagnostics.filter((d) => !PROFILE_CODES.has(d.code)), ...profileDiagnosticsOf(parsed.uses, profile)]);
  }
  return { header: parsed.header, profile, diagnostics, valid: !diagnostics.some((d) => d.severity === 'error') };
}

/** Where a streaming run hands each line, in source order. `sim` is readable at the line's end; its events are [first, end). */
export interface LineSink {
  operation(outcome: LineOutcome, lexemes: readonly Lexeme[], count: number, sim: Simulation, first: number, end: number): void;
  expectation(outcome: ExpectOutcome, lexemes: readonly Lexeme[], count: number, sim: Simulation, first: number, end: number): void;
}

export interface StreamResult {
  readonly expectations: number;
  readonly failed: number;
  readonly passed: boolean;
  /** Problems found while running (the simulator failing on a line), sorted; failed expectations are not repeated here. */
  readonly diagnostics: readonly ScenarioDiagnostic[];
}

/** Runs a text that checkText found valid, line by line, on a simulation that keeps no history. */
export function runText(text: TextSource, checked: CheckResult, sink: LineSink): StreamResult {
  const sim = createSimulation(checked.profile, { keepHistory: false });
  const runner = new LineRunner(sim);
  const parser = new ScenarioParser();
  const problems: ScenarioDiagnostic[] = [];
  let expectations = 0;
  let failed = 0;
  text((source, base, end) => {
    const r = parser.line(source, base, end);
    if (!r.step && !r.expectation) return;
    const toks = r.lexemes;
    const count = r.lexemeCount;
    const where = () => statementRange(r.line, toks, count);
    const first = sim.eventCount;
    if (r.step) {
      const outcome = runner.step(r.step, where);
      sink.operation(outcome, toks, count, sim, first, sim.eventCount);
    } else if (r.expectation) {
      const outcome = runner.expect(r.expectation, where);
      expectations++;
      if (!outcome.passed) failed++;
      sink.expectation(outcome, toks, count, sim, first, sim.eventCount);
    }
    // Failed expectations were handed to the sink; keep only the other problems.
    for (const d of runner.diagnostics) if (d.code !== 'expect-failed') problems.push(d);
    runner.diagnostics.length = 0;
  });
  const passed = failed === 0 && !problems.some((d) => d.code === 'sim-error');
  return { expectations, failed, passed, diagnostics: sortDiagnostics(problems) };
}

/** The statement part of a line, from its lexemes (as lineRange does from a parsed scenario's tokens). */
function statementRange(line: number, toks: readonly Lexeme[], count: number): ReturnType<typeof range> {
  const n = count && toks[count - 1].t === 'comment' ? count - 1 : count;
  if (!n) return range(line, 0, 0);
  return range(line, toks[0].start, toks[n - 1].end);
}
