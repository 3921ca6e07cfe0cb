// What the parser's passes share: the parse context (diagnostics and the scenario-level settings read so far)
// and the cursor over one line's lexemes with its error reporting. A failed line throws LineError.

import type { Arm64PatchId, Arch, DesignName, KernelVersion, Machine } from '../sim/types';
import type { KernelConfig } from '../sim/config';
import type { Fix, Range, ScenarioDiagnostic } from './api';
import type { Lexeme } from './lexer';
import { Statement } from './statement';
import { range } from './values';
import { oneLine } from '../sim/oneLine';

/** A table lookup that ignores inherited properties (`constructor`, `toString` are not flags). */
export function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

export function replaceFixes(rng: Range, words: readonly string[], what: string): Fix[] {
  return words.map((w) => ({ title: `Change to ${w}${what ? ` (${what})` : ''}`, range: rng, newText: w }));
}

/** State of one parse that outlives a line: diagnostics, the header, what depends on the profile. */
export class ParseContext {
  readonly diagnostics: ScenarioDiagnostic[] = [];
  readonly mappings: { name: string; range: Range }[] = [];
  readonly patches: { id: Arm64PatchId; range: Range }[] = [];
  /** Where execve asks for an AArch32 image. */
  readonly compat: Range[] = [];
  readonly header: { arch?: Arch; kernel?: KernelVersion; disabledPatches: Arm64PatchId[]; forcedBuild?: boolean; machine?: Partial<Machine>; config?: Partial<KernelConfig>; design?: DesignName } = { disabledPatches: [] };
  /** Where `build forced` is, for the build diagnostics. */
  buildRange: Range | null = null;
  headerRange: Range | null = null;
  /** The value of a `machine page_size=` (an arm64 property: checked against the arch at the end). */
  pageSizeRange: Range | null = null;
  archLine = -1;
  kernelLine = -1;
  /** The first and last lines that became a step, and the last task that ran one (set by the resolver). */
  firstStepLine = -1;
  lastOpLine = -1;
  lastTask = 'P1';
  /** The tree of the line being parsed (one object, reused). */
  readonly st = new Statement();

  diag(range: Range, severity: ScenarioDiagnostic['severity'], code: string, text: string, fixes?: Fix[]): void {
    // A message quotes what the line holds ('found …', a task's name in a path), which may hold a line break.
    const message = oneLine(text);
    this.diagnostics.push(fixes && fixes.length ? { range, severity, code, message, fixes } : { range, severity, code, message });
  }
}

/** Thrown inside one line's parse to abandon that line after its diagnostic was recorded. */
export class LineError {
  constructor(readonly reported: boolean) {}
}

/**
 * Reads the lexemes toks[start..end) of one line (the whole statement, or one argument). The line's text is
 * source[base..base+len): lines are never sliced out of the scenario.
 */
export class LineParser {
  pos: number;
  failed = false;
  constructor(readonly ctx: ParseContext, public line: number, readonly toks: readonly Lexeme[], public start: number, public end: number,
    public source: string, public base: number, public len: number) {
    this.pos = start;
  }
  /** Point this parser at another range (parsers are recycled: one per parse for lines, one for arguments). */
  reset(line: number, start: number, end: number, source: string, base: number, len: number): this {
    this.line = line; this.start = start; this.end = end; this.source = source; this.base = base; this.len = len;
    this.pos = start;
    this.failed = false;
    return this;
  }

  peek(k = 0): Lexeme | undefined { const i = this.pos + k; return i < this.end ? this.toks[i] : undefined; }
  at(text: string, k = 0): boolean { const t = this.peek(k); return !!t && (t.t === 'punct' || t.t === 'ident') && t.text === text; }
  next(): Lexeme | undefined { const i = this.pos++; return i < this.end ? this.toks[i] : undefined; }
  /** The last lexeme of this parser's range. */
  last(): Lexeme | undefined { return this.end > this.start ? this.toks[this.end - 1] : undefined; }
  /** The line's text from column a to column b. */
  text(a: number, b: number): string { return this.source.slice(this.base + a, this.base + b); }
  r(t: Lexeme): Range { return range(this.line, t.start, t.end); }
  span(a: Lexeme, b: Lexeme): Range { return range(this.line, a.start, b.end); }
  endRange(): Range {
    const last = this.last();
    const col = last ? last.end : this.len;
    return range(this.line, col, col);
  }

  error(rng: Range, code: string, message: string, fixes?: Fix[]): never {
    this.ctx.diag(rng, 'error', code, message, fixes);
    this.failed = true;
    throw new LineError(true);
  }
  /** Report without abandoning the line (the rest may still say useful things). */
  soft(rng: Range, code: string, message: string, fixes?: Fix[]): void {
    this.ctx.diag(rng, 'error', code, message, fixes);
    this.failed = true;
  }

  expectPunct(text: string, what: string): Lexeme {
    const t = this.peek();
    if (t && t.t === 'punct' && t.text === text) { this.pos++; return t; }
    const rng = t ? this.r(t) : this.endRange();
    const fix = t && text === '==' && t.text === '=' ? [{ title: "Change to '=='", range: rng, newText: '==' }] : undefined;
    this.error(rng, 'syntax', `Expected ${what}${t ? ` but found '${t.text}'` : ' at the end of the line'}`, fix);
  }

  expectEnd(): void {
    const t = this.peek();
    if (t) this.error(range(this.line, t.start, this.toks[this.end - 1].end), 'unexpected-token', `Unexpected '${t.text}' after the end of the statement`);
  }
}
