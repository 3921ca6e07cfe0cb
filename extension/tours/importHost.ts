// The host's side of an import's batches (importProtocol.ts): what it keeps of each batch, and the messages as
// small objects whose fields are read from their batch's record when asked for (the source again for the rest).
import { decoder, IN_FILE, type MessageDetail, type MessageRef, type SeriesSkeleton, type WireBatch, type WireSummary } from './importProtocol';
import { linesAgain } from './lineIndex';
import { parseSubject, type PatchSeries, type SeriesMessage, type SubjectInfo } from './series';
import { readMessageAgain, unquoteFrom } from './seriesReader';

/** Strings of a batch, one per slot, kept as one string and where each ends: one object instead of one per message. */
class StringColumn {
  private readonly ends: Int32Array;
  readonly joined: string;

  constructor(values: readonly string[]) {
    this.ends = new Int32Array(values.length);
    let end = 0;
    values.forEach((v, k) => { this.ends[k] = end += v.length; });
    this.joined = values.join('');
  }

  at(slot: number): string {
    return this.joined.slice(slot === 0 ? 0 : this.ends[slot - 1], this.ends[slot]);
  }
}

/**
 * What the host keeps of a batch for its messages, shared by them: each one's summary by column, where its source
 * lies, its number of files and hunk entries, and its detail once read. Each message holds only this record and
 * its slot in it. A collection of the young generation copies every object that survives it, and all of an
 * import's messages survive: with a summary of its own strings per message (43,591 of them for a 50 MB mailbox),
 * the extension host's scavenges during an import took 50-80 ms.
 */
class BatchRecord {
  readonly index: Int32Array;
  readonly sourceLine: Int32Array;
  readonly placeholder: Uint8Array;
  readonly subject: StringColumn;
  readonly from: StringColumn;
  readonly inReplyTo: StringColumn;
  /** Per slot: start, end, first source line, lines, input chunk (-1: in `texts`). */
  readonly at: Int32Array;
  readonly files: Int32Array;
  /** Per slot: where its hunk entries start in `hunks`, and their length (-1: not listed). */
  readonly hunkAt: Int32Array;
  /** Read details by slot; a message without a source (not from an mbox) has its own from the start. */
  readonly details: (MessageDetail | undefined)[];
  /** The subjects' parts by slot, made when first asked for (tree rows and picks ask for a few). */
  readonly subjectInfo: (SubjectInfo | undefined)[];
  private wire: ArrayBuffer | string | null;
  private texts: string | null = null;

  constructor(summaries: readonly WireSummary[], wire: ArrayBuffer | string, private readonly host: HostSide, readonly hunks: string) {
    const count = summaries.length;
    this.index = Int32Array.from(summaries, (s) => s.index);
    this.sourceLine = Int32Array.from(summaries, (s) => s.sourceLine);
    this.placeholder = Uint8Array.from(summaries, (s) => (s.placeholder ? 1 : 0));
    this.subject = new StringColumn(summaries.map((s) => s.subject));
    this.from = new StringColumn(summaries.map((s) => s.from));
    this.inReplyTo = new StringColumn(summaries.map((s) => s.inReplyTo));
    this.files = Int32Array.from(summaries, (s) => s.files);
    this.at = new Int32Array(count * 5);
    this.hunkAt = new Int32Array(count * 2);
    let hunksAt = 0;
    summaries.forEach((s, k) => {
      if (s.at) this.at.set([s.at[0], s.at[1], s.at[2], s.at[3], s.at[4] ?? -1], k * 5);
      this.hunkAt[k * 2] = hunksAt;
      this.hunkAt[k * 2 + 1] = s.h ?? -1;
      hunksAt += s.h ?? 0;
    });
    this.details = new Array<MessageDetail | undefined>(count);
    this.subjectInfo = new Array<SubjectInfo | undefined>(count);
    this.wire = wire;
  }

  detail(slot: number): MessageDetail {
    let d = this.details[slot];
    if (d === undefined) {
      const [from, to, firstLine, lines, chunk] = this.at.subarray(slot * 5, slot * 5 + 5);
      const text = chunk === IN_FILE ? this.host.textAgain(firstLine, lines, to)
        : chunk < 0 ? this.textsOf().slice(from, to) : decoder.decode(new Uint8Array(this.host.chunk(chunk), from, to - from));
      d = this.details[slot] = readMessageAgain({ text, lines, firstLine }, this.index[slot]);
    }
    return d;
  }

  private textsOf(): string {
    if (this.texts === null) { this.texts = typeof this.wire === 'string' ? this.wire : decoder.decode(this.wire!); this.wire = null; }
    return this.texts;
  }
}

/** The imported mailbox file, read again (importClient.ts: fileRanges): its size then, and `length` bytes at `offset`. */
export interface MailboxFile {
  readonly size: number;
  read(offset: number, length: number): Uint8Array;
}

/**
 * What the host keeps across an import's batches: the input chunks sent so far and the mailbox file's line starts
 * (its messages are read from it again).
 */
export class HostSide {
  private readonly chunks = new Map<number, ArrayBuffer>();
  private readonly lineStarts: number[] = [];

  constructor(private readonly file?: MailboxFile) {}

  take(batch: Pick<WireBatch, 'chunks' | 'lineStarts'>): void {
    for (const [id, buffer] of batch.chunks ?? []) this.chunks.set(id, buffer);
    for (const at of batch.lineStarts ?? []) this.lineStarts.push(at);
  }

  chunk(id: number): ArrayBuffer {
    const chunk = this.chunks.get(id);
    if (chunk === undefined) throw new Error(`input chunk ${id} never reached the host`);
    return chunk;
  }

  /**
   * A message's text as the reader made it (MessageLines.text): its `lines` lines from source line `firstLine`
   * (1-based), mboxrd quoting undone, joined by "\n"; `length` is what the reader's text measured.
   */
  textAgain(firstLine: number, lines: number, length: number): string {
    if (!this.file) throw new Error('a message lies in the mailbox file, but this import has no reader for it');
    const bytes = linesAgain((offset, n) => this.file!.read(offset, n), this.file.size, this.lineStarts, firstLine - 1, lines);
    const text = lines === 0 ? '' : decoder.decode(bytes).split(/\r\n|\n|\r/).map(unquoteFrom).join('\n');
    if (text.length !== length) throw new Error(`the message at line ${firstLine} reads differently now: the mailbox has changed since it was imported; import it again`);
    return text;
  }
}

/** Hidden on each host-side message (not enumerable: equality and copies see the message only): its batch's record and its slot. */
const RECORD = Symbol('record');
const SLOT = Symbol('slot');
type Imported = SeriesMessage & { readonly [RECORD]?: BatchRecord; readonly [SLOT]: number };

/** An imported message's hunk entries as the worker encoded them (read without its source); undefined when not listed. */
export function indexedHunks(m: SeriesMessage): string | undefined {
  const record = (m as Imported)[RECORD];
  if (!record) return undefined;
  const slot = (m as Imported)[SLOT];
  const start = record.hunkAt[slot * 2];
  const length = record.hunkAt[slot * 2 + 1];
  return length < 0 ? undefined : record.hunks.slice(start, start + length);
}

/** The number of files a message's patch changes; for a message of an import, read without reading its source. */
export function fileCount(m: SeriesMessage): number {
  const i = m as Imported;
  return i[RECORD] ? i[RECORD].files[i[SLOT]] : m.patch?.files.length ?? 0;
}

/** A field of every imported message, read from its record. */
function field<T>(read: (record: BatchRecord, slot: number) => T): PropertyDescriptor {
  return { get(this: Imported) { return read(this[RECORD]!, this[SLOT]); }, enumerable: true, configurable: true };
}

/**
 * Own enumerable getters, shared by every message, in a message's own order: the messages stay plain objects
 * (same prototype, same properties) with one hidden class; getters written in an object literal made each one a
 * dictionary and cost ten times as much to create. The subject's parts are made from the subject when first
 * asked for, as the reader made them (makeMessage): they need not travel.
 */
const FIELDS: PropertyDescriptorMap = {
  index: field((r, k) => r.index[k]),
  sourceLine: field((r, k) => r.sourceLine[k]),
  subject: field((r, k) => r.subject.at(k)),
  from: field((r, k) => r.from.at(k)),
  inReplyTo: field((r, k) => r.inReplyTo.at(k)),
  placeholder: field((r, k) => r.placeholder[k] === 1),
  subjectInfo: field((r, k) => (r.subjectInfo[k] ??= parseSubject(r.subject.at(k)))),
  headers: field((r, k) => r.detail(k).headers),
  body: field((r, k) => r.detail(k).body),
  patch: field((r, k) => r.detail(k).patch),
  date: field((r, k) => r.detail(k).date),
  messageId: field((r, k) => r.detail(k).messageId),
};

/**
 * The host's side: messages whose headers, body and patch are read from their source when first asked for.
 * Pass the same `host` for every batch of an import.
 */
export function fromBatch(batch: WireBatch, host = new HostSide()): SeriesMessage[] {
  const { exact } = batch;
  host.take(batch);
  const wires = JSON.parse(batch.summaries) as (WireSummary | 0)[];
  const record = new BatchRecord(wires.map((wire, k) => (wire === 0 ? exact[k].summary : wire)), batch.texts, host, batch.hunks ?? '');
  return wires.map((wire, k) => {
    if (wire === 0) record.details[k] = exact[k].message;
    const m = {};
    Object.defineProperty(m, RECORD, { value: record });
    Object.defineProperty(m, SLOT, { value: k });
    return Object.defineProperties(m, FIELDS) as SeriesMessage;
  });
}

export function fromSkeleton(s: SeriesSkeleton, messages: readonly SeriesMessage[]): PatchSeries {
  const deref = (r: MessageRef): SeriesMessage => (typeof r === 'number' ? messages[r] : r);
  return { ...s, cover: s.cover === null ? null : deref(s.cover), patches: s.patches.map(deref), others: s.others.map(deref) };
}
