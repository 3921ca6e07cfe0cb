// Compare designs (issue 15): one scenario run under several time-namespace designs, through the same N-run
// comparison as profiles, and a plain-text table of it (one row per line, one column per design) for the CLI.

import type { Profile } from '../sim/types';
import { DESIGNS, type DesignName } from '../sim/types';
import { describeSummary } from './compareReport';
import { profileLabel, type CompareTable, type ProfileChoice } from './compare';

/** The runs "this scenario's profile under each of these designs". */
export function designChoices(base: Profile, designs: readonly DesignName[]): ProfileChoice[] {
  return designs.map((design) => ({
    label: `${design} (${profileLabel(base)})`,
    options: { arch: base.arch, kernel: base.kernel, disabledPatches: base.disabledPatches, ...(base.forcedBuild ? { forcedBuild: true } : {}), design },
  }));
}

/** Reads `a,b,c` as design names; the error names the unknown one and the known ones. */
export function parseDesignList(text: string): DesignName[] | string {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.find((n) => !(DESIGNS as readonly string[]).includes(n));
  if (bad !== undefined) return `unknown design '${bad}': the designs are ${DESIGNS.join(', ')}`;
  if (names.length < 2) return `name at least two designs, e.g. merged,clone-time (the designs are ${DESIGNS.join(', ')})`;
  return names as DesignName[];
}

function wrapCell(text: string, width: number): string[] {
  const out: string[] = [];
  let cur = '';
  for (const word of text.split(' ')) {
    for (let w = word; w.length > 0;) {
      const piece = w.length > width ? w.slice(0, width) : w;
      w = w.slice(piece.length);
      if (cur && cur.length + 1 + piece.length > width) { out.push(cur); cur = piece; } else cur = cur ? `${cur} ${piece}` : piece;
    }
  }
  if (cur || !out.length) out.push(cur);
  return out;
}

/**
 * The comparison as a table that fits `width` columns: line number, a mark where the designs part ('≠'), the
 * line as written, then one column per design; long cells wrap inside their column.
 */
export function formatDesignTable(t: CompareTable, width = 120): string {
  const n = t.columns.length;
  // A row is the line column (7), then ' | ' before the source and before each design's cell.
  const srcW = Math.max(24, Math.floor((width - 10) * 0.3));
  const cellW = Math.max(16, Math.floor((width - 10 - srcW) / n) - 3);
  const row = (cols: string[][]): string[] => {
    const h = Math.max(...cols.map((c) => c.length));
    const lines: string[] = [];
    for (let i = 0; i < h; i++) lines.push(cols.map((c, j) => (c[i] ?? '').padEnd(j === 0 ? 7 : j === 1 ? srcW : cellW)).join(' | ').trimEnd());
    return lines;
  };
  const out: string[] = [`Designs compared on ${t.file}`];
  t.columns.forEach((c, i) => out.push(`  [${i + 1}] ${c}`));
  out.push(t.first ? `First line where they part: ${t.first.line + 1}: ${t.first.source.trim()}` : 'Every line gives the same result under these designs.');
  out.push('');
  const header = row([['line'], ['scenario'], ...t.columns.map((c, i) => wrapCell(`[${i + 1}] ${c.split(' ')[0]}`, cellW))]);
  out.push(...header, '-'.repeat(Math.min(width, Math.max(...header.map((l) => l.length)))));
  for (const r of t.rows) {
    const mark = r.differs.length ? '≠' : ' ';
    out.push(...row([[`${String(r.line + 1).padStart(5)} ${mark}`], wrapCell(r.source.trim(), srcW), ...r.cells.map((c) => wrapCell(describeSummary(c), cellW))]));
  }
  return out.join('\n') + '\n';
}
