// The read-only vvar page view: a hex dump of the page beside its decoded fields. Hovering a field lights its
// bytes and the other way round; bytes and fields the last step changed are marked. Runs of zero rows fold into
// one line as hexdump's `*` does. Colours come from the theme's variables (media/memory.css).
import type { HostToMemory, MemoryField, MemoryPageView, MemoryToHost } from './memoryProtocol';

interface VsCodeApi {
  postMessage(message: MemoryToHost): void;
  getState(): { scrollTop?: number } | undefined;
  setState(state: { scrollTop: number }): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const ROW = 16;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...children);
  return e;
}

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

const header = el('header');
const main = el('main');
document.body.append(header, main);
main.addEventListener('scroll', () => vscode.setState({ scrollTop: main.scrollTop }));

/** Byte cells and field rows by offset, for the two-way highlight. */
let byteCells = new Map<number, HTMLElement>();
let fieldRows: { field: MemoryField; row: HTMLElement }[] = [];

function highlight(field: MemoryField | undefined, on: boolean): void {
  if (!field) return;
  for (let i = field.offset; i < field.offset + field.size; i++) byteCells.get(i)?.classList.toggle('hl', on);
  fieldRows.find((f) => f.field === field)?.row.classList.toggle('hl', on);
}

function fieldAt(offset: number): MemoryField | undefined {
  return fieldRows.find(({ field }) => offset >= field.offset && offset < field.offset + field.size)?.field;
}

function render(page: MemoryPageView): void {
  header.replaceChildren(
    el('h1', {}, page.title, el('span', { class: 'ro' }, 'read-only')),
    el('div', { class: 'sub' }, page.subtitle),
    el('div', { class: 'sub' }, page.struct),
  );
  if (page.missing !== undefined) {
    main.replaceChildren(el('p', { class: 'missing' }, page.missing));
    return;
  }
  const role = new Map<number, MemoryField>();
  for (const f of page.fields) for (let i = f.offset; i < f.offset + f.size; i++) role.set(i, f);
  const changed = new Set(page.changed);
  byteCells = new Map();
  const dump = el('div', { class: 'dump', role: 'table', 'aria-label': `${page.title} bytes` });
  let folded = 0;
  const flushFold = (at: number): void => {
    if (folded > 1) dump.append(el('div', { class: 'fold' }, `*  ${folded} rows of zeros (${hex(at - folded * ROW, 4)}–${hex(at - 1, 4)})`));
    else if (folded === 1) dump.append(row(at - ROW));
    folded = 0;
  };
  const row = (at: number): HTMLElement => {
    const cells: HTMLElement[] = [];
    let ascii = '';
    for (let i = at; i < at + ROW; i++) {
      const b = page.bytes[i] ?? 0;
      const f = role.get(i);
      const cls = ['b', f ? `r-${f.role}` : '', changed.has(i) ? 'changed' : '', b === 0 ? 'zero' : ''].filter(Boolean).join(' ');
      const cell = el('span', { class: cls, 'data-offset': String(i) }, hex(b, 2));
      byteCells.set(i, cell);
      cells.push(cell);
      if (i === at + 7) cells.push(el('span', { class: 'gap' }, ' '));
      ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    return el('div', { class: 'row', role: 'row' }, el('span', { class: 'off' }, hex(at, 4)), ...cells, el('span', { class: 'ascii' }, ascii));
  };
  for (let at = 0; at < page.bytes.length; at += ROW) {
    const quiet = page.bytes.slice(at, at + ROW).every((b) => b === 0) && ![...Array(ROW).keys()].some((k) => role.has(at + k));
    if (quiet) { folded++; continue; }
    flushFold(at);
    dump.append(row(at));
  }
  flushFold(page.bytes.length);

  // Read like a debugger's variables (`seq = 1`), grouped by block, so it fits a panel beside the editor; the
  // type and what the field means here under it.
  const table = el('table', { class: 'fields', 'aria-label': 'decoded fields' });
  const body = el('tbody');
  let block = '';
  fieldRows = page.fields.map((field) => {
    const dot = field.name.indexOf('.');
    const prefix = dot > 0 ? field.name.slice(0, dot) : '';
    if (prefix !== block) {
      block = prefix;
      body.append(el('tr', { class: 'block' }, el('td', { colspan: '2' }, prefix)));
    }
    const tr = el('tr', { class: [`r-${field.role}`, field.changed ? 'changed' : ''].filter(Boolean).join(' '), 'aria-label': `${field.name} = ${field.value}` },
      el('td', { class: 'off' }, `0x${hex(field.offset, 3)}`),
      el('td', {},
        el('span', { class: 'name' }, field.name.slice(dot + 1)), ' = ', el('span', { class: 'value' }, field.value),
        el('div', { class: 'note' }, `${field.type} · ${field.note}`)));
    tr.addEventListener('mouseenter', () => highlight(field, true));
    tr.addEventListener('mouseleave', () => highlight(field, false));
    tr.addEventListener('click', () => byteCells.get(field.offset)?.scrollIntoView({ block: 'nearest' }));
    body.append(tr);
    return { field, row: tr };
  });
  table.append(body);
  dump.addEventListener('mouseover', (e) => {
    const offset = Number((e.target as HTMLElement).dataset.offset);
    if (Number.isInteger(offset)) highlight(fieldAt(offset), true);
  });
  dump.addEventListener('mouseout', (e) => {
    const offset = Number((e.target as HTMLElement).dataset.offset);
    if (Number.isInteger(offset)) highlight(fieldAt(offset), false);
  });
  const blocks = page.blockOffset > 0 ? el('p', { class: 'sub' }, `The blocks start at byte ${page.blockOffset} of the page; the bytes before them hold other vvar data.`) : '';
  // The decoded fields first (what most readers want), the bytes beside them or, in a narrow panel, below.
  main.replaceChildren(el('section', { class: 'cols' }, el('div', { class: 'decoded' }, table, blocks), el('div', { class: 'bytes' }, dump)));
  const saved = vscode.getState()?.scrollTop;
  if (saved) main.scrollTop = saved;
}

window.addEventListener('message', (e: MessageEvent<HostToMemory>) => {
  if (e.data?.type === 'page') render(e.data.page);
});
vscode.postMessage({ type: 'ready' });
