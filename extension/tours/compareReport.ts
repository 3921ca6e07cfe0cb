// Words for a comparison: what each aspect is called, what one run did on a line, and the plain-text
// report (one block per scenario line, readable in an 80-column terminal) for the CLI and for copying.
import type { Aspect, CompareTable, LineSummary, TableRow } from './compare';
import { orCarried } from '../sim/offset64';

/** What a reader calls each aspect of a line's result. */
export const ASPECT_NAMES: Readonly<Record<Aspect, string>> = {
  ran: 'whether it ran',
  errno: 'errno',
  signal: 'signal',
  ret: 'return value',
  clockOffset: 'clock value',
  clockCarried: 'the vDSO read\'s second answer',
  clockPath: 'clock path',
  placement: 'namespace',
  text: 'output',
  expect: 'expectation',
  refused: 'whether the design defines it',
};

/** The parts of one cell, each tagged with the aspects it shows (a view highlights the ones that differ). */
export interface CellPart {
  readonly text: string;
  readonly aspects: readonly Aspect[];
}

export function cellParts(s: LineSummary | null): CellPart[] {
  if (!s) return [{ text: 'did not run', aspects: ['ran'] }];
  if (s.expect) return [{ text: `expect ${s.expect}`, aspects: ['expect'] }];
  if (s.refused) return [{ text: `not run: ${s.refused}`, aspects: ['refused'] }];
  const parts: CellPart[] = [];
  if (s.signal) parts.push({ text: `killed by ${s.signal}`, aspects: ['signal'] });
  else if (s.errno) parts.push({ text: `-1 ${s.errno}`, aspects: ['errno', 'ret'] });
  else parts.push({ text: s.ret === '—' ? 'no return' : `= ${s.ret}`, aspects: ['ret', 'errno', 'signal'] });
  if (s.clockValue) {
    const read = `${s.clockValue} = ${s.clockOffset} via ${s.clockPath}`;
    parts.push({ text: s.clockCarried ? `${read}, ${orCarried(s.clockCarried)}` : read, aspects: ['clockOffset', 'clockCarried', 'clockPath'] });
  }
  if (s.text) parts.push({ text: JSON.stringify(s.text.length > 60 ? s.text.slice(0, 60) + '…' : s.text), aspects: ['text'] });
  if (s.placement) parts.push({ text: s.placement, aspects: ['placement'] });
  return parts;
}

/** One run's result on a line, in words: '= 0, 87400.000000000 = host + 86400s via vdso-timens, time ns#1 / children ns#1'. */
export function describeSummary(s: LineSummary | null): string {
  return cellParts(s).map((p) => p.text).join(', ');
}

export function differsText(row: Pick<TableRow, 'differs'>): string {
  return row.differs.map((a) => ASPECT_NAMES[a]).join(', ');
}

/** Words of `text` in lines of at most `width` characters (a longer word gets a line of its own). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let cur = '';
  for (const w of text.split(' ').filter(Boolean)) {
    if (cur && cur.length + 1 + w.length > width) { lines.push(cur); cur = w; } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines;
}

/** The report: columns, the first difference, the first diverging event, then every line and what each run did. */
export function formatComparisonText(t: CompareTable): string {
  const out: string[] = [];
  const tag = (i: number) => `[${i + 1}]`;
  out.push(`Comparison of ${t.file}`);
  t.columns.forEach((c, i) => {
    out.push(`  ${tag(i)} ${c}`);
    for (const l of wrap(t.buildNotes?.[i] ?? '', 100)) out.push(`      ${l}`);
  });
  out.push('');
  if (t.first) {
    out.push(`First difference: line ${t.first.line + 1}: ${t.first.source.trim()}`);
    out.push(`  differs in: ${differsText(t.first)}`);
  } else {
    out.push('No line gives a different result under these profiles.');
  }
  if (t.firstEvent) {
    out.push(`First diverging event (line ${t.firstEvent.line + 1}):`);
    out.push(`  ${tag(0)} ${t.firstEvent.describeA}`);
    out.push(`  ${tag(1)} ${t.firstEvent.describeB}`);
  } else if (t.columns.length >= 2) {
    out.push(`The event logs of ${tag(0)} and ${tag(1)} are identical.`);
  }
  for (const r of t.rows) {
    out.push('');
    const mark = r.differs.length > 0 ? '≠' : ' ';
    out.push(`${String(r.line + 1).padStart(5)} ${mark} ${r.source.trim()}`);
    if (r.differs.length === 0) {
      out.push(`        all: ${describeSummary(r.cells[0])}`);
      continue;
    }
    out.push(`        differs in: ${differsText(r)}`);
    r.cells.forEach((c, i) => out.push(`        ${tag(i)} ${describeSummary(c)}`));
  }
  return out.join('\n') + '\n';
}
