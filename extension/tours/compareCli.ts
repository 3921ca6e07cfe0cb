// `timens compare --design a,b[,c] FILE...`: one scenario under several time-namespace designs, as a table per
// line (issue 15). Exit status 0 when the designs agree on every line, 1 when they part, 2 on bad input.

import * as fs from 'node:fs';
import { parseScenario, profileOfHeader } from '../scenario/parser';
import { compareScenarioN } from './compare';
import { designChoices, formatDesignTable, parseDesignList } from './designCompare';

export const COMPARE_USAGE = '  timens compare --design A,B[,C…] FILE... [--width N]   one scenario under several designs, as a table';

const MIN_WIDTH = 60;
const MAX_WIDTH = 1000;

export function compareCommand(argv: string[], write: (s: string) => void, writeErr: (s: string) => void): number {
  let designs: ReturnType<typeof parseDesignList> = 'no --design given: name the designs to compare, e.g. --design merged,clone-time';
  let width = process.stdout.columns && process.stdout.columns > MIN_WIDTH ? Math.min(MAX_WIDTH, process.stdout.columns) : 120;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const val = (): string | undefined => inline ?? argv[++i];
    if (flag === '--design') designs = parseDesignList(val() ?? '');
    else if (flag === '--width') {
      // An integer, held to 60..1,000 columns (our choice: no terminal is wider, and a table pads each of its cells
      // to the width: '--width 1e9' threw RangeError: Invalid string length, 'abc' was the default without a word).
      const v = val() ?? '';
      if (!/^\d{1,9}$/.test(v)) { writeErr(`timens compare: --width takes a number of columns, not '${v}'\n`); return 2; }
      width = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, Number(v)));
    }
    else if (a.startsWith('-')) { writeErr(`timens compare: unknown option ${a}\n`); return 2; }
    else files.push(a);
  }
  if (typeof designs === 'string') { writeErr(`timens compare: ${designs}\n`); return 2; }
  if (!files.length) { writeErr('timens compare: no scenario file given\n'); return 2; }
  let status = 0;
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      writeErr(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
      status = 2;
      continue;
    }
    const parsed = parseScenario(text, file);
    const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) {
      writeErr(errors.map((d) => `${file}:${d.range.line + 1}:${d.range.col + 1}: error: ${d.message} [${d.code}]`).join('\n') + '\n');
      status = 2;
      continue;
    }
    const table = compareScenarioN(text, file, designChoices(profileOfHeader(parsed.header), designs));
    write(formatDesignTable(table, width));
    if (table.first) status = Math.max(status, 1);
  }
  return status;
}
