// Rewriting a scenario's header lines for "Select Architecture and Kernel" (`arch`, `kernel`, `patch off …`,
// `build forced`) and "Choose Design" (`design`): the editor applies only what differs (changedBlock, designEdit).
// A header line is one the parser reads as one (a task named `arch` is not); a comment on it is kept.

import type { DesignName, Profile } from '../../sim/types';
import type { LineEdit } from '../api';
import { buildStatusOf } from '../../sim/build';
import { lexLine } from '../lexer';
import { HEADER_WORDS } from '../vocabulary';
import { patchesApply } from './format';

/** The header word a line starts with (`arch`, `design`, …) and where its comment starts (-1: none); null when the
 *  line is no header line: `arch: fork()` is a task named arch calling fork. */
export function headerLineOf(text: string): { word: string; comment: number } | null {
  if (!MAYBE_HEADER.test(text)) return null;
  const lex = lexLine(text);
  const first = lex[0];
  if (!first || first.t !== 'ident' || !HEADER_WORDS_SET.has(first.text)) return null;
  if (lex[1]?.t === 'punct' && lex[1].text === ':') return null;
  const comment = lex.find((l) => l.t === 'comment');
  return { word: first.text, comment: comment ? comment.start : -1 };
}

/** Lines that may be header lines, before lexing them: the rewrites look at every line of a long file. */
const MAYBE_HEADER = new RegExp(`^\\s*(${HEADER_WORDS.join('|')})\\b`);
const HEADER_WORDS_SET: ReadonlySet<string> = new Set(HEADER_WORDS);
const PROFILE_WORDS: ReadonlySet<string> = new Set(['arch', 'kernel', 'patch', 'build']);

/** What is left of a header line once its statement goes: its comment with the indentation before the statement. */
function commentLeft(text: string, comment: number): string {
  return text.slice(0, text.length - text.trimStart().length) + text.slice(comment);
}

/**
 * The scenario's lines with a header that says `profile`: the `arch`, `kernel` and `patch off` lines
 * become one block (`patch off` only when a patch is off and the arm64 series applies) where the first
 * header line was, or before the first statement (after leading comments and blank lines). The comment of a
 * header line stays: on the new line of the same word, else on a line of its own where the block is.
 */
export function rewriteHeader(source: readonly string[], profile: Profile): string[] {
  const block = [`arch ${profile.arch}`, `kernel ${profile.kernel}`];
  if (patchesApply(profile) && profile.disabledPatches.length > 0) block.push(`patch off ${profile.disabledPatches.join(' ')}`);
  if (buildStatusOf(profile).forced) block.push('build forced');
  let anchor = -1;
  let firstStatement = source.length;
  const out: string[] = [];
  for (let i = 0; i < source.length; i++) {
    const text = source[i];
    const header = headerLineOf(text);
    if (header && PROFILE_WORDS.has(header.word)) {
      if (anchor < 0) anchor = out.length;
      // The comment goes on the new line of the same word (`arch arm64  # the board`), else on a line of its own.
      const at = header.comment < 0 ? -1 : block.findIndex((b) => b.startsWith(`${header.word} `) && !b.includes('#'));
      if (at >= 0) block[at] += text.slice(text.slice(0, header.comment).trimEnd().length);
      else if (header.comment >= 0) out.push(commentLeft(text, header.comment));
      continue;
    }
    if (firstStatement === source.length && text.trim() !== '' && !text.trim().startsWith('#')) firstStatement = out.length;
    out.push(text);
  }
  out.splice(anchor >= 0 ? anchor : firstStatement, 0, ...block);
  return out;
}

/** The smallest block of lines that differs between `before` and `after`: replace before[start, endBefore) with after[start, endAfter). */
export function changedBlock(before: readonly string[], after: readonly string[]): { start: number; endBefore: number; endAfter: number } | null {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  if (start === before.length && start === after.length) return null;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before[endBefore - 1] === after[endAfter - 1]) { endBefore--; endAfter--; }
  return { start, endBefore, endAfter };
}

/**
 * The edit that makes the scenario run under `design` (lines without their line breaks): the `design` line's
 * statement replaced, its comment kept; for `merged` (the default) the line removed, or only its statement when
 * it has a comment; else a new line after the header lines at the top (after the last line, with a line break
 * before it when the file does not end in one). Null: nothing to change.
 */
export function designEdit(lines: readonly string[], design: DesignName, eol: string): LineEdit | null {
  let at = 0;
  let inHeader = true;
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i];
    const header = headerLineOf(text);
    if (header?.word === 'design') {
      const start = text.length - text.trimStart().length;
      if (design !== 'merged') return { line: i, col: start, endLine: i, endCol: (header.comment < 0 ? text : text.slice(0, header.comment)).trimEnd().length, text: `design ${design}` };
      if (header.comment >= 0) return { line: i, col: start, endLine: i, endCol: header.comment, text: '' };
      return i + 1 < lines.length ? { line: i, col: 0, endLine: i + 1, endCol: 0, text: '' } : i > 0
        ? { line: i - 1, col: lines[i - 1].length, endLine: i, endCol: text.length, text: '' }
        : { line: i, col: 0, endLine: i, endCol: text.length, text: '' };
    }
    if (!inHeader) continue;
    if (header) at = i + 1;
    else if (text.trim() && !text.trimStart().startsWith('#')) inHeader = false;
  }
  if (design === 'merged') return null;
  if (at < lines.length) return { line: at, col: 0, endLine: at, endCol: 0, text: `design ${design}${eol}` };
  const last = lines.length - 1;
  return { line: last, col: lines[last].length, endLine: last, endCol: lines[last].length, text: `${eol}design ${design}` };
}
