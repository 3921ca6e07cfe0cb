// The engine's and the import's worker threads run nicer than the extension host's thread (Linux keeps a nice
// value per thread), and the host's own thread keeps its priority.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { WORKER_NICENESS } from '../../../extension/tours/backgroundThread';

const OUT_EXTENSION = path.resolve(__dirname, '..', '..', '..', 'extension');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The nice value of each thread of this process (field 19 of /proc/self/task/TID/stat). */
function niceByThread(): Map<string, number> {
  const out = new Map<string, number>();
  for (const tid of fs.readdirSync('/proc/self/task')) {
    try {
      const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      out.set(tid, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
    } catch { /* the thread ended meanwhile */ }
  }
  return out;
}
const ownNice = (): number => niceByThread().get(fs.readFileSync('/proc/thread-self/stat', 'utf8').split(' ')[0]!)!;

for (const [name, script] of [['engine', 'engine/worker.js'], ['import', 'tours/importWorker.js']] as const) {
  test(`the ${name} worker's thread runs ${WORKER_NICENESS} nicer than the host's`, { skip: process.platform !== 'linux' }, async () => {
    const host = ownNice();
    const before = new Set(niceByThread().keys());
    const worker = new Worker(path.join(OUT_EXTENSION, script));
    try {
      await new Promise((resolve) => worker.once('online', resolve));
      // The entry lowers its priority as it starts: wait until a new thread has the lower priority (or give up).
      let nicer: string[] = [];
      for (let i = 0; i < 200 && nicer.length === 0; i++) {
        nicer = [...niceByThread()].filter(([tid, nice]) => !before.has(tid) && nice === Math.min(19, host + WORKER_NICENESS)).map(([tid]) => tid);
        if (nicer.length === 0) await sleep(25);
      }
      assert.equal(nicer.length, 1, `one new thread at nice ${host + WORKER_NICENESS}: ${JSON.stringify([...niceByThread()])}`);
      assert.equal(ownNice(), host, 'the host thread keeps its priority');
    } finally {
      await worker.terminate();
    }
  });
}
