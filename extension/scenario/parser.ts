// The .timens parser, in passes as craftinginterpreters' jlox splits scanner, parser and resolver: per line
// the lexer (lexer.ts), pass 1 syntax (syntax.ts, args.ts, expectGrammar.ts) into a statement tree, pass 2
// names (resolve.ts) into steps and expectations, pass 3 tokens (tokens.ts) for editors from the same tree.
// ScenarioParser takes one line at a time (the CLI streams files through it); parseScenario a whole text.
// It never throws; bad input becomes a diagnostic with a range.

import { buildStatusOf, FORCED_BUILD } from '../sim/build';
import { DEFAULT_PROFILE, machineOf, type Arm64PatchId, type Profile } from '../sim/types';
import type { Step } from '../sim/ops';
import type { Expectation, Header, ParsedScenario, Range, ScenarioDiagnostic } from './api';
import { ArgScratch } from './args';
import { LineError, LineParser, ParseContext } from './cursor';
import { LexemePool, lexSpan, type Lexeme } from './lexer';
import { lineBounds } from './lines';
import { keepClaim, reportPendingUses, resolveStatement, Scope, type Resolved } from './resolve';
import { claimName, readStatement } from './syntax';
import { TokenStore } from './tokens';
import { compareVersions, range } from './values';

export { INITIAL_TASKS } from './resolve';
const DEFAULT_FILE = 'scenario.timens';

/** What the parser noticed that depends on the profile, kept so the runner can re-check with another profile. */
export interface ProfileUses {
  readonly mappings: readonly { readonly name: string; readonly range: Range }[];
  readonly patches: readonly { readonly id: Arm64PatchId; readonly range: Range }[];
  readonly headerRange: Range | null;
  readonly buildRange?: Range | null;
  /** execve(…, compat) lines. */
  readonly compat?: readonly Range[];
  /** The value of `machine page_size=`. */
  readonly pageSize?: Range | null;
}
const profileUses = new WeakMap<object, ProfileUses>();

export function profileUsesOf(parsed: object): ProfileUses {
  return profileUses.get(parsed) ?? { mappings: [], patches: [], headerRange: null };
}

/** The outcome of one line: what it made (at most one of step and expectation), and its lexemes until the next line. */
export interface LineParse {
  readonly line: number;
  readonly step: Step | null;
  readonly expectation: Expectation | null;
  /** The line's lexemes (comment included): valid until the next call. */
  readonly lexemes: readonly Lexeme[];
  readonly lexemeCount: number;
}

/** What a whole parse found, once the last line was given. */
export interface ParseEnd {
  readonly header: Header;
  readonly tasks: readonly { readonly name: string; readonly line: number }[];
  /** Task names defined, and those lines mean to give but do not yet (see ParsedScenario.taskNames). */
  readonly taskNames: readonly string[];
  /** Every diagnostic, sorted by position (those of the profile in the header included). */
  readonly diagnostics: readonly ScenarioDiagnostic[];
  readonly uses: ProfileUses;
}

/**
 * A parse fed one line at a time, in order. Keeps what later lines need (the names defined, the header,
 * diagnostics) and nothing per line unless asked to (`tokens`), so a file of any length streams through it.
 */
export class ScenarioParser {
  private readonly ctx = new ParseContext();
  private readonly scope = new Scope();
  private readonly pool = new LexemePool();
  private readonly scratch = new ArgScratch();
  private readonly lp: LineParser;
  private readonly resolved: Resolved = { step: null, expectation: null };
  private readonly out = { line: 0, step: null as Step | null, expectation: null as Expectation | null, lexemes: [] as readonly Lexeme[], lexemeCount: 0 };
  private lines = 0;

  /** `tokens`: store each line's tokens there (pass 3), for editors. */
  constructor(private readonly tokens: TokenStore | null = null) {
    this.lp = new LineParser(this.ctx, 0, this.pool.items, 0, 0, '', 0, 0);
    this.out.lexemes = this.pool.items;
  }

  /** The next line: source[base, end), without its line terminator. */
  line(source: string, base: number, end: number): LineParse {
    const i = this.lines++;
    const pool = this.pool;
    lexSpan(source, base, end, pool);
    const count = pool.count;
    const toks = pool.items;
    const out = this.out;
    out.line = i;
    out.step = null;
    out.expectation = null;
    out.lexemeCount = count;
    // Comments are tokens for the editor but not part of the statement.
    const statementEnd = count && toks[count - 1].t === 'comment' ? count - 1 : count;
    if (statementEnd) {
      const p = this.lp.reset(i, 0, statementEnd, source, base, end - base);
      const st = this.ctx.st.reset(i);
      try {
        readStatement(p, pool.suspicious, this.scratch);
      } catch (e) {
        st.aborted = true;
        if (!(e instanceof LineError)) {
          this.ctx.diag(range(i, 0, end - base), 'error', 'internal', `The parser could not read this line (${e instanceof Error ? e.message : String(e)})`);
        }
      }
      st.failed ||= p.failed;
      if (st.aborted) claimName(p);
      try {
        resolveStatement(p, st, this.scope, this.resolved);
        keepClaim(st, this.scope);
        out.step = this.resolved.step;
        out.expectation = this.resolved.expectation;
      } catch (e) {
        this.ctx.diag(range(i, 0, end - base), 'error', 'internal', `The parser could not read this line (${e instanceof Error ? e.message : String(e)})`);
      }
    }
    this.tokens?.add(toks, count);
    return out;
  }

  /** After the last line: end-of-scenario checks, the profile's diagnostics, everything sorted. */
  finish(): ParseEnd {
    const ctx = this.ctx;
    reportPendingUses(this.lp, this.scope);
    if (ctx.archLine < 0 || ctx.kernelLine < 0) {
      const missing = [ctx.archLine < 0 ? 'arch' : '', ctx.kernelLine < 0 ? 'kernel' : ''].filter(Boolean);
      const insert = (ctx.archLine < 0 ? `arch ${DEFAULT_PROFILE.arch}\n` : '') + (ctx.kernelLine < 0 ? `kernel ${DEFAULT_PROFILE.kernel}\n` : '');
      const at = ctx.firstStepLine >= 0 ? ctx.firstStepLine : 0;
      ctx.diag(range(0, 0, 0), 'info', 'missing-header',
        `No ${missing.join(' or ')} line: the scenario runs on ${ctx.header.arch ?? DEFAULT_PROFILE.arch} ${ctx.header.kernel ?? DEFAULT_PROFILE.kernel}. Say which machine you mean`,
        [{ title: `Add ${missing.map((m) => `'${m}'`).join(' and ')} header`, range: range(at, 0, 0), newText: insert }]);
    }
    const header: Header = { ...ctx.header, disabledPatches: [...ctx.header.disabledPatches], ...(ctx.header.machine ? { machine: { ...ctx.header.machine } } : {}) };
    const uses: ProfileUses = { mappings: ctx.mappings, patches: ctx.patches, headerRange: ctx.headerRange, buildRange: ctx.buildRange, compat: ctx.compat, pageSize: ctx.pageSizeRange };
    ctx.diagnostics.push(...profileDiagnosticsOf(uses, profileOfHeader(header)));
    ctx.diagnostics.sort((a, b) => a.range.line - b.range.line || a.range.col - b.range.col);
    // The task lists are built when asked for: a streaming check of a file with 10^6 tasks never needs them,
    // and building both at once at the end of a long file was what pushed a small heap over its limit.
    const scope = this.scope;
    return {
      header, get tasks() { return scope.taskOrder(); }, get taskNames() { return scope.taskNames(); }, diagnostics: ctx.diagnostics, uses,
    };
  }
}

/** Parse a whole scenario. Never throws. */
export function parseScenario(text: string, file: string = DEFAULT_FILE): ParsedScenario {
  let source: string;
  try {
    source = String(text ?? '');
  } catch {
    source = '';
  }
  const tokens = new TokenStore(source.length >> 2, (source.length >> 4) + 1);
  const parser = new ScenarioParser(tokens);
  const steps: Step[] = [];
  const expectations: Expectation[] = [];
  // Line start offsets instead of an array of line strings: the strings are only needed while parsing.
  const { starts: lineStarts, ends } = lineBounds(source);
  for (let i = 0; i < lineStarts.length; i++) {
    const r = parser.line(source, lineStarts[i], ends[i]);
    if (r.step) steps.push(r.step);
    else if (r.expectation) expectations.push(r.expectation);
  }
  const end = parser.finish();
  const parsed: ParsedScenario = {
    file,
    header: end.header,
    steps,
    expectations,
    tokens: tokens.view(source, lineStarts),
    tasks: end.tasks,
    taskNames: end.taskNames,
    diagnostics: end.diagnostics,
  };
  profileUses.set(parsed, end.uses);
  return parsed;
}

export function profileOfHeader(header: Header): Profile {
  return { arch: header.arch ?? DEFAULT_PROFILE.arch, kernel: header.kernel ?? DEFAULT_PROFILE.kernel, disabledPatches: header.disabledPatches, ...(header.forcedBuild ? { forcedBuild: true } : {}), ...(header.machine ? { machine: header.machine } : {}), ...(header.config ? { config: header.config } : {}), ...(header.design ? { design: header.design } : {}) };
}

/** Codes of the diagnostics that depend on the profile: a run on another profile (CLI options, a comparison) drops them and checks again. */
export const PROFILE_CODES: ReadonlySet<string> = new Set(['not-on-profile', 'does-not-build', 'forced-build', 'build-not-needed']);

/**
 * A kernel that does not build is not run (an error) unless `build forced` asks for it (a warning that stays with
 * the run); `build forced` on a kernel that builds changes nothing.
 */
function buildDiagnostics(uses: ProfileUses, profile: Profile): ScenarioDiagnostic[] {
  const status = buildStatusOf(profile);
  const at = uses.patches[0]?.range ?? uses.headerRange ?? range(0, 0, 0);
  if (status.builds) {
    return uses.buildRange ? [{ range: uses.buildRange, severity: 'info', code: 'build-not-needed', message: `This kernel builds: 'build forced' changes nothing` }] : [];
  }
  const why = status.reasons.join('; ');
  if (status.forced) return [{ range: uses.buildRange ?? at, severity: 'warning', code: 'forced-build', message: `${FORCED_BUILD}: ${why}` }];
  return [{ range: at, severity: 'error', code: 'does-not-build',
    message: `${why}. Nothing runs; add 'build forced' to the header (CLI: --force-build) to see what a forced build would do (${FORCED_BUILD})`,
    // Above the line, not below it: below the last line of a file with no final line break is past its end,
    // where an editor appends the text to that line ('patch off timens-pagebuild forced').
    fixes: [{ title: "Add 'build forced'", range: range(at.line, 0, 0), newText: 'build forced\n' }] }];
}

/** Diagnostics that depend on the profile: mappings the architecture or version lacks, patch switches where they mean nothing. */
export function profileDiagnostics(parsed: ParsedScenario, profile: Profile): ScenarioDiagnostic[] {
  return profileDiagnosticsOf(profileUsesOf(parsed), profile);
}

export function profileDiagnosticsOf(uses: ProfileUses, profile: Profile): ScenarioDiagnostic[] {
  const out: ScenarioDiagnostic[] = [];
  const where = `${profile.arch} ${profile.kernel}`;
  for (const m of uses.mappings) {
    if (m.name === '[vvar_vclock]' && (profile.arch === 'arm64' || compareVersions(profile.kernel, '6.13') < 0)) {
      out.push({ range: m.range, severity: 'error', code: 'not-on-profile',
        message: profile.arch === 'arm64'
          ? `arm64 has no [vvar_vclock] mapping (only [vvar] and [vdso]); it exists on x86_64 from 6.13`
          : `[vvar_vclock] exists on x86_64 from 6.13; on ${where} the pvclock and hvclock pages are pages 1 and 2 of [vvar]`,
        fixes: [{ title: 'Change to [vvar]', range: m.range, newText: '[vvar]' }] });
    }
  }
  for (const p of uses.patches) {
    if (profile.arch !== 'arm64') {
      out.push({ range: p.range, severity: 'error', code: 'not-on-profile',
        message: `The patch switches belong to the arm64 time-namespace series; this profile is ${where}. Add 'arch arm64' to the header or remove the line` });
    } else if (compareVersions(profile.kernel, '5.9') < 0) {
      out.push({ range: p.range, severity: 'error', code: 'not-on-profile',
        message: `The arm64 time-namespace series was merged for 5.9; on ${where} none of its patches is applied, so there is nothing to switch off` });
    }
  }
  for (const r of uses.compat ?? []) {
    if (profile.arch === 'arm64' && compareVersions(profile.kernel, '5.9') < 0) {
      out.push({ range: r, severity: 'error', code: 'not-on-profile',
        message: `AArch32 tasks are modelled on arm64 from 5.9, where its time namespaces begin; this profile is ${where}` });
    }
  }
  if (uses.pageSize && profile.arch !== 'arm64' && machineOf(profile).pageSize !== 4096) {
    // x86_64 has one page size (PAGE_SHIFT 12, arch/x86/include/asm/page_types.h)
    out.push({ range: uses.pageSize, severity: 'error', code: 'not-on-profile',
      message: `${profile.arch} has 4k pages only; another page size is an arm64 kernel's build option (CONFIG_ARM64_16K_PAGES, CONFIG_ARM64_64K_PAGES). Add 'arch arm64' or write page_size=4k`,
      fixes: [{ title: 'Change to 4k', range: uses.pageSize, newText: '4k' }] });
  }
  out.push(...buildDiagnostics(uses, profile));
  if (profile.arch === 'arm64' && compareVersions(profile.kernel, '5.9') < 0 && uses.headerRange) {
    out.push({ range: uses.headerRange, severity: 'warning', code: 'not-on-profile',
      message: `arm64 has no time namespaces before 5.9 (CONFIG_TIME_NS cannot be enabled): unshare(CLONE_NEWTIME) fails with EINVAL` });
  }
  return out;
}
