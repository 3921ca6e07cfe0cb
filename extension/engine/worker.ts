// Entry point of the engine's worker thread (Node worker_threads): the extension host starts dist/engine.js.
import { parentPort } from 'worker_threads';
import { runInBackground } from '../tours/backgroundThread';
import { nodeStylePort, serve } from './serve';

if (!parentPort) throw new Error('dist/engine.js runs as a worker thread of the extension host');
runInBackground();
serve(nodeStylePort(parentPort));
