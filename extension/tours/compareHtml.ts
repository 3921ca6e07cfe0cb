// The comparison view's page: a table with one column per run (profiles now, designs later), every
// difference highlighted and named, each row a link to its scenario line. Rendered as a string (pure, so
// the webview test loads the same page in Chromium); colours come from VS Code's theme variables.
import type { Aspect, CompareTable, TableRow } from './compare';
import { ASPECT_NAMES, cellParts, differsText } from './compareReport';

export interface ComparePageResources {
  readonly nonce: string;
  /** The webview's cspSource (what may serve styles and scripts). */
  readonly cspSource: string;
  readonly scriptUri: string;
  readonly styleUri: string;
  /** Offer "Show the timelines" (the host can draw two runs; not for N > 2 yet). */
  readonly timelines: boolean;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function cellHtml(row: TableRow, i: number): string {
  const differs = new Set<Aspect>(row.differs);
  const parts = cellParts(row.cells[i]).map((p) => {
    const hit = p.aspects.filter((a) => differs.has(a));
    if (hit.length > 0) return `<mark class="diff" title="differs: ${escapeHtml(hit.map((a) => ASPECT_NAMES[a]).join(', '))}">${escapeHtml(p.text)}</mark>`;
    // Where the task is is context, shown quieter unless it differs.
    return `<span${p.aspects.includes('placement') ? ' class="ns"' : ''}>${escapeHtml(p.text)}</span>`;
  });
  return parts.join('<span class="sep">, </span>');
}

function rowHtml(t: CompareTable, row: TableRow): string {
  const d = row.differs.length > 0;
  const cls = [d ? 'differs' : 'same', row === t.first ? 'first' : ''].filter(Boolean).join(' ');
  return `<tr class="${cls}" data-line="${row.line}" tabindex="0" title="Go to line ${row.line + 1}">`
    + `<td class="ln">${row.line + 1}</td>`
    + `<td class="src"><code>${escapeHtml(row.source.trim())}</code></td>`
    + t.columns.map((_, i) => `<td class="cell">${cellHtml(row, i)}</td>`).join('')
    + `<td class="what">${d ? escapeHtml(differsText(row)) : ''}</td></tr>`;
}

export function renderComparePage(t: CompareTable, r: ComparePageResources): string {
  const csp = [`default-src 'none'`, `style-src ${r.cspSource}`, `script-src 'nonce-${r.nonce}'`, `img-src ${r.cspSource}`].join('; ');
  const differing = t.rows.filter((row) => row.differs.length > 0).length;
  const summary = t.first
    ? `<p class="summary">First difference: <a href="#" class="jump" data-line="${t.first.line}">line ${t.first.line + 1}</a> <code>${escapeHtml(t.first.source.trim())}</code> differs in <b>${escapeHtml(differsText(t.first))}</b>. ${differing} of ${t.rows.length} lines differ.</p>`
    : `<p class="summary">No line gives a different result under these ${t.columns.length} profiles.</p>`;
  const notes = (t.buildNotes ?? []).map((n, i) => (n ? `<p class="summary">${escapeHtml(t.columns[i])}: ${escapeHtml(n)}</p>` : '')).join('');
  const event = t.firstEvent
    ? `<p class="event">First diverging event (line ${t.firstEvent.line + 1}): <code>${escapeHtml(t.firstEvent.describeA)}</code> against <code>${escapeHtml(t.firstEvent.describeB)}</code></p>`
    : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${escapeHtml(r.styleUri)}">
<title>Compare ${escapeHtml(t.file)}</title></head>
<body>
<header>
<h1>${escapeHtml(t.file)}</h1>
<div class="tools"><label><input type="checkbox" id="only-diff"> Only lines that differ</label>${r.timelines ? ' <button id="timelines" type="button">Show the timelines</button>' : ''}</div>
${summary}
${notes}${event}
</header>
<table>
<thead><tr><th class="ln">Line</th><th class="src">Scenario</th>${t.columns.map((c) => `<th class="cell">${escapeHtml(c)}</th>`).join('')}<th class="what">Differs in</th></tr></thead>
<tbody>
${t.rows.map((row) => rowHtml(t, row)).join('\n')}
</tbody>
</table>
<script nonce="${r.nonce}" src="${escapeHtml(r.scriptUri)}"></script>
</body></html>
`;
}
