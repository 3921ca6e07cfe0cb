// The host side of a series import: starts the import worker (importWorker.ts), turns its progress into
// callbacks, rebuilds the series from the batches it posts (each message's text read from its batch, or again
// from its mailbox file, when first asked for), and cancels by terminating it. Plain Node, so the benchmark measures the same path the
// extension uses.
import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import { fromBatch, fromSkeleton, HostSide, type MailboxFile } from './importHost';
import type { HostToWorker, ImportSource, WorkerToHost } from './importProtocol';
import type { PatchSeries, SeriesMessage } from './series';

export class ImportCancelled extends Error {
  constructor() {
    super('the import was cancelled');
  }
}

export interface ImportProgress {
  readonly done: number;            // bytes read
  readonly total: number | null;    // bytes in all, when known (not for git)
  readonly messages: number;
  readonly what: string;
}

export interface ImportOptions {
  /** Path of the bundled worker (dist/importWorker.js in the extension). */
  readonly workerPath: string;
  readonly onProgress?: (p: ImportProgress) => void;
  readonly signal?: AbortSignal;
}

/** Imports a series off this thread; rejects with ImportCancelled when `signal` aborts, else with the worker's message. */
export function importSeries(source: ImportSource, options: ImportOptions): Promise<PatchSeries> {
  return new Promise<PatchSeries>((resolve, reject) => {
    if (options.signal?.aborted) { reject(new ImportCancelled()); return; }
    const worker = new Worker(options.workerPath);
    const messages: SeriesMessage[] = [];
    let host: HostSide;
    try {
      host = new HostSide(source.kind === 'file' ? fileRanges(source.path, source.name) : undefined);
    } catch (err) {
      void worker.terminate();
      reject(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    let settled = false;
    const finish = (fn: () => void, graceMs = 0) => {
      if (settled) return;
      settled = true;
      options.signal?.removeEventListener('abort', onAbort);
      // A cancelled git import first gets the chance to stop its git process.
      if (graceMs > 0) setTimeout(() => void worker.terminate(), graceMs).unref();
      else void worker.terminate();
      fn();
    };
    const onAbort = () => {
      worker.postMessage({ type: 'cancel' } satisfies HostToWorker);
      finish(() => reject(new ImportCancelled()), 1000);
    };
    options.signal?.addEventListener('abort', onAbort);
    worker.on('message', (m: WorkerToHost) => {
      if (settled) return;
      switch (m.type) {
        case 'progress': options.onProgress?.(m); break;
        case 'messages': for (const msg of fromBatch(m, host)) messages.push(msg); break;
        case 'done': { const series = fromSkeleton(m.series, messages); finish(() => resolve(series)); break; }
        case 'error': finish(() => reject(new Error(m.message))); break;
      }
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(`the import worker stopped (exit ${code}) before it finished`))));
    const request: HostToWorker = { type: 'import', source };
    worker.postMessage(request, source.kind === 'bytes' ? [source.data] : []);
  });
}

/**
 * The mailbox file, read again for the messages a view asks for: the import keeps only where they lie. The file
 * as it was when the import started (its size and modification time) is the one read; a file changed since
 * cannot give a message back, and says so.
 */
export function fileRanges(file: string, name: string): MailboxFile {
  const imported = fs.statSync(file);
  const read = (offset: number, length: number): Uint8Array => {
    let fd: number | undefined;
    try {
      fd = fs.openSync(file, 'r');
      const now = fs.fstatSync(fd);
      if (now.size !== imported.size || now.mtimeMs !== imported.mtimeMs) throw new Error(`${name} has changed since it was imported: import it again to read its messages`);
      const bytes = Buffer.alloc(length);
      let done = 0;
      while (done < length) {
        const n = fs.readSync(fd, bytes, done, length - done, offset + done);
        if (n === 0) throw new Error(`${name} ended before byte ${offset + length}: import it again to read its messages`);
        done += n;
      }
      return bytes;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw code ? new Error(`${name} cannot be read again (${code}): import it again to read its messages`) : err;
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  };
  return { size: imported.size, read };
}
