// The messages between the extension host and the import worker (importWorker.ts), declared once for both
// sides: what to import, progress, parsed messages in batches, and the assembled series as references.
import type { FileDiff, Hunk, ParsedPatchBody } from './patch';
import type { PatchSeries, SeriesMessage } from './series';

/** What to read: a file path, bytes read by the host (non-file URIs), or a git range (trusted workspaces only). */
export type ImportSource =
  | { readonly kind: 'file'; readonly path: string; readonly name: string }
  | { readonly kind: 'bytes'; readonly name: string; readonly data: ArrayBuffer }
  | { readonly kind: 'git'; readonly repo: string; readonly range: string; readonly trusted: boolean };

export type HostToWorker =
  | { readonly type: 'import'; readonly source: ImportSource }
  | { readonly type: 'cancel' };

/** A message of the series by its position in the streamed batches, or a placeholder made at assembly. */
export type MessageRef = number | SeriesMessage;

/** The assembled series with its messages replaced by references into the batches already sent. */
export interface SeriesSkeleton extends Omit<PatchSeries, 'cover' | 'patches' | 'others'> {
  readonly cover: MessageRef | null;
  readonly patches: readonly MessageRef[];
  readonly others: readonly MessageRef[];
}

export type WorkerToHost =
  | { readonly type: 'progress'; readonly done: number; readonly total: number | null; readonly messages: number; readonly what: string }
  | { readonly type: 'messages'; readonly messages: readonly WireMessage[] }
  | { readonly type: 'done'; readonly series: SeriesSkeleton }
  | { readonly type: 'error'; readonly message: string };

/** Messages go to the host in batches of about this many characters, so no single batch blocks it long. */
export const BATCH_CHARS = 256 * 1024;

/**
 * A message as it crosses to the host: each hunk's text is a stretch of the message body, so it travels as
 * two offsets instead of a second copy (structured clone copies every string; the host slices them back).
 */
export interface WireMessage extends Omit<SeriesMessage, 'patch'> {
  readonly patch: (Omit<ParsedPatchBody, 'files'> & { readonly files: readonly WireFile[] }) | null;
}
type WireFile = Omit<FileDiff, 'hunks'> & { readonly hunks: readonly WireHunk[] };
type WireHunk = Omit<Hunk, 'body'> & { readonly bodyAt: readonly [number, number] | string };

export function toWire(m: SeriesMessage): WireMessage {
  if (!m.patch) return m as WireMessage;
  let from = 0;
  const files = m.patch.files.map((f) => ({ ...f, hunks: f.hunks.map(({ body, ...h }) => {
    const at = body === '' ? -1 : m.body.indexOf(body, from);
    if (at >= 0) from = at + body.length;
    return { ...h, bodyAt: at >= 0 ? [at, at + body.length] as const : body };
  }) }));
  return { ...m, patch: { ...m.patch, files } };
}

/**
 * The message again, built in place: `m` is a fresh copy that structured clone made for the receiver, so its
 * hunks are completed where they are rather than copied (the host receives thousands of them).
 */
export function fromWire(m: WireMessage): SeriesMessage {
  for (const f of m.patch?.files ?? []) {
    for (const h of f.hunks as (WireHunk & { body?: string })[]) {
      const at = h.bodyAt;
      h.body = typeof at === 'string' ? at : m.body.slice(at[0], at[1]);
      delete (h as { bodyAt?: unknown }).bodyAt;
    }
  }
  return m as unknown as SeriesMessage;
}

/** A message read from the input is sent by its `index` (its place in the batches); a placeholder whole. */
export function toSkeleton(series: PatchSeries): SeriesSkeleton {
  const ref = (m: SeriesMessage): MessageRef => (m.index >= 0 ? m.index : m);
  return { ...series, cover: series.cover ? ref(series.cover) : null, patches: series.patches.map(ref), others: series.others.map(ref) };
}

export function fromSkeleton(s: SeriesSkeleton, messages: readonly SeriesMessage[]): PatchSeries {
  const deref = (r: MessageRef): SeriesMessage => (typeof r === 'number' ? messages[r] : r);
  return { ...s, cover: s.cover === null ? null : deref(s.cover), patches: s.patches.map(deref), others: s.others.map(deref) };
}
