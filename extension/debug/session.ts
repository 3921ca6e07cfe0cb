// The Debug Adapter Protocol session of a .timens scenario: steps through a recorded ScenarioRun line by line
// and into the kernel event by event, forwards and backwards (the simulation restores the whole state).
// It never imports 'vscode': the extension runs it inline, the tests drive it with DAP messages in process.
import * as path from 'path';
import {
  BreakpointEvent, ContinuedEvent, InitializedEvent, InvalidatedEvent, OutputEvent, StoppedEvent, TerminatedEvent,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ScenarioRun } from '../scenario/api';
import { formatResult } from '../scenario/index';
import type { KernelState } from '../sim/api';
import { BreakpointSet, type Hit } from './breakpoints';
import { ADAPTER_CAPABILITIES } from './capabilities';
import { completionItems } from './completions';
import { Cursor, Timeline, type CursorMoved, type Point } from './cursor';
import { ExpressionError, evaluateExpression, formatValue, isTimespec } from './expressions';
import { CheckedDebugSession } from './requests';
import type { VariableTree } from './variables';
import { describeStop, isOperationLine, type StopReason } from './stops';
import { gotoTarget, stepInTargets } from './targets';
import { exceptionFilters, placeDataBreakpoints, placeFunctionBreakpoints, placeLineBreakpoints, type RequestedFunction } from './placement';
import { readPageMemory } from './vvarMemory';
import { runWhatIf } from './whatIf';
import { stackFrames, variableTreeAt } from './frames';

import { FILE_HOST, type DebugHost, type LoadedScenario, type TimensLaunchArguments } from './launch';

export type { DebugHost, LoadedScenario, TimensLaunchArguments } from './launch';
export { FILE_HOST } from './launch';

const THREAD_ID = 1;
/** How long after a 'continued' the stop of a time travel from a view is sent (see followCursor). */
const FOLLOW_STOP_DELAY_MS = 50;
/** Points walked per slice of a long continue, so a pause request gets handled in between. */
const SLICE_POINTS = 4000;
/** Above this many events the changes of a jump are not collected (the Variables view shows none). */
const CHANGE_WINDOW = 20000;

interface Walk { cancelled: boolean; paused: boolean }

export class TimensDebugSession extends CheckedDebugSession {
  private loaded: LoadedScenario | undefined;
  private timeline: Timeline | undefined;
  private lines: string[] = [];
  private args: TimensLaunchArguments | undefined;
  /** The run's cursor: where the debugger stands is where the views stand. */
  private cursor: Cursor | undefined;
  private stopFollowing: (() => void) | undefined;
  /** Counts the moves followed, so only the last of several quick ones reports its stop. */
  private follows = 0;
  /** Where the previous stop was, to mark what the last step changed. */
  private previousPosition = 0;
  private tree: VariableTree | undefined;
  private walk: Walk | undefined;
  private configured = false;
  private launched = false;
  private lastException: Hit['exception'];
  private readonly breakpoints = new BreakpointSet();
  private nextBreakpointId = 1;
  /** Requested line breakpoints per source, kept so they can be re-placed after a restart. */
  private requestedLines: DebugProtocol.SourceBreakpoint[] = [];
  /** Requested function breakpoints with the answer given, re-checked against the run after a restart. */
  private requestedFunctions: RequestedFunction[] = [];

  constructor(private readonly host: DebugHost = FILE_HOST) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    this.breakpoints.onLog = (text, line) => {
      const e = new OutputEvent(text + '\n', 'console') as DebugProtocol.OutputEvent;
      e.body.source = this.source();
      e.body.line = line + 1;
      this.sendEvent(e);
    };
  }

  /** The run this session debugs (shared with the views). */
  get run(): ScenarioRun | undefined {
    return this.loaded?.run;
  }

  /** The simulation position of the current stop. */
  get position(): number {
    return this.timeline ? this.timeline.position(this.point) : 0;
  }

  // --- Lifecycle --------------------------------------------------------------------------------------

  protected override initializeRequest(response: DebugProtocol.InitializeResponse, _args: DebugProtocol.InitializeRequestArguments): void {
    response.body = { ...ADAPTER_CAPABILITIES };
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: TimensLaunchArguments): Promise<void> {
    this.args = args;
    try {
      await this.load(false);
    } catch (err) {
      this.sendErrorResponse(response, { id: 1001, format: err instanceof Error ? err.message : String(err), showUser: true });
      return;
    }
    this.launched = true;
    this.sendResponse(response);
    if (args.noDebug) {
      this.printOutcomes();
      this.sendEvent(new TerminatedEvent());
      return;
    }
    this.sendEvent(new InitializedEvent());
    if (this.configured) this.begin();
  }

  protected override configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.configured = true;
    this.sendResponse(response);
    if (this.launched && !this.args?.noDebug) this.begin();
  }

  private async load(restart: boolean): Promise<void> {
    if (!this.args) throw new Error('no launch arguments');
    const loaded = await this.host.load(this.args, restart);
    if (!loaded.run.valid) {
      const file = this.args.program;
      const errors = loaded.run.diagnostics.filter((d) => d.severity === 'error')
        .map((d) => `${file}:${d.range.line + 1}:${d.range.col + 1}: ${d.message}`);
      throw new Error(`The scenario has errors and did not run:\n${errors.join('\n')}`);
    }
    this.loaded = loaded;
    this.lines = loaded.text.split(/\r?\n/);
    this.stopFollowing?.();
    this.cursor = loaded.cursor ?? new Cursor(loaded.run.sim);
    this.timeline = this.cursor.timeline;
    this.stopFollowing = this.cursor.onDidMove((m) => this.followCursor(m));
    this.breakpoints.resetHits();
    this.placeLineBreakpoints(this.requestedLines);
    if (restart) this.placeFunctionBreakpoints(this.requestedFunctions.map((r) => r.request), true);
  }

  private begin(): void {
    const timeline = this.timeline!;
    this.point = timeline.first();
    this.previousPosition = timeline.position(this.point);
    if (this.args?.stopOnEntry === false) {
      // The first line may hold a breakpoint itself.
      const hit = this.breakpoints.check(this.point, timeline, (p) => this.stateAt(p));
      if (hit) this.reportStop(hit.reason, hit);
      else this.runWalk(1, null);
    } else {
      this.reportStop('entry');
    }
  }

  protected override async restartRequest(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments): Promise<void> {
    this.cancelWalk();
    const previous = this.args;
    if (args.arguments) this.args = { ...this.args, ...(args.arguments as TimensLaunchArguments) };
    try {
      await this.load(true);
    } catch (err) {
      this.args = previous; // a failed restart keeps the session on the run it had
      this.sendErrorResponse(response, { id: 1002, format: err instanceof Error ? err.message : String(err), showUser: true });
      return;
    }
    this.sendResponse(response);
    this.point = this.timeline!.first();
    this.previousPosition = this.position;
    this.reportStop('entry');
  }

  protected override disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.cancelWalk();
    this.sendResponse(response);
    this.stopFollowing?.();
    this.stopFollowing = undefined;
    this.host.onEnd?.(this.loaded?.run);
  }

  protected override terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.cancelWalk();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  protected override threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: [{ id: THREAD_ID, name: this.args ? `scenario ${path.basename(this.args.program)}` : 'scenario' }] };
    this.sendResponse(response);
  }

  private get point(): Point {
    return this.cursor?.point ?? { kind: 'end' };
  }

  /** Placing a point is silent; reportStop announces the stop to the cursor's other listeners. */
  private set point(p: Point) {
    this.cursor?.place(p);
  }

  /** Someone else (the timeline, a tree, a command) moved the cursor: stop where it now is. */
  private followCursor(m: CursorMoved): void {
    if (m.by === this || !this.timeline || !this.launched) return;
    this.cancelWalk();
    this.previousPosition = m.previous;
    // Travelling is running to another place. VS Code keeps the first stop's description in the Call Stack until
    // it sees the thread run, so say so; and send the new stop only once it has taken that in (it handles the
    // continue asynchronously and would drop a stop that arrived meanwhile).
    this.sendEvent(new ContinuedEvent(THREAD_ID, true));
    const follow = ++this.follows;
    setTimeout(() => { if (follow === this.follows && this.timeline) this.reportStop('goto', undefined, false); }, FOLLOW_STOP_DELAY_MS);
  }

  // --- Stepping -----------------------------------------------------------------------------------------

  protected override nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): void {
    this.sendResponse(response);
    if (!this.timeline) return;
    if (args.granularity === 'instruction') return this.stepTo(this.timeline.next(this.point));
    this.runWalk(1, this.timeline.nextLineStop(this.point));
  }

  protected override stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): void {
    this.sendResponse(response);
    if (!this.timeline) return;
    if (args.targetId !== undefined && args.targetId >= 0 && args.targetId < this.timeline.sim.eventCount) {
      return this.runWalk(1, { kind: 'event', index: args.targetId });
    }
    this.stepTo(this.timeline.next(this.point));
  }

  protected override stepOutRequest(response: DebugProtocol.StepOutResponse): void {
    this.sendResponse(response);
    if (!this.timeline) return;
    this.runWalk(1, this.timeline.stepOutTarget(this.point));
  }

  protected override stepBackRequest(response: DebugProtocol.StepBackResponse, args: DebugProtocol.StepBackArguments): void {
    this.sendResponse(response);
    if (!this.timeline) return;
    // Inside a line Step Back undoes one kernel event (the mirror of Step Into); at a line it undoes the line.
    if (this.point.kind === 'event' || args.granularity === 'instruction') return this.stepTo(this.timeline.prev(this.point));
    const target = this.timeline.prevLineStop(this.point);
    if (!target) return this.reportStop('entry');
    this.runWalk(-1, target);
  }

  protected override continueRequest(response: DebugProtocol.ContinueResponse): void {
    response.body = { allThreadsContinued: true };
    this.sendResponse(response);
    this.runWalk(1, null);
  }

  protected override reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    this.sendResponse(response);
    this.runWalk(-1, null);
  }

  protected override pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.sendResponse(response);
    if (this.walk) this.walk.paused = true;
    else this.reportStop('pause');
  }

  protected override stepInTargetsRequest(response: DebugProtocol.StepInTargetsResponse, _args: DebugProtocol.StepInTargetsArguments): void {
    response.body = { targets: this.timeline ? stepInTargets(this.timeline, this.point) : [] };
    this.sendResponse(response);
  }

  protected override gotoTargetsRequest(response: DebugProtocol.GotoTargetsResponse, args: DebugProtocol.GotoTargetsArguments): void {
    const target = this.timeline ? gotoTarget(this.timeline, this.convertClientLineToDebugger(args.line) - 1) : null;
    const line = target && target.line !== null ? this.convertDebuggerLineToClient(target.line + 1) : args.line;
    response.body = { targets: target ? [{ id: target.id, label: target.label, line }] : [] };
    this.sendResponse(response);
  }

  protected override gotoRequest(response: DebugProtocol.GotoResponse, args: DebugProtocol.GotoArguments): void {
    this.sendResponse(response);
    if (!this.timeline) return;
    this.cancelWalk();
    this.previousPosition = this.position;
    this.point = this.timeline.pointAt(args.targetId);
    this.reportStop('goto');
  }

  /** One point forwards or backwards, no breakpoint test (the user asked for exactly this step). */
  private stepTo(target: Point | null): void {
    this.cancelWalk();
    this.previousPosition = this.position;
    if (target) this.point = target;
    this.reportStop(target ? 'step' : this.point.kind === 'end' ? 'end' : 'entry');
  }

  private cancelWalk(): void {
    if (this.walk) this.walk.cancelled = true;
    this.walk = undefined;
    // A stop still to be reported for a move from a view is overtaken too.
    this.follows++;
  }

  /** Walks point by point in `direction` until `target` (or the end/start when null), stopping at any breakpoint
   *  on the way. Long walks run in slices so pause and other requests are handled in between. */
  private runWalk(direction: 1 | -1, target: Point | null): void {
    const tl = this.timeline;
    if (!tl) return;
    this.cancelWalk();
    const walk: Walk = { cancelled: false, paused: false };
    this.walk = walk;
    this.previousPosition = this.position;
    this.breakpoints.invalidateWatches();
    const targetPosition = target ? tl.position(target) : undefined;
    const slice = (): void => {
      try {
        walkSlice();
      } catch (err) {
        // A bug must not leave the walk hanging or kill the session: stop where the walk got to.
        this.walk = undefined;
        this.sendEvent(new OutputEvent(`the walk stopped on an internal error: ${err instanceof Error ? err.message : String(err)}\n`, 'stderr'));
        this.reportStop('pause');
      }
    };
    const walkSlice = (): void => {
      if (walk.cancelled) return;
      if (walk.paused) {
        this.walk = undefined;
        return this.reportStop('pause');
      }
      for (let n = 0; n < SLICE_POINTS; n++) {
        const next = direction > 0 ? tl.next(this.point) : tl.prev(this.point);
        if (!next) {
          this.walk = undefined;
          return this.reportStop(direction > 0 ? 'end' : 'entry');
        }
        this.point = next;
        const reached = target !== null && tl.position(next) === targetPosition && next.kind === target.kind;
        const hit = this.breakpoints.any ? this.breakpoints.check(next, tl, (p) => this.stateAt(p)) : null;
        if (this.breakpoints.conditionError) {
          this.sendEvent(new OutputEvent(this.breakpoints.conditionError + '\n', 'stderr'));
          this.breakpoints.conditionError = undefined;
        }
        if (hit) {
          this.walk = undefined;
          return this.reportStop(hit.reason, hit);
        }
        if (reached) {
          this.walk = undefined;
          return this.reportStop(target!.kind === 'end' ? 'end' : 'step');
        }
        if (next.kind === 'end') {
          this.walk = undefined;
          return this.reportStop('end');
        }
      }
      setImmediate(slice);
    };
    slice();
  }

  private stateAt(position: number): KernelState {
    return this.cursor!.stateAt(position);
  }

  /** Moves the shared simulation to the current point, prepares the Variables view and reports the stop. */
  private reportStop(reason: StopReason, hit?: Hit, notifyHost = true): void {
    const tl = this.timeline;
    if (!tl || !this.loaded) return;
    const position = tl.position(this.point);
    this.tree = undefined;
    this.lastException = hit?.exception;
    const dapReason = reason === 'end' ? 'step' : reason;
    const event = new StoppedEvent(dapReason, THREAD_ID, hit?.text) as DebugProtocol.StoppedEvent;
    event.body.description = hit?.description ?? describeStop(reason, this.point);
    event.body.allThreadsStopped = true;
    if (hit && hit.ids.length) event.body.hitBreakpointIds = [...hit.ids];
    this.sendEvent(event);
    // Then the state the stack and variables requests read, and the views: neither may delay the stop.
    if (tl.sim.position !== position) tl.sim.goto(position);
    if (notifyHost) {
      this.cursor?.announce('debugger', this.previousPosition, this);
      this.host.onStop?.(this.loaded.run, position);
    }
  }

  // --- Stack, scopes, variables -----------------------------------------------------------------------

  private source(): DebugProtocol.Source {
    const program = this.args?.program ?? 'scenario.timens';
    return { name: path.basename(program), path: program };
  }

  protected override stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    const tl = this.timeline;
    const clientLine = tl ? this.convertDebuggerLineToClient(Math.max(0, tl.line(this.point)) + 1) : 0;
    const frames = tl ? stackFrames(tl, this.point, this.lines, this.source(), clientLine) : [];
    const start = args.startFrame ?? 0;
    const levels = args.levels ?? frames.length;
    response.body = { stackFrames: frames.slice(start, levels > 0 ? start + levels : undefined), totalFrames: frames.length };
    this.sendResponse(response);
  }

  private variableTree(): VariableTree {
    this.tree ??= variableTreeAt(this.timeline!, this.point, this.previousPosition, CHANGE_WINDOW);
    return this.tree;
  }

  protected override scopesRequest(response: DebugProtocol.ScopesResponse, _args: DebugProtocol.ScopesArguments): void {
    response.body = { scopes: this.timeline ? this.variableTree().scopes() : [] };
    this.sendResponse(response);
  }

  protected override variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    response.body = { variables: this.timeline ? this.variableTree().variables(args) : [] };
    this.sendResponse(response);
  }

  protected override readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    const tl = this.timeline;
    const state = tl ? this.stateAt(tl.position(this.point)) : undefined;
    const page = state && Object.hasOwn(state.pages, args.memoryReference) ? state.pages[args.memoryReference] : undefined; // own: 'constructor' is no page
    if (!tl || !page) {
      this.sendErrorResponse(response, { id: 1010, format: `no memory behind '${args.memoryReference}' (pages are named like page#host, page#ns#1)`, showUser: false });
      return;
    }
    response.body = readPageMemory(page, tl.sim.profile, args.offset ?? 0, args.count);
    this.sendResponse(response);
  }

  // --- Breakpoints ---------------------------------------------------------------------------------

  protected override setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    const requested = args.breakpoints ?? (args.lines ?? []).map((line) => ({ line }));
    if (!this.isProgram(args.source)) {
      // Breakpoints of another .timens file: this session runs only its own scenario.
      response.body = { breakpoints: requested.map((r) => ({ verified: false, line: r.line, message: 'This debug session runs another scenario' })) };
      this.sendResponse(response);
      return;
    }
    this.requestedLines = requested;
    response.body = { breakpoints: this.placeLineBreakpoints(this.requestedLines) };
    this.sendResponse(response);
  }

  private isProgram(source: DebugProtocol.Source): boolean {
    const program = this.args?.program;
    if (!program || !source.path) return true;
    return source.path === program || path.resolve(source.path) === path.resolve(program);
  }

  /** Puts each requested breakpoint on the first line at or after it that runs; reports where it went. */
  private placeLineBreakpoints(requested: readonly DebugProtocol.SourceBreakpoint[]): DebugProtocol.Breakpoint[] {
    return placeLineBreakpoints(this.breakpoints, requested, this.timeline?.spans.map((sp) => sp.line), {
      toDebugger: (l) => this.convertClientLineToDebugger(l), toClient: (l) => this.convertDebuggerLineToClient(l), nextId: () => this.nextBreakpointId++,
    });
  }

  protected override setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    response.body = { breakpoints: this.placeFunctionBreakpoints(args.breakpoints, false) };
    this.sendResponse(response);
  }

  /** Keeps the breakpoints on functions this run enters; the others are unverified with the reason, which the
   *  console repeats (the Breakpoints view shows it only on hover). After a restart, changed answers are sent. */
  private placeFunctionBreakpoints(requests: readonly DebugProtocol.FunctionBreakpoint[], restart: boolean): DebugProtocol.Breakpoint[] {
    const placed = placeFunctionBreakpoints(this.breakpoints, requests, restart ? this.requestedFunctions : null, this.timeline?.sim, {
      nextId: () => this.nextBreakpointId++,
      output: (text) => this.sendEvent(new OutputEvent(text, 'console')),
      changed: (bp) => this.sendEvent(new BreakpointEvent('changed', bp)),
    });
    this.requestedFunctions = placed.requested;
    return placed.breakpoints;
  }

  protected override setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): void {
    const { filters, breakpoints } = exceptionFilters(args);
    this.breakpoints.exceptions = filters;
    response.body = { breakpoints };
    this.sendResponse(response);
  }

  protected override exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse): void {
    const ex = this.lastException;
    response.body = {
      exceptionId: ex?.id ?? 'none',
      description: ex?.description ?? 'No exception at this stop',
      breakMode: 'always',
      details: ex ? { message: ex.details, typeName: ex.id } : undefined,
    };
    this.sendResponse(response);
  }

  protected override dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    let expression: string | undefined;
    if (args.variablesReference !== undefined && this.timeline) {
      const parent = this.variableTree().evaluateNameOf(args.variablesReference, args.name);
      expression = parent;
    } else {
      expression = args.name;
    }
    const tl = this.timeline;
    if (expression && tl) {
      try {
        evaluateExpression(expression, this.stateAt(tl.position(this.point)));
        response.body = { dataId: expression, description: `${expression} changes`, accessTypes: ['write'], canPersist: true };
      } catch (err) {
        response.body = { dataId: null, description: `cannot watch '${expression}': ${err instanceof Error ? err.message : String(err)}` };
      }
    } else {
      response.body = { dataId: null, description: 'only simulator state (namespaces, tasks, page-table entries) can be watched' };
    }
    this.sendResponse(response);
  }

  protected override setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    const tl = this.timeline;
    const state = tl ? this.stateAt(tl.position(this.point)) : undefined;
    response.body = { breakpoints: placeDataBreakpoints(this.breakpoints, args.breakpoints, state, () => this.nextBreakpointId++) };
    this.sendResponse(response);
  }

  // --- Console -------------------------------------------------------------------------------------

  protected override evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    const tl = this.timeline;
    if (!tl) {
      this.sendErrorResponse(response, { id: 1020, format: 'no scenario is loaded', showUser: false });
      return;
    }
    const text = args.expression.trim();
    try {
      if (args.context === 'repl' && isOperationLine(text)) {
        response.body = this.whatIf(text);
      } else {
        const state = this.stateAt(tl.position(this.point));
        const { value } = evaluateExpression(text, state);
        // Hovering a constant of the language (CLOCK_MONOTONIC, EACCES) shows nothing rather than the word itself.
        if (args.context === 'hover' && value === text) throw new Error(`${text} is not simulator state`);
        const v = this.variableTree().valueVariable(text, value);
        // The console shows the value itself; the "(was …)" marks belong to the Variables view.
        const plain = typeof value === 'object' && value !== null && !isTimespec(value) ? v.value : formatValue(value);
        response.body = { result: plain, variablesReference: v.variablesReference, ...(v.memoryReference ? { memoryReference: v.memoryReference } : {}) };
      }
      this.sendResponse(response);
    } catch (err) {
      const message = err instanceof ExpressionError ? `${err.message} (column ${err.column + 1})` : err instanceof Error ? err.message : String(err);
      this.sendErrorResponse(response, { id: 1021, format: message, showUser: false });
    }
  }

  /** Runs one operation line on a copy of the state at the cursor; the recorded run does not change. */
  private whatIf(line: string): DebugProtocol.EvaluateResponse['body'] {
    const tl = this.timeline!;
    const { result, events, after } = runWhatIf(tl, this.point, this.loaded!.text, this.args?.program, line);
    const tree = this.variableTree();
    const eventsVar = tree.valueVariable('events', events.map((e) => ({ kind: e.kind, stack: e.stack.join(' > '), summary: e.summary, changes: e.changes })));
    const stateVar = tree.valueVariable('state after', after);
    const resultVar = tree.valueVariable('result', result);
    const ref = tree.group([
      { ...resultVar, name: 'result' },
      { ...eventsVar, name: `events (${events.length})` },
      { ...stateVar, name: 'state after (what-if)' },
    ]);
    return { result: `what-if ${line} ${formatResult(result, this.loaded!.run)}  (the recorded run is unchanged)`, variablesReference: ref };
  }

  protected override completionsRequest(response: DebugProtocol.CompletionsResponse, args: DebugProtocol.CompletionsArguments): void {
    const tl = this.timeline;
    response.body = { targets: tl ? completionItems(args.text, args.column, this.stateAt(tl.position(this.point))) : [] };
    this.sendResponse(response);
  }

  protected override customRequest(command: string, response: DebugProtocol.Response, args: unknown): void {
    // For tests and the glue: where the debugger stands.
    if (command === 'timens/cursor') {
      const tl = this.timeline;
      response.body = tl ? { position: this.position, kind: this.point.kind, line: tl.line(this.point), event: this.point.kind === 'event' ? this.point.index : null, eventCount: tl.sim.eventCount } : null;
      this.sendResponse(response);
      return;
    }
    super.customRequest(command, response, args);
  }

  private printOutcomes(): void {
    const run = this.loaded?.run;
    if (!run) return;
    for (const o of run.outcomes) {
      this.sendEvent(new OutputEvent(`${(this.lines[o.line] ?? '').trim()} ${formatResult(o.result, run, o)}\n`, 'stdout'));
    }
    for (const e of run.expectations) if (!e.passed) this.sendEvent(new OutputEvent(`line ${e.expectation.line + 1}: expect failed: ${e.message}\n`, 'stderr'));
    this.sendEvent(new OutputEvent(run.passed ? 'scenario passed\n' : 'scenario failed\n', 'console'));
  }

  /** Tells the user something in the debug console (e.g. that the document changed under the session). */
  notice(text: string): void {
    this.sendEvent(new OutputEvent(text + '\n', 'console'));
  }

  /** The views' cursor changed the state under the Variables view: ask VS Code to re-read it. */
  invalidateVariables(): void {
    this.tree = undefined;
    this.sendEvent(new InvalidatedEvent(['variables']));
  }
}
