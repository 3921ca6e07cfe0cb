// The messages between the extension host and the import worker (importWorker.ts), declared once for both
// sides: what to import, progress, messages in batches (summaries now, the rest read from their source when
// asked), and the assembled series as references. The host keeps what it receives with importHost.ts.
import type { LineIndex } from './lineIndex';
import type { PatchSeries, SeriesMessage } from './series';
import type { MessageSource } from './seriesReader';

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

/**
 * What the host holds of a message from the start: what lists and trees show of it. Its date and Message-Id are
 * read with its headers, when asked for (a review reply, the message's view): they took a sixth of what the host
 * held of a 50 MB mailbox, and the series was threaded by the worker.
 */
export type MessageSummary = Omit<SeriesMessage, 'headers' | 'body' | 'patch' | 'date' | 'messageId'>;
/**
 * As it travels: with the number of files its patch changes (the Patch Series tree shows it per patch) and,
 * for a message of an mbox, where its source lies in the batch's `texts`: [start, end, its first source line,
 * its number of lines], or, with a fifth number, in that input chunk (InputChunks; start and end in bytes), or,
 * with IN_FILE, in the mailbox file by its lines (end is then its text's length);
 * the length of its hunks' entries in the batch's `hunks` (absent: not listed).
 */
export type WireSummary = Omit<MessageSummary, 'subjectInfo'> & { readonly files: number; readonly at?: readonly [number, number, number, number, number?]; readonly h?: number };

/** What the host reads only when asked. */
export type MessageDetail = Pick<SeriesMessage, 'headers' | 'body' | 'patch' | 'date' | 'messageId'>;

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
  /** JSON of the summaries (without the subject's parts, which the host makes from the subject when asked), 0 for
   *  a message in `exact`. */
  readonly summaries: string;
  /** A message without a source (not from an mbox), cloned whole with its summary. */
  readonly exact: Readonly<Record<number, { readonly summary: WireSummary; readonly message: SeriesMessage }>>;
  /** Input chunks this batch's messages (and maybe later ones) lie in, by number, sent once each, transferred. */
  readonly chunks?: readonly (readonly [number, ArrayBuffer])[];
  /** From a mailbox file: where its lines start (LineIndex), every LINE_STEP-th, those added since the last batch. */
  readonly lineStarts?: readonly number[];
  /**
   * The entries of the messages' hunks that stand for a function (links.ts: hunkEntries, as encodeEntries writes
   * them), one message's after the other: finding the hunks of an event reads no message. One string for the
   * batch, not one per message: the host keeps it as it came, and its heap one object the fewer per message.
   */
  readonly hunks?: string;
}

/** A message for a batch, with where it came from when it was read from an mbox, and its hunks' encoded entries. */
export interface BatchItem {
  /** The message, or for one with a source only its summary (batchItem): the rest is read again on the host. */
  readonly message: SeriesMessage | SummaryWithFiles;
  readonly from: MessageSource | null;
  readonly hunks?: string;
}

type SummaryWithFiles = Omit<MessageSummary, 'subjectInfo'> & { readonly files: number };

/**
 * The worker's item for a message it has just read: a message with a source keeps only its summary, so its parsed
 * headers, body and patch die young (kept until the batch was sent, they survived collections of the worker's
 * young generation, which copied them each time).
 */
export function batchItem(m: SeriesMessage, from: MessageSource | null, hunks?: string): BatchItem {
  return { message: from ? summaryOf(m) : m, from, hunks };
}

/** A message's summary as it travels, in an object of its own. */
function summaryOf(m: SeriesMessage | SummaryWithFiles): SummaryWithFiles {
  const files = 'patch' in m ? m.patch?.files.length ?? 0 : m.files;
  return { index: m.index, sourceLine: m.sourceLine, subject: m.subject, from: m.from, inReplyTo: m.inReplyTo, placeholder: m.placeholder, files };
}

const encoder = new TextEncoder();
// A source may start with U+FEFF: the decoder keeps it.
export const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

function wellFormed(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

/** The text in UTF-8 in a buffer of its own. One call on the joined text: one call per message cost ten times as much. */
function utf8(text: string): ArrayBuffer {
  let bytes = new Uint8Array(text.length);
  const r = encoder.encodeInto(text, bytes);
  if (r.read === text.length) return (r.written === bytes.length ? bytes : bytes.slice(0, r.written)).buffer as ArrayBuffer;
  bytes = encoder.encode(text);
  return (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice()).buffer as ArrayBuffer;
}

/**
 * The worker's record of the input's chunks that can travel as they are: all ASCII (a message's text is then
 * its bytes) in a buffer of their own. Such a chunk goes to the host once, transferred, with the first batch
 * whose messages lie in it, and those messages' sources are places in it. Joining and encoding the sources
 * again took a third of the worker's time on a 50 MB mailbox, and copying their bytes into each batch's new
 * buffer an eighth (page faults on the fresh memory); the chunks' memory is already the input's.
 */
export class InputChunks {
  /** The chunks that may travel and have not yet, in the order they came (a Map keeps it). */
  private readonly waiting = new Map<number, ArrayBuffer>();
  private readonly sent = new Set<number>();
  private count = 0;

  /** Call for every chunk, in the order the reader gets them; true when it may travel as it is (see above). */
  add(bytes: Uint8Array, ascii: (bytes: Uint8Array) => boolean): boolean {
    const id = this.count++;
    if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength || !(bytes.buffer instanceof ArrayBuffer) || !ascii(bytes)) return false;
    this.waiting.set(id, bytes.buffer);
    return true;
  }

  /**
   * True when the chunk travels as it is; its buffer is added to `out` the first time (then it is the host's).
   * Messages come in source order, so no later one lies in an earlier chunk: those still waiting are let go.
   */
  send(id: number, out: [number, ArrayBuffer][]): boolean {
    if (this.sent.has(id)) return true;
    const buffer = this.waiting.get(id);
    if (buffer === undefined) return false;
    for (const older of this.waiting.keys()) {
      if (older >= id) break;
      this.waiting.delete(older);
    }
    this.waiting.delete(id);
    this.sent.add(id);
    out.push([id, buffer]);
    return true;
  }
}

/** `at[4]` of a message read again from the mailbox file by its lines (LineIndex); at[1] is then its text's length. */
export const IN_FILE = -2;

/**
 * The worker's side of a batch: post it with `texts` (when it is an ArrayBuffer) and the `chunks`' buffers in
 * the transfer list. Sources in `input`'s chunks travel as places in them; with `file` (the input is a mailbox
 * file the host can read again) no source travels, only the file's line starts: holding the sources took the
 * host 77 MB for a 50 MB mailbox.
 */
export function toBatch(items: readonly BatchItem[], input?: InputChunks, file?: LineIndex): WireBatch {
  const summaries: (WireSummary | 0)[] = [];
  const exact: Record<number, { summary: WireSummary; message: SeriesMessage }> = {};
  const texts: string[] = [];
  const chunks: [number, ArrayBuffer][] = [];
  const entries: string[] = [];
  let at = 0;
  items.forEach(({ message: m, from, hunks }, k) => {
    const summary: WireSummary = summaryOf(m);
    if (hunks !== undefined) { entries.push(hunks); (summary as { h?: number }).h = hunks.length; }
    if (from && file) {
      (summary as { at?: WireSummary['at'] }).at = [0, from.text.length, from.firstLine, from.lines, IN_FILE];
    } else if (from?.bytes && input?.send(from.bytes.chunk, chunks)) {
      (summary as { at?: WireSummary['at'] }).at = [from.bytes.start, from.bytes.end, from.firstLine, from.lines, from.bytes.chunk];
    } else if (from) {
      texts.push(from.text);
      (summary as { at?: WireSummary['at'] }).at = [at, at += from.text.length, from.firstLine, from.lines];
    }
    if (!from) { summaries.push(0); exact[k] = { summary, message: m as SeriesMessage }; }
    else summaries.push(summary);
  });
  const joined = texts.join('');
  const wire: WireBatch = { texts: wellFormed(joined) ? utf8(joined) : joined, summaries: JSON.stringify(summaries), exact, hunks: entries.join('') };
  return { ...wire, ...(chunks.length > 0 ? { chunks } : {}), ...(file ? { lineStarts: file.take() } : {}) };
}

/** A message read from the input is sent by its `index` (its place in the batches); a placeholder whole. */
export function toSkeleton(series: PatchSeries): SeriesSkeleton {
  const ref = (m: SeriesMessage): MessageRef => (m.index >= 0 ? m.index : m);
  return { ...series, cover: series.cover ? ref(series.cover) : null, patches: series.patches.map(ref), others: series.others.map(ref) };
}
