// The engine gives its memory back once it has dropped a large run and is idle: V8 collects a worker's heap only
// when the worker next allocates, so without a collection a closed 10^6-event scenario's heap stayed in the
// extension host's process.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Endpoint } from '../../../extension/engine/rpc';
import { nodeStylePort } from '../../../extension/engine/serve';
import { COLLECT_AFTER_EVENTS } from '../../../extension/engine/giveBack';
import { readsScenario } from '../../bench/scenarios';
import { DEFAULTS, closeOpenHarnesses, engineHarness, type Host } from './engineClient';

after(closeOpenHarnesses);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const WORKER = path.resolve(__dirname, '..', '..', '..', 'extension', 'engine', 'worker.js');

/** Opens `text`, checks it (the background run), then closes it: the events its run held. */
async function openCheckClose(host: Host, uri: string, text: string): Promise<number> {
  await host.request('open', { uri, version: 1, file: uri, text });
  const summary = await host.request('validate', { uri, version: 1, request: DEFAULTS });
  assert.ok(summary, 'the check ran');
  await host.request('close', { uri });
  return summary.eventCount;
}

test('a large run dropped: one collection once the engine is idle', async () => {
  let collections = 0;
  const h = engineHarness({ collect: () => { collections++; }, collectAfterMs: 30 });
  const events = await openCheckClose(h.host, 'file:///big.timens', readsScenario(40_000));
  assert.ok(events >= COLLECT_AFTER_EVENTS, `the run is large enough (${events} events)`);
  assert.equal(collections, 0, 'not while the close is answered');
  for (let i = 0; i < 100 && collections === 0; i++) await sleep(10);
  assert.equal(collections, 1);
  assert.equal((await h.host.request('stats', {})).collections, 1);
  await sleep(100);
  assert.equal(collections, 1, 'nothing more was dropped');
  h.close();
});

test('a small run dropped: no collection', async () => {
  let collections = 0;
  const h = engineHarness({ collect: () => { collections++; }, collectAfterMs: 10 });
  const events = await openCheckClose(h.host, 'file:///small.timens', readsScenario(10));
  assert.ok(events < COLLECT_AFTER_EVENTS);
  await sleep(100);
  assert.equal(collections, 0);
  h.close();
});

test('the engine worker gives a closed scenario\'s heap back', async () => {
  const worker = new Worker(WORKER);
  const host: Host = new Endpoint(nodeStylePort(worker));
  try {
    const uri = 'file:///reads.timens';
    await host.request('open', { uri, version: 1, file: uri, text: readsScenario(40_000) });
    assert.ok(await host.request('validate', { uri, version: 1, request: DEFAULTS }));
    const held = (await host.request('stats', {})).heapMb!;
    await host.request('close', { uri });
    let stats = await host.request('stats', {});
    for (let i = 0; i < 100 && stats.collections === 0; i++) { await sleep(50); stats = await host.request('stats', {}); }
    assert.equal(stats.collections, 1, 'one collection after the close');
    assert.ok(stats.heapMb! < held / 2, `the heap went from ${held.toFixed(1)} MB to ${stats.heapMb!.toFixed(1)} MB`);
  } finally {
    await worker.terminate();
  }
});
