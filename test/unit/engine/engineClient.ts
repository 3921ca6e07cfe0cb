// An engine behind a real message channel (worker_threads' MessageChannel, the port type a worker thread
// uses), and the host's end of it, for the engine's tests: every message is cloned as it would be between threads.
import { MessageChannel } from 'worker_threads';
import type { ClientRequests, EngineEvents, EngineRequests } from '../../../extension/engine/protocol';
import { Endpoint } from '../../../extension/engine/rpc';
import { nodeStylePort, serve } from '../../../extension/engine/serve';
import type { EngineOptions } from '../../../extension/engine/engine';

export type Host = Endpoint<EngineRequests, ClientRequests, Record<string, never>, EngineEvents>;

export interface Harness {
  readonly host: Host;
  /** Every notification received, in order. */
  readonly events: { name: keyof EngineEvents; body: unknown }[];
  next<E extends keyof EngineEvents>(name: E, match?: (b: EngineEvents[E]) => boolean): Promise<EngineEvents[E]>;
  close(): void;
}

const open = new Set<() => void>();

/** Closes every harness still open: a test that fails before its own close() would otherwise keep the process
 *  alive and hang the whole file (give it to node:test's after()). */
export function closeOpenHarnesses(): void {
  for (const close of [...open]) close();
}

export function engineHarness(options: EngineOptions = {}): Harness {
  const { port1, port2 } = new MessageChannel();
  const close = (): void => { port1.close(); port2.close(); open.delete(close); };
  open.add(close);
  serve(nodeStylePort(port1), options);
  const host: Host = new Endpoint(nodeStylePort(port2));
  const events: { name: keyof EngineEvents; body: unknown }[] = [];
  const waiters: { name: keyof EngineEvents; match: (b: never) => boolean; resolve: (b: unknown) => void }[] = [];
  for (const name of ['session', 'cursor', 'trees', 'progress', 'dap', 'log'] as const) {
    host.on(name, (body) => {
      events.push({ name, body });
      for (let i = 0; i < waiters.length; i++) {
        const w = waiters[i]!;
        if (w.name === name && w.match(body as never)) { waiters.splice(i--, 1); w.resolve(body); }
      }
    });
  }
  return {
    host,
    events,
    next: (name, match = () => true) => new Promise((resolve) => waiters.push({ name, match: match as (b: never) => boolean, resolve: resolve as (b: unknown) => void })),
    close,
  };
}

export const DEFAULTS = { defaults: { arch: 'x86_64', kernel: '6.18' } } as const;
