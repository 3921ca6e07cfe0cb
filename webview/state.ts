// The timeline webview's whole state in one object: what it shows, where the user looks, what is loading,
// and the timers and requests in flight. The script reads and writes it; nothing else lives at module level.
import type { Divergence, TimelineDescription, ViewState } from './protocol';
import type { RunModel } from './model';
import { layoutRuns, type Layout, type View } from './render';
import type { Theme } from './theme';

export type Target = { run: number; index: number };
export type Matcher = (run: RunModel, i: number) => boolean;

export interface TimelineState {
  runs: RunModel[];
  mode: TimelineDescription['mode'];
  divergence: Divergence | null;
  view: View;
  /** Each run's cursor (events applied), -1 none: a comparison's two runs each have one. */
  cursors: number[];
  selected: Target | null;
  hover: Target | null;
  scrollTop: number;
  theme: Theme;
  layout: Layout;
  /** The plot's size in CSS pixels. */
  size: { width: number; height: number };
  emptyReason: string;
  load: {
    loaded: boolean;
    /** The view to restore when the data set being loaded is complete. */
    pendingRestore: ViewState | null;
    /** What VS Code kept across a hide or a restart: applied once, to the first run of the same file. */
    restored: ViewState | undefined;
    initAt: number;
    firstPaintAt: number;
    timings: { init: number; end: number; finished: number; painted: number; split: number[] };
  };
  paint: { frames: number; dirty: boolean; frameTimes: number[]; lastSplit: number[] };
  search: { matcher: Matcher | null };
  pointer: { drag: { x: number; y: number; start: number; scrollTop: number; moved: boolean } | null; overviewDrag: boolean };
  requests: { nextId: number; pending: Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>; detailsSeq: number };
  timers: { save?: ReturnType<typeof setTimeout>; search?: ReturnType<typeof setTimeout>; hover?: ReturnType<typeof setTimeout> };
}

export function initialState(theme: Theme, restored: ViewState | undefined): TimelineState {
  return {
    runs: [], mode: 'empty', divergence: null, view: { start: 0, span: 1 }, cursors: [], selected: null, hover: null, scrollTop: 0,
    theme, layout: layoutRuns([], 100), size: { width: 0, height: 0 }, emptyReason: 'Waiting for a simulation… (run a .timens scenario)',
    load: { loaded: false, pendingRestore: null, restored, initAt: 0, firstPaintAt: 0, timings: { init: 0, end: 0, finished: 0, painted: 0, split: [0, 0] } },
    paint: { frames: 0, dirty: false, frameTimes: [], lastSplit: [0, 0] },
    search: { matcher: null },
    pointer: { drag: null, overviewDrag: false },
    requests: { nextId: 1, pending: new Map(), detailsSeq: 0 },
    timers: {},
  };
}
