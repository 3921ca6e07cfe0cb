// Where a tour's scenario may come from: below the tour's folder or the workspace folder, checked after
// following symbolic links (a relative path without '..' can still lead out through a link).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { scenarioPathProblem } from './tour';

export class TourPathError extends Error {}

export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * The real path of scenario `rel` of a tour whose paths are relative to `base`; throws TourPathError when
 * the path is malformed, missing, or (links followed) outside every one of `roots`.
 */
export async function resolveScenarioFile(base: string, rel: string, roots: readonly string[]): Promise<string> {
  const problem = scenarioPathProblem(rel);
  if (problem) throw new TourPathError(problem);
  let real: string;
  try {
    real = await fs.promises.realpath(path.resolve(base, rel));
  } catch {
    throw new TourPathError(`scenario.path "${rel}" does not exist (looked in ${base})`);
  }
  const realRoots = await Promise.all(roots.map((r) => fs.promises.realpath(r).catch(() => path.resolve(r))));
  if (!realRoots.some((r) => isInside(real, r))) {
    throw new TourPathError(`scenario.path "${rel}" leads to ${real}, outside the tour's folder and the workspace: a tour may only run files there`);
  }
  return real;
}
