// The outline the engine hands the editor, bounded: VS Code copies, converts and redraws every symbol of the
// outline, breadcrumbs and sticky scroll after each edit, so a scenario of 10^5 lines would cost the editor
// seconds for a list nobody reads. Past the bound, one symbol per level says how many lines it leaves out.
import type { OutlineSymbol } from '../scenario/editor/language';

/**
 * The bound. The host converts and serialises the whole answer on its thread, and VS Code asked for it twice at
 * each open and each edit of the VS Code bench's scenario: 2,000 symbols were about 540 KB of JSON per answer,
 * which a remote window's connection (code-server's, Remote-SSH's) also compresses on the host, where it showed as
 * 35-47 ms of the host's longest stretch at the open of a 10^6-event scenario. 500 are about 135 KB, some 25
 * screens of outline.
 */
export const OUTLINE_MAX_SYMBOLS = 500;

function count(list: readonly OutlineSymbol[]): number {
  let n = 0;
  for (const s of list) n += 1 + count(s.children);
  return n;
}

export function boundedOutline(roots: readonly OutlineSymbol[], max = OUTLINE_MAX_SYMBOLS): OutlineSymbol[] {
  let left = max;
  const cut = (list: readonly OutlineSymbol[]): OutlineSymbol[] => {
    const out: OutlineSymbol[] = [];
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      if (left <= 0) {
        const rest = list.slice(i);
        out.push({
          name: `… ${count(rest)} more`, detail: `the outline shows the first ${max} symbols`, kind: 'section',
          line: s.line, endLine: rest.reduce((m, r) => Math.max(m, r.endLine), s.endLine), children: [],
        });
        break;
      }
      left--;
      out.push(s.children.length ? { ...s, children: cut(s.children) } : s);
    }
    return out;
  };
  return cut(roots);
}

/** The symbols with the lengths of their first and last lines, taken from the engine's copy of the text. */
export function withLineLengths(list: readonly OutlineSymbol[], lines: readonly string[]): OutlineSymbol[] {
  const length = (n: number): number | undefined => {
    const l = lines[n];
    return l === undefined ? undefined : l.endsWith('\r') ? l.length - 1 : l.length;
  };
  return list.map((s) => ({ ...s, length: length(s.line), endLength: length(s.endLine), children: withLineLengths(s.children, lines) }));
}
