// Every message between the extension host and the engine (the simulator's worker), declared once: requests
// each way with their parameters and results, and the notifications the engine pushes. Both sides import it.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ScenarioDiagnostic } from '../scenario/api';
import type { CompletionEntry, HoverResult, OutlineSymbol } from '../scenario/editor/language';
import type { InlineTone } from '../scenario/editor/inline';
import type { NamespaceMode, TreeNode } from '../scenario/editor/trees';
import type { TreePatch } from '../scenario/editor/treePatch';
import type { EventKind, LineSpan, OpResult, PhysPageState, SimEvent } from '../sim/api';
import type { Arch, Arm64PatchId, DesignName, KernelVersion, Profile } from '../sim/types';
import type { CompareTable, Comparison, ProfileChoice } from '../tours/compare';
import type { Move, MoveSource, Point } from '../debug/cursor';
import type { ColumnBuffers, EventDetails, RunHeader } from '../../webview/protocol';
import type { MemoryPageView } from '../../webview/memoryProtocol';
import type { EditorLines } from './diskText';

export type RunId = number;

/** What the host knows of a document's settings: the profile a scenario without header lines runs on. */
export interface ProfileDefaults {
  readonly arch: Arch;
  readonly kernel: KernelVersion;
}

/** How to run a document: the settings, overrides that win over the header (a launch configuration), a limit. */
export interface RunRequest {
  readonly defaults: ProfileDefaults;
  readonly overrides?: { readonly arch?: Arch; readonly kernel?: KernelVersion; readonly disabledPatches?: readonly Arm64PatchId[]; readonly design?: DesignName };
  readonly maxEvents?: number;
}

/** A recorded run as the host sees it: everything but the events, which stay in the engine. */
export interface RunSummary {
  readonly runId: RunId;
  readonly uri: string;
  readonly version: number;
  readonly file: string;
  /** 'validation': the background run of the current text (capped); 'run': a run someone asked for. */
  readonly kind: 'validation' | 'run' | 'compare';
  readonly profile: Profile;
  readonly eventCount: number;
  readonly valid: boolean;
  readonly passed: boolean;
  readonly lines: number;
  readonly expectations: number;
  readonly failedExpectations: number;
  /** Stopped at its event limit: the lines below did not run. */
  readonly incomplete: boolean;
  readonly diagnostics: readonly ScenarioDiagnostic[];
  readonly ms: number;
}

/** Where a run's cursor stands, in the small numbers the status bar, the editor and the debugger glue need. */
export interface CursorView {
  readonly runId: RunId;
  readonly position: number;
  readonly previous: number;
  readonly eventCount: number;
  readonly point: Point;
  readonly step: { readonly k: number; readonly n: number; readonly partial: boolean };
  /** The scenario line of the last applied event, -1 at the start. */
  readonly line: number;
  readonly source: MoveSource;
}

/** The three side-bar trees, by their key in TreeViews. */
export const TREE_KEYS = ['namespaces', 'tasks', 'memory'] as const;
export type TreeKey = (typeof TREE_KEYS)[number];

/** The three side-bar trees at a run's cursor, with what the last step changed marked. */
export interface TreeSet extends Readonly<Record<TreeKey, TreeNode[]>> {
  readonly runId: RunId;
  readonly position: number;
  readonly mode: NamespaceMode;
}

/** The trees as the engine sent them: `seq` numbers each sending, so a patch can name the trees it applies to. */
export interface TreeViews extends TreeSet {
  readonly seq: number;
}

/** The trees after a move, as what changed since the sending numbered `base` (same run and mode). */
export interface TreesPatch {
  readonly runId: RunId;
  readonly position: number;
  readonly mode: NamespaceMode;
  readonly seq: number;
  readonly base: number;
  readonly patches: Readonly<Record<TreeKey, TreePatch>>;
}

/** One line's inline result; it is "reached" once the cursor is at `reachedAt` or later. */
export interface InlineLine {
  readonly line: number;
  readonly text: string;
  readonly tone: InlineTone;
  readonly reachedAt: number;
  readonly detail: string;
}

/** A comparison of one text under two profiles, its runs kept in the engine (released with `release`). */
export type ComparisonView = Omit<Comparison, 'a' | 'b'> & {
  readonly a: { readonly label: string; readonly runId: RunId; readonly eventCount: number };
  readonly b: { readonly label: string; readonly runId: RunId; readonly eventCount: number };
};

/** A short description of one event, for pick lists. */
export interface EventBrief {
  readonly index: number;
  readonly kind: EventKind;
  readonly fn: string;
  readonly line: number;
  readonly task: string | null;
  readonly summary: string;
}

/** The timeline data of a run: its header, its columns in chunks (transferred, not copied), its line texts. */
export interface TimelinePayload {
  readonly header: RunHeader;
  readonly chunks: readonly { readonly start: number; readonly count: number; readonly columns: ColumnBuffers }[];
  readonly lines: string;
}

type Req<P, R> = { readonly params: P; readonly result: R };

/** Requests the host sends to the engine. */
export interface EngineRequests {
  /** A scenario document's whole text (on open, or when the engine lost track of the edits); with `more`, its
   *  first part only, the rest following in `openPart` (requests about the document wait for the last one). */
  open: Req<{ uri: string; version: number; file: string; text: string; more?: boolean }, void>;
  openPart: Req<{ uri: string; version: number; text: string; last: boolean }, void>;
  /** A clean file-backed document: the engine reads its text from the file and checks it against the editor's
   *  lines; the text's length, or why not (the document's requests then wait for the host's `open`). */
  openFromDisk: Req<{ uri: string; version: number; file: string; editor: EditorLines }, { length: number } | { reason: string }>;
  /** Edits in the order VS Code reports them; false when the engine's copy does not match (send `open`). */
  change: Req<{ uri: string; version: number; edits: readonly { offset: number; length: number; text: string }[]; length: number }, boolean>;
  close: Req<{ uri: string }, void>;
  /** The background run of the current text: diagnostics, inline results, trees. Null when superseded. */
  validate: Req<{ uri: string; version: number; request: RunRequest }, RunSummary | null>;
  /** A run the user asked for, with progress; null when cancelled or superseded. */
  run: Req<{ uri: string; version: number; request: RunRequest; job: number; source: MoveSource }, RunSummary | null>;
  /** The document's session if it ran on this text with these overrides (and was not cut short), else a run. */
  ensureRun: Req<{ uri: string; version: number; request: RunRequest; source: MoveSource }, RunSummary>;
  cancel: Req<{ job: number }, void>;
  /** Drop a document's session (Reset). */
  reset: Req<{ uri: string }, void>;
  move: Req<{ runId: RunId; move: Move; source: MoveSource }, { moved: boolean; view: CursorView }>;
  cursor: Req<{ runId: RunId }, CursorView>;
  /** The run whose trees the engine pushes after each move (null: none), and their mode; answers them now. */
  watch: Req<{ runId: RunId | null; mode: NamespaceMode }, TreeViews | null>;
  inline: Req<{ runId: RunId; from: number; to: number }, InlineLine[]>;
  event: Req<{ runId: RunId; index: number }, SimEvent | null>;
  lineSpan: Req<{ runId: RunId; line: number }, LineSpan | null>;
  resultOfLine: Req<{ runId: RunId; line: number }, OpResult | null>;
  /** Events of a kind, or standing for kernel functions (patch hunks), in log order. */
  find: Req<{ runId: RunId; kind?: EventKind; functions?: readonly string[]; limit?: number }, EventBrief[]>;
  /** The event that made what a tree row shows: the last one before the cursor that changed `obj` (`field`). */
  lastChange: Req<{ runId: RunId; obj: string; field?: string }, number | null>;
  hover: Req<{ uri: string; version: number; line: number; character: number; request: RunRequest }, HoverResult | null>;
  complete: Req<{ uri: string; version: number; line: number; character: number; request: RunRequest }, CompletionEntry[]>;
  outline: Req<{ uri: string; version: number }, OutlineSymbol[]>;
  /** The profile a document runs under: its run's, or with `ofText` its header lines' and defaults' alone. */
  profile: Req<{ uri: string; version: number; request: RunRequest; ofText?: boolean }, Profile>;
  timeline: Req<{ runId: RunId; label: string; chunkEvents: number }, TimelinePayload>;
  eventDetails: Req<{ runId: RunId; run: number; index: number }, EventDetails | null>;
  trace: Req<{ runId: RunId; gzip: boolean }, Uint8Array>;
  compare: Req<{ text: string; file: string; a: ProfileChoice; b: ProfileChoice }, ComparisonView>;
  /** One scenario under N profiles (Compare Designs): the table only, no runs kept. */
  compareTable: Req<{ text: string; file: string; choices: readonly ProfileChoice[] }, CompareTable>;
  /** The read-only vvar page view: `page` decoded at the run's cursor, the changes marked against `previous`. */
  vvarPage: Req<{ runId: RunId; page: string; previous?: MemoryPageView }, MemoryPageView>;
  /** The pages at the cursor that hold vDSO data blocks, for a pick list. */
  vvarPages: Req<{ runId: RunId }, { id: string; kind: PhysPageState['kind']; ns: string | null }[]>;
  /** The physical page a Memory tree row (a page-table entry) maps at the cursor, or why none. */
  pageOfTreeRow: Req<{ runId: RunId; rowId: string }, { page: string } | { problem: string }>;
  release: Req<{ runIds: readonly RunId[] }, void>;
  /** A debug session starts in the engine; DAP messages follow with `dapMessage`. */
  dapStart: Req<{ session: number }, void>;
  dapMessage: Req<{ session: number; message: DebugProtocol.ProtocolMessage }, void>;
  dapEnd: Req<{ session: number }, void>;
  /** For tests: the runs the engine holds and why. */
  stats: Req<Record<string, never>, { runs: number; documents: number; sessions: number; debugSessions: number; collections: number; heapMb?: number }>;
}

/** Requests the engine sends to the host. */
export interface ClientRequests {
  /** A debug launch names a program: open it, send its text (`open`), and say which document it is. */
  openDocument: Req<{ program: string }, { uri: string; version: number; defaults: ProfileDefaults }>;
}

/** Notifications the engine pushes. */
export interface EngineEvents {
  /** A run became the session of its document (a validation, a run, a debug launch). */
  session: { summary: RunSummary; view: CursorView };
  /** A run's cursor moved. */
  cursor: CursorView;
  /** The watched run's trees after a move: whole, or what changed since the last sending. */
  trees: TreeViews | TreesPatch;
  progress: { job: number; line: number; lines: number };
  dap: { session: number; message: DebugProtocol.ProtocolMessage };
  log: { level: 'info' | 'warn' | 'error'; message: string };
}

export const ENGINE_EVENTS = ['session', 'cursor', 'trees', 'progress', 'dap', 'log'] as const satisfies readonly (keyof EngineEvents)[];

// ---------------------------------------------------------------------------------------------
// The wire: one envelope for all of the above, over any port that carries structured clones.
// ---------------------------------------------------------------------------------------------

export type Wire =
  | { readonly t: 'req'; readonly id: number; readonly method: string; readonly params: unknown }
  | { readonly t: 'res'; readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly t: 'res'; readonly id: number; readonly ok: false; readonly error: string }
  | { readonly t: 'ev'; readonly name: string; readonly body: unknown };

/** A message port: a worker_threads port, a Web Worker's `self` or a Worker object all fit. */
export interface Port {
  post(message: Wire, transfer?: readonly ArrayBuffer[]): void;
  onMessage(handler: (message: Wire) => void): void;
}
