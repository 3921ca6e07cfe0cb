// The contract of the .timens language layer: what parsing gives (steps, expectations, diagnostics
// with exact ranges) and what running a scenario gives (a recorded Simulation plus per-line outcomes).

import type { KernelConfig } from '../sim/config';
import type { OpResult, Simulation, TimerState } from '../sim/api';
import type { Step } from '../sim/ops';
import type { Arch, Arm64PatchId, DesignName, KernelVersion, Machine, Profile } from '../sim/types';

/** A source range, 0-based lines and columns (UTF-16 code units), end exclusive. */
export interface Range {
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
}

/** An edit of a text's lines: [line:col, endLine:endCol) replaced by `text` (header rewrites make them; inline
 *  results follow the editor's). */
export interface LineEdit extends Range {
  readonly text: string;
}

export interface Fix {
  readonly title: string;                  // 'Change to CLOCK_MONOTONIC'
  readonly range: Range;
  readonly newText: string;
}

export interface ScenarioDiagnostic {
  readonly range: Range;
  readonly severity: 'error' | 'warning' | 'info';
  readonly code: string;                   // stable id, e.g. 'unknown-operation', 'expect-failed'
  readonly message: string;
  readonly fixes?: readonly Fix[];
}

/** A token of a line, for hovers and completion: what kind of word sits at a range. */
export interface Token {
  readonly kind: 'task' | 'operation' | 'flag' | 'clock' | 'errno' | 'signal' | 'string' | 'number' | 'keyword' | 'namespace' | 'path' | 'punct' | 'comment' | 'unknown';
  readonly text: string;
  readonly range: Range;
}

export interface Header {
  readonly arch?: Arch;
  readonly kernel?: KernelVersion;
  readonly disabledPatches: readonly Arm64PatchId[];
  /** `build forced`: run a kernel that does not build as a forced build (sim/build.ts). */
  readonly forcedBuild?: boolean;
  /** `machine` lines: properties of the machine that differ from the default (types.ts defaultMachine). */
  readonly machine?: Partial<Machine>;
  /** `config` lines: kernel build options that differ from the default (sim/config.ts). */
  readonly config?: Partial<KernelConfig>;
  /** `design NAME`: a time-namespace design that was never merged (issue 15). */
  readonly design?: DesignName;
}

/** An `expect` line, kept as parsed so it can be evaluated against the state after the line above it. */
export interface Expectation {
  readonly line: number;
  readonly text: string;                   // the source text after `expect`
  readonly range: Range;
  readonly check: ExpectCheck;
}

/** The forms of `expect` (documented in docs/language.md). */
export type ExpectCheck =
  | { readonly form: 'errno'; readonly errno: string | null }                 // expect errno == EACCES / expect ok
  | { readonly form: 'ret'; readonly ret: number }                           // expect ret == 28
  | { readonly form: 'signal'; readonly signal: string | null }              // expect signal == SIGBUS
  | { readonly form: 'clock'; readonly task: string; readonly clock: number; readonly offset: { sec: number; nsec: number } } // expect P2 CLOCK_MONOTONIC == host + 86400s
  | { readonly form: 'ns'; readonly task: string; readonly field: 'time_ns' | 'time_ns_for_children'; readonly ns: string; readonly negate: boolean } // expect P2.time_ns == ns#1
  | { readonly form: 'frozen'; readonly ns: string; readonly frozen: boolean } // expect ns#1 frozen
  | { readonly form: 'offset'; readonly ns: string; readonly clock: 'monotonic' | 'boottime'; readonly sec: number; readonly nsec: number }
  /** expect read == "…"; with `contains`, expect read contains "…" (the text read includes it). */
  | { readonly form: 'text'; readonly text: string; readonly contains?: true }
  | { readonly form: 'pte'; readonly task: string; readonly mapping: string; readonly page: number; readonly phys: string | null } // expect P2 [vvar][0] -> ns#1 / host / none
  | { readonly form: 'path'; readonly path: 'vdso-fast' | 'vdso-timens' | 'syscall' | 'vdso-fallback-syscall' | 'vdso-stuck' }
  /** expect waited == 1s: how long a sleep or timer of the line above waited, in host time (added by H2). */
  | { readonly form: 'waited'; readonly sec: number; readonly nsec: number }
  /** expect res == 1ns: the resolution clock_getres gave on the line above. */
  | { readonly form: 'retries'; readonly retries: number }
  | { readonly form: 'res'; readonly sec: number; readonly nsec: number }
  /** expect timer == disarmed: what the timer the line above set was left as. */
  | { readonly form: 'timer'; readonly state: TimerState };

export interface ParsedScenario {
  readonly file: string;
  readonly header: Header;
  readonly steps: readonly Step[];
  readonly expectations: readonly Expectation[];
  /** Tokens of each source line (index = line), for hovers, completion and highlighting. */
  readonly tokens: readonly (readonly Token[])[];
  /** Tasks in order of first definition, with the line that defines them. */
  readonly tasks: readonly { readonly name: string; readonly line: number }[];
  /**
   * Every task name the scenario gives, also on lines that do not parse yet (a half-typed `P1: fork( = P2`,
   * `spawn P5 uid=`): the names a new task must not get. A superset of the names in `tasks`.
   */
  readonly taskNames?: readonly string[];
  readonly diagnostics: readonly ScenarioDiagnostic[];
}

export interface LineOutcome {
  readonly line: number;
  readonly step: Step;
  readonly result: OpResult;
  /** The task's namespaces after the line, as stable names (ns#0, ns#1…). */
  readonly time_ns: string | null;
  readonly time_ns_for_children: string | null;
}

export interface ExpectOutcome {
  readonly expectation: Expectation;
  readonly passed: boolean;
  readonly actual: string;                 // what was found, in the same words as the expectation
  readonly message: string;                // why it held or failed
}

export interface ScenarioRun {
  readonly parsed: ParsedScenario;
  readonly profile: Profile;
  readonly sim: Simulation;
  readonly outcomes: readonly LineOutcome[];
  readonly expectations: readonly ExpectOutcome[];
  /** Parse diagnostics plus failed expectations and runtime notes, each with a range. */
  readonly diagnostics: readonly ScenarioDiagnostic[];
  /** False when the input was invalid (parse errors): nothing ran. */
  readonly valid: boolean;
  readonly passed: boolean;
}

export interface RunOptions {
  readonly file?: string;
  /** Override the header's profile (e.g. the CLI's --arch/--kernel, or a comparison). */
  readonly arch?: Arch;
  readonly kernel?: KernelVersion;
  readonly disabledPatches?: readonly Arm64PatchId[];
  /** Run a kernel that does not build as a forced build (the CLI's --force-build; or the header's `build forced`). */
  readonly forcedBuild?: boolean;
  /** Machine properties over the header's (verify gives the real machine's). */
  readonly machine?: Partial<Machine>;
  /** Kernel build options over the header's (the CLI's --config). */
  readonly config?: Partial<KernelConfig>;
  /** The design over the header's (the CLI's --design, a comparison of designs). */
  readonly design?: DesignName;
  /** Stop after this many events (cancellation of huge runs); the run is then marked incomplete. */
  readonly maxEvents?: number;
}
