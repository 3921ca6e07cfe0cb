// The recorded runs the engine holds: each with its one cursor, what keeps it alive (a document's session, a
// debug session, a comparison), and what the views read from it (summary, trees, inline results, timeline).
import type { ScenarioRun } from '../scenario/api';
import { InlineIndex } from '../scenario/editor/inline';
import { lastStepStart } from '../scenario/editor/navigation';
import { markChanges, memoryTree, namespaceTree, taskTree, type NamespaceMode, type TreeNode } from '../scenario/editor/trees';
import type { KernelState } from '../sim/api';
import { buildTimelineData, type TimelineRunData } from '../trace/timelineData';
import { Cursor, type CursorMoved, type MoveSource } from '../debug/cursor';
import { TREE_KEYS, type CursorView, type InlineLine, type RunId, type RunRequest, type RunSummary, type TreeKey, type TreeSet } from './protocol';

export class RunRecord {
  readonly cursor: Cursor;
  /** Why the run is kept: 'session', 'debug:N', 'compare'. Without any it is dropped. */
  readonly refs = new Set<string>();
  private inlineIndex: InlineIndex | undefined;
  private timelineCache: TimelineRunData | undefined;
  private linesCache: string[] | undefined;
  lastSource: MoveSource = 'run';
  lastPrevious: number;

  constructor(
    readonly id: RunId,
    readonly uri: string,
    readonly version: number,
    readonly kind: RunSummary['kind'],
    readonly run: ScenarioRun,
    /** The text the run was made from (line texts, the debug console's what-ifs). */
    readonly text: string,
    readonly request: RunRequest | undefined,
    readonly ms: number,
  ) {
    this.cursor = new Cursor(run.sim);
    this.lastPrevious = this.cursor.position;
    this.cursor.onDidMove((m: CursorMoved) => { this.lastSource = m.source; this.lastPrevious = m.previous; });
  }

  get sim() {
    return this.run.sim;
  }

  /** Cut short by its event limit. */
  get incomplete(): boolean {
    return this.run.diagnostics.some((d) => d.code === 'run-incomplete');
  }

  summary(): RunSummary {
    const r = this.run;
    const failed = r.expectations.filter((e) => !e.passed).length;
    return {
      runId: this.id, uri: this.uri, version: this.version, file: r.parsed.file, kind: this.kind, profile: r.profile,
      eventCount: r.sim.eventCount, valid: r.valid, passed: r.passed, lines: r.outcomes.length, expectations: r.expectations.length,
      failedExpectations: failed, incomplete: this.incomplete, diagnostics: r.diagnostics, ms: this.ms,
    };
  }

  view(): CursorView {
    const c = this.cursor;
    return {
      runId: this.id, position: c.position, previous: this.lastPrevious, eventCount: this.sim.eventCount, point: c.point,
      step: c.step(), line: c.line(), source: this.lastSource,
    };
  }

  /** The three trees at the cursor, marking what "the last step" changed (see lastStepStart). */
  trees(mode: NamespaceMode): TreeSet {
    const sim = this.sim;
    const position = this.cursor.position;
    const changes = position > 0 ? sim.event(position - 1).changes : [];
    const start = lastStepStart(sim, position, this.cursor.statements());
    const build = (state: KernelState): Record<TreeKey, TreeNode[]> => ({
      namespaces: namespaceTree(state, mode, this.run.profile),
      tasks: taskTree(state),
      memory: memoryTree(state, this.run.profile),
    });
    // The state before the step first, so the simulation is left at the cursor, where the debugger reads next.
    const old = start === null ? null : build(this.cursor.stateAt(start));
    const after = build(this.cursor.stateAt(position));
    for (const k of TREE_KEYS) markChanges(after[k], old ? old[k] : null, changes);
    return { runId: this.id, position, mode, ...after };
  }

  /** Inline results of lines [from, to): the editor asks for what it shows. */
  inline(from: number, to: number): InlineLine[] {
    return (this.inlineIndex ??= new InlineIndex(this.run)).between(from, to);
  }

  timeline(label: string): TimelineRunData {
    this.timelineCache ??= buildTimelineData(this.sim, { label, file: this.run.parsed.file, source: this.text });
    return this.timelineCache;
  }

  /** Source text of the lines that ran, line k at index k (for the timeline's details). */
  timelineLines(label: string): string[] {
    this.linesCache ??= this.timeline(label).lines.split('\n');
    return this.linesCache;
  }
}
