// The messages between the extension host and the import worker (importWorker.ts), declared once for both
// sides: what to import, progress, parsed messages in batches (summaries now, details when asked), and the
// assembled series as references.
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
  | ({ readonly type: 'messages' } & WireBatch)
  | { readonly type: 'done'; readonly series: SeriesSkeleton }
  | { readonly type: 'error'; readonly message: string };

/** Messages go to the host in batches of about this many characters, so no single batch blocks it long. */
export const BATCH_CHARS = 256 * 1024;

/** What the host holds of a message from the start: what lists and trees show of it. */
export type MessageSummary = Omit<SeriesMessage, 'headers' | 'body' | 'patch'>;
/** As it travels: with the number of files its patch changes, which the Patch Series tree shows per patch. */
type WireSummary = MessageSummary & { readonly files: number };

/**
 * What it reads only when asked: a batch's headers, bodies and patches travel as bytes, which the host keeps
 * as they came (transferred, off its heap) and decodes on the first access to one of its messages. Cloning them at once filled the
 * host's young generation with the whole mailbox, and its scavenges blocked it (measured: 1.2-1.8 s of host
 * CPU for a 50 MB mbox, mostly in the garbage collector). JSON, not v8.serialize: half the cost to write, a
 * fifth to read.
 */
export type MessageDetail = Pick<SeriesMessage, 'headers' | 'body' | 'patch'>;

/**
 * A message as it crosses to the host: each hunk's text is a stretch of the message body, so it travels as
 * two offsets instead of a second copy (structured clone copies every string; the host slices them back).
 */
export interface WireMessage extends Omit<SeriesMessage, 'patch'> {
  readonly patch: WirePatch | null;
}
/** The commit message is the start of the body (its length then travels), unless the body was decoded apart. */
type WirePatch = Omit<ParsedPatchBody, 'files' | 'message'> & { readonly message: string | number; readonly files: readonly WireFile[] };
/** In a batch the body itself is a stretch of the batch's `texts`. */
type WireDetail = Pick<WireMessage, 'headers' | 'patch'> & { readonly bodyAt: readonly [number, number] };
type WireFile = Omit<FileDiff, 'hunks'> & { readonly hunks: readonly WireHunk[] };
type WireHunk = Omit<Hunk, 'body'> & { readonly bodyAt: readonly [number, number] | string };

/** Where `part` (a stretch of `body`) starts at or after `from`; -1 when it is not there. */
function offsetIn(body: string, part: string, from: number): number {
  // Searching for the whole hunk text costs a search table as long as the hunk: look for its start, then compare.
  const probe = part.slice(0, 32);
  for (let at = body.indexOf(probe, from); at >= 0; at = body.indexOf(probe, at + 1)) {
    if (body.startsWith(part, at)) return at;
  }
  return -1;
}

export function toWire(m: SeriesMessage): WireMessage {
  if (!m.patch) return m as WireMessage;
  let from = 0;
  const files = m.patch.files.map((f): WireFile => ({
    oldPath: f.oldPath, newPath: f.newPath, status: f.status, binary: f.binary, sourceLine: f.sourceLine,
    hunks: f.hunks.map((h): WireHunk => {
      const at = h.body === '' ? -1 : offsetIn(m.body, h.body, from);
      if (at >= 0) from = at + h.body.length;
      return {
        id: h.id, header: h.header, oldStart: h.oldStart, oldCount: h.oldCount, newStart: h.newStart, newCount: h.newCount,
        section: h.section, lineCount: h.lineCount, sourceLine: h.sourceLine, functions: h.functions, truncated: h.truncated,
        bodyAt: at >= 0 ? [at, at + h.body.length] as const : h.body,
      };
    }),
  }));
  const message = m.patch.message !== '' && m.body.startsWith(m.patch.message) ? m.patch.message.length : m.patch.message;
  return { ...m, patch: { ...m.patch, message, files } };
}

/**
 * The message again, built in place: `m` is a fresh copy that structured clone made for the receiver, so its
 * hunks are completed where they are rather than copied (the host receives thousands of them).
 */
export function fromWire<M extends Pick<WireMessage, 'body' | 'patch'>>(m: M): Omit<M, 'patch'> & Pick<SeriesMessage, 'patch'> {
  const patch = m.patch as { message: string | number } | null;
  if (patch && typeof patch.message === 'number') patch.message = m.body.slice(0, patch.message);
  for (const f of m.patch?.files ?? []) {
    for (const h of f.hunks as (WireHunk & { body?: string })[]) {
      const at = h.bodyAt;
      h.body = typeof at === 'string' ? at : m.body.slice(at[0], at[1]);
      delete (h as { bodyAt?: unknown }).bodyAt;
    }
  }
  return m as unknown as Omit<M, 'patch'> & Pick<SeriesMessage, 'patch'>;
}

/** True when JSON carries the message's numbers as they are (a hunk header of 400 digits reads as Infinity). */
function jsonSafe(s: WireSummary, m: WireDetail): boolean {
  const { version, number, total } = s.subjectInfo;
  if (!Number.isFinite((version ?? 0) + (number ?? 0) + (total ?? 0))) return false;
  for (const f of m.patch?.files ?? []) {
    for (const h of f.hunks) if (!Number.isFinite(h.oldStart + h.oldCount + h.newStart + h.newCount)) return false;
  }
  for (const d of m.patch?.diffstat ?? []) if (d.changes !== null && !Number.isFinite(d.changes)) return false;
  return true;
}

/**
 * A batch as it travels: the bodies as one text, and two JSON texts (structured clone reads objects five times
 * slower than JSON.parse; the bodies, a third of it all, are copied as they are rather than escaped and read).
 */
export interface WireBatch {
  /** The bodies of the batch's messages one after the other, in UTF-8, transferred (as a string if it holds a
   *  lone surrogate, which UTF-8 cannot carry; the worker decodes bytes, so only a string input can). */
  readonly texts: ArrayBuffer | string;
  /** JSON of the summaries, 0 for a message in `exact`. */
  readonly summaries: string;
  /** JSON of the details, 0 for a message in `exact`, in UTF-8, transferred. */
  readonly details: ArrayBuffer;
  /** The rare message JSON would change, cloned whole, by its place in the batch. */
  readonly exact: Readonly<Record<number, { readonly summary: WireSummary; readonly detail: WireDetail }>>;
}

const encoder = new TextEncoder();
// A body may start with U+FEFF: the decoder keeps it.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** The text in UTF-8, in an ArrayBuffer of its own to transfer. */
function utf8(text: string): ArrayBuffer {
  const bytes = encoder.encode(text);
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes.buffer as ArrayBuffer : bytes.slice().buffer as ArrayBuffer;
}

function wellFormed(text: string): boolean {
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
}

/** Texts written one after the other in UTF-8 into one buffer: no joined copy of them is made first. */
class Utf8Texts {
  private bytes: Uint8Array;
  private n = 0;

  /** `expected`: their length in UTF-16 units, which is their size in UTF-8 when they are ASCII. */
  constructor(expected: number) {
    this.bytes = new Uint8Array(expected);
  }

  write(text: string): void {
    let rest = text;
    for (;;) {
      const r = encoder.encodeInto(rest, this.bytes.subarray(this.n));
      this.n += r.written;
      if (r.read === rest.length) return;
      rest = rest.slice(r.read);
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.n + rest.length * 3));
      grown.set(this.bytes.subarray(0, this.n));
      this.bytes = grown;
    }
  }

  /** The bytes written, in a buffer of their own (the one written into, when they filled it). */
  buffer(): ArrayBuffer {
    return (this.n === this.bytes.length ? this.bytes.buffer : this.bytes.slice(0, this.n).buffer) as ArrayBuffer;
  }
}

/** The worker's side of a batch (post it with `texts` and `details` in the transfer list). */
export function toBatch(messages: readonly SeriesMessage[]): WireBatch {
  const summaries: (WireSummary | 0)[] = [];
  const details: (WireDetail | 0)[] = [];
  const exact: Record<number, { summary: WireSummary; detail: WireDetail }> = {};
  let at = 0;
  let total = 0;
  let wellFormedTexts = true;
  for (const m of messages) {
    total += m.body.length;
    if (wellFormedTexts && !wellFormed(m.body)) wellFormedTexts = false;
  }
  const texts = wellFormedTexts ? new Utf8Texts(total) : null;
  messages.forEach((m, k) => {
    const summary = { index: m.index, sourceLine: m.sourceLine, subject: m.subject, subjectInfo: m.subjectInfo, from: m.from, date: m.date, messageId: m.messageId, inReplyTo: m.inReplyTo, placeholder: m.placeholder, files: m.patch?.files.length ?? 0 };
    const w = toWire(m);
    texts?.write(m.body);
    const detail = { headers: w.headers, bodyAt: [at, at += m.body.length] as const, patch: w.patch };
    if (jsonSafe(summary, detail)) { summaries.push(summary); details.push(detail); }
    else { summaries.push(0); details.push(0); exact[k] = { summary, detail }; }
  });
  return { texts: texts ? texts.buffer() : messages.map((m) => m.body).join(''), summaries: JSON.stringify(summaries), details: utf8(JSON.stringify(details)), exact };
}

/** Hidden on each host-side message (not enumerable: equality and copies see the message only): its detail. */
const DETAIL = Symbol('detail');
/** Hidden likewise: the number of files of its patch, known without reading the detail. */
const FILES = Symbol('files');

/** The number of files a message's patch changes; for a message of an import, read without decoding its batch. */
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

/** The host's side: messages whose headers, body and patch are read from the batch when first asked for. */
export function fromBatch(batch: WireBatch): SeriesMessage[] {
  const { exact } = batch;
  let wire: WireBatch | null = batch;
  let decoded: MessageDetail[] | null = null;
  const detail = (k: number): MessageDetail => {
    if (decoded === null) {
      const texts = typeof wire!.texts === 'string' ? wire!.texts : decoder.decode(wire!.texts);
      decoded = (JSON.parse(decoder.decode(wire!.details)) as (WireDetail | 0)[]).map((wire, i) => {
        const d = wire === 0 ? exact[i].detail : wire;
        return fromWire({ headers: d.headers, body: texts.slice(d.bodyAt[0], d.bodyAt[1]), patch: d.patch });
      });
      wire = null;
    }
    return decoded[k];
  };
  return (JSON.parse(batch.summaries) as (WireSummary | 0)[]).map((wire, k) => {
    const s = wire === 0 ? exact[k].summary : wire;
    const m = { index: s.index, sourceLine: s.sourceLine, subject: s.subject, subjectInfo: s.subjectInfo, from: s.from, date: s.date, messageId: s.messageId, inReplyTo: s.inReplyTo, placeholder: s.placeholder };
    Object.defineProperty(m, DETAIL, { value: () => detail(k) });
    Object.defineProperty(m, FILES, { value: s.files });
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
