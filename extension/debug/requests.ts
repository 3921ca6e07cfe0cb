// Checks the arguments of each Debug Adapter Protocol request before the session acts on it, so a malformed
// request gets one clean error (a sentence, no stack trace) instead of a success followed by an exception.
import { DebugSession, ErrorDestination, OutputEvent, Response } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DESIGNS } from '../sim/types';

/** What is wrong with a value: where inside it (`.breakpoints[0].line`, empty for the value itself) and what. */
interface Problem { readonly at: string; readonly what: string }
/** Returns the problem with `value`, or null when it is acceptable. */
type Check = (value: unknown) => Problem | null;

const problem = (what: string): Problem => ({ at: '', what });
const inside = (at: string, p: Problem | null): Problem | null => (p ? { at: at + p.at, what: p.what } : null);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const str: Check = (v) => (typeof v === 'string' ? null : problem('must be a string'));
const bool: Check = (v) => (typeof v === 'boolean' ? null : problem('must be true or false'));
/** DAP integers: line numbers, references, ids, counts. */
const int: Check = (v) => (Number.isSafeInteger(v) ? null : problem('must be an integer'));
const natural: Check = (v) => (Number.isSafeInteger(v) && (v as number) >= 0 ? null : problem('must be an integer ≥ 0'));
const positive: Check = (v) => (Number.isSafeInteger(v) && (v as number) >= 1 ? null : problem('must be an integer ≥ 1'));
const anyValue: Check = () => null;
const oneOf = (...values: string[]): Check => (v) => (typeof v === 'string' && values.includes(v) ? null : problem(`must be one of ${values.join(', ')}`));

/** An object whose listed fields are checked (required unless optional); other fields are left alone. */
function obj(required: Record<string, Check>, optional: Record<string, Check> = {}): Check {
  const requiredFields = Object.entries(required);
  const optionalFields = Object.entries(optional);
  return (v) => {
    if (!isObject(v)) return problem('must be an object');
    for (const [name, check] of requiredFields) {
      if (v[name] === undefined) return { at: `.${name}`, what: 'is missing' };
      const p = inside(`.${name}`, check(v[name]));
      if (p) return p;
    }
    for (const [name, check] of optionalFields) {
      if (v[name] === undefined || v[name] === null) continue;
      const p = inside(`.${name}`, check(v[name]));
      if (p) return p;
    }
    return null;
  };
}

function list(item: Check, max = 100000): Check {
  return (v) => {
    if (!Array.isArray(v)) return problem('must be an array');
    if (v.length > max) return problem(`has more than ${max} entries`);
    for (let i = 0; i < v.length; i++) {
      const p = inside(`[${i}]`, item(v[i]));
      if (p) return p;
    }
    return null;
  };
}

const condition = { condition: str, hitCondition: str };
const granularity = { granularity: oneOf('statement', 'line', 'instruction'), singleThread: bool };
const thread = { threadId: int };
const source = obj({}, { path: str, name: str, sourceReference: int });

/** The argument shape of every request the session handles. A command missing here is checked by nothing
 *  but its handler (the base class answers unknown commands with an error of its own). */
const ARGUMENTS: Readonly<Record<string, Check>> = {
  initialize: obj({}, { adapterID: str, linesStartAt1: bool, columnsStartAt1: bool, pathFormat: str }),
  launch: obj({ program: str }, { arch: oneOf('x86_64', 'arm64'), kernel: str, disabledPatches: list(str), design: oneOf(...DESIGNS), stopOnEntry: bool, noDebug: bool }),
  restart: obj({}, { arguments: obj({ program: str }, { arch: oneOf('x86_64', 'arm64'), kernel: str, disabledPatches: list(str), design: oneOf(...DESIGNS), stopOnEntry: bool }) }),
  disconnect: obj({}, { restart: bool, terminateDebuggee: bool, suspendDebuggee: bool }),
  terminate: obj({}, { restart: bool }),
  configurationDone: obj({}),
  threads: anyValue,
  next: obj(thread, granularity),
  stepIn: obj(thread, { ...granularity, targetId: int }),
  stepOut: obj(thread, granularity),
  stepBack: obj(thread, granularity),
  continue: obj(thread, { singleThread: bool }),
  reverseContinue: obj(thread, { singleThread: bool }),
  pause: obj(thread),
  stepInTargets: obj({ frameId: int }),
  gotoTargets: obj({ source, line: positive }, { column: positive }),
  goto: obj({ threadId: int, targetId: natural }),
  stackTrace: obj(thread, { startFrame: natural, levels: natural, format: anyValue }),
  scopes: obj({ frameId: int }),
  variables: obj({ variablesReference: natural }, { filter: oneOf('indexed', 'named'), start: natural, count: natural, format: anyValue }),
  readMemory: obj({ memoryReference: str, count: natural }, { offset: int }),
  setBreakpoints: obj({ source }, {
    breakpoints: list(obj({ line: positive }, { column: positive, ...condition, logMessage: str, mode: str })),
    lines: list(positive), sourceModified: bool,
  }),
  setFunctionBreakpoints: obj({ breakpoints: list(obj({ name: str }, condition)) }),
  setExceptionBreakpoints: obj({ filters: list(str) }, { filterOptions: list(obj({ filterId: str }, { condition: str, mode: str })), exceptionOptions: anyValue }),
  exceptionInfo: obj(thread),
  dataBreakpointInfo: obj({ name: str }, { variablesReference: natural, frameId: int, bytes: natural, asAddress: bool, mode: str }),
  setDataBreakpoints: obj({ breakpoints: list(obj({ dataId: str }, { accessType: oneOf('read', 'write', 'readWrite'), ...condition })) }),
  evaluate: obj({ expression: str }, { frameId: int, context: str, line: positive, column: positive, source, format: anyValue }),
  completions: obj({ text: str, column: positive }, { frameId: int, line: positive }),
  'timens/cursor': anyValue,
};

/** What is wrong with a request's arguments, as a sentence for the user; null when they are fine. */
export function requestProblem(request: DebugProtocol.Request): string | null {
  const check = Object.prototype.hasOwnProperty.call(ARGUMENTS, request.command) ? ARGUMENTS[request.command] : undefined;
  if (!check) return null;
  // Requests without arguments may leave them out (DAP marks many argument objects optional).
  const args = request.arguments === undefined ? {} : request.arguments;
  const p = check(args);
  if (!p) return null;
  // `goto: targetId must be an integer ≥ 0 (got 1.5)`: the request, the field, the rule and what came.
  const what = p.at ? `${p.at.replace(/^\./, '')} ${p.what}` : `its arguments ${p.what}`;
  return `Malformed '${request.command}' request: ${what} (got ${preview(valueAt(args, p.at))}).`;
}

/** The value at a path such as `.breakpoints[0].line` (only paths this file produced). */
function valueAt(root: unknown, at: string): unknown {
  let v = root;
  for (const m of at.matchAll(/\.([^.[]+)|\[(\d+)\]/g)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[m[1] ?? m[2]!];
  }
  return v;
}

function preview(v: unknown): string {
  if (v === undefined) return 'nothing';
  let text: string;
  try { text = JSON.stringify(v) ?? String(v); } catch { text = String(v); }
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** The commands whose arguments are checked (the fuzz tests send each of them malformed). */
export const CHECKED_COMMANDS: readonly string[] = Object.keys(ARGUMENTS);

/** A DebugSession whose every request gets exactly one answer: malformed ones an error naming the field, and a
 *  handler that throws its message (the base class would answer with the stack trace, or answer twice when the
 *  handler had already answered). */
export class CheckedDebugSession extends DebugSession {
  private readonly answered = new Set<number>();

  protected override dispatchRequest(request: DebugProtocol.Request): void {
    const problem = requestProblem(request);
    if (problem) {
      this.sendErrorResponse(new Response(request), { id: 1100, format: problem, showUser: false });
      return;
    }
    super.dispatchRequest(request);
  }

  override sendResponse(response: DebugProtocol.Response): void {
    if (this.answered.has(response.request_seq)) return;
    this.answered.add(response.request_seq);
    // Sequence numbers only grow: the oldest ones can be forgotten.
    if (this.answered.size > 4096) this.answered.delete(this.answered.values().next().value!);
    super.sendResponse(response);
  }

  protected override sendErrorResponse(response: DebugProtocol.Response, codeOrMessage: number | DebugProtocol.Message, format?: string, variables?: Record<string, string>, dest?: ErrorDestination): void {
    if (codeOrMessage === 1104) {
      // 1104 is the base class's answer to a handler that threw; `_exception` holds the error's message.
      const message = variables?._exception ?? 'internal error';
      if (this.answered.has(response.request_seq)) {
        this.sendEvent(new OutputEvent(`'${response.command}' failed after it answered: ${message}\n`, 'stderr'));
        return;
      }
      codeOrMessage = { id: 1104, format: `'${response.command}' failed: ${message}`, showUser: false };
    }
    // The base class fills `{name}` placeholders from `variables` and throws when there are none: a message that
    // quotes user text holding braces (`{_x}`) must still go out as written.
    if (typeof codeOrMessage === 'object' && !codeOrMessage.variables) codeOrMessage = { ...codeOrMessage, variables: {} };
    super.sendErrorResponse(response, codeOrMessage, format, variables ?? {}, dest);
  }
}
