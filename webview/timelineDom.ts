// The timeline webview's elements, built by script so the host page holds no markup or handlers of its own:
// the toolbar (search, kind filter, match stepping, fit, status), the overview strip, the canvas, the tooltip and
// the details panel. Built once when the script loads; timeline.ts wires their behaviour.
import { EVENT_KINDS, type EventDetails } from './protocol';

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

export const toolbar = el('div', { id: 'toolbar', role: 'toolbar', 'aria-label': 'Timeline tools' });
export const searchInput = el('input', { id: 'search', type: 'search', placeholder: 'Search function, task, errno, line…', 'aria-label': 'Search events by function, task, errno or line text' });
export const kindSelect = el('select', { id: 'kind', 'aria-label': 'Event kind' });
kindSelect.append(el('option', { value: '' }, 'any kind'), ...EVENT_KINDS.map((k) => el('option', { value: k }, k)));
export const prevButton = el('button', { id: 'prev', title: 'Previous match (Shift+N)', 'aria-label': 'Previous match' }, '◀');
export const nextButton = el('button', { id: 'next', title: 'Next match (N)', 'aria-label': 'Next match' }, '▶');
export const matchesLabel = el('span', { id: 'matches', 'aria-live': 'polite' });
export const fitButton = el('button', { id: 'fit', title: 'Fit the whole run (0)' }, 'Fit');
export const statusLabel = el('span', { id: 'status' });
toolbar.append(searchInput, kindSelect, prevButton, nextButton, matchesLabel, fitButton, statusLabel);
export const overview = el('canvas', { id: 'overview', 'aria-hidden': 'true' });
export const main = el('div', { id: 'main' });
export const canvas = el('canvas', {
  id: 'timeline', tabindex: '0', role: 'application',
  'aria-label': 'Timeline of kernel events. W/S zoom, A/D pan, arrows move between events, Enter travels there, Home/End first/last, 0 fits, / searches.',
});
main.append(canvas);
export const tooltip = el('div', { id: 'tooltip', role: 'tooltip' });
tooltip.hidden = true;
export const details = el('div', { id: 'details', role: 'region', 'aria-label': 'Selected event', 'aria-live': 'polite' });
export const DETAILS_HINT = 'Click an event to see its details; double-click or Enter travels there.';
details.textContent = DETAILS_HINT;
document.body.append(toolbar, overview, main, details, tooltip);

/** An event's details into `into`: the details panel shows up to 40 changes (`full`), the hover tooltip 6. */
export function renderDetails(into: HTMLElement, d: EventDetails, full: boolean): void {
  const rows: HTMLElement[] = [];
  rows.push(el('div', { class: 'd-head' }, `#${d.index} ${d.kind} ${d.fn}${d.task ? ` · ${d.task}` : ''}${d.line >= 0 ? ` · line ${d.line + 1}` : ''} · host ${d.hostTime}`));
  if (d.summary) rows.push(el('div', {}, d.summary));
  if (d.lineText) rows.push(el('div', { class: 'd-code' }, d.lineText));
  if (d.stack.length) rows.push(el('div', { class: 'd-stack' }, d.stack.join(' › ')));
  if (d.result) rows.push(el('div', {}, `result: ${d.result}`));
  for (const c of d.changes.slice(0, full ? 40 : 6)) rows.push(el('div', { class: 'd-change' }, `${c.obj}.${c.field}: ${c.before} → ${c.after}`));
  if (d.causes.length) rows.push(el('div', { class: 'd-muted' }, `follows from event${d.causes.length > 1 ? 's' : ''} ${d.causes.map((c) => `#${c}`).join(', ')}`));
  into.replaceChildren(...rows);
}
