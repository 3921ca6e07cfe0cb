// Rewriting a scenario's header lines (`arch`, `kernel`, `patch off …`) for "Select Architecture and
// Kernel": the profile is written into the file, so the file runs the same in the editor and the CLI.
// The editor applies only the block of lines that differs (changedBlock).

import type { Profile } from '../../sim/types';
import { buildStatusOf } from '../../sim/build';
import { patchesApply } from './format';

const HEADER_LINE = /^\s*(arch|kernel|patch|build)\b/;

/**
 * The scenario's lines with a header that says `profile`: the `arch`, `kernel` and `patch off` lines
 * become one block (`patch off` only when a patch is off and the arm64 series applies) where the first
 * header line was, or before the first statement (after leading comments and blank lines).
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
    if (HEADER_LINE.test(text)) {
      if (anchor < 0) anchor = out.length;
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
