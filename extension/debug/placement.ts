// The Debug Adapter Protocol's breakpoint requests turned into the session's BreakpointSet, with the answer VS
// Code shows for each: line breakpoints move to the first line that runs, exception filters check their errno or
// signal names, data breakpoints are kept only when their expression evaluates at the cursor.
import { Breakpoint } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { KernelState, Simulation } from '../sim/api';
import { ERRNOS, SIGNALS } from '../sim/types';
import { EXCEPTION_FILTERS, type BreakpointSet, type ExceptionFilterId } from './breakpoints';
import { evaluateExpression } from './expressions';
import { functionBreakpointProblem } from './functions';

/** The client's line numbering (1- or 0-based) both ways, and the next breakpoint id. */
export interface PlacementContext {
  toDebugger(clientLine: number): number;
  toClient(debuggerLine: number): number;
  nextId(): number;
}

/** `runLines`: the 0-based lines that run, in order (undefined before a run: the breakpoints stay where asked). */
export function placeLineBreakpoints(set: BreakpointSet, requested: readonly DebugProtocol.SourceBreakpoint[], runLines: readonly number[] | undefined, c: PlacementContext): DebugProtocol.Breakpoint[] {
  set.lines.clear();
  return requested.map((req) => {
    const wanted = c.toDebugger(req.line) - 1;
    const id = c.nextId();
    const line = runLines ? runLines.find((l) => l >= wanted) : wanted;
    if (line === undefined) {
      const bp = new Breakpoint(false, req.line) as DebugProtocol.Breakpoint;
      bp.id = id;
      bp.message = 'No operation runs on or after this line';
      return bp;
    }
    const list = set.lines.get(line) ?? [];
    list.push({ id, line, hits: 0, condition: req.condition, hitCondition: req.hitCondition, logMessage: req.logMessage });
    set.lines.set(line, list);
    const bp = new Breakpoint(runLines !== undefined, c.toClient(line + 1)) as DebugProtocol.Breakpoint;
    bp.id = id;
    return bp;
  });
}

/** The exception filters asked for, and an answer per filter (options with unknown errno or signal names are unverified). */
export function exceptionFilters(args: DebugProtocol.SetExceptionBreakpointsArguments): { filters: Map<ExceptionFilterId, { condition?: string }>; breakpoints: DebugProtocol.Breakpoint[] } {
  const valid = new Set<string>(EXCEPTION_FILTERS.map((f) => f.filter));
  const filters = new Map<ExceptionFilterId, { condition?: string }>();
  const results: DebugProtocol.Breakpoint[] = [];
  for (const f of args.filters) {
    if (valid.has(f)) filters.set(f as ExceptionFilterId, {});
  }
  for (const o of args.filterOptions ?? []) {
    if (!valid.has(o.filterId)) continue;
    filters.set(o.filterId as ExceptionFilterId, { condition: o.condition });
    const names = (o.condition ?? '').split(/[\s,|]+/).filter(Boolean).map((n) => n.toUpperCase());
    const table: Record<string, number> = o.filterId === 'errno' ? ERRNOS : o.filterId === 'signal' ? SIGNALS : {};
    const unknown = names.filter((n) => !(n in table));
    results.push(unknown.length ? { verified: false, message: `unknown ${o.filterId} name(s): ${unknown.join(', ')}` } : { verified: true });
  }
  return { filters, breakpoints: [...args.filters.map(() => ({ verified: true })), ...results] };
}

/** Only expressions that evaluate at the cursor (`state`) are watched; the others say why they cannot be. */
export function placeDataBreakpoints(set: BreakpointSet, requests: readonly DebugProtocol.DataBreakpoint[], state: KernelState | undefined, nextId: () => number): DebugProtocol.Breakpoint[] {
  set.data = [];
  return requests.map((req): DebugProtocol.Breakpoint => {
    const id = nextId();
    if (!state) return { id, verified: false, message: 'no scenario is loaded' };
    try {
      evaluateExpression(req.dataId, state);
    } catch (err) {
      return { id, verified: false, message: `cannot watch '${req.dataId}': ${err instanceof Error ? err.message : String(err)}` };
    }
    set.data.push({ id, expression: req.dataId, hits: 0, condition: req.condition, hitCondition: req.hitCondition });
    return { id, verified: true, message: `stops when ${req.dataId} changes` };
  });
}

/** A function breakpoint as asked for, with the id it was given and whether it was verified. */
export interface RequestedFunction { readonly id: number; readonly request: DebugProtocol.FunctionBreakpoint; readonly verified: boolean }

/**
 * Keeps the breakpoints on functions the run (`sim`) enters; the others are unverified with the reason, which the
 * console repeats (the Breakpoints view shows it only on hover). `previous`: the requests placed before a restart,
 * whose ids are kept and whose changed answers are sent.
 */
export function placeFunctionBreakpoints(set: BreakpointSet, requests: readonly DebugProtocol.FunctionBreakpoint[], previous: readonly RequestedFunction[] | null, sim: Simulation | undefined,
  out: { nextId(): number; output(text: string): void; changed(bp: DebugProtocol.Breakpoint): void }): { breakpoints: DebugProtocol.Breakpoint[]; requested: RequestedFunction[] } {
  const restart = previous !== null;
  const before = new Map((previous ?? []).map((r) => [r.request.name, r]));
  set.functions = [];
  const requested: RequestedFunction[] = [];
  const breakpoints = requests.map((req) => {
    const name = req.name.trim();
    const earlier = before.get(req.name);
    const id = earlier?.id ?? out.nextId();
    const message = sim ? functionBreakpointProblem(name, sim) : null;
    const bp: DebugProtocol.Breakpoint = { id, verified: message === null, ...(message ? { message } : {}) };
    if (message === null) set.functions.push({ id, name, hits: 0, condition: req.condition, hitCondition: req.hitCondition });
    if (message !== null && (!restart || earlier?.verified !== false)) out.output(`Function breakpoint ${name}: ${message}\n`);
    if (earlier && earlier.verified !== bp.verified) out.changed(bp);
    requested.push({ id, request: req, verified: bp.verified });
    return bp;
  });
  return { breakpoints, requested };
}
