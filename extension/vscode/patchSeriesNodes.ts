// The rows of the Patch Series view as plain data, and how they nest: the tree (patchSeriesTree.ts) draws them.
// No vscode import, so the unit tests walk the same rows. A long series is paged at its root.
import { ARM64_SERIES, knowledgeForTitle, type PatchKnowledge } from '../tours/knowledge';
import type { FileDiff, Hunk } from '../tours/patch';
import type { PatchSeries, SeriesDiagnostic, SeriesMessage } from '../tours/series';

/**
 * The most patches the root shows as rows of their own; a longer series is shown as pages of this many. VS Code
 * asks for every root row at once (43,591 for a 50 MB mailbox, each made and sent to the renderer).
 */
export const PAGE_SIZE = 1000;

/** What a row runs when clicked (vscode.Command's shape). */
export interface RowCommand {
  readonly command: string;
  readonly title: string;
  readonly arguments?: unknown[];
}

export type SeriesNode =
  | { readonly kind: 'info'; readonly label: string; readonly detail?: string; readonly command?: RowCommand; readonly icon: string }
  | { readonly kind: 'cover'; readonly message: SeriesMessage }
  | { readonly kind: 'page'; readonly start: number; readonly end: number }
  | { readonly kind: 'patch'; readonly index: number; readonly message: SeriesMessage; readonly knowledge?: PatchKnowledge }
  | { readonly kind: 'bundled'; readonly knowledge: PatchKnowledge }
  | { readonly kind: 'file'; readonly patchIndex: number; readonly fileIndex: number; readonly message: SeriesMessage; readonly file: FileDiff }
  | { readonly kind: 'hunk'; readonly patchIndex: number; readonly fileIndex: number; readonly hunkIndex: number; readonly message: SeriesMessage; readonly file: FileDiff; readonly hunk: Hunk }
  | { readonly kind: 'problems'; readonly diagnostics: readonly SeriesDiagnostic[] }
  | { readonly kind: 'problem'; readonly diagnostic: SeriesDiagnostic };

function patchNode(s: PatchSeries, index: number): SeriesNode {
  const message = s.patches[index];
  return { kind: 'patch', index, message, knowledge: knowledgeForTitle(message.subjectInfo.title) };
}

/** The page holding patch `index` of a series of `count` patches: patches [start, end). */
function pageOf(index: number, count: number): SeriesNode {
  const start = index - (index % PAGE_SIZE);
  return { kind: 'page', start, end: Math.min(count, start + PAGE_SIZE) };
}

/** The rows under `node` (the root when undefined) for the series on screen, or the bundled notes when none is. */
export function seriesChildren(s: PatchSeries | null, node?: SeriesNode): SeriesNode[] {
  if (!node) {
    if (!s) {
      return [
        { kind: 'info', label: 'Open the real series…', detail: 'mbox, b4 .mbx, .patch or git range', icon: 'folder-opened', command: { command: 'timens.openPatchSeries', title: 'Open Patch Series' } },
        ...ARM64_SERIES.patches.map((k) => ({ kind: 'bundled' as const, knowledge: k })),
      ];
    }
    const out: SeriesNode[] = [];
    if (s.diagnostics.length > 0) out.push({ kind: 'problems', diagnostics: s.diagnostics });
    if (s.cover) out.push({ kind: 'cover', message: s.cover });
    const count = s.patches.length;
    if (count > PAGE_SIZE) for (let start = 0; start < count; start += PAGE_SIZE) out.push(pageOf(start, count));
    else for (let index = 0; index < count; index++) out.push(patchNode(s, index));
    if (out.length === 0) out.push({ kind: 'info', label: `Nothing could be read from ${s.source}`, icon: 'warning' });
    return out;
  }
  if (node.kind === 'problems') return node.diagnostics.map((d) => ({ kind: 'problem', diagnostic: d }));
  if (node.kind === 'page') {
    if (!s) return [];
    const out: SeriesNode[] = [];
    for (let index = node.start; index < Math.min(node.end, s.patches.length); index++) out.push(patchNode(s, index));
    return out;
  }
  if (node.kind === 'patch') {
    let files;
    try {
      files = node.message.patch?.files ?? [];
    } catch (err) {
      // Its mailbox file is read again for it (importClient.ts fileRanges): changed or gone since, say so on the row.
      return [{ kind: 'info', label: err instanceof Error ? err.message : String(err), icon: 'error' }];
    }
    return files.map((file, fileIndex) => ({ kind: 'file', patchIndex: node.index, fileIndex, message: node.message, file }));
  }
  if (node.kind === 'file') return node.file.hunks.map((hunk, hunkIndex) => ({ kind: 'hunk', patchIndex: node.patchIndex, fileIndex: node.fileIndex, hunkIndex, message: node.message, file: node.file, hunk }));
  return [];
}

/** The row `node` sits under; undefined at the root. */
export function seriesParent(s: PatchSeries | null, node: SeriesNode): SeriesNode | undefined {
  if (!s) return undefined;
  if (node.kind === 'problem') return { kind: 'problems', diagnostics: s.diagnostics };
  if (node.kind === 'patch') return s.patches.length > PAGE_SIZE ? pageOf(node.index, s.patches.length) : undefined;
  if (node.kind === 'file') return patchNode(s, node.patchIndex);
  if (node.kind === 'hunk') return { kind: 'file', patchIndex: node.patchIndex, fileIndex: node.fileIndex, message: node.message, file: node.file };
  return undefined;
}
