// Benchmark of the debug adapter: from a `next` or `stepBack` request to the stopped event plus the stackTrace,
// scopes and variables replies for the top frame, on a recorded scenario of about 10^5 events, in process.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DapClient, newClient, scenarioFile } from '../unit/debug/dapClient';
import { scenarioOfEvents } from './scenarios';

const TARGET_EVENTS = 100_000;

async function roundTrip(client: DapClient, command: 'next' | 'stepBack'): Promise<number> {
  const t0 = performance.now();
  const stopped = client.waitEvent('stopped');
  await client.request(command, { threadId: 1 });
  await stopped;
  const frames = (await client.request<DebugProtocol.StackTraceResponse['body']>('stackTrace', { threadId: 1 })).stackFrames;
  const scopes = (await client.request<DebugProtocol.ScopesResponse['body']>('scopes', { frameId: frames[0]!.id })).scopes;
  await client.request('variables', { variablesReference: scopes[0]!.variablesReference });
  return performance.now() - t0;
}

export async function bench(): Promise<Record<string, number>> {
  const program = scenarioFile('bench.timens', scenarioOfEvents(TARGET_EVENTS));
  const client = newClient();
  await client.start({ program } as never);
  const cursor = await client.cursor();
  // Start in the middle of the run so both directions have room and snapshots are not at hand for free.
  const middle = Math.floor(cursor.eventCount / 2);
  const stopped = client.waitEvent('stopped');
  await client.request('goto', { threadId: 1, targetId: middle });
  await stopped;
  const times: number[] = [];
  for (let i = 0; i < 400; i++) times.push(await roundTrip(client, i % 4 < 2 ? 'next' : 'stepBack'));
  await client.request('disconnect', {});
  times.sort((a, b) => a - b);
  return {
    'dap.step_roundtrip_ms_median': times[Math.floor(times.length / 2)]!,
    'dap.step_roundtrip_ms_p95': times[Math.floor(times.length * 0.95)]!,
    'dap.bench_events': cursor.eventCount,
  };
}
