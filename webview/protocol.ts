// Every message between the extension host and the timeline webview, declared once with its direction and
// payload, plus the validators both sides run on what they receive. Pure TypeScript: no DOM, no Node, no vscode.

/** Event kinds in the order the columnar `kind` column encodes them: the simulator's own list, the one home of it
 *  (the webview takes facts from the simulator only through this file). */
export { EVENT_KINDS, KIND_CODE } from '../extension/sim/api';
export type { EventKind as TimelineEventKind } from '../extension/sim/api';

/** Top-level activity an event belongs to (low 3 bits of the `flags` column). */
export const CATEGORY = { none: 0, syscall: 1, vdso: 2, host: 3, expect: 4 } as const;
/** Bits above the category in the `flags` column. */
export const FLAG_FAILED = 8;        // an 'error' event, a failed expectation, a syscall that returned an errno
export const FLAG_SIGNAL = 16;       // a signal was delivered (signal event or a fault ending in SIGBUS/SIGSEGV)
export const NO_LANE = 0xffff;

/**
 * Per-event columns, all of the same length (the run's event count): each column's typed array, the one place
 * the columns are declared (their names, byte sizes, buffers and views below follow from it).
 */
export const COLUMN_ARRAYS = {
  kind: Uint8Array,       // index into EVENT_KINDS
  lane: Uint16Array,      // task lane index (NO_LANE: none)
  nsLane: Uint16Array,    // namespace lane index the event touches (NO_LANE: none)
  depth: Uint8Array,      // nesting depth (0 = the syscall/vDSO/host span itself)
  flags: Uint8Array,      // CATEGORY | FLAG_*
  line: Int32Array,       // 0-based scenario line, -1 none
  fn: Uint16Array,        // index into RunHeader.functions
  label: Uint16Array,     // index into RunHeader.labels (errno/signal name; 0 = '')
  match: Int32Array,      // matching enter/exit or call/return, -1 none
} as const;
export type ColumnName = keyof typeof COLUMN_ARRAYS;
export const COLUMN_NAMES = Object.keys(COLUMN_ARRAYS) as readonly ColumnName[];
/** The columns as they travel: one buffer each, transferred. */
export type ColumnBuffers = { readonly [C in ColumnName]: ArrayBuffer };
/** The columns as both sides read and write them. */
export type Columns = { readonly [C in ColumnName]: InstanceType<(typeof COLUMN_ARRAYS)[C]> };
/** Bytes per element of each column, so both sides agree on chunk sizes. */
export const COLUMN_BYTES = Object.fromEntries(COLUMN_NAMES.map((c) => [c, COLUMN_ARRAYS[c].BYTES_PER_ELEMENT])) as Readonly<Record<ColumnName, 1 | 2 | 4>>;

type AnyColumn = Columns[ColumnName];

/** New zeroed columns of `n` events. */
export function newColumns(n: number): Columns {
  return Object.fromEntries(COLUMN_NAMES.map((c) => [c, new COLUMN_ARRAYS[c](n)])) as Columns;
}

/** Views of received buffers (not copied). */
export function viewColumns(buffers: ColumnBuffers): Columns {
  return Object.fromEntries(COLUMN_NAMES.map((c) => [c, new COLUMN_ARRAYS[c](buffers[c])])) as Columns;
}

/** Copies `part` into `all` from event `start` on. */
export function copyColumns(all: Columns, start: number, part: Columns): void {
  for (const c of COLUMN_NAMES) (all[c] as { set(from: AnyColumn, at: number): void }).set(part[c], start);
}

/** The columns of events [start, start+count) cut into fresh buffers (transferable, exact length). */
export function sliceColumns(columns: Columns, start: number, count: number): ColumnBuffers {
  return Object.fromEntries(COLUMN_NAMES.map((c) => [c, columns[c].slice(start, start + count).buffer as ArrayBuffer])) as ColumnBuffers;
}

export interface LaneInfo {
  readonly kind: 'task' | 'host' | 'ns';
  readonly id: string;               // 'P1', 'host', 'ns#1'
  readonly label: string;            // 'P1 (pid 1)', 'ns#1'
  /** Indent level: threads under their process, child namespaces under their parent. */
  readonly indent: number;
  /** Lane index of the process (thread-group leader) a thread belongs to; its own index for a leader. */
  readonly group: number;
}

/** Clock samples: at each sampled position, the host clocks and each namespace lane's offsets (seconds). */
export interface ClockSamples {
  readonly positions: ArrayBuffer;   // Float64Array, increasing event positions
  readonly hostMonotonic: ArrayBuffer; // Float64Array, seconds
  readonly hostBoottime: ArrayBuffer;  // Float64Array, seconds
  /** Per namespace lane (same order as the ns lanes): Float64Array offsets in seconds, NaN while not alive. */
  readonly nsMonotonicOffset: readonly ArrayBuffer[];
  readonly nsBoottimeOffset: readonly ArrayBuffer[];
  /** Per namespace lane: the position where its offsets froze, -1 never. */
  readonly frozenAt: readonly number[];
}

export interface RunHeader {
  readonly label: string;            // 'x86_64 6.18' or a comparison side's label
  readonly file: string;             // the scenario's path (for the title and the details pane)
  readonly eventCount: number;
  readonly lanes: readonly LaneInfo[];
  readonly functions: readonly string[];
  readonly labels: readonly string[];  // labels[0] === ''
  /** Causal arrows as pairs [from0, to0, from1, to1, …] (Int32Array), sorted by `to`. */
  readonly causes: ArrayBuffer;
  readonly clocks: ClockSamples;
}

export interface Divergence {
  readonly line: number;
  readonly eventA: number;
  readonly eventB: number;
}

/** What the webview keeps across hide/restore (vscode.setState) and what the host hands back on restore. */
export interface ViewState {
  readonly start: number;            // first visible event position (float)
  readonly span: number;             // visible events across the plot width (float)
  readonly selected: number;         // selected event index, -1 none
  readonly selectedRun: number;
  readonly scrollTop: number;
  /** The scenario file shown, so a restored panel after a restart can run it again. */
  readonly file?: string;
}

/** Details of one event, answered by the host on request (hover, selection). */
export interface EventDetails {
  readonly run: number;
  readonly index: number;
  readonly kind: string;
  readonly fn: string;
  readonly task: string | null;
  readonly line: number;
  readonly lineText: string;
  readonly summary: string;
  readonly stack: readonly string[];
  readonly hostTime: string;
  readonly changes: readonly { readonly obj: string; readonly field: string; readonly before: string; readonly after: string }[];
  readonly result: string | null;
  readonly causes: readonly number[];
}

// ---------------------------------------------------------------------------------------------
// Requests with replies. Each side numbers its own requests; a reply carries the request's id.
// ---------------------------------------------------------------------------------------------

/** Requests the webview sends to the host. */
export interface WebviewRequests {
  eventDetails: { params: { run: number; index: number }; result: EventDetails };
}
/** Requests the host sends to the webview. */
export interface HostRequests {
  /** Draw the visible timeline as an image: PNG as base64 (no data: prefix) or SVG text. */
  renderImage: { params: { format: 'png' | 'svg' }; result: { format: 'png' | 'svg'; data: string; width: number; height: number } };
  /** Test hook: what the webview currently shows. */
  describe: { params: Record<string, never>; result: TimelineDescription };
}
export interface TimelineDescription {
  readonly ready: boolean;
  readonly mode: 'empty' | 'single' | 'compare';
  readonly eventCounts: readonly number[];
  readonly cursor: number;
  /** Each run's cursor (a comparison has two). */
  readonly cursors: readonly number[];
  readonly selected: number;
  readonly view: { readonly start: number; readonly span: number };
  readonly lanes: number;
  readonly frames: number;
}

export type RequestMessage<R, M extends keyof R = keyof R> = M extends keyof R
  ? { readonly type: 'request'; readonly id: number; readonly method: M; readonly params: R[M] extends { params: infer P } ? P : never }
  : never;
export interface ReplyMessage {
  readonly type: 'reply';
  readonly id: number;
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: string;
}

// ---------------------------------------------------------------------------------------------
// Host → webview
// ---------------------------------------------------------------------------------------------

export type HostMessage =
  /** Start of a new data set: headers of one run (single) or two (comparison); columns follow in chunks. */
  | {
    readonly type: 'init'; readonly mode: 'single' | 'compare'; readonly runs: readonly RunHeader[]; readonly divergence: Divergence | null;
    /** Run 0's cursor; `cursors` has one per run (a comparison's two runs each have their own). */
    readonly cursor: number; readonly cursors?: readonly number[]; readonly restore: ViewState | null;
  }
  /** Columns of events [start, start + count) of run `run`. */
  | { readonly type: 'chunk'; readonly run: number; readonly start: number; readonly count: number; readonly columns: ColumnBuffers }
  /** All chunks of the data set were sent. */
  | { readonly type: 'end' }
  /**
   * Source text of the scenario lines run `run` ran (only search reads it), joined with '\n' so that line k is
   * the k-th piece (lines that did not run are empty). Sent after 'end': megabytes of text for a long run, which
   * the first frame does not need. One string: it crosses far faster than an object with a key per line.
   */
  | { readonly type: 'lines'; readonly run: number; readonly lines: string }
  /** Nothing to show (no active run). */
  | { readonly type: 'empty'; readonly reason: string }
  /** A run's cursor moved (position = events applied; run 0 when absent). */
  | { readonly type: 'cursor'; readonly position: number; readonly run?: number }
  /** Select and scroll to an event (timens.timeline.reveal). */
  | { readonly type: 'reveal'; readonly index: number }
  | RequestMessage<HostRequests>
  | ReplyMessage;

// ---------------------------------------------------------------------------------------------
// Webview → host
// ---------------------------------------------------------------------------------------------

export type WebviewMessage =
  /** The script has loaded and listens: the host may send data now. */
  | { readonly type: 'ready' }
  /** The user double-clicked (or pressed Enter on) an event: travel there and reveal its line. */
  | { readonly type: 'activate'; readonly run: number; readonly index: number }
  /** The cursor position the webview now draws for a run (0 when absent; lets tests check that it followed). */
  | { readonly type: 'cursorShown'; readonly position: number; readonly run?: number }
  /** Viewport or selection changed (the host keeps it for a restore). */
  | { readonly type: 'viewState'; readonly state: ViewState }
  | { readonly type: 'log'; readonly level: 'info' | 'warn' | 'error'; readonly message: string }
  | RequestMessage<WebviewRequests>
  | ReplyMessage;

// ---------------------------------------------------------------------------------------------
// Validation: anything received is untrusted until it passes these checks.
// ---------------------------------------------------------------------------------------------

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** A run of the panel: 0, or 1 in a comparison. */
const isRunIndex = (v: unknown): v is number => v === 0 || v === 1;

function validViewState(v: unknown): v is ViewState {
  return isRec(v) && isNum(v.start) && isNum(v.span) && v.span > 0 && isInt(v.selected) && v.selected >= -1 && isRunIndex(v.selectedRun) && isNum(v.scrollTop)
    && (v.file === undefined || typeof v.file === 'string');
}

/** Only the fields of a view state, so nothing else a webview sends is kept. */
function viewStateOf(v: ViewState): ViewState {
  return { start: v.start, span: v.span, selected: v.selected, selectedRun: v.selectedRun, scrollTop: v.scrollTop, ...(v.file !== undefined ? { file: v.file.slice(0, 4096) } : {}) };
}

/** A message from the webview, or a reason why it is not one. */
export function parseWebviewMessage(raw: unknown): WebviewMessage | { readonly invalid: string } {
  if (!isRec(raw) || typeof raw.type !== 'string') return { invalid: 'not an object with a string `type`' };
  switch (raw.type) {
    case 'ready':
      return { type: 'ready' };
    case 'activate':
      if (!isRunIndex(raw.run) || !isInt(raw.index) || raw.index < 0) return { invalid: 'activate needs integer run (0|1) and index ≥ 0' };
      return { type: 'activate', run: raw.run, index: raw.index };
    case 'cursorShown':
      if (!isInt(raw.position) || raw.position < 0 || (raw.run !== undefined && !isRunIndex(raw.run))) return { invalid: 'cursorShown needs an integer position ≥ 0 (and run 0|1)' };
      return { type: 'cursorShown', position: raw.position, ...(raw.run !== undefined ? { run: raw.run as number } : {}) };
    case 'viewState':
      if (!validViewState(raw.state)) return { invalid: 'viewState needs {start, span > 0, selected, selectedRun, scrollTop}' };
      return { type: 'viewState', state: viewStateOf(raw.state) };
    case 'log':
      if (!['info', 'warn', 'error'].includes(raw.level as string) || typeof raw.message !== 'string') return { invalid: 'log needs level and message' };
      return { type: 'log', level: raw.level as 'info' | 'warn' | 'error', message: raw.message.slice(0, 2000) };
    case 'request':
      if (!isInt(raw.id) || raw.method !== 'eventDetails' || !isRec(raw.params) || !isRunIndex(raw.params.run) || !isInt(raw.params.index) || raw.params.index < 0)
        return { invalid: 'request must be eventDetails with integer id, run and index' };
      return { type: 'request', id: raw.id, method: 'eventDetails', params: { run: raw.params.run, index: raw.params.index } };
    case 'reply':
      if (!isInt(raw.id) || typeof raw.ok !== 'boolean') return { invalid: 'reply needs integer id and boolean ok' };
      return { type: 'reply', id: raw.id, ok: raw.ok, result: raw.result, error: typeof raw.error === 'string' ? raw.error : undefined };
    default:
      return { invalid: `unknown message type '${String(raw.type).slice(0, 40)}'` };
  }
}

/** A light structural check of what the host sends (the webview ignores anything else). */
export function isHostMessage(raw: unknown): raw is HostMessage {
  if (!isRec(raw) || typeof raw.type !== 'string') return false;
  switch (raw.type) {
    case 'init':
      return (raw.mode === 'single' || raw.mode === 'compare') && Array.isArray(raw.runs) && raw.runs.length >= 1 && raw.runs.length <= 2
        && raw.runs.every(validRunHeader) && isInt(raw.cursor) && (raw.restore === null || validViewState(raw.restore))
        && (raw.cursors === undefined || (Array.isArray(raw.cursors) && raw.cursors.length === raw.runs.length && raw.cursors.every(isInt)))
        && (raw.divergence === null || (isRec(raw.divergence) && isInt(raw.divergence.eventA) && isInt(raw.divergence.eventB)));
    case 'chunk':
      return isInt(raw.run) && isInt(raw.start) && raw.start >= 0 && isInt(raw.count) && raw.count >= 0 && isRec(raw.columns)
        && COLUMN_NAMES.every((c) => (raw.columns as Rec)[c] instanceof ArrayBuffer && ((raw.columns as Rec)[c] as ArrayBuffer).byteLength === (raw.count as number) * COLUMN_BYTES[c]);
    case 'end':
      return true;
    case 'lines':
      return isInt(raw.run) && raw.run >= 0 && typeof raw.lines === 'string';
    case 'empty':
      return typeof raw.reason === 'string';
    case 'cursor':
      return isInt(raw.position) && raw.position >= 0 && (raw.run === undefined || isRunIndex(raw.run));
    case 'reveal':
      return isInt(raw.index) && raw.index >= 0;
    case 'request':
      return isInt(raw.id) && (raw.method === 'renderImage' ? isRec(raw.params) && (raw.params.format === 'png' || raw.params.format === 'svg') : raw.method === 'describe');
    case 'reply':
      return isInt(raw.id) && typeof raw.ok === 'boolean';
    default:
      return false;
  }
}

function validRunHeader(v: unknown): boolean {
  if (!isRec(v) || !isInt(v.eventCount) || v.eventCount < 0 || !Array.isArray(v.lanes) || !Array.isArray(v.functions) || !Array.isArray(v.labels)) return false;
  if (!(v.causes instanceof ArrayBuffer) || v.causes.byteLength % 8 !== 0 || !isRec(v.clocks)) return false;
  const c = v.clocks;
  return c.positions instanceof ArrayBuffer && c.hostMonotonic instanceof ArrayBuffer && c.hostBoottime instanceof ArrayBuffer
    && Array.isArray(c.nsMonotonicOffset) && Array.isArray(c.nsBoottimeOffset) && Array.isArray(c.frozenAt);
}
