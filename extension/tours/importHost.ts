// The host's side of an import's batches (importProtocol.ts): what it keeps of each batch, and the messages as
// small objects whose fields are read from their batch's record when asked for (the source again for the rest).
import { AT, decoder, IN_FILE, IN_TEXTS, NUMBERS_PER_MESSAGE, STRING_FIELDS, STRINGS_PER_MESSAGE, type MessageDetail, type MessageRef, type PackedText, type SeriesSkeleton, type WireBatch } from './importProtocol';
import { linesAgain } from './lineIndex';
import { parseSubject, type PatchSeries, type SeriesMessage, type SubjectInfo } from './series';
import { readMessageAgain, unquoteFrom } from './seriesReader';

/** A batch's PackedText as the host keeps it: the bytes off its heap (or the string), a part decoded when asked. */
class PackedColumn {
  private readonly text: Uint8Array | string;

  constructor(wire: PackedText) {
    this.text = typeof wire === 'string' ? wire : new Uint8Array(wire);
  }

  /** The part from `start` to `end`, in the units of PackedText. */
  slice(start: number, end: number): string {
    return typeof this.text === 'string' ? this.text.slice(start, end) : decoder.decode(this.text.subarray(start, end));
  }
}

/** A batch's text fields, STRINGS_PER_MESSAGE a slot, as they came: packed, and where each ends. */
class StringColumn {
  constructor(private readonly joined: PackedColumn, private readonly ends: Int32Array) {}

  at(i: number): string {
    return this.joined.slice(i === 0 ? 0 : this.ends[i - 1], this.ends[i]);
  }
}

/**
 * What the host keeps of a batch for its messages, shared by them: the summaries' columns as they came (AT,
 * STRING_FIELDS), where each message's hunk entries start, and each message's detail once read. Each message
 * holds only this record and its slot in it. A collection of the young generation copies every object that
 * survives it, and all of an import's messages survive: with a summary of its own strings per message (43,591 of
 * them for a 50 MB mailbox), the extension host's scavenges during an import took 50-80 ms.
 */
class BatchRecord {
  private readonly numbers: Int32Array;
  private readonly strings: StringColumn;
  private readonly hunksStart: Int32Array;
  private readonly hunks: PackedColumn;
  /** Read details by slot; a message without a source (not from an mbox) has its own from the start. */
  private readonly details: (MessageDetail | undefined)[];
  /** The subjects' parts by slot, made when first asked for (tree rows and picks ask for a few). */
  private readonly subjectInfos: (SubjectInfo | undefined)[];
  private wire: ArrayBuffer | string | null;
  private texts: string | null = null;

  constructor(batch: WireBatch, private readonly host: HostSide) {
    this.numbers = new Int32Array(batch.numbers);
    this.strings = new StringColumn(new PackedColumn(batch.strings), new Int32Array(batch.ends));
    const count = this.numbers.length / NUMBERS_PER_MESSAGE;
    this.hunksStart = new Int32Array(count);
    for (let k = 0, start = 0; k < count; k++) {
      this.hunksStart[k] = start;
      start += Math.max(0, this.number(k, 'hunks'));
    }
    this.hunks = new PackedColumn(batch.hunks ?? '');
    this.details = new Array<MessageDetail | undefined>(count);
    for (const [k, message] of Object.entries(batch.exact)) this.details[Number(k)] = message;
    this.subjectInfos = new Array<SubjectInfo | undefined>(count);
    this.wire = batch.texts;
  }

  get count(): number {
    return this.hunksStart.length;
  }

  number(slot: number, field: keyof typeof AT): number {
    return this.numbers[slot * NUMBERS_PER_MESSAGE + AT[field]];
  }

  string(slot: number, field: (typeof STRING_FIELDS)[number]): string {
    return this.strings.at(slot * STRINGS_PER_MESSAGE + STRING_FIELDS.indexOf(field));
  }

  subjectInfo(slot: number): SubjectInfo {
    return (this.subjectInfos[slot] ??= parseSubject(this.string(slot, 'subject')));
  }

  hunkEntries(slot: number): string | undefined {
    const length = this.number(slot, 'hunks');
    return length < 0 ? undefined : this.hunks.slice(this.hunksStart[slot], this.hunksStart[slot] + length);
  }

  detail(slot: number): MessageDetail {
    let d = this.details[slot];
    if (d === undefined) {
      const [from, to, firstLine, lines, chunk] = (['start', 'end', 'firstLine', 'lines', 'chunk'] as const).map((f) => this.number(slot, f));
      const text = chunk === IN_FILE ? this.host.textAgain(firstLine, lines, to)
        : chunk === IN_TEXTS ? this.textsOf().slice(from, to) : decoder.decode(new Uint8Array(this.host.chunk(chunk), from, to - from));
      d = this.details[slot] = readMessageAgain({ text, lines, firstLine }, this.number(slot, 'index'));
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

/**
 * A message of an import on the host: its batch's record and its slot, every field a getter that reads the record
 * (the headers, body and patch from its source when first asked for). One small object per message, made with
 * `new`: own getters defined on each message took the host 3.6 µs and 460 bytes of garbage a message.
 */
class ImportedMessage implements SeriesMessage {
  readonly #record: BatchRecord;
  readonly #slot: number;

  constructor(record: BatchRecord, slot: number) {
    this.#record = record;
    this.#slot = slot;
  }

  get index(): number { return this.#record.number(this.#slot, 'index'); }
  get sourceLine(): number { return this.#record.number(this.#slot, 'sourceLine'); }
  get headers(): SeriesMessage['headers'] { return this.#record.detail(this.#slot).headers; }
  get subject(): string { return this.#record.string(this.#slot, 'subject'); }
  get subjectInfo(): SubjectInfo { return this.#record.subjectInfo(this.#slot); }
  get from(): string { return this.#record.string(this.#slot, 'from'); }
  get date(): string { return this.#record.detail(this.#slot).date; }
  get messageId(): string { return this.#record.detail(this.#slot).messageId; }
  get inReplyTo(): string { return this.#record.string(this.#slot, 'inReplyTo'); }
  get body(): string { return this.#record.detail(this.#slot).body; }
  get patch(): SeriesMessage['patch'] { return this.#record.detail(this.#slot).patch; }
  get placeholder(): boolean { return this.#record.number(this.#slot, 'placeholder') === 1; }

  /** Its hunks' entries as the worker encoded them, undefined when not listed. */
  hunkEntries(): string | undefined { return this.#record.hunkEntries(this.#slot); }
  fileCount(): number { return this.#record.number(this.#slot, 'files'); }
  /** JSON of a message of an import is the JSON of the message it stands for. */
  toJSON(): SeriesMessage { return plainMessage(this); }
}

/** The message an imported one stands for, as a plain object with every field read; any other message as it is. */
export function plainMessage(m: SeriesMessage): SeriesMessage {
  if (!(m instanceof ImportedMessage)) return m;
  return {
    index: m.index, sourceLine: m.sourceLine, headers: m.headers, subject: m.subject, subjectInfo: m.subjectInfo, from: m.from,
    date: m.date, messageId: m.messageId, inReplyTo: m.inReplyTo, body: m.body, patch: m.patch, placeholder: m.placeholder,
  };
}

/** An imported message's hunk entries as the worker encoded them (read without its source); undefined when not listed. */
export function indexedHunks(m: SeriesMessage): string | undefined {
  return m instanceof ImportedMessage ? m.hunkEntries() : undefined;
}

/** The number of files a message's patch changes; for a message of an import, read without reading its source. */
export function fileCount(m: SeriesMessage): number {
  return m instanceof ImportedMessage ? m.fileCount() : m.patch?.files.length ?? 0;
}

/**
 * The host's side: messages whose headers, body and patch are read from their source when first asked for.
 * Pass the same `host` for every batch of an import.
 */
export function fromBatch(batch: WireBatch, host = new HostSide()): SeriesMessage[] {
  host.take(batch);
  const record = new BatchRecord(batch, host);
  const messages = new Array<SeriesMessage>(record.count);
  for (let k = 0; k < messages.length; k++) messages[k] = new ImportedMessage(record, k);
  return messages;
}

export function fromSkeleton(s: SeriesSkeleton, messages: readonly SeriesMessage[]): PatchSeries {
  const deref = (r: MessageRef): SeriesMessage => (typeof r === 'number' ? messages[r] : r);
  return { ...s, cover: s.cover === null ? null : deref(s.cover), patches: s.patches.map(deref), others: s.others.map(deref) };
}
