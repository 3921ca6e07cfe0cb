// The messages between the extension host and the import worker (importWorker.ts), declared once for both
// sides: what to import, progress, messages in batches (summaries now, the rest read from their source when
// asked), and the assembled series as references.
import type { PatchSeries, SeriesMessage } from './series';
import { readMessageAgain, type MessageSource } from './seriesReader';

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
  | ({ readonly type: 'messages' } & WireBatch)
  | { readonly type: 'done'; readonly series: SeriesSkeleton }
  | { readonly type: 'error'; readonly message: string };

/** Messages go to the host in batches of about this many characters, so no single batch blocks it long. */
export const BATCH_CHARS = 256 * 1024;

/** What the host holds of a message from the start: what lists and trees show of it. */
export type MessageSummary = Omit<SeriesMessage, 'headers' | 'body' | 'patch'>;
/**
 * As it travels: with the number of files its patch changes (the Patch Series tree shows it per patch) and,
 * for a message of an mbox, where its source lies in the batch's `texts`: [start, end, its first source line,
 * its number of lines]; for a patch, the functions its hunks stand for (links.ts: functionsOfMessage), so
 * that finding the hunks of an event reads only the patches that may hold them.
 */
type WireSummary = MessageSummary & { readonly files: number; readonly at?: readonly [number, number, number, number]; readonly fns?: readonly string[] };

/** What the host reads only when asked. */
type MessageDetail = Pick<SeriesMessage, 'headers' | 'body' | 'patch'>;

/** True when JSON carries the summary's numbers as they are (a version of 400 digits reads as Infinity). */
function jsonSafe(s: WireSummary): boolean {
  const { version, number, total } = s.subjectInfo;
  return Number.isFinite((version ?? 0) + (number ?? 0) + (total ?? 0));
}

/**
 * A batch as it travels. A message's headers, body and patch do not travel: the host reads the message's
 * source again when first asked for them (readMessageAgain), which the series views do for a few messages
 * only. Sending them parsed (JSON of the details, the bodies as a second copy) cost the worker more than
 * reading the mailbox. The sources travel joined, as UTF-8 bytes, transferred: the host keeps them off its
 * heap and decodes a batch when one of its messages is first read (cloning strings filled its young
 * generation, and its scavenges blocked it; cloning one string per batch costs ten times encoding it).
 */
export interface WireBatch {
  /** The sources of the batch's messages one after the other, in UTF-8, transferred (as a string if they
   *  hold a lone surrogate, which UTF-8 cannot carry; the worker decodes bytes, so only a string input can). */
  readonly texts: ArrayBuffer | string;
  /** JSON of the summaries, 0 for a message in `exact`. */
  readonly summaries: string;
  /** The rare summary JSON would change, cloned; a message without a source (not from an mbox), cloned whole. */
  readonly exact: Readonly<Record<number, { readonly summary: WireSummary; readonly message?: SeriesMessage }>>;
}

/** A message for a batch, with where it came from when it was read from an mbox, and its functions. */
export interface BatchItem {
  readonly message: SeriesMessage;
  readonly from: MessageSource | null;
  readonly functions?: readonly string[];
}

const encoder = new TextEncoder();
// A source may start with U+FEFF: the decoder keeps it.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

function wellFormed(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

/**
 * The sources one after the other in UTF-8, in a buffer of its own: a source whose bytes the reader kept is
 * copied, a run of the others is joined and encoded at once (one call per message cost ten times as much);
 * the joined text instead when one holds a lone surrogate. Joining and encoding every source took a third of
 * the worker's time on a 50 MB mailbox, copying its bytes a hundredth.
 */
function utf8(sources: readonly MessageSource[]): ArrayBuffer | string {
  const runs: (string | Uint8Array)[] = [];
  let size = 0;
  for (let k = 0; k < sources.length;) {
    const bytes = sources[k].bytes;
    if (bytes) { runs.push(bytes); size += bytes.length; k++; continue; }
    const texts: string[] = [];
    for (; k < sources.length && !sources[k].bytes; k++) texts.push(sources[k].text);
    const text = texts.length === 1 ? texts[0] : texts.join('');
    if (!wellFormed(text)) return sources.map((s) => s.text).join('');
    runs.push(text);
    size += text.length; // enough for ASCII, which never grows; grown below for the rest
  }
  let out = new Uint8Array(size);
  let n = 0;
  // What the runs after the current one need at least (their lengths): a text that grows in UTF-8 must not
  // take their room.
  let rest = size;
  const room = (bytes: number) => {
    if (out.length - n >= bytes) return;
    const grown = new Uint8Array(n + bytes);
    grown.set(out.subarray(0, n));
    out = grown;
  };
  for (const run of runs) {
    rest -= run.length;
    if (typeof run !== 'string') { room(run.length); out.set(run, n); n += run.length; continue; }
    for (let text = run; ;) {
      const r = encoder.encodeInto(text, out.subarray(n));
      n += r.written;
      if (r.read === text.length) break;
      text = text.slice(r.read);
      room(text.length * 3 + rest); // three bytes per UTF-16 unit at most
    }
  }
  return (n === out.length ? out : out.slice(0, n)).buffer as ArrayBuffer;
}

/** The worker's side of a batch (post it with `texts` in the transfer list when it is an ArrayBuffer). */
export function toBatch(items: readonly BatchItem[]): WireBatch {
  const summaries: (WireSummary | 0)[] = [];
  const exact: Record<number, { summary: WireSummary; message?: SeriesMessage }> = {};
  const sources: MessageSource[] = [];
  let at = 0;
  items.forEach(({ message: m, from, functions }, k) => {
    const summary: WireSummary = { index: m.index, sourceLine: m.sourceLine, subject: m.subject, subjectInfo: m.subjectInfo, from: m.from, date: m.date, messageId: m.messageId, inReplyTo: m.inReplyTo, placeholder: m.placeholder, files: m.patch?.files.length ?? 0 };
    if (functions) (summary as { fns?: readonly string[] }).fns = functions;
    if (from) {
      sources.push(from);
      (summary as { at?: WireSummary['at'] }).at = [at, at += from.text.length, from.firstLine, from.lines];
    }
    if (!from) { summaries.push(0); exact[k] = { summary, message: m }; }
    else if (jsonSafe(summary)) summaries.push(summary);
    else { summaries.push(0); exact[k] = { summary }; }
  });
  return { texts: utf8(sources), summaries: JSON.stringify(summaries), exact };
}

/** Hidden on each host-side message (not enumerable: equality and copies see the message only): its detail. */
const DETAIL = Symbol('detail');
/** Hidden likewise: the number of files of its patch, known without reading the detail. */
const FILES = Symbol('files');
/** Hidden likewise: the functions its hunks stand for, when the worker listed them. */
const FUNCTIONS = Symbol('functions');

/** The functions an imported message's hunks stand for, as the worker listed them; undefined when not listed. */
export function indexedFunctions(m: SeriesMessage): readonly string[] | undefined {
  return (m as { [FUNCTIONS]?: readonly string[] })[FUNCTIONS];
}

/** The number of files a message's patch changes; for a message of an import, read without reading its source. */
export function fileCount(m: SeriesMessage): number {
  return (m as { [FILES]?: number })[FILES] ?? m.patch?.files.length ?? 0;
}
type Lazy = SeriesMessage & { readonly [DETAIL]: () => MessageDetail };

/**
 * Own enumerable getters, shared by every message: the messages stay plain objects (same prototype, same
 * properties) with one hidden class; getters written in an object literal made each one a dictionary and
 * cost ten times as much to create.
 */
const DETAIL_GETTERS: PropertyDescriptorMap = {
  headers: { get(this: Lazy) { return this[DETAIL]().headers; }, enumerable: true, configurable: true },
  body: { get(this: Lazy) { return this[DETAIL]().body; }, enumerable: true, configurable: true },
  patch: { get(this: Lazy) { return this[DETAIL]().patch; }, enumerable: true, configurable: true },
};

/** The host's side: messages whose headers, body and patch are read from their source when first asked for. */
export function fromBatch(batch: WireBatch): SeriesMessage[] {
  const { exact } = batch;
  let wire: ArrayBuffer | string | null = batch.texts;
  let texts: string | null = null;
  const textsOf = (): string => {
    if (texts === null) { texts = typeof wire === 'string' ? wire : decoder.decode(wire!); wire = null; }
    return texts;
  };
  return (JSON.parse(batch.summaries) as (WireSummary | 0)[]).map((wire, k) => {
    const s = wire === 0 ? exact[k].summary : wire;
    const m = { index: s.index, sourceLine: s.sourceLine, subject: s.subject, subjectInfo: s.subjectInfo, from: s.from, date: s.date, messageId: s.messageId, inReplyTo: s.inReplyTo, placeholder: s.placeholder };
    let detail: MessageDetail | null = wire === 0 ? exact[k].message ?? null : null;
    const read = (): MessageDetail => {
      if (detail === null) {
        const [from, to, firstLine, lines] = s.at!;
        detail = readMessageAgain({ text: textsOf().slice(from, to), lines, firstLine }, s.index);
      }
      return detail;
    };
    Object.defineProperty(m, DETAIL, { value: read });
    Object.defineProperty(m, FILES, { value: s.files });
    Object.defineProperty(m, FUNCTIONS, { value: s.fns });
    return Object.defineProperties(m, DETAIL_GETTERS) as SeriesMessage;
  });
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
