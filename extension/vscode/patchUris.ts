// The addresses of the patch documents (hunk sides, whole mails, our notes on a bundled patch), built and
// parsed here only, and the provider that serves them as read-only documents.
import * as path from 'path';
import * as vscode from 'vscode';
import { ARM64_SERIES, FOLLOW_UPS, X86_SERIES, type PatchKnowledge } from '../tours/knowledge';
import { hunkSides, type FileDiff, type Hunk } from '../tours/patch';
import type { PatchSeries, SeriesMessage } from '../tours/series';

export const PATCH_SCHEME = 'timens-patch';

export function filePath(f: FileDiff): string {
  return f.newPath ?? f.oldPath ?? '(unnamed)';
}

/** What a patch document address names. `key` is the series generation it belongs to. */
export type PatchAddress =
  | { readonly kind: 'hunk'; readonly key: string; readonly patchIndex: number; readonly fileIndex: number; readonly hunkIndex: number; readonly side: 'before' | 'after' }
  | { readonly kind: 'message'; readonly key: string; readonly patchIndex: number | 'cover' }
  | { readonly kind: 'notes'; readonly series: string; readonly n: number };

/** /<key>/<patch>/<file>/<hunk>/<side>/<basename> */
export function hunkUri(key: string, patchIndex: number, fileIndex: number, hunkIndex: number, side: 'before' | 'after', file: FileDiff): vscode.Uri {
  return vscode.Uri.from({ scheme: PATCH_SCHEME, path: `/${key}/${patchIndex}/${fileIndex}/${hunkIndex}/${side}/${path.posix.basename(filePath(file))}` });
}
/** /<key>/<patch|cover>/message.patch */
export function messageUri(key: string, patchIndex: number | 'cover'): vscode.Uri {
  return vscode.Uri.from({ scheme: PATCH_SCHEME, path: `/${key}/${patchIndex}/message.patch` });
}
/** /bundled/<series>/<n>/patch-<n>-notes.md */
export function notesUri(knowledge: PatchKnowledge): vscode.Uri {
  return vscode.Uri.from({ scheme: PATCH_SCHEME, path: `/bundled/${knowledge.series}/${knowledge.n}/patch-${knowledge.n}-notes.md` });
}

const index = (s: string | undefined): number | null => (s !== undefined && /^\d{1,9}$/.test(s) ? Number(s) : null);

/** The one parser of these addresses; null for anything else. */
export function parsePatchUri(uri: vscode.Uri): PatchAddress | null {
  if (uri.scheme !== PATCH_SCHEME) return null;
  const parts = uri.path.split('/').filter(Boolean);
  if (parts[0] === 'bundled') {
    const n = index(parts[2]);
    return parts.length === 4 && n !== null ? { kind: 'notes', series: parts[1], n } : null;
  }
  if (parts.length === 3 && parts[2] === 'message.patch') {
    const p = parts[1] === 'cover' ? 'cover' : index(parts[1]);
    return p === null ? null : { kind: 'message', key: parts[0], patchIndex: p };
  }
  if (parts.length === 6 && (parts[4] === 'before' || parts[4] === 'after')) {
    const [p, f, h] = [index(parts[1]), index(parts[2]), index(parts[3])];
    if (p === null || f === null || h === null) return null;
    return { kind: 'hunk', key: parts[0], patchIndex: p, fileIndex: f, hunkIndex: h, side: parts[4] };
  }
  return null;
}

export function knowledgeAt(series: string, n: number): PatchKnowledge | undefined {
  return [...ARM64_SERIES.patches, ...X86_SERIES.patches, ...FOLLOW_UPS].find((k) => k.series === series && k.n === n);
}

/** The hunk an address names in `series` (when the address belongs to it). */
export function hunkAt(series: PatchSeries | null, key: string, a: PatchAddress | null): { message: SeriesMessage; file: FileDiff; hunk: Hunk; patchIndex: number; fileIndex: number; hunkIndex: number } | undefined {
  if (!series || !a || a.kind !== 'hunk' || a.key !== key) return undefined;
  const message = series.patches[a.patchIndex];
  const file = message?.patch?.files[a.fileIndex];
  const hunk = file?.hunks[a.hunkIndex];
  return message && file && hunk ? { message, file, hunk, patchIndex: a.patchIndex, fileIndex: a.fileIndex, hunkIndex: a.hunkIndex } : undefined;
}

/** Serves hunk sides, whole patch mails and the bundled notes as read-only documents. */
export class PatchContentProvider implements vscode.TextDocumentContentProvider {
  constructor(
    private readonly current: () => { readonly series: PatchSeries | null; readonly key: string },
    private readonly notes: (k: PatchKnowledge, series: PatchSeries | null) => string,
  ) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    const a = parsePatchUri(uri);
    const { series, key } = this.current();
    if (!a) return 'Not a Timens patch document.';
    if (a.kind === 'notes') {
      const k = knowledgeAt(a.series, a.n);
      return k ? this.notes(k, series) : 'Unknown bundled patch.';
    }
    if (!series || a.key !== key) return 'This document belongs to a patch series that is no longer loaded. Open it again from the Patch Series view.';
    if (a.kind === 'message') {
      const m = a.patchIndex === 'cover' ? series.cover : series.patches[a.patchIndex];
      if (!m) return 'No such message.';
      return [`Subject: ${m.subject}`, m.from ? `From: ${m.from}` : '', m.date ? `Date: ${m.date}` : '', '', m.body].filter((l, i) => l !== '' || i > 2).join('\n');
    }
    const found = hunkAt(series, key, a);
    if (!found) return 'No such hunk.';
    const sides = hunkSides(found.hunk);
    return a.side === 'before' ? sides.before : sides.after;
  }
}
