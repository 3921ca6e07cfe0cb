// Generated mailboxes for the scaling tests and the import benchmark: long series in b4 form, and
// hostile single lines aimed at each place a regular expression used to read input.
import { PATCH_1, PATCH_2, toQuotedPrintable } from './fixtures';

/** An mbox of `count` patch mails (b4 From_ lines, [PATCH n/count] subjects), about 1.6 KB each. */
export function generatedMbox(count: number): string {
  const out: string[] = [];
  for (let i = 1; i <= count; i++) {
    const src = i % 2 === 0 ? PATCH_2 : PATCH_1;
    const msg = src
      .replace(/\[PATCH v4 \d\/3\]/, `[PATCH v4 ${i}/${count}]`)
      .replace(/Message-Id: <[^>]*>/, `Message-Id: <gen-${i}@example.org>`)
      .replace(/(time|vvar)\n pages?/, `$1 pages, part ${i}`);
    out.push(`From git@z Thu Jan  1 00:00:00 1970\n${msg}`);
  }
  return out.join('\n');
}

/** An mbox of about `bytes` bytes (whole messages). */
export function generatedMboxOfSize(bytes: number): string {
  const one = (generatedMbox(1000).length + 1) / 1000;
  return generatedMbox(Math.max(1, Math.round(bytes / one)));
}

/** One message whose single long line (`n` characters) sits where a given reader looks at it. */
export type LongLineCase = 'from-line' | 'header' | 'multipart-boundary' | 'diffstat' | 'message-trailing-space' | 'hunk-section' | 'changed-line-calls' | 'subject-tags' | 'encoded-words' | 'cover-shortlog' | 'trailer' | 'diff-paths' | 'quoted-printable-line';

export const LONG_LINE_CASES: readonly LongLineCase[] = ['from-line', 'header', 'multipart-boundary', 'diffstat', 'message-trailing-space', 'hunk-section', 'changed-line-calls', 'subject-tags', 'encoded-words', 'cover-shortlog', 'trailer', 'diff-paths', 'quoted-printable-line'];

export function longLineMbox(kind: LongLineCase, n: number): string {
  const from = 'From git@z Thu Jan  1 00:00:00 1970\n';
  const head = (subject: string, extra = '') => `From: A <a@example.org>\nSubject: ${subject}\n${extra}\n`;
  const diff = '\ndiff --git a/f.c b/f.c\n--- a/f.c\n+++ b/f.c\n@@ -1,1 +1,1 @@ int f(void)\n-a\n+b\n';
  switch (kind) {
    case 'from-line':
      // A body line after a blank line that starts like a From_ line: '@' after '@' and no space.
      return `${from}${head('[PATCH 1/1] t')}body\n\nFrom ${'@'.repeat(n)}\n`;
    case 'header':
      return `${from}${head('[PATCH 1/1] t', `X-Long: ${' \t'.repeat(n / 2)}x\n`)}body\n`;
    case 'multipart-boundary':
      return `${from}${head('[PATCH 1/1] t', 'MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary="b"\n')}--b\n\n${' '.repeat(n)}x\n--b--\n`;
    case 'diffstat':
      return `${from}${head('[PATCH 1/1] t')}msg\n---\n a${' '.repeat(n)}x\n${diff}`;
    case 'message-trailing-space':
      return `${from}${head('[PATCH 1/1] t')}msg${' '.repeat(n)}x\n---\n${diff}`;
    case 'hunk-section':
      return `${from}${head('[PATCH 1/1] t')}msg\n---\n\ndiff --git a/f.c b/f.c\n--- a/f.c\n+++ b/f.c\n@@ -1,1 +1,1 @@ ${'a'.repeat(n)} b(\n-a\n+b\n`;
    case 'changed-line-calls':
      return `${from}${head('[PATCH 1/1] t')}msg\n---\n\ndiff --git a/f.c b/f.c\n--- a/f.c\n+++ b/f.c\n@@ -1,1 +1,1 @@\n-a\n+x${'a'.repeat(n)} b(\n`;
    case 'subject-tags':
      return `${from}${head('re:'.repeat(n / 6) + '[x]'.repeat(n / 6) + ' t')}body\n`;
    case 'encoded-words':
      return `${from}${head('=?utf-8?q?a?=' + ' '.repeat(n) + 'x =?')}body\n`;
    case 'cover-shortlog':
      return `${from}${head('[PATCH 0/1] cover')}A (1):${' '.repeat(n)}x\n`;
    case 'trailer':
      return `${from}${head('[PATCH 1/1] t')}msg\n\nA${'-b'.repeat(n / 2)}\n---\n${diff}`;
    case 'diff-paths':
      return `${from}${head('[PATCH 1/1] t')}msg\n---\n\ndiff --git ${'a '.repeat(n / 2)}x\n--- a/f.c\n+++ b/f.c\n@@ -1,1 +1,1 @@\n-a\n+b\n`;
    case 'quoted-printable-line':
      return `${from}${head('[PATCH 1/1] t', 'Content-Transfer-Encoding: quoted-printable\n')}${'=3D=\n'.repeat(8)}${'=3Dx'.repeat(n / 4)}=\n`;
  }
}

/** A quoted-printable mail body of about `bytes` bytes (encoded), with UTF-8 escapes and soft breaks. */
export function quotedPrintableMail(bytes: number): string {
  const para = 'Caf\u00e9 = na\u00efve r\u00e9sum\u00e9 of the vvar fault path, written long enough to be soft-broken by the encoder. ';
  const chunk = toQuotedPrintable(`${para}${para}\n${para}\n`) + '\n';
  const body = chunk.repeat(Math.max(1, Math.round(bytes / chunk.length)));
  return `From: A <a@example.org>\nSubject: [PATCH 1/1] qp\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\n${body}\n`;
}
