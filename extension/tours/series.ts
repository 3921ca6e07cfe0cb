// Reading a patch series from text: an mbox (From_ separated, mboxrd quoting), a b4 `.mbx`, a single
// format-patch `.patch`, a bare diff, or a cover letter copied from a web archive. Never throws.

import { decodeBody, header, readHeaders, type MailHeader, type SeriesDiagnostic } from './mail';
import { parsePatchBody, type FileDiff, type Hunk, type ParsedPatchBody } from './patch';

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

/** `[PATCH v4 3/6] arm64/vdso: Add …`, `[PATCHv8 07/34]`, `[RFC PATCH net-next 1/2]`, `Re: [PATCH 0/6] …`. */
export function parseSubject(subject: string): SubjectInfo {
  let s = subject.trim();
  let reply = false;
  for (;;) {
    const m = /^(re|fwd?|aw)\s*:\s*/i.exec(s);
    if (!m) break;
    reply = true;
    s = s.slice(m[0].length);
  }
  const tags: string[] = [];
  for (;;) {
    const m = /^\[([^\]]*)\]\s*/.exec(s);
    if (!m) break;
    tags.push(m[1]);
    s = s.slice(m[0].length);
  }
  const words = tags.join(' ').split(/[\s,]+/).filter(Boolean);
  let version: number | null = null;
  let number: number | null = null;
  let total: number | null = null;
  let rfc = false;
  let resend = false;
  for (const w of words) {
    const nm = /^(\d+)\/(\d+)$/.exec(w);
    if (nm) { number = Number(nm[1]); total = Number(nm[2]); continue; }
    const vm = /^(?:PATCH|RFC)?v(\d+)$/i.exec(w);
    if (vm) version = Number(vm[1]);
    if (/^RFC/i.test(w)) rfc = true;
    if (/^RESEND$/i.test(w)) resend = true;
  }
  return { tag: tags.map((t) => `[${t}]`).join(' '), version, number, total, rfc, resend, reply, title: s.trim() };
}

const FROM_LINE = /^From (?:[0-9a-f]{40} |\S+@\S+ |\S+ +(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) |MAILER-DAEMON )/;
const HEADER_START = /^(From|Subject|Date|Message-I[dD]|To|Cc|Return-Path|Received|MIME-Version|Content-Type|X-[\w-]+|Delivered-To|In-Reply-To|References):/;

/** Parses any of the supported inputs. `source` names it in messages (a file name). */
export function parseSeries(input: string | Uint8Array, source = 'input'): PatchSeries {
  const text = (typeof input === 'string' ? input : new TextDecoder('utf-8').decode(input)).replace(/\r\n?/g, '\n').replace(/^\uFEFF/, '');
  const lines = text.split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const diags: SeriesDiagnostic[] = [];
  const messages: SeriesMessage[] = [];
  let format: PatchSeries['format'];

  if (text.trim() === '') {
    diags.push({ line: 1, column: 1, severity: 'error', message: `${source} is empty` });
    return assemble(source, 'mail', [], diags);
  }
  const firstContent = lines.findIndex((l) => l.trim() !== '');
  if (FROM_LINE.test(lines[firstContent] ?? '')) {
    format = 'mbox';
    const starts: number[] = [];
    for (let i = firstContent; i < lines.length; i++) {
      if (FROM_LINE.test(lines[i]) && (i === firstContent || lines[i - 1] === '')) starts.push(i);
    }
    for (let k = 0; k < starts.length; k++) {
      const from = starts[k] + 1;
      let to = k + 1 < starts.length ? starts[k + 1] : lines.length;
      // mboxrd: the blank line before the next From_ line belongs to the format, not to the body.
      if (k + 1 < starts.length && to > from && lines[to - 1] === '') to--;
      // mboxrd quoting: '>From ' (and '>>From ') in a body lose one '>'.
      const body = lines.slice(0, to).map((l, i) => (i >= from && /^>+From /.test(l) ? l.slice(1) : l));
      messages.push(readMessage(body, from, to, messages.length, diags));
    }
  } else if (HEADER_START.test(lines[firstContent] ?? '')) {
    format = 'mail';
    messages.push(readMessage(lines, firstContent, lines.length, 0, diags));
  } else if (/^(diff --git |--- \S|Index: )/.test(lines[firstContent] ?? '')) {
    format = 'diff';
    const patch = parsePatchBody(lines.join('\n'), (i) => i + 1, diags);
    messages.push(makeMessage(0, firstContent + 1, [], source.replace(/^.*[\\/]/, ''), lines.join('\n'), patch, diags));
  } else {
    // A copy from a web archive: a subject line, then "From:"/"Date:" lines, then the body.
    format = 'archive-text';
    const subjectLine = lines[firstContent];
    let i = firstContent + 1;
    while (i < lines.length && lines[i].trim() === '') i++;
    const hdr: MailHeader[] = [{ name: 'Subject', value: subjectLine.trim(), line: firstContent + 1 }];
    while (i < lines.length && /^(From|Date|To|Cc|Subject|Message-ID):\s/i.test(lines[i])) {
      const m = /^([^:]+):\s*(.*)$/.exec(lines[i]);
      if (m) hdr.push({ name: m[1], value: m[2], line: i + 1 });
      i++;
    }
    if (!/\[(PATCH|RFC)/i.test(subjectLine)) {
      diags.push({ line: firstContent + 1, column: 1, severity: 'warning', message: `no mail headers and no From_ line: "${subjectLine.slice(0, 60)}" was taken as the subject of a single message` });
    } else {
      diags.push({ line: firstContent + 1, column: 1, severity: 'info', message: 'no mail headers: read as a message copied from a web archive (the first line is its subject)' });
    }
    const bodyText = lines.slice(i).join('\n');
    const hasDiff = /^diff --git /m.test(bodyText);
    const patch = hasDiff ? parsePatchBody(bodyText, (k) => i + k + 1, diags) : null;
    messages.push(makeMessage(0, firstContent + 1, hdr, subjectLine.trim(), bodyText, patch, diags));
  }
  return assemble(source, format, messages, diags);
}

function readMessage(lines: readonly string[], start: number, end: number, index: number, diags: SeriesDiagnostic[]): SeriesMessage {
  const scoped = lines.slice(0, end);
  const { headers, bodyStart } = readHeaders(scoped, start, 1, diags);
  if (headers.length === 0) diags.push({ line: start + 1, column: 1, severity: 'warning', message: 'message without headers' });
  const subject = header(headers, 'Subject');
  if (subject === undefined) diags.push({ line: start + 1, column: 1, severity: 'warning', message: 'message without a Subject header' });
  const parts = decodeBody(headers, scoped, bodyStart, end, 1, diags);
  // Text parts are joined; a patch sent as an attachment becomes part of the body like an inline one.
  const body = parts.map((p) => p.text).join('\n');
  const first = parts[0];
  const lineOf = (i: number): number | null => (parts.length === 1 && first.sourceLine !== null ? first.sourceLine + i : null);
  const hasDiff = /^(diff --git |--- \S+\n\+\+\+ )/m.test(body) || /^diff --git /m.test(body);
  const patch = hasDiff ? parsePatchBody(body, lineOf, diags) : null;
  if (hasDiff && patch && patch.files.length === 0) diags.push({ line: bodyStart + 1, column: 1, severity: 'warning', message: 'the body mentions a diff but no file section could be read' });
  return makeMessage(index, start + 1, headers, subject ?? '(no subject)', body, patch, diags);
}

function makeMessage(index: number, sourceLine: number, headers: readonly MailHeader[], subject: string, body: string, patch: ParsedPatchBody | null, _diags: SeriesDiagnostic[], placeholder = false): SeriesMessage {
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

function assemble(source: string, format: PatchSeries['format'], messages: SeriesMessage[], diags: SeriesDiagnostic[]): PatchSeries {
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
    for (let n = 1; n <= total; n++) {
      if (seen.has(n)) continue;
      const title = titles[n - 1] ?? `patch ${n}`;
      const tag = `[PATCH${cover.subjectInfo.version !== null ? ` v${cover.subjectInfo.version}` : ''} ${n}/${total}]`;
      patches.push(makeMessage(-1, cover.sourceLine, [], `${tag} ${title}`, '', null, diags, true));
    }
    patches.sort((a, b) => (a.subjectInfo.number ?? 999) - (b.subjectInfo.number ?? 999));
    const missing = patches.filter((p) => p.placeholder).length;
    if (missing > 0) diags.push({ line: cover.sourceLine, column: 1, severity: 'info', message: `${missing} of ${total} patches are not in ${source}; they are listed from the cover letter without their diffs` });
  }
  const head = cover ?? patches[0] ?? messages[0];
  return {
    source, format,
    title: head ? head.subjectInfo.title || head.subject : source,
    version: head?.subjectInfo.version ?? null,
    cover, patches, others, diagnostics: diags,
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
