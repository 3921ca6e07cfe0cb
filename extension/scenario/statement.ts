// The tree of one line that the parser's passes hand on: pass 1 (syntax) fills it from the lexemes, marking
// each token's kind on its lexeme and listing the names the line mentions; pass 2 (names) resolves those and
// makes the step or expectation; pass 3 (tokens) stores the kinds for editors. One object, reused per line.

import type { Operation } from '../sim/ops';
import type { ExpectCheck, Range } from './api';
import type { Lexeme } from './lexer';
import type { OperationSpec } from './vocabulary';

/** What a name reference asks of pass 2 (see Statement.refs). */
export const REF = {
  /** The task a task line runs in: used, and the owner of the fds the line names. */
  caller: 0,
  /** A task used elsewhere (an expect subject, pidfd(TASK)). */
  useTask: 1,
  /** An fd name of the caller. */
  fd: 2,
  /** A string that may name a task in /proc/NAME/…. */
  procPath: 3,
  /** `= NAME` or `spawn NAME`: a new task. */
  defineTask: 4,
  /** `open(…) = NAME`: a new fd of the caller. */
  defineFd: 5,
  /** A path the line opens (open, readlink, a file or namespace argument): a /proc/NAME as procPath, and whether
   *  the model has the file. */
  openedPath: 6,
} as const;
export type RefKind = (typeof REF)[keyof typeof REF];

export class Statement {
  line = 0;
  form: 'none' | 'header' | 'host' | 'task' | 'expect' = 'none';
  /** Pass 1 gave up on the line at an error: what comes after it was not read. */
  aborted = false;
  /** Pass 1 reported an error on the line: it makes no step. */
  failed = false;
  /** Names the line mentions, in order: refKinds[i] about the lexeme refToks[i]. */
  refCount = 0;
  readonly refKinds: RefKind[] = [];
  readonly refToks: Lexeme[] = [];

  // Task lines: `caller: op(args) [= result]`; host lines (`spawn NAME`) use result too.
  caller: Lexeme | null = null;
  spec: OperationSpec | null = null;
  opTok: Lexeme | null = null;
  result: Lexeme | null = null;
  /** The result name is a possible name (not a keyword, not an operation). */
  resultOk = true;
  /** `fork()` with no `= NAME`: pass 2 reports it, with a free name as the fix. */
  missingResult = false;
  /** The operation, once every argument was read (names not yet checked). */
  operation: Operation | null = null;
  /** The name the line means to give a new task (`= NAME`, `spawn NAME`), read even when the line does not parse. */
  claim: Lexeme | null = null;

  // Expect lines.
  expectTok: Lexeme | null = null;
  check: ExpectCheck | null = null;
  text = '';
  textRange: Range | null = null;

  reset(line: number): this {
    this.line = line;
    this.form = 'none';
    this.aborted = false;
    this.failed = false;
    this.refCount = 0;
    this.caller = null;
    this.spec = null;
    this.opTok = null;
    this.result = null;
    this.resultOk = true;
    this.missingResult = false;
    this.operation = null;
    this.claim = null;
    this.expectTok = null;
    this.check = null;
    this.text = '';
    this.textRange = null;
    return this;
  }

  ref(kind: RefKind, tok: Lexeme): void {
    this.refKinds[this.refCount] = kind;
    this.refToks[this.refCount] = tok;
    this.refCount++;
  }
}
