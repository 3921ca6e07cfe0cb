// The engine's questions that look at the whole event log, asked through the engine as the host asks them (a
// message channel, answers cloned): lastChange of an object changed first and of one changed last, and find by
// functions, with the cursor at the end of the CLI's run scenario (cliScenario.ts: namespaces, offsets, forks, reads,
// faults, setns by fd, exits) of about 10^5, 1.25·10^5 and 10^6 events (the last two: 8× the events).
import { DEFAULTS, engineHarness, type Harness } from '../unit/engine/engineClient';
import { generatedRunScenario } from './cliScenario';

/** About what a line of the run scenario records (cliScenario.ts). */
const EVENTS_PER_LINE = 19.4;

const SIZES = [[100_000, '1e5'], [125_000, '125k'], [1_000_000, '1e6']] as const;

/** The best milliseconds of `repeats` answers to `ask` (after one not counted): the machine is shared, and an
 *  answer of a millisecond is easily doubled by a neighbour's work. */
async function timed(repeats: number, ask: () => Promise<unknown>): Promise<number> {
  await ask();
  const out: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await ask();
    out.push(performance.now() - t0);
  }
  return Math.min(...out);
}

async function runOf(h: Harness, events: number): Promise<{ runId: number; eventCount: number }> {
  const uri = `file:///bench-${events}.timens`;
  await h.host.request('open', { uri, version: 1, file: `/bench-${events}.timens`, text: generatedRunScenario(Math.ceil(events / EVENTS_PER_LINE)) });
  const s = await h.host.request('run', { uri, version: 1, request: { ...DEFAULTS, maxEvents: 2 * events }, job: events, source: 'run' });
  if (!s) throw new Error('the run did not finish');
  return s;
}

export async function bench(): Promise<Record<string, number>> {
  const figures: Record<string, number> = {};
  const h = engineHarness();
  try {
    for (const [events, label] of SIZES) {
      const { runId, eventCount } = await runOf(h, events);
      // The walk took seconds per question at 10^6 events: fewer repeats there keep the old code's figure measurable.
      const repeats = events >= 1_000_000 ? 5 : 9;
      // ns#1's offsets are written in the first block, and it is freed in that block: a walk back passes every event.
      figures[`engine.last_change_first_ms_${label}`] = await timed(repeats, () => h.host.request('lastChange', { runId, obj: 'ns#1', field: 'offsets' }));
      // P1 changes in every block: a walk stops within one.
      figures[`engine.last_change_last_ms_${label}`] = await timed(repeats, () => h.host.request('lastChange', { runId, obj: 'P1', field: 'nsproxy' }));
      figures[`engine.find_functions_ms_${label}`] = await timed(repeats, () => h.host.request('find', { runId, functions: ['clone_time_ns', 'vdso_join_timens'] }));
      // A function nothing stands for: the cost of looking alone (the answer above is mostly its 10,000 briefs).
      figures[`engine.find_none_ms_${label}`] = await timed(repeats, () => h.host.request('find', { runId, functions: ['no_such_function'] }));
      figures[`engine.events_${label}`] = eventCount;
      await h.host.request('close', { uri: `file:///bench-${events}.timens` });
    }
  } finally {
    h.close();
  }
  for (const key of ['last_change_first', 'find_functions', 'find_none']) {
    figures[`engine.${key}_scaling_ratio_8x`] = figures[`engine.${key}_ms_1e6`] / figures[`engine.${key}_ms_125k`];
  }
  return figures;
}
