// Entry point of the engine's worker thread (Node worker_threads): the extension host starts dist/engine.js.
import { parentPort } from 'worker_threads';
import { runInBackground } from '../tours/backgroundThread';
import { fullCollection } from './heapCollection';
import { nodeStylePort, serve } from './serve';

if (!parentPort) throw new Error('dist/engine.js runs as a worker thread of the extension host');
runInBackground();
// The engine gives a dropped run's memory back (giveBack.ts): the heap of this thread is the host process's.
serve(nodeStylePort(parentPort), { collect: fullCollection });
