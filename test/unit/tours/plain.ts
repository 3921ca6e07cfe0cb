// Imported messages as the plain messages they stand for (importHost.ts plainMessage), so a series imported by the
// worker can be compared field by field, with deepEqual, with one read on this thread.
import { plainMessage } from '../../../extension/tours/importHost';
import type { PatchSeries, SeriesMessage } from '../../../extension/tours/series';

export function plainMessages(messages: readonly SeriesMessage[]): SeriesMessage[] {
  return messages.map(plainMessage);
}

export function plainSeries(series: PatchSeries): PatchSeries {
  return { ...series, cover: series.cover && plainMessage(series.cover), patches: plainMessages(series.patches), others: plainMessages(series.others) };
}
