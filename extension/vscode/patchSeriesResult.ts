// What the open command returns (no vscode import, so a unit test checks it): the series to a caller on the
// extension host, and only a few facts about it when VS Code sends the value to the workbench as JSON.
import type { PatchSeries } from '../tours/series';

/** What the workbench receives of an opened series. */
export interface SeriesBrief {
  readonly source: string;
  readonly format: PatchSeries['format'];
  readonly title: string;
  readonly patches: number;
  readonly diagnostics: number;
}

/**
 * The series, with a hidden toJSON. A command run from the palette, a menu, a button or a tree row returns its
 * value to the workbench over RPC, serialised as JSON on the extension host: the whole series would read every
 * imported message again from its source (2.2 s and 145 MB of JSON for the bench's 50 MB mailbox).
 */
export function commandResult(series: PatchSeries): PatchSeries {
  const brief = (): SeriesBrief => ({ source: series.source, format: series.format, title: series.title, patches: series.patches.length, diagnostics: series.diagnostics.length });
  return Object.defineProperty({ ...series }, 'toJSON', { value: brief });
}
