// Parsing of one patch mail body as git format-patch writes it: commit message, trailers, the `---`
// separator, diffstat, `diff --git` file sections and `@@` hunks with their function context.

import type { DiagnosticSink } from './mail';

export interface HunkLine {
  readonly kind: ' ' | '+' | '-' | '\\';
  readonly text: string;
}

export interface Hunk {
  /** Position in the patch: file index and hunk index, e.g. '2:0'. */
  readonly id: string;
  /** The header line as written, e.g. '@@ -10,7 +10,9 @@ static int vvar_fault(…)'. */
  readonly header: string;
  readonly oldStart: number;
  readonly oldCount: number;
  readonly newStart: number;
  readonly newCount: number;
  /** The function context after the second `@@` (empty when git found none). */
  readonly section: string;
  /** The hunk's lines as the patch has them (each with its ' ', '+', '-' or '\\' prefix), joined by '\n'; see hunkLines. */
  readonly body: string;
  readonly lineCount: number;
  /** 1-based line of the `@@` header in the source file, or null when the body was transfer-encoded. */
  readonly sourceLine: number | null;
  /** Functions this hunk is inside of or defines, in order of appearance, without duplicates. */
  readonly functions: readonly string[];
  /** Fewer lines than the header announced (cut-off mail). */
  readonly truncated: boolean;
}

export interface FileDiff {
  readonly oldPath: string | null;            // null for a new file
  readonly newPath: string | null;            // null for a deleted file
  readonly status: 'modified' | 'added' | 'deleted' | 'renamed' | 'copied' | 'mode';
  readonly binary: boolean;
  readonly hunks: readonly Hunk[];
  readonly sourceLine: number | null;
}

export interface DiffstatEntry {
  readonly path: string;
  readonly changes: number | null;            // null for Bin lines
  readonly graph: string;
}

export interface ParsedPatchBody {
  /** The commit message (without trailers), as written. */
  readonly message: string;
  /** `Signed-off-by:`, `Reviewed-by:`, `Cc:`, `Link:`… in order. */
  readonly trailers: readonly { readonly key: string; readonly value: string }[];
  /** Text between `---` and the first diff (notes such as "v2: …"), diffstat excluded. */
  readonly notes: string;
  readonly diffstat: readonly DiffstatEntry[];
  readonly diffstatSummary: string | null;
  readonly files: readonly FileDiff[];
}

const TRAILER = /^([A-Z][A-Za-z0-9-]*(?:-by|-to)|Cc|Link|Fixes|Closes|Reported|Suggested|Tested|Acked|Co-developed-by|Signed-off-by|Message-Id):\s*(.+)$/;
const DIFFSTAT_SUMMARY = /^ \d+ files? changed/;
const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/;
const C_KEYWORDS = new Set(['if', 'for', 'while', 'switch', 'return', 'sizeof', 'do', 'else', 'case', 'defined', 'typeof', '__attribute__']);

/** Where a line of a transfer-encoded part's decoded text comes from: the 1-based source line the part's body
 *  starts on, and the line's 1-based number within the decoded text. */
export interface EncodedPlace { readonly line: number; readonly decodedLine: number }

/**
 * Parses a patch body. `lineOf(i)` maps a body line index to a 1-based source line (or null). A line without one
 * (a transfer-encoded part's decoded text) has its problems reported where `encodedAt(i)` says its part starts.
 * Never throws: anything unexpected becomes a diagnostic and parsing goes on.
 */
export function parsePatchBody(body: string, lineOf: (index: number) => number | null, diags: DiagnosticSink, lines: readonly string[] = body.split('\n'), encodedAt: (index: number) => EncodedPlace = (i) => ({ line: 1, decodedLine: i + 1 })): ParsedPatchBody {
  // A hunk keeps its text as a slice of `body` (one string, no object per line): where each line starts.
  const starts = new Array<number>(lines.length);
  for (let k = 0, off = 0; k < lines.length; k++) { starts[k] = off; off += lines[k].length + 1; }
  const span = (a: number, b: number) => (a >= b ? '' : body.slice(starts[a], starts[b - 1] + lines[b - 1].length));
  const at = (i: number) => lineOf(i) ?? encodedAt(i).line;
  // A line named in a message's text: its source line, else its line in the decoded part and where that part is.
  const lineName = (i: number) => {
    const line = lineOf(i);
    if (line !== null) return `line ${line}`;
    const p = encodedAt(i);
    return `decoded line ${p.decodedLine} of the encoded part at line ${p.line}`;
  };
  // Where the diff starts: `---` separator (format-patch), else the first `diff --git` or `--- a/` + `+++` pair.
  let firstDiff = lines.findIndex((l, i) => l.startsWith('diff --git ') || (l.startsWith('--- ') && lines[i + 1]?.startsWith('+++ ')));
  if (firstDiff < 0) firstDiff = lines.length;
  let separator = -1;
  for (let i = 0; i < firstDiff; i++) if (lines[i] === '---') { separator = i; break; }
  const messageEnd = separator >= 0 ? separator : firstDiff;
  const messageLines = lines.slice(0, messageEnd);
  const trailers: { key: string; value: string }[] = [];
  let cut = messageLines.length;
  while (cut > 0 && messageLines[cut - 1].trim() === '') cut--;
  let t = cut;
  while (t > 0 && (TRAILER.test(messageLines[t - 1]) || /^\[[^\]]+\]$/.test(messageLines[t - 1].trim()))) t--;
  for (let i = t; i < cut; i++) {
    const m = TRAILER.exec(messageLines[i]);
    if (m) trailers.push({ key: m[1], value: m[2].trim() });
  }
  const message = span(0, t).trimEnd();

  const diffstat: DiffstatEntry[] = [];
  let diffstatSummary: string | null = null;
  const notes: string[] = [];
  if (separator >= 0) {
    for (let i = separator + 1; i < firstDiff; i++) {
      const l = lines[i];
      const d = diffstatLine(l);
      if (d) diffstat.push(d);
      else if (DIFFSTAT_SUMMARY.test(l)) diffstatSummary = l.trim();
      else if (/^ (create|delete|rename|copy|mode change) /.test(l)) continue;
      else notes.push(l);
    }
  }

  const files: FileDiff[] = [];
  let i = firstDiff;
  while (i < lines.length) {
    const l = lines[i];
    if (l === '-- ' || (l === '--' && /^\d+\.\d+/.test(lines[i + 1] ?? ''))) break; // signature: "-- \n2.24.1"
    if (l.startsWith('diff --git ') || (l.startsWith('--- ') && lines[i + 1]?.startsWith('+++ '))) {
      const r = parseFile(lines, i, files.length, at, lineName, lineOf, diags, span);
      files.push(r.file);
      i = r.next;
      continue;
    }
    if (l.startsWith('@@ ')) {
      diags.push({ line: at(i), column: 1, severity: 'warning', message: 'hunk outside of any file section (no "diff --git" or "---/+++" before it); skipped' });
    }
    i++;
  }
  if (diffstat.length > 0 && files.length > 0) {
    const named = new Set(files.flatMap((f) => [f.oldPath, f.newPath]).filter((p): p is string => p !== null));
    for (const d of diffstat) {
      if (!d.path.includes('...') && !d.path.includes('=>') && !named.has(d.path)) {
        diags.push({ line: at(separator), column: 1, severity: 'warning', message: `the diffstat lists ${d.path} but the patch has no diff for it (patch cut short?)` });
      }
    }
  }
  return { message, trailers, notes: notes.join('\n').trim(), diffstat, diffstatSummary, files };
}

function stripPrefix(p: string): string | null {
  if (p === '/dev/null') return null;
  let s = p;
  if (s.startsWith('"')) s = s.slice(1);
  if (s.endsWith('"')) s = s.slice(0, -1);
  return (s[0] === 'a' || s[0] === 'b') && s[1] === '/' ? s.slice(2) : s;
}

function parseFile(lines: readonly string[], start: number, fileIndex: number, at: (i: number) => number, lineName: (i: number) => string, lineOf: (i: number) => number | null, diags: DiagnosticSink, span: (a: number, b: number) => string): { file: FileDiff; next: number } {
  let oldPath: string | null = null;
  let newPath: string | null = null;
  let status: FileDiff['status'] = 'modified';
  let binary = false;
  let i = start;
  if (lines[i].startsWith('diff --git ')) {
    const m = /^diff --git (\S+|"[^"]*") (\S+|"[^"]*")$/.exec(lines[i]);
    if (m) { oldPath = stripPrefix(m[1]); newPath = stripPrefix(m[2]); }
    else diags.push({ line: at(i), column: 1, severity: 'warning', message: 'cannot read the two paths of this "diff --git" line' });
    i++;
    for (; i < lines.length; i++) {
      const l = lines[i];
      if (l.startsWith('new file mode')) { status = 'added'; oldPath = null; }
      else if (l.startsWith('deleted file mode')) { status = 'deleted'; newPath = null; }
      else if (l.startsWith('rename from ')) { status = 'renamed'; oldPath = l.slice(12); }
      else if (l.startsWith('rename to ')) newPath = l.slice(10);
      else if (l.startsWith('copy from ')) { status = 'copied'; oldPath = l.slice(10); }
      else if (l.startsWith('copy to ')) newPath = l.slice(8);
      else if (l.startsWith('old mode') || l.startsWith('new mode')) { if (status === 'modified') status = 'mode'; }
      else if (l.startsWith('Binary files') || l === 'GIT binary patch') binary = true;
      else if (l.startsWith('index ') || l.startsWith('similarity index') || l.startsWith('dissimilarity index')) continue;
      else break;
    }
  }
  if (lines[i]?.startsWith('--- ') && lines[i + 1]?.startsWith('+++ ')) {
    const from = stripPrefix(lines[i].slice(4).split('\t')[0]);
    const to = stripPrefix(lines[i + 1].slice(4).split('\t')[0]);
    if (status === 'modified' || status === 'mode') status = from === null ? 'added' : to === null ? 'deleted' : 'modified';
    oldPath = from;
    newPath = to;
    i += 2;
  }
  const hunks: Hunk[] = [];
  while (i < lines.length && !binary) {
    const l = lines[i];
    if (!l.startsWith('@@')) break;
    const h = HUNK_HEADER.exec(l);
    if (!h) {
      diags.push({ line: at(i), column: 1, severity: 'error', message: `malformed hunk header "${l.slice(0, 60)}": expected "@@ -start,count +start,count @@"` });
      i++;
      while (i < lines.length && /^[ +\-\\]/.test(lines[i]) && !lines[i].startsWith('--- ')) i++;
      continue;
    }
    const oldCount = h[2] === undefined ? 1 : Number(h[2]);
    const newCount = h[4] === undefined ? 1 : Number(h[4]);
    const headerIndex = i;
    let o = 0;
    let n = 0;
    i++;
    const first = i;
    while (i < lines.length && (o < oldCount || n < newCount || lines[i].startsWith('\\'))) {
      const c = lines[i][0];
      if (c === '\\') { i++; continue; }
      // Mail clients strip the trailing space of an empty context line: an empty line is context.
      if (c === undefined || c === ' ') { o++; n++; } else if (c === '-') o++; else if (c === '+') n++; else break;
      i++;
    }
    const truncated = o < oldCount || n < newCount;
    if (truncated) {
      diags.push({ line: at(headerIndex), column: 1, severity: 'error', message: `hunk "${l.slice(0, 40)}" ends early: it announces ${oldCount} old and ${newCount} new lines, but only ${o} and ${n} follow (${lineName(i - 1)}); the lines read are kept` });
    } else if (o > oldCount || n > newCount) {
      diags.push({ line: at(headerIndex), column: 1, severity: 'error', message: `hunk "${l.slice(0, 40)}" has more lines than its header announces` });
    }
    hunks.push({
      id: `${fileIndex}:${hunks.length}`,
      header: l,
      oldStart: Number(h[1]), oldCount, newStart: Number(h[3]), newCount,
      section: h[5].trim(),
      body: span(first, i),
      lineCount: i - first,
      sourceLine: lineOf(headerIndex),
      functions: hunkFunctions(h[5], lines, first, i),
      truncated,
    });
  }
  if (hunks.length === 0 && !binary && status === 'modified') {
    diags.push({ line: at(start), column: 1, severity: 'warning', message: `no hunks for ${newPath ?? oldPath ?? 'this file'}` });
  }
  return { file: { oldPath, newPath, status, binary, hunks, sourceLine: lineOf(start) }, next: i };
}

function isIdentStart(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}
function isWordChar(c: number): boolean {
  return isIdentStart(c) || (c >= 0x30 && c <= 0x39);
}

/**
 * Every identifier followed by optional whitespace and '(' (a call or a declaration), left to right, as
 * /([A-Za-z_]\w*)\s*\(/g finds them; written as one scan because that expression is quadratic on a long
 * word that is not followed by '('.
 */
export function* callNames(text: string): Generator<string> {
  let from = 0;
  for (let p = text.indexOf('(', from); p >= 0; p = text.indexOf('(', from)) {
    let e = p;
    while (e > from && /\s/.test(text[e - 1])) e--;
    let b = e;
    while (b > from && isWordChar(text.charCodeAt(b - 1))) b--;
    while (b < e && !isIdentStart(text.charCodeAt(b))) b++; // \w* may not start with a digit
    if (b < e) yield text.slice(b, e);
    from = p + 1;
  }
}

/** The function named in a C declaration or call-looking text: the identifier right before the first '('. */
export function functionNameIn(text: string): string | null {
  for (const name of callNames(text)) return C_KEYWORDS.has(name) ? null : name;
  return null;
}

/** ` path | 12 +++--` or ` path | Bin 0 -> 1234 bytes`; null for any other line. */
export function diffstatLine(l: string): DiffstatEntry | null {
  if (l.length < 2 || l[0] !== ' ' || /\s/.test(l[1])) return null;
  // The count and graph never hold a '|', so the last one separates them from the path.
  const bar = l.lastIndexOf('|');
  if (bar < 2 || !/\s/.test(l[bar - 1]) || !/\s/.test(l[bar + 1] ?? '')) return null;
  const path = l.slice(1, bar).trim();
  const rest = l.slice(bar + 1).trim();
  if (rest.startsWith('Bin') && (rest.length === 3 || !/\w/.test(rest[3]))) return { path, changes: null, graph: '' };
  let i = 0;
  while (i < rest.length && rest.charCodeAt(i) >= 0x30 && rest.charCodeAt(i) <= 0x39) i++;
  if (i === 0) return null;
  const graph = rest.slice(i).trimStart();
  for (let k = 0; k < graph.length; k++) if (graph[k] !== '+' && graph[k] !== '-') return null;
  return { path, changes: Number(rest.slice(0, i)), graph };
}

/** One line of a hunk as written: an empty line is context (mail clients strip that trailing space). */
export function hunkLine(raw: string): HunkLine {
  const c = raw[0];
  if (c === undefined) return { kind: ' ', text: '' };
  if (c === '\\') return { kind: '\\', text: raw.slice(1).trimStart() };
  return { kind: c as HunkLine['kind'], text: raw.slice(1) };
}

/** The lines of a hunk, made when asked for (a series keeps each hunk as one string). */
export function hunkLines(hunk: Pick<Hunk, 'body' | 'lineCount'>): HunkLine[] {
  return hunk.lineCount === 0 ? [] : hunk.body.split('\n').map(hunkLine);
}

/**
 * Functions whose code the hunk changes (the hunk is lines[from, to)): a changed line belongs to the last
 * function definition above it in the hunk, or to the function git named in the header; a changed
 * definition line names itself. Definitions that appear only as context are not counted.
 */
function hunkFunctions(section: string, lines: readonly string[], from: number, to: number): string[] {
  const out: string[] = [];
  const add = (f: string | null) => { if (f && !out.includes(f)) out.push(f); };
  let current = section.includes('(') ? functionNameIn(section) : null;
  for (let k = from; k < to; k++) {
    const raw = lines[k];
    const kind = raw[0] ?? ' ';
    if (kind === '\\') continue;
    // The line after its prefix is only looked at when it starts in column 0 with a name or '#': most do not.
    const c = raw.charCodeAt(1);
    if (isIdentStart(c)) {
      const t = raw.slice(1);
      const paren = t.indexOf('(');
      // A definition is not a statement (no ';' at the end) and is not a typedef, a struct or an assignment.
      const isDefinition = paren >= 0 && !/;\s*$/.test(t) && !/^(typedef\b|struct\s+\w+\s*\{)/.test(t) && !t.slice(0, paren).includes('=');
      if (isDefinition) current = functionNameIn(t);
      else if (kind === ' ') current = null; // a declaration at top level
    } else if (c === 0x23 && kind === ' ') current = null; // a macro
    if (kind === '+' || kind === '-') add(current);
  }
  return out;
}

/** The hunk as the old and the new text (context plus removed, context plus added). */
export function hunkSides(hunk: Hunk): { before: string; after: string } {
  const before: string[] = [];
  const after: string[] = [];
  for (const l of hunkLines(hunk)) {
    if (l.kind === ' ' || l.kind === '-') before.push(l.text);
    if (l.kind === ' ' || l.kind === '+') after.push(l.text);
  }
  return { before: before.join('\n'), after: after.join('\n') };
}

/** The hunk in unified-diff form (header and lines), as it would be quoted in a reply. */
export function hunkText(hunk: Hunk): string {
  return [hunk.header, ...hunkLines(hunk).map((l) => (l.kind === '\\' ? '\\ ' + l.text : l.kind + l.text))].join('\n');
}
