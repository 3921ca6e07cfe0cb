// The timeline's horizontal geometry, shared by the lanes, the clock plots and the overview: the gutter, the
// axis, the visible window (View) and where an event position falls on screen.

/** Thousands separators: one formatter made at load, as toLocaleString builds a new one per call (slow, per frame). */
const GROUPED = new Intl.NumberFormat('en-US');
export function grouped(v: number): string {
  return GROUPED.format(v);
}

export const GUTTER = 168;
export const AXIS_H = 24;

/** The visible window: the first event position shown and how many positions the plot width spans. */
export interface View { start: number; span: number }

export function xOf(view: View, plotWidth: number, position: number): number {
  return GUTTER + ((position - view.start) * plotWidth) / view.span;
}
