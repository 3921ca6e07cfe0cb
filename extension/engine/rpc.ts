// Typed requests, replies and notifications over a Port, the same on both sides of the worker boundary:
// each side numbers its own requests, a reply carries the request's id, and ArrayBuffers can be transferred.
import type { Port, Wire } from './protocol';

type Method<R> = Extract<keyof R, string>;
type ParamsOf<R, M extends keyof R> = R[M] extends { params: infer P } ? P : never;
type ResultOf<R, M extends keyof R> = R[M] extends { result: infer X } ? X : never;

/** A handler's result, with the buffers to transfer rather than copy. */
export class Transfer<T> {
  constructor(readonly value: T, readonly buffers: readonly ArrayBuffer[]) {}
}

export class Endpoint<Out, In, OutEvents, InEvents> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly handlers = new Map<string, (params: unknown) => unknown>();
  private readonly listeners = new Map<string, Set<(body: unknown) => void>>();
  private closedReason: string | undefined;

  constructor(private readonly port: Port) {
    port.onMessage((m) => this.receive(m));
  }

  request<M extends Method<Out>>(method: M, params: ParamsOf<Out, M>, transfer: readonly ArrayBuffer[] = []): Promise<ResultOf<Out, M>> {
    if (this.closedReason) return Promise.reject(new Error(this.closedReason));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.port.post({ t: 'req', id, method, params }, transfer);
    });
  }

  handle<M extends Method<In>>(method: M, handler: (params: ParamsOf<In, M>) => ResultOf<In, M> | Transfer<ResultOf<In, M>> | Promise<ResultOf<In, M> | Transfer<ResultOf<In, M>>>): void {
    this.handlers.set(method, handler as (params: unknown) => unknown);
  }

  notify<E extends Extract<keyof OutEvents, string>>(name: E, body: OutEvents[E], transfer: readonly ArrayBuffer[] = []): void {
    if (!this.closedReason) this.port.post({ t: 'ev', name, body }, transfer);
  }

  on<E extends Extract<keyof InEvents, string>>(name: E, listener: (body: InEvents[E]) => void): () => void {
    let set = this.listeners.get(name);
    if (!set) { set = new Set(); this.listeners.set(name, set); }
    set.add(listener as (body: unknown) => void);
    return () => { set!.delete(listener as (body: unknown) => void); };
  }

  /** The other side is gone: every open request fails with `reason`, and so does every later one. */
  close(reason: string): void {
    this.closedReason = reason;
    for (const p of this.pending.values()) p.reject(new Error(reason));
    this.pending.clear();
  }

  private receive(m: Wire): void {
    switch (m.t) {
      case 'res': {
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.ok) p.resolve(m.result); else p.reject(new Error(m.error));
        return;
      }
      case 'ev':
        for (const l of this.listeners.get(m.name) ?? []) l(m.body);
        return;
      case 'req':
        void this.answer(m.id, m.method, m.params);
        return;
    }
  }

  private async answer(id: number, method: string, params: unknown): Promise<void> {
    const handler = this.handlers.get(method);
    try {
      if (!handler) throw new Error(`no handler for ${method}`);
      const out = await handler(params);
      if (out instanceof Transfer) this.port.post({ t: 'res', id, ok: true, result: out.value }, out.buffers);
      else this.port.post({ t: 'res', id, ok: true, result: out });
    } catch (err) {
      this.port.post({ t: 'res', id, ok: false, error: err instanceof Error ? err.message : String(err) });
    }
  }
}
