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
 * Where a message's numbers lie in its batch's `numbers`, NUMBERS_PER_MESSAGE of them a message: its summary's
 * numbers, the number of files its patch changes (the Patch Series tree shows it per patch), the length of its
 * hunks' entries in the batch's `hunks` (-1: not listed), and where its source lies: `chunk` is an input chunk
 * (InputChunks; start and end in bytes), IN_TEXTS (the batch's `texts`), IN_FILE (the mailbox file, by its
 * lines; end is then its text's length) or NO_SOURCE (a message in `exact`).
 */
export const AT = { index: 0, sourceLine: 1, placeholder: 2, files: 3, hunks: 4, start: 5, end: 6, firstLine: 7, lines: 8, chunk: 9 } as const;
export const NUMBERS_PER_MESSAGE = 10;
/** The text fields of a message in its batch's `strings`, in this order, STRINGS_PER_MESSAGE a message. */
export const STRING_FIELDS = ['subject', 'from', 'inReplyTo'] as const;
export const STRINGS_PER_MESSAGE = STRING_FIELDS.length;
export const IN_TEXTS = -1;
export const IN_FILE = -2;
export const NO_SOURCE = -3;

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
  /**
   * The messages' summaries as columns, not one object each: their numbers (AT) in an Int32Array's buffer,
   * transferred, and their text fields (STRING_FIELDS) joined in one string with where each ends in `ends` (an
   * Int32Array's buffer, transferred; in the units of PackedText). The subject's parts do not travel: the host makes
   * them from the subject when asked. Summaries as JSON cost the host a parse and an object per message, and its
   * scavenges copied them.
   */
  readonly numbers: ArrayBuffer;
  readonly strings: PackedText;
  readonly ends: ArrayBuffer;
  /** A message without a source (not from an mbox), cloned whole, by its place in the batch. */
  readonly exact: Readonly<Record<number, SeriesMessage>>;
  /** Input chunks this batch's messages (and maybe later ones) lie in, by number, sent once each, transferred. */
  readonly chunks?: readonly (readonly [number, ArrayBuffer])[];
  /** From a mailbox file: where its lines start (LineIndex), every LINE_STEP-th, those added since the last batch. */
  readonly lineStarts?: readonly number[];
  /**
   * The entries of the messages' hunks that stand for a function (links.ts: hunkEntries, as encodeEntries writes
   * them), one message's after the other (each one's length in AT.hunks, in the units of PackedText): finding the
   * hunks of an event reads no message. One text for the batch, not one per message: the host keeps it as it came.
   */
  readonly hunks?: PackedText;
}

/**
 * A batch's joined text fields or hunk entries: UTF-8 bytes in a buffer of their own, transferred, with lengths in
 * bytes; a string (lengths in characters) only when they hold a lone surrogate, which UTF-8 cannot carry. As
 * strings they were cloned onto the host's heap as they arrived (13 MB for a 50 MB mailbox), and its scavenges
 * copied them; as bytes they stay off it, and the host decodes the few fields it shows.
 */
export type PackedText = ArrayBuffer | string;

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

/** The number of files a message's patch changes, from the message or the summary the worker kept of it. */
function filesOf(m: SeriesMessage | SummaryWithFiles): number {
  return 'patch' in m ? m.patch?.files.length ?? 0 : m.files;
}

/** A message's summary as the worker keeps it until its batch is sent, in an object of its own. */
function summaryOf(m: SeriesMessage): SummaryWithFiles {
  return { index: m.index, sourceLine: m.sourceLine, subject: m.subject, from: m.from, inReplyTo: m.inReplyTo, placeholder: m.placeholder, files: filesOf(m) };
}

const encoder = new TextEncoder();
// A source may start with U+FEFF: the decoder keeps it.
export const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

function wellFormed(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

/** The number of bytes of a well-formed string in UTF-8. */
function utf8Length(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff) { n += 2; i++; } // a pair: four bytes for two characters
    else n += 2;
  }
  return n;
}

/** Parts joined as PackedText, and each part's length in its units when that is not its length in characters. */
function packParts(parts: readonly string[]): { readonly wire: PackedText; readonly sizes: readonly number[] | null } {
  const joined = parts.join('');
  if (!wellFormed(joined)) return { wire: joined, sizes: null };
  const wire = utf8(joined);
  return { wire, sizes: wire.byteLength === joined.length ? null : parts.map(utf8Length) };
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

/**
 * The worker's side of a batch: post it with `numbers`, `ends`, `texts` (when it is an ArrayBuffer) and the
 * `chunks`' buffers in the transfer list (batchTransfer). Sources in `input`'s chunks travel as places in them;
 * with `file` (the input is a mailbox file the host can read again) no source travels, only the file's line
 * starts: holding the sources took the host 77 MB for a 50 MB mailbox.
 */
export function toBatch(items: readonly BatchItem[], input?: InputChunks, file?: LineIndex): WireBatch {
  const numbers = new Int32Array(items.length * NUMBERS_PER_MESSAGE);
  const ends = new Int32Array(items.length * STRINGS_PER_MESSAGE);
  const strings: string[] = [];
  const exact: Record<number, SeriesMessage> = {};
  const texts: string[] = [];
  const chunks: [number, ArrayBuffer][] = [];
  const entries: string[] = [];
  let at = 0;
  let stringsEnd = 0;
  items.forEach(({ message: m, from, hunks }, k) => {
    const row = k * NUMBERS_PER_MESSAGE;
    const put = (field: keyof typeof AT, value: number) => {
      // Int32 holds every count and offset a batch has; a value past it is a bug, not a big input.
      if ((value | 0) !== value) throw new Error(`a message's ${field} (${value}) does not fit its batch`);
      numbers[row + AT[field]] = value;
    };
    put('index', m.index);
    put('sourceLine', m.sourceLine);
    put('placeholder', m.placeholder ? 1 : 0);
    put('files', filesOf(m));
    if (hunks !== undefined) entries.push(hunks);
    put('hunks', hunks === undefined ? -1 : hunks.length);
    STRING_FIELDS.forEach((name, j) => { strings.push(m[name]); ends[k * STRINGS_PER_MESSAGE + j] = stringsEnd += m[name].length; });
    if (from && file) {
      put('start', 0); put('end', from.text.length); put('chunk', IN_FILE);
    } else if (from?.bytes && input?.send(from.bytes.chunk, chunks)) {
      put('start', from.bytes.start); put('end', from.bytes.end); put('chunk', from.bytes.chunk);
    } else if (from) {
      texts.push(from.text);
      put('start', at); put('end', at += from.text.length); put('chunk', IN_TEXTS);
    } else {
      put('chunk', NO_SOURCE);
      exact[k] = m as SeriesMessage;
    }
    if (from) { put('firstLine', from.firstLine); put('lines', from.lines); }
  });
  const joined = texts.join('');
  const packedStrings = packParts(strings);
  if (packedStrings.sizes) for (let i = 0, end = 0; i < ends.length; i++) ends[i] = end += packedStrings.sizes[i];
  const packedHunks = packParts(entries);
  if (packedHunks.sizes) {
    let next = 0;
    for (let k = 0; k < items.length; k++) {
      const at = k * NUMBERS_PER_MESSAGE + AT.hunks;
      if (numbers[at] >= 0) numbers[at] = packedHunks.sizes[next++];
    }
  }
  const wire: WireBatch = {
    texts: wellFormed(joined) ? utf8(joined) : joined, numbers: numbers.buffer, strings: packedStrings.wire, ends: ends.buffer, exact, hunks: packedHunks.wire,
  };
  return { ...wire, ...(chunks.length > 0 ? { chunks } : {}), ...(file ? { lineStarts: file.take() } : {}) };
}

/** The buffers a batch hands over to the host rather than copies (postMessage's transfer list). */
export function batchTransfer(wire: WireBatch): ArrayBuffer[] {
  const buffers = [wire.texts, wire.strings, wire.hunks].filter((t): t is ArrayBuffer => t instanceof ArrayBuffer);
  return [wire.numbers, wire.ends, ...buffers, ...(wire.chunks ?? []).map(([, buffer]) => buffer)];
}

/** A message read from the input is sent by its `index` (its place in the batches); a placeholder whole. */
export function toSkeleton(series: PatchSeries): SeriesSkeleton {
  const ref = (m: SeriesMessage): MessageRef => (m.index >= 0 ? m.index : m);
  return { ...series, cover: series.cover ? ref(series.cover) : null, patches: series.patches.map(ref), others: series.others.map(ref) };
}
