// An in-process Debug Adapter Protocol client for tests and the benchmark: sends requests to a
// TimensDebugSession through handleMessage and collects its responses and events.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { TimensDebugSession, type DebugHost, type TimensLaunchArguments } from '../../../extension/debug/session';

export class DapClient {
  private seq = 1;
  private readonly pending = new Map<number, (r: DebugProtocol.Response) => void>();
  readonly events: DebugProtocol.Event[] = [];
  /** Every response, in order (the session's message emitter takes one listener: this client's). */
  readonly responses: DebugProtocol.Response[] = [];
  private readonly waiters: { match: (e: DebugProtocol.Event) => boolean; resolve: (e: DebugProtocol.Event) => void }[] = [];
  /** Events not yet consumed by waitEvent, in order. */
  private consumed = 0;

  constructor(readonly session: TimensDebugSession = new TimensDebugSession()) {
    session.onDidSendMessage((m) => {
      const msg = m as DebugProtocol.ProtocolMessage;
      if (msg.type === 'response') {
        const r = msg as DebugProtocol.Response;
        this.responses.push(r);
        this.pending.get(r.request_seq)?.(r);
        this.pending.delete(r.request_seq);
      } else if (msg.type === 'event') {
        this.events.push(msg as DebugProtocol.Event);
        this.flush();
      }
    });
  }

  private flush(): void {
    for (let i = 0; i < this.waiters.length; i++) {
      const w = this.waiters[i]!;
      const at = this.events.findIndex((e, k) => k >= this.consumed && w.match(e));
      if (at >= 0) {
        this.consumed = at + 1;
        this.waiters.splice(i--, 1);
        w.resolve(this.events[at]!);
      }
    }
  }

  /** Sends a request; resolves with the response (also unsuccessful ones). */
  send<R extends DebugProtocol.Response = DebugProtocol.Response>(command: string, args?: unknown): Promise<R> {
    const seq = this.seq++;
    return new Promise<R>((resolve) => {
      this.pending.set(seq, resolve as (r: DebugProtocol.Response) => void);
      this.session.handleMessage({ type: 'request', seq, command, arguments: args } as DebugProtocol.Request);
    });
  }

  /** Sends a request that must succeed and returns its body. */
  async request<B = Record<string, unknown>>(command: string, args?: unknown): Promise<B> {
    const r = await this.send(command, args);
    if (!r.success) throw new Error(`${command} failed: ${r.message}`);
    return r.body as B;
  }

  /** The next event named `event` after the ones already consumed (waits for it, with a timeout). */
  waitEvent<E extends DebugProtocol.Event = DebugProtocol.Event>(event: string, timeoutMs = 10000): Promise<E> {
    return new Promise<E>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no '${event}' event within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ match: (e) => e.event === event, resolve: (e) => { clearTimeout(timer); resolve(e as E); } });
      this.flush();
    });
  }

  /** Sends a stepping request and waits for the stopped event it causes. */
  async step(command: string, args: Record<string, unknown> = {}): Promise<DebugProtocol.StoppedEvent> {
    const stopped = this.waitEvent<DebugProtocol.StoppedEvent>('stopped');
    await this.request(command, { threadId: 1, ...args });
    return stopped;
  }

  async cursor(): Promise<{ position: number; kind: string; line: number; event: number | null; eventCount: number }> {
    return this.request('timens/cursor');
  }

  async frames(): Promise<DebugProtocol.StackFrame[]> {
    return (await this.request<DebugProtocol.StackTraceResponse['body']>('stackTrace', { threadId: 1 })).stackFrames;
  }

  async scopes(): Promise<DebugProtocol.Scope[]> {
    const frames = await this.frames();
    return (await this.request<DebugProtocol.ScopesResponse['body']>('scopes', { frameId: frames[0]!.id })).scopes;
  }

  async variables(ref: number, extra: Record<string, unknown> = {}): Promise<DebugProtocol.Variable[]> {
    return (await this.request<DebugProtocol.VariablesResponse['body']>('variables', { variablesReference: ref, ...extra })).variables;
  }

  async evaluate(expression: string, context = 'repl'): Promise<DebugProtocol.EvaluateResponse> {
    return this.send<DebugProtocol.EvaluateResponse>('evaluate', { expression, context });
  }

  /** initialize → launch → (configure) → configurationDone → first stop. */
  async start(args: TimensLaunchArguments, configure?: () => Promise<void>): Promise<DebugProtocol.StoppedEvent | undefined> {
    await this.request('initialize', { adapterID: 'timens', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsMemoryReferences: true });
    const initialized = this.waitEvent('initialized');
    await this.request('launch', args);
    await initialized;
    if (configure) await configure();
    const stopped = this.waitEvent<DebugProtocol.StoppedEvent>('stopped');
    await this.request('configurationDone');
    return stopped;
  }
}

/** Writes a scenario to a temporary file and returns its path. */
export function scenarioFile(name: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'timens-dap-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

export function newClient(host?: DebugHost): DapClient {
  return new DapClient(new TimensDebugSession(host));
}

export { SAMPLE_SCENARIO } from '../../fixtures/sampleScenario';
