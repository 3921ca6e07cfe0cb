// Shared by the verify test stages: the scenario files they check (the examples, the conformance suite and the
// tours' scenarios), and a summary of `timens verify --json` output that prints every disagreement (known ones
// with their note) and counts files.
import fs from 'node:fs';
import path from 'node:path';

export function scenarioFiles() {
  const list = (dir) => fs.readdirSync(dir).filter((f) => f.endsWith('.timens')).sort().map((f) => path.join(dir, f));
  return [...list('examples'), ...list('test/conformance'), ...list('tours/scenarios')];
}

/** Counts a file as passed when every disagreement in it is a known one; prints what it finds. */
export function summarize(jsonLines, tag) {
  const s = { passed: 0, failed: 0, agree: 0, disagree: 0, known: 0, unchecked: 0, filesNotChecked: 0, how: '' };
  for (const line of jsonLines.split('\n').filter((l) => l.startsWith('{'))) {
    const r = JSON.parse(line);
    s.how = r.kernel?.how ?? s.how;
    if (r.error) { console.log(`${tag} ${r.file}: could not run: ${r.error}`); s.failed++; continue; }
    if (r.notCheckable) { s.filesNotChecked++; s.passed++; continue; }
    s.agree += r.agree; s.disagree += r.disagree; s.unchecked += r.unchecked;
    let unknown = 0;
    for (const l of r.lines.filter((x) => x.status === 'disagree')) {
      if (l.known) s.known++; else unknown++;
      console.log(`${tag} ${r.file}:${l.line}: ${l.known ? 'known model disagreement' : 'DISAGREE'}: ${l.source}`);
      for (const d of l.diffs ?? []) console.log(`      ${d.field}: kernel ${d.kernel}, model ${d.model}${d.why ? ` (${d.why})` : ''}`);
      if (l.known) console.log(`      note: ${l.known}`);
    }
    if (unknown) s.failed++; else s.passed++;
  }
  return s;
}
