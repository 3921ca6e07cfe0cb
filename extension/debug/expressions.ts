// State expressions of the debug console, breakpoint conditions, log points and data breakpoints:
// paths over the KernelState (`ns#1.offsets.monotonic`, `P2.time_ns`, `mm#1.vmas[0].ptes[0].page`) and comparisons.
import type { KernelState } from '../sim/api';
import { fmtTs as formatTimespec, type Timespec } from '../sim/types';

/** The result of evaluating an expression: the value and every kernel object the path went through. */
export interface Evaluated {
  readonly value: unknown;
  /** Object ids read on the way ('P2', 'nsproxy#3', 'ns#1'): a data breakpoint watches events changing them. */
  readonly objects: ReadonlySet<string>;
}

export class ExpressionError extends Error {
  constructor(message: string, readonly column: number) {
    super(message);
  }
}

type Tok =
  | { kind: 'ident'; text: string; col: number }
  | { kind: 'num'; value: number; col: number }
  | { kind: 'str'; value: string; col: number }
  | { kind: 'op'; text: string; col: number }
  | { kind: 'end'; col: number };

const OPERATORS = ['==', '!=', '<=', '>=', '&&', '||', '<', '>', '!', '(', ')', '.', '[', ']', '-'];

// Sticky (matched at lastIndex, no copy of the rest of the text), so tokenizing stays linear in the length.
// Kernel ids hold '#' ('ns#1', 'page#ns#1') and mapping names are bracketed words ('[vvar]').
const IDENT = /\[(?:vvar|vvar_vclock|vdso)\]|[A-Za-z_][\w#]*(?:-[A-Za-z][\w#]*)*/y;
const NUMBER = /0x[0-9a-fA-F]+|\d+(?:\.\d+)?/y;

function stickyMatch(re: RegExp, text: string, at: number): string | null {
  re.lastIndex = at;
  const m = re.exec(text);
  return m ? m[0] : null;
}

function tokenize(text: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) { i++; continue; }
    const ident = stickyMatch(IDENT, text, i);
    if (ident) { toks.push({ kind: 'ident', text: ident, col: i }); i += ident.length; continue; }
    const num = stickyMatch(NUMBER, text, i);
    if (num) { toks.push({ kind: 'num', value: Number(num), col: i }); i += num.length; continue; }
    if (c === '"' || c === "'") {
      const close = text.indexOf(c, i + 1);
      if (close < 0) throw new ExpressionError('unterminated string', i);
      toks.push({ kind: 'str', value: text.slice(i + 1, close), col: i });
      i = close + 1;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (!op) throw new ExpressionError(`unexpected character '${c}'`, i);
    toks.push({ kind: 'op', text: op, col: i });
    i += op.length;
  }
  toks.push({ kind: 'end', col: text.length });
  return toks;
}

/** Nesting of unary operators and parentheses an expression may have. */
const MAX_NESTING = 200;

const COLLECTIONS = ['tasks', 'nsproxies', 'timeNamespaces', 'userNamespaces', 'mms', 'pages'] as const;

/** Finds the kernel object an id names, in whichever collection holds it. */
export function lookupObject(state: KernelState, id: string): unknown {
  if (id === 'host') return state.host;
  for (const c of COLLECTIONS) {
    // own entries only: 'constructor' or 'toString' is no kernel object ('P1.constructor' was Object's function)
    const coll = state[c] as Readonly<Record<string, unknown>>;
    if (Object.hasOwn(coll, id)) return coll[id];
  }
  return undefined;
}

function isObjectId(state: KernelState, v: unknown): v is string {
  return typeof v === 'string' && lookupObject(state, v) !== undefined;
}

export function isTimespec(v: unknown): v is Timespec {
  return typeof v === 'object' && v !== null && typeof (v as Timespec).sec === 'number' && typeof (v as Timespec).nsec === 'number' && Object.keys(v).length === 2;
}

export { formatTimespec };

class Evaluator {
  private pos = 0;
  readonly objects = new Set<string>();
  constructor(private readonly toks: Tok[], private readonly state: KernelState) {}

  private peek(): Tok { return this.toks[this.pos]!; }
  private isOp(text: string): boolean { const t = this.peek(); return t.kind === 'op' && t.text === text; }
  private expectOp(text: string): void {
    if (!this.isOp(text)) throw new ExpressionError(`expected '${text}'`, this.peek().col);
    this.pos++;
  }

  run(): unknown {
    const v = this.or();
    const t = this.peek();
    if (t.kind !== 'end') throw new ExpressionError('unexpected text after the expression', t.col);
    return v;
  }

  private or(): unknown {
    let v = this.and();
    while (this.isOp('||')) { this.pos++; const r = this.and(); v = truthy(v) || truthy(r); }
    return v;
  }

  private and(): unknown {
    let v = this.comparison();
    while (this.isOp('&&')) { this.pos++; const r = this.comparison(); v = truthy(v) && truthy(r); }
    return v;
  }

  private comparison(): unknown {
    const left = this.unary();
    for (const op of ['==', '!=', '<=', '>=', '<', '>']) {
      if (this.isOp(op)) {
        this.pos++;
        const right = this.unary();
        return compare(op, left, right);
      }
    }
    return left;
  }

  private depth = 0;

  private unary(): unknown {
    // Deep nesting ('!!!…', '((((…') would overflow the stack: say so instead.
    if (++this.depth > MAX_NESTING) throw new ExpressionError(`the expression nests deeper than ${MAX_NESTING} levels`, this.peek().col);
    try {
      return this.unaryInner();
    } finally {
      this.depth--;
    }
  }

  private unaryInner(): unknown {
    if (this.isOp('!')) { this.pos++; return !truthy(this.unary()); }
    if (this.isOp('-')) {
      this.pos++;
      const v = scalar(this.unary());
      if (typeof v !== 'number') throw new ExpressionError('minus needs a number', this.peek().col);
      return -v;
    }
    return this.postfix();
  }

  private postfix(): unknown {
    const t = this.peek();
    let value: unknown;
    if (t.kind === 'num') { this.pos++; value = t.value; }
    else if (t.kind === 'str') { this.pos++; value = t.value; }
    else if (this.isOp('(')) { this.pos++; value = this.or(); this.expectOp(')'); }
    else if (t.kind === 'ident') { this.pos++; value = this.root(t.text); }
    else throw new ExpressionError('expected a value', t.col);
    for (;;) {
      if (this.isOp('.')) {
        this.pos++;
        const name = this.peek();
        if (name.kind !== 'ident' && name.kind !== 'num') throw new ExpressionError('expected a field name after "."', name.col);
        this.pos++;
        value = this.member(value, name.kind === 'ident' ? name.text : String(name.value), name.col);
      } else if (this.isOp('[')) {
        this.pos++;
        const at = this.peek().col;
        const index = scalar(this.or());
        this.expectOp(']');
        if (typeof index !== 'string' && typeof index !== 'number') throw new ExpressionError('an index is a number or a name', at);
        value = this.member(value, String(index), at);
      } else if (this.peek().kind === 'ident' && /^\[/.test((this.peek() as { text: string }).text)) {
        // `P2[vvar]` / `mm#1[vvar]`: the named mapping of a task or mm.
        const name = this.peek() as { text: string; col: number };
        this.pos++;
        value = this.member(value, name.text, name.col);
      } else break;
    }
    return value;
  }

  private root(name: string): unknown {
    if (name === 'true') return true;
    if (name === 'false') return false;
    if (name === 'null') return null;
    if (name === 'state') return this.state;
    if ((COLLECTIONS as readonly string[]).includes(name)) return this.state[name as (typeof COLLECTIONS)[number]];
    const obj = lookupObject(this.state, name);
    if (obj !== undefined) { this.objects.add(name); return obj; }
    if (/^(?:ns|user|nsproxy|mm|page)#/.test(name)) throw new ExpressionError(`${name} does not exist at this point of the run`, 0);
    // A bare word that names no object is a constant: EACCES, SIGBUS, VDSO_CLOCKMODE_TIMENS, vdso-timens.
    return name;
  }

  private deref(value: unknown): unknown {
    if (isObjectId(this.state, value)) { this.objects.add(value); return lookupObject(this.state, value); }
    return value;
  }

  private member(base: unknown, name: string, col: number): unknown {
    const obj = this.deref(base);
    if (obj === null || obj === undefined) throw new ExpressionError(`cannot read '${name}' of ${String(obj)}`, col);
    if (typeof obj !== 'object') throw new ExpressionError(`'${String(base)}' has no field '${name}'`, col);
    const record = obj as Record<string, unknown>;
    if (Object.hasOwn(record, name)) return record[name];
    // A task's namespaces are reached through its nsproxy, as the kernel does (task->nsproxy->time_ns).
    if ((name === 'time_ns' || name === 'time_ns_for_children') && typeof record.nsproxy === 'string') {
      const proxy = this.deref(record.nsproxy) as Record<string, unknown> | undefined;
      if (proxy && name in proxy) return proxy[name];
    }
    if (name.startsWith('[') && typeof record.mm === 'string') {
      return this.member(record.mm, name, col);
    }
    if (name.startsWith('[') && Array.isArray(record.vmas)) {
      const vma = (record.vmas as { name: string }[]).find((v) => v.name === name);
      if (vma) return vma;
      throw new ExpressionError(`no ${name} mapping`, col);
    }
    const known = Object.keys(record).slice(0, 12).join(', ');
    throw new ExpressionError(`no field '${name}' (fields: ${known})`, col);
  }
}

function truthy(v: unknown): boolean {
  return Array.isArray(v) ? v.length > 0 : Boolean(v);
}

/** Reduces a value to what comparisons use: ids for kernel objects, seconds for timespecs. */
function scalar(v: unknown): unknown {
  if (isTimespec(v)) return v.sec + v.nsec / 1e9;
  if (typeof v === 'object' && v !== null && typeof (v as { id?: unknown }).id === 'string') return (v as { id: string }).id;
  return v;
}

function compare(op: string, a: unknown, b: unknown): boolean {
  const x = scalar(a);
  const y = scalar(b);
  switch (op) {
    case '==': return x === y || (x === null && y === 'none') || (x === 'none' && y === null);
    case '!=': return !(x === y || (x === null && y === 'none') || (x === 'none' && y === null));
  }
  if (typeof x !== 'number' || typeof y !== 'number') throw new ExpressionError(`'${op}' compares numbers`, 0);
  switch (op) {
    case '<': return x < y;
    case '<=': return x <= y;
    case '>': return x > y;
    default: return x >= y;
  }
}

/** Evaluates an expression against a state; throws ExpressionError with a column on bad input. */
export function evaluateExpression(text: string, state: KernelState): Evaluated {
  const toks = tokenize(text);
  if (toks.length === 1) throw new ExpressionError('empty expression', 0);
  const ev = new Evaluator(toks, state);
  const value = ev.run();
  return { value, objects: ev.objects };
}

/** A short one-line rendering of a value for the console, hovers and log points. */
export function formatValue(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (isTimespec(v)) return formatTimespec(v);
  if (typeof v === 'string') return v;
  if (typeof v !== 'object') return String(v);
  if (Array.isArray(v)) return `Array(${v.length})`;
  const id = (v as { id?: unknown }).id;
  if (typeof id === 'string') return id;
  const keys = Object.keys(v);
  return `{${keys.slice(0, 4).join(', ')}${keys.length > 4 ? ', …' : ''}}`;
}

/** Replaces each `{expr}` of a log message by its value at the state; errors are shown in place. */
export function interpolate(message: string, state: KernelState): string {
  return message.replace(/\{([^{}]+)\}/g, (_m, expr: string) => {
    try {
      return formatValue(evaluateExpression(expr, state).value);
    } catch (err) {
      return `<${err instanceof Error ? err.message : String(err)}>`;
    }
  });
}

/** Field names that can follow `base.` in the console, for completion. */
export function fieldNames(state: KernelState, baseText: string): string[] {
  try {
    const { value } = evaluateExpression(baseText, state);
    const obj = typeof value === 'string' ? lookupObject(state, value) : value;
    if (typeof obj !== 'object' || obj === null) return [];
    const names = Object.keys(obj);
    if ((obj as { nsproxy?: unknown }).nsproxy !== undefined) names.push('time_ns', 'time_ns_for_children');
    return names;
  } catch {
    return [];
  }
}

/** Every object id of a state (tasks, namespaces, nsproxies, mms, pages) plus `host`, for completion. */
export function objectIds(state: KernelState): string[] {
  const ids = ['host'];
  for (const c of COLLECTIONS) ids.push(...Object.keys(state[c]));
  return ids;
}
