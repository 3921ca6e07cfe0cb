// Reads a range of commits (`base..head`) of a local git repository as a patch series, through
// `git format-patch --stdout` (read-only: it changes nothing in the repository).

import { execFile } from 'node:child_process';
import { parseSeries, type PatchSeries } from './series';

export class GitRangeError extends Error {}

/** Accepts `a..b`, `a...b` is refused (symmetric difference makes no series), a single `rev` means `rev~1..rev`. */
export function normaliseRange(range: string): string {
  const r = range.trim();
  if (r === '') throw new GitRangeError('empty range: give base..head, for example v5.8..arm64-timens');
  if (r.includes('...')) throw new GitRangeError(`"${r}": a three-dot range is a symmetric difference; use base..head`);
  if (/\s/.test(r) || r.startsWith('-')) throw new GitRangeError(`"${r}" is not a revision range (no spaces, no leading '-')`);
  return r.includes('..') ? r : `${r}~1..${r}`;
}

function git(repo: string, args: string[], signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', ['-C', repo, ...args], { maxBuffer: 256 * 1024 * 1024, encoding: 'utf8', signal, env: { ...process.env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } }, (err, stdout, stderr) => {
      if (err) {
        const msg = (stderr || err.message).trim().split('\n').slice(0, 3).join(' ');
        reject(new GitRangeError(`git ${args[0]} failed in ${repo}: ${msg}`));
      } else resolve(stdout);
    });
  });
}

/** Runs `git format-patch --stdout base..head` in `repo` and parses the result. */
export async function readGitRange(repo: string, range: string, signal?: AbortSignal): Promise<PatchSeries> {
  const r = normaliseRange(range);
  await git(repo, ['rev-parse', '--git-dir'], signal);
  const count = Number((await git(repo, ['rev-list', '--count', r], signal)).trim());
  if (!Number.isFinite(count) || count === 0) throw new GitRangeError(`${r} holds no commits in ${repo}`);
  if (count > 500) throw new GitRangeError(`${r} holds ${count} commits; a patch series of more than 500 is refused`);
  const out = await git(repo, ['format-patch', '--stdout', '--no-color', '--no-signature', ...(count > 1 ? ['--numbered'] : []), r], signal);
  const series = parseSeries(out, `git:${r}`);
  return { ...series, source: `git:${r}`, format: 'git' };
}
