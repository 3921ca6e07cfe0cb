// Reading a patch series from text: an mbox (From_ separated, mboxrd quoting), a b4 `.mbx`, a single
// format-patch `.patch`, a bare diff, or a cover letter copied from a web archive. Never throws.

import { header, type DiagnosticList, type MailHeader, type SeriesDiagnostic } from './mail';
import type { FileDiff, Hunk, ParsedPatchBody } from './patch';

export type { SeriesDiagnostic } from './mail';

export interface SubjectInfo {
  /** The bracket tag as written, e.g. '[PATCH v4 3/6]' (empty when there is none). */
  readonly tag: string;
  readonly version: number | null;      // v4 → 4
  readonly number: number | null;       // 3 of 3/6
  readonly total: number | null;        // 6 of 3/6
  readonly rfc: boolean;
  readonly resend: boolean;
  readonly reply: boolean;              // 'Re:' in front
  /** The subject without tags, e.g. 'arm64/vdso: Add time namespace page'. */
  readonly title: string;
}

export interface SeriesMessage {
  readonly index: number;               // order in the source
  readonly sourceLine: number;          // 1-based line where the message starts
  readonly headers: readonly MailHeader[];
  readonly subject: string;
  readonly subjectInfo: SubjectInfo;
  readonly from: string;
  readonly date: string;
  readonly messageId: string;
  readonly inReplyTo: string;
  /** The decoded text body (all text parts joined). */
  readonly body: string;
  /** Set when the body carries a diff. */
  readonly patch: ParsedPatchBody | null;
  /** True for 'placeholder' entries built from a cover letter's shortlog when the patch mail itself is absent. */
  readonly placeholder: boolean;
}

export interface PatchSeries {
  readonly source: string;              // file name or 'git:base..head'
  readonly format: 'mbox' | 'mail' | 'diff' | 'archive-text' | 'git';
  readonly title: string;               // the cover letter's title or the first patch's
  readonly version: number | null;
  readonly cover: SeriesMessage | null;
  /** The patches in series order (by n/N when present, else by position). */
  readonly patches: readonly SeriesMessage[];
  /** Replies and other messages that are neither cover letter nor patch. */
  readonly others: readonly SeriesMessage[];
  readonly diagnostics: readonly SeriesDiagnostic[];
}

// ---------------------------------------------------------------------------------------------

const WORD_SEPARATOR = /[\s,]/;

/** The runs of characters between white space and commas, as split(/[\s,]+/) finds them, empty ones left out. */
function wordsOf(text: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = text.charCodeAt(i);
    const sep = i === text.length || c === 0x20 || c === 0x2c || (c >= 0x09 && c <= 0x0d) || (c >= 0x80 && WORD_SEPARATOR.test(text[i]));
    if (sep && start >= 0) { out.push(text.slice(start, i)); start = -1; }
    else if (!sep && start < 0) start = i;
  }
  return out;
}

/** What the words of a subject's tags say. */
export type TagWords = Pick<SubjectInfo, 'version' | 'number' | 'total' | 'rfc' | 'resend'>;

/** One word of a subject's tags: `3/6`, `v4`, `PATCHv8`, `RFC…` or `RESEND`; other words change nothing. */
export function readTagWord(w: string, into: { -readonly [K in keyof TagWords]: TagWords[K] }): void {
  const nm = /^(\d+)\/(\d+)$/.exec(w);
  if (nm) { into.number = Number(nm[1]); into.total = Number(nm[2]); return; }
  const vm = /^(?:PATCH|RFC)?v(\d+)$/i.exec(w);
  if (vm) into.version = Number(vm[1]);
  if (/^RFC/i.test(w)) into.rfc = true;
  if (/^RESEND$/i.test(w)) into.resend = true;
}

/** A word readTagWord can match starts with a digit, 'v', 'P' or 'R' (either case). */
function mayBeTagWord(w: string): boolean {
  const c = w.charCodeAt(0) | 0x20;
  return (c >= 0x30 && c <= 0x39) || c === 0x76 || c === 0x70 || c === 0x72;
}

/** `[PATCH v4 3/6] arm64/vdso: Add …`, `[PATCHv8 07/34]`, `[RFC PATCH net-next 1/2]`, `Re: [PATCH 0/6] …`. */
export function parseSubject(subject: string): SubjectInfo {
  const s = subject.trim();
  // Sticky expressions walk the prefixes in place: slicing the subject after each one was quadratic.
  const replyRe = /(re|fwd?|aw)\s*:\s*/iy;
  const tagRe = /\[([^\]]*)\]\s*/y;
  let pos = 0;
  let reply = false;
  for (;;) {
    replyRe.lastIndex = pos;
    if (!replyRe.exec(s)) break;
    reply = true;
    pos = replyRe.lastIndex;
  }
  const tags: string[] = [];
  const words = { version: null as number | null, number: null as number | null, total: null as number | null, rfc: false, resend: false };
  for (;;) {
    tagRe.lastIndex = pos;
    const m = tagRe.exec(s);
    if (!m) break;
    tags.push(m[1]);
    pos = tagRe.lastIndex;
    // The words of each tag, read tag by tag: joining the tags and splitting the result made garbage enough, on
    // a subject of thousands of tags, for the collector to make the cost grow faster than the subject.
    for (const w of wordsOf(m[1])) if (mayBeTagWord(w)) readTagWord(w, words);
  }
  const { version, number, total, rfc, resend } = words;
  return { tag: tags.map((t) => `[${t}]`).join(' '), version, number, total, rfc, resend, reply, title: s.slice(pos).trim() };
}

export function makeMessage(index: number, sourceLine: number, headers: readonly MailHeader[], subject: string, body: string, patch: ParsedPatchBody | null, placeholder = false): SeriesMessage {
  return {
    index, sourceLine, headers, subject, subjectInfo: parseSubject(subject),
    from: header(headers, 'From') ?? '', date: header(headers, 'Date') ?? '',
    messageId: (header(headers, 'Message-ID') ?? '').replace(/^<|>$/g, ''),
    inReplyTo: (header(headers, 'In-Reply-To') ?? '').replace(/^<|>$/g, ''),
    body, patch, placeholder,
  };
}

/** The shortlog of a cover letter ("Author (N):" then one title per line). */
export function coverShortlog(body: string): string[] {
  const lines = body.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\S.*\(\d+\):\s*$/.test(lines[i])) continue;
    for (let k = i + 1; k < lines.length && lines[k].trim() !== ''; k++) out.push(lines[k].trim());
  }
  return out;
}

/** How many missing patches a cover letter's n/N makes placeholders for, beyond those its shortlog names. */
export const MAX_PLACEHOLDERS = 1000;

/** Sorts messages into cover letter, patches (in n/N order, gaps listed from the cover's shortlog) and others. */
export function assemble(source: string, format: PatchSeries['format'], messages: readonly SeriesMessage[], diags: DiagnosticList): PatchSeries {
  let cover: SeriesMessage | null = null;
  const patches: SeriesMessage[] = [];
  const others: SeriesMessage[] = [];
  for (const m of messages) {
    const si = m.subjectInfo;
    if (si.reply && !m.patch) others.push(m);
    else if (si.number === 0 || (!m.patch && si.total !== null && cover === null)) {
      if (cover) others.push(m); else cover = m;
    } else if (m.patch) patches.push(m);
    else if (cover === null && /\[(PATCH|RFC)/i.test(si.tag)) cover = m;
    else others.push(m);
  }
  patches.sort((a, b) => (a.subjectInfo.number ?? a.index + 1000) - (b.subjectInfo.number ?? b.index + 1000));
  // Duplicates and gaps against n/N.
  const total = cover?.subjectInfo.total ?? patches.find((p) => p.subjectInfo.total !== null)?.subjectInfo.total ?? null;
  const seen = new Set<number>();
  for (const p of patches) {
    const n = p.subjectInfo.number;
    if (n === null) continue;
    if (seen.has(n)) diags.push({ line: p.sourceLine, column: 1, severity: 'warning', message: `patch ${n}/${total ?? '?'} appears twice; both are kept` });
    seen.add(n);
    if (total !== null && p.subjectInfo.total !== null && p.subjectInfo.total !== total) {
      diags.push({ line: p.sourceLine, column: 1, severity: 'warning', message: `patch says ${n}/${p.subjectInfo.total} but the series has ${total} patches (mixed versions?)` });
    }
  }
  // A cover letter alone (or a partial mailbox): list the missing patches from its shortlog.
  if (cover && total !== null) {
    const titles = coverShortlog(cover.body);
    // The count is the sender's word: the placeholders stop at those the shortlog names, or MAX_PLACEHOLDERS.
    // N as written: a count past 2^53 is not the Number it was read into.
    const said = [...cover.subjectInfo.tag.matchAll(/\b\d+\/(\d+)\b/g)].pop()?.[1] ?? String(total);
    let listed = 0;
    for (let n = 1; n <= total; n++) {
      if (seen.has(n)) continue;
      if (listed++ === Math.max(MAX_PLACEHOLDERS, titles.length)) {
        diags.push({ line: cover.sourceLine, column: 1, severity: 'warning', message: `the cover letter announces ${said} patches; only the first ${listed - 1} missing ones are listed (its shortlog names ${titles.length})` });
        break;
      }
      const title = titles[n - 1] ?? `patch ${n}`;
      const tag = `[PATCH${cover.subjectInfo.version !== null ? ` v${cover.subjectInfo.version}` : ''} ${n}/${said}]`;
      patches.push(makeMessage(-1, cover.sourceLine, [], `${tag} ${title}`, '', null, true));
    }
    patches.sort((a, b) => (a.subjectInfo.number ?? 999) - (b.subjectInfo.number ?? 999));
    const missing = patches.filter((p) => p.placeholder).length;
    if (missing > 0) diags.push({ line: cover.sourceLine, column: 1, severity: 'info', message: `${missing} of ${said} patches are not in ${source}; they are listed from the cover letter without their diffs` });
  }
  const head = cover ?? patches[0] ?? messages[0];
  return {
    source, format,
    title: head ? head.subjectInfo.title || head.subject : source,
    version: head?.subjectInfo.version ?? null,
    cover, patches, others, diagnostics: diags.list(),
  };
}

// ---------------------------------------------------------------------------------------------
// Finding things in a series
// ---------------------------------------------------------------------------------------------

/** Label of a patch as a reviewer says it: `[PATCH v4 3/6] arm64/vdso: Add time namespace page`. */
export function patchLabel(m: SeriesMessage): string {
  return m.subjectInfo.tag ? `${m.subjectInfo.tag} ${m.subjectInfo.title}` : m.subjectInfo.title;
}

export function allHunks(m: SeriesMessage): { file: FileDiff; hunk: Hunk }[] {
  return (m.patch?.files ?? []).flatMap((file) => file.hunks.map((hunk) => ({ file, hunk })));
}

/** Normalised title for matching a patch across versions ('Add' vs 'add', extra spaces). */
export function normTitle(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

/** Finds a patch by number, by exact/normalised title, or by a title fragment. */
export function findPatch(series: PatchSeries, ref: { readonly number?: number; readonly title?: string }): SeriesMessage | undefined {
  if (ref.title) {
    const want = normTitle(ref.title);
    const byTitle = series.patches.find((p) => normTitle(p.subjectInfo.title) === want) ?? series.patches.find((p) => normTitle(p.subjectInfo.title).includes(want));
    if (byTitle) return byTitle;
  }
  if (ref.number !== undefined) return series.patches.find((p) => p.subjectInfo.number === ref.number);
  return undefined;
}
