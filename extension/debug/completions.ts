// Completion in the debug console: fields after `obj.`, operations after `P1:`, and otherwise object ids,
// kernel function names, errnos and signals. The text before the cursor is read backwards once, so the cost is
// linear in its length (the regular expressions this replaces backtracked quadratically on long inputs).
import type { DebugProtocol } from '@vscode/debugprotocol';
import { OPERATION_BY_WORD } from '../scenario/index';
import type { KernelState } from '../sim/api';
import { KERNEL_FUNCTIONS } from '../sim/index';
import { ERRNOS, SIGNALS } from '../sim/types';
import { fieldNames, objectIds } from './expressions';

/** Where the cursor is: after `base.` (a field), after `Task:` (an operation), or in a plain word. */
export type CompletionContext =
  | { readonly kind: 'member'; readonly base: string; readonly word: string }
  | { readonly kind: 'operation'; readonly word: string }
  | { readonly kind: 'word'; readonly word: string };

const isWordChar = (c: number): boolean =>
  (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95; // [0-9A-Za-z_]
const isIdentStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12;
const HASH = 35;
const DOT = 46;
const COLON = 58;
const OPEN = 91;
const CLOSE = 93;

/** The completion context of the text before the cursor. */
export function completionContext(upto: string): CompletionContext {
  let start = upto.length;
  while (start > 0 && isWordChar(upto.charCodeAt(start - 1))) start--;
  const word = upto.slice(start);
  // `P2.nsproxy.ti`: a word after a dot, after a path of ids, fields and [indexes].
  if (start > 0 && upto.charCodeAt(start - 1) === DOT) {
    let base = start - 1;
    while (base > 0) {
      const c = upto.charCodeAt(base - 1);
      if (!(isWordChar(c) || c === HASH || c === OPEN || c === CLOSE || c === DOT)) break;
      base--;
    }
    if (base < start - 1) return { kind: 'member', base: upto.slice(base, start - 1), word };
  }
  // `P2: clo`: only blanks, a task name, a colon and the word on the line.
  let i = start;
  while (i > 0 && isSpace(upto.charCodeAt(i - 1))) i--;
  if (i > 0 && upto.charCodeAt(i - 1) === COLON) {
    i--;
    while (i > 0 && isSpace(upto.charCodeAt(i - 1))) i--;
    let task = i;
    while (task > 0 && isWordChar(upto.charCodeAt(task - 1))) task--;
    let before = task;
    while (before > 0 && isSpace(upto.charCodeAt(before - 1))) before--;
    if (task < i && isIdentStart(upto.charCodeAt(task)) && before === 0) return { kind: 'operation', word };
  }
  // Ids hold '#' (`ns#1`, `page#ns#1`).
  let w = start;
  while (w > 0 && (isWordChar(upto.charCodeAt(w - 1)) || upto.charCodeAt(w - 1) === HASH)) w--;
  return { kind: 'word', word: upto.slice(w) };
}

/** The completion items for `text` with the cursor at 1-based `column`, against the state at the cursor. */
export function completionItems(text: string, column: number, state: KernelState, limit = 200): DebugProtocol.CompletionItem[] {
  const upto = text.slice(0, Math.max(0, column - 1));
  const context = completionContext(upto);
  const word = context.word;
  const at = { start: upto.length - word.length, length: word.length };
  const items: DebugProtocol.CompletionItem[] = [];
  const add = (label: string, type: DebugProtocol.CompletionItemType): boolean => {
    if (label.startsWith(word)) items.push({ label, type, ...at });
    return items.length < limit;
  };
  if (context.kind === 'member') {
    for (const f of fieldNames(state, context.base)) if (!add(f, 'field')) break;
  } else if (context.kind === 'operation') {
    for (const w of OPERATION_BY_WORD.keys()) if (!add(w, 'function')) break;
  } else {
    const words = new Set([...objectIds(state), ...KERNEL_FUNCTIONS, ...Object.keys(ERRNOS), ...Object.keys(SIGNALS)]);
    for (const w of words) if (!add(w, w.includes('#') || state.tasks[w] ? 'variable' : 'value')) break;
  }
  return items;
}
