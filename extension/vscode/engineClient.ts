// The host's end of the engine: starts the simulator's worker thread (dist/engine.js), sends it typed requests
// (extension/engine/protocol.ts) and hears its notifications. A worker that dies is started again on the next
// request, and `onDidRestart` lets the document mirror send the open texts again.
import * as path from 'path';
import { Worker } from 'worker_threads';
import * as vscode from 'vscode';
import { ENGINE_EVENTS, type ClientRequests, type EngineEvents, type EngineRequests } from '../engine/protocol';
import { Endpoint } from '../engine/rpc';
import { nodeStylePort } from '../engine/serve';

type HostEndpoint = Endpoint<EngineRequests, ClientRequests, Record<string, never>, EngineEvents>;
type Params<M extends keyof EngineRequests> = EngineRequests[M]['params'];
type Result<M extends keyof EngineRequests> = EngineRequests[M]['result'];

export class EngineClient implements vscode.Disposable {
  private worker: Worker | undefined;
  private rpc: HostEndpoint | undefined;
  private readonly handlers: { [M in keyof ClientRequests]?: (p: ClientRequests[M]['params']) => Promise<ClientRequests[M]['result']> } = {};
  private readonly listeners: Partial<Record<keyof EngineEvents, Set<(body: never) => void>>> = {};
  private readonly restartEmitter = new vscode.EventEmitter<void>();
  /** The worker was started again after it died: the documents must be sent again. */
  readonly onDidRestart = this.restartEmitter.event;
  private starts = 0;
  private disposed = false;

  constructor(private readonly script: string, private readonly log: vscode.LogOutputChannel) {}

  static forExtension(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): EngineClient {
    return new EngineClient(path.join(context.extensionPath, 'dist', 'engine.js'), log);
  }

  request<M extends keyof EngineRequests>(method: M, params: Params<M>, transfer: readonly ArrayBuffer[] = []): Promise<Result<M>> {
    return this.endpoint().request(method, params as never, transfer) as Promise<Result<M>>;
  }

  /** Answers the engine's requests of `method` (one handler each). */
  handle<M extends keyof ClientRequests>(method: M, handler: (p: ClientRequests[M]['params']) => Promise<ClientRequests[M]['result']>): void {
    (this.handlers as Record<string, unknown>)[method] = handler;
    this.rpc?.handle(method, handler as never);
  }

  on<E extends keyof EngineEvents>(name: E, listener: (body: EngineEvents[E]) => void): vscode.Disposable {
    const set = (this.listeners[name] ??= new Set());
    set.add(listener);
    return { dispose: () => { set.delete(listener); } };
  }

  private endpoint(): HostEndpoint {
    if (this.rpc) return this.rpc;
    if (this.disposed) throw new Error('the extension is shutting down');
    const worker = new Worker(this.script, { name: 'timens-engine' });
    const rpc: HostEndpoint = new Endpoint(nodeStylePort(worker));
    for (const [method, handler] of Object.entries(this.handlers)) rpc.handle(method as keyof ClientRequests, handler as never);
    for (const name of ENGINE_EVENTS) {
      rpc.on(name, (body) => { for (const l of (this.listeners[name] ?? []) as Set<(b: unknown) => void>) l(body); });
    }
    worker.on('error', (err) => this.log.error(`engine worker failed: ${err.stack ?? err.message}`));
    worker.on('exit', (code) => {
      rpc.close(`the simulator's worker stopped (exit code ${code})`);
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.rpc = undefined;
      if (!this.disposed) {
        this.log.error(`the simulator's worker stopped (exit code ${code}); it starts again on the next request`);
        this.restartEmitter.fire();
      }
    });
    this.worker = worker;
    this.rpc = rpc;
    this.starts++;
    this.log.info(`simulator worker started (${this.starts === 1 ? 'first start' : `start ${this.starts}`})`);
    return rpc;
  }

  dispose(): void {
    this.disposed = true;
    this.rpc?.close('the extension is shutting down');
    void this.worker?.terminate();
    this.worker = undefined;
    this.rpc = undefined;
    this.restartEmitter.dispose();
  }
}
