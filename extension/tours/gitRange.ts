// Reads a range of commits (`base..head`) of a local git repository as a patch series, through
// `git format-patch --stdout`, streamed (read-only: it changes nothing in the repository).

import { execFile, spawn } from 'node:child_process';
import type { PatchSeries } from './series';
import { SeriesReader } from './seriesReader';

export class GitRangeError extends Error {}

/** Accepts `a..b`, `a...b` is refused (symmetric difference makes no series), a single `rev` means `rev~1..rev`. */
export function normaliseRange(range: string): string {
  const r = range.trim();
  if (r === '') throw new GitRangeError('empty range: give base..head, for example v5.8..arm64-timens');
  if (r.includes('...')) throw new GitRangeError(`"${r}": a three-dot range is a symmetric difference; use base..head`);
  if (/\s/.test(r) || r.startsWith('-')) throw new GitRangeError(`"${r}" is not a revision range (no spaces, no leading '-')`);
  return r.includes('..') ? r : `${r}~1..${r}`;
}

/** Settings that keep git from running commands a repository's own configuration names. */
const SAFE = ['-c', 'core.fsmonitor=false', '-c', 'core.hooksPath=/dev/null'];
const ENV = { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C', GIT_CONFIG_NOSYSTEM: '1' };

function git(repo: string, args: string[], signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', [...SAFE, '-C', repo, ...args], { maxBuffer: 16 * 1024 * 1024, encoding: 'utf8', signal, env: { ...process.env, ...ENV } }, (err, stdout, stderr) => {
      if (err) {
        const msg = (stderr || err.message).trim().split('\n').slice(0, 3).join(' ');
        reject(new GitRangeError(`git ${args[0]} failed in ${repo}: ${msg}`));
      } else resolve(stdout);
    });
  });
}

export interface GitRangeOptions {
  /**
   * Whether the workspace the repository belongs to is trusted. git reads the repository's configuration,
   * which can name programs to run, so an untrusted workspace gets no git at all.
   */
  readonly trusted: boolean;
  readonly signal?: AbortSignal;
}

/**
 * Streams `git format-patch --stdout base..head` of `repo` into `onChunk` (bytes as git writes them) and
 * returns the normalised range. Refuses untrusted workspaces, ranges of more than 500 commits and empty ones.
 */
export async function streamGitRange(repo: string, range: string, options: GitRangeOptions, onChunk: (bytes: Uint8Array) => void): Promise<string> {
  if (!options.trusted) throw new GitRangeError('git ranges are read only in a trusted workspace: git runs programs named by the repository\'s configuration (trust the workspace, then try again)');
  const r = normaliseRange(range);
  const { signal } = options;
  await git(repo, ['rev-parse', '--git-dir'], signal);
  const count = Number((await git(repo, ['rev-list', '--count', r], signal)).trim());
  if (!Number.isFinite(count) || count === 0) throw new GitRangeError(`${r} holds no commits in ${repo}`);
  if (count > 500) throw new GitRangeError(`${r} holds ${count} commits; a patch series of more than 500 is refused`);
  const args = [...SAFE, '-C', repo, 'format-patch', '--stdout', '--no-color', '--no-signature', '--no-ext-diff', '--no-textconv', ...(count > 1 ? ['--numbered'] : []), r];
  await new Promise<void>((resolve, reject) => {
    const child = spawn('git', args, { signal, env: { ...process.env, ...ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => onChunk(d));
    child.stderr.on('data', (d: Buffer) => { if (stderr.length < 4096) stderr += d.toString('utf8'); });
    child.on('error', (err) => reject(err.name === 'AbortError' ? err : new GitRangeError(`git format-patch failed in ${repo}: ${err.message}`)));
    child.on('close', (code) => (code === 0 ? resolve() : reject(new GitRangeError(`git format-patch failed in ${repo}: ${stderr.trim().split('\n').slice(0, 3).join(' ') || `exit ${code}`}`))));
  });
  return r;
}

/** Reads a git range into a series on this thread (the CLI and tests; the extension uses the import worker). */
export async function readGitRange(repo: string, range: string, options: GitRangeOptions): Promise<PatchSeries> {
  let reader: SeriesReader | undefined;
  const r = await streamGitRange(repo, range, options, (bytes) => {
    reader ??= new SeriesReader(`git:${normaliseRange(range)}`);
    reader.push(bytes);
  });
  const series = (reader ?? new SeriesReader(`git:${r}`)).end();
  return { ...series, source: `git:${r}`, format: 'git' };
}
