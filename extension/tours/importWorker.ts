// Entry of the import worker (a node worker_threads thread): reads a mailbox file, host-given bytes or a
// git range as a stream, parses it with SeriesReader and posts the messages back in batches (summaries and
// sources), then the assembled series. Kept apart from the model worker; the host side is importClient.ts.
import { isAscii } from 'node:buffer';
import * as fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { runInBackground } from './backgroundThread';
import { streamGitRange } from './gitRange';
import { BATCH_CHARS, batchItem, batchTransfer, InputChunks, toBatch, toSkeleton, type BatchItem, type HostToWorker, type ImportSource, type WorkerToHost } from './importProtocol';
import { LineIndex } from './lineIndex';
import { encodeEntries, hunkEntries } from './links';
import { SeriesReader } from './seriesReader';
import { decodeUtf8 } from './utf8Decode';

/**
 * How many bytes are read and decoded at a time. A chunk's text stays below V8's large-object size (128 KB),
 * so it is made in the young generation's pages instead of memory mapped fresh for it, and a read buffer of
 * this size is memory malloc hands out again; with 1 MB chunks, page faults on fresh memory took a sixth of
 * the worker's time (50 MB mailbox, worker thread CPU: 1.54-1.57 s with 1 MB, 1.36-1.42 s with 64 KB,
 * 1.42 s with 32 KB, in alternating runs).
 */
const CHUNK = 64 * 1024;
const port = parentPort;
if (port) runInBackground();
const abort = new AbortController();
const post = (m: WorkerToHost, transfer: ArrayBuffer[] = []) => port?.postMessage(m, transfer);

async function run(source: ImportSource): Promise<void> {
  const name = source.kind === 'git' ? `git:${source.range}` : source.name;
  let count = 0;
  let batch: BatchItem[] = [];
  let batchChars = 0;
  const input = new InputChunks();
  // A mailbox file the host reads again: no source travels, only where its lines start.
  const file = source.kind === 'file' ? new LineIndex() : undefined;
  const flush = () => {
    if (batch.length === 0) return;
    const wire = toBatch(batch, input, file);
    post({ type: 'messages', ...wire }, batchTransfer(wire));
    batch = [];
    batchChars = 0;
  };
  // The chunk being pushed when it may travel to the host as it is (InputChunks: all ASCII, checked), else
  // null; decided before the push, as a flush during it may send the chunk away.
  let travelling: Uint8Array | null = null;
  const ascii = typeof isAscii === 'function' ? isAscii : () => false;
  const decode = (bytes: Uint8Array) => decodeUtf8(bytes, undefined, bytes.buffer === travelling?.buffer && bytes.length === travelling.length);
  const reader = new SeriesReader(name, (message, from) => {
    count++;
    batch.push(batchItem(message, from, encodeEntries(hunkEntries(message))));
    batchChars += (from ? from.text.length : message.body.length) + 256;
    if (batchChars >= BATCH_CHARS) flush();
  }, false, decode, () => travelling !== null);
  let done = 0;
  let lastProgress = 0;
  const feed = (bytes: Uint8Array, total: number | null, what: string) => {
    const length = bytes.length;
    if (file) file.push(bytes);
    else travelling = input.add(bytes, ascii) ? bytes : null;
    reader.push(bytes);
    done += length;
    if (done - lastProgress >= 1 << 20 || done === total) {
      lastProgress = done;
      post({ type: 'progress', done, total, messages: count, what });
    }
  };
  if (source.kind === 'file') {
    const total = (await fs.promises.stat(source.path)).size;
    for await (const chunk of fs.createReadStream(source.path, { highWaterMark: CHUNK, signal: abort.signal })) feed(chunk as Buffer, total, 'reading');
  } else if (source.kind === 'bytes') {
    const data = new Uint8Array(source.data);
    for (let i = 0; i < data.length; i += CHUNK) feed(data.subarray(i, i + CHUNK), data.length, 'reading');
  } else {
    const range = await streamGitRange(source.repo, source.range, { trusted: source.trusted, signal: abort.signal }, (bytes) => feed(bytes, null, 'git format-patch'));
    flush();
    const series = reader.end();
    flush();
    post({ type: 'done', series: toSkeleton({ ...series, source: `git:${range}`, format: 'git' }) });
    return;
  }
  const series = reader.end();
  flush();
  post({ type: 'done', series: toSkeleton(series) });
}

port?.on('message', (m: HostToWorker) => {
  if (m.type === 'cancel') abort.abort();
  else if (m.type === 'import') {
    run(m.source).catch((err: unknown) => post({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
  }
});
