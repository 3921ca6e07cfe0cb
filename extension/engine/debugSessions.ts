// The debug adapters, run inside the engine next to the simulation they step: the host forwards DAP messages
// both ways, and each adapter steps the shared cursor of its document's run (so the views follow it).
import type { DebugProtocol } from '@vscode/debugprotocol';
import { TimensDebugSession, type DebugHost, type LoadedScenario, type TimensLaunchArguments } from '../debug/session';
import type { MoveSource } from '../debug/cursor';
import type { Endpoint } from './rpc';
import type { ClientRequests, EngineEvents, EngineRequests, RunId, RunRequest } from './protocol';
import type { RunRecord } from './runs';

/** What the adapters need of the engine. */
export interface RunSource {
  ensureRun(uri: string, version: number, request: RunRequest, source: MoveSource): Promise<RunRecord>;
  runDocument(uri: string, version: number, request: RunRequest, job: number, kind: 'run', source: MoveSource): Promise<RunRecord | null>;
  unref(id: RunId, ref: string): void;
}

interface Live {
  readonly adapter: TimensDebugSession;
  runId?: RunId;
  uri?: string;
  /** The document ran again since the launch: said once, until a restart. */
  told: boolean;
}

let nextJob = -1_000_000;

export class DebugSessions {
  private readonly live = new Map<number, Live>();

  constructor(private readonly rpc: Endpoint<ClientRequests, EngineRequests, EngineEvents, Record<string, never>>, private readonly engine: RunSource) {}

  get count(): number {
    return this.live.size;
  }

  start(id: number): void {
    const ref = `debug:${id}`;
    const host: DebugHost = {
      load: async (args: TimensLaunchArguments, restart: boolean): Promise<LoadedScenario> => {
        const doc = await this.rpc.request('openDocument', { program: args.program });
        const request: RunRequest = {
          defaults: doc.defaults,
          overrides: {
            ...(args.arch ? { arch: args.arch } : {}),
            ...(args.kernel ? { kernel: args.kernel } : {}),
            ...(args.disabledPatches ? { disabledPatches: args.disabledPatches } : {}),
            ...(args.design ? { design: args.design } : {}),
          },
        };
        const rec = restart
          ? await this.engine.runDocument(doc.uri, doc.version, request, nextJob--, 'run', 'debugger')
          : await this.engine.ensureRun(doc.uri, doc.version, request, 'debugger');
        if (!rec) throw new Error(`${args.program} changed while it ran; restart again`);
        const s = this.live.get(id);
        if (s) {
          if (s.runId !== undefined && s.runId !== rec.id) this.engine.unref(s.runId, ref);
          rec.refs.add(ref);
          s.runId = rec.id;
          s.uri = doc.uri;
          s.told = false;
        }
        this.rpc.notify('log', { level: 'info', message: `debugging ${doc.uri} (${rec.run.profile.arch} ${rec.run.profile.kernel}, ${rec.sim.eventCount} events)` });
        return { run: rec.run, text: rec.text, cursor: rec.cursor };
      },
      onEnd: () => this.release(id),
    };
    const adapter = new TimensDebugSession(host);
    adapter.onDidSendMessage((message) => this.rpc.notify('dap', { session: id, message: message as DebugProtocol.ProtocolMessage }));
    this.live.set(id, { adapter, told: false });
  }

  message(id: number, message: DebugProtocol.ProtocolMessage): void {
    const s = this.live.get(id);
    if (!s) throw new Error(`no debug session ${id}`);
    s.adapter.handleMessage(message);
  }

  end(id: number): void {
    const s = this.live.get(id);
    if (!s) return;
    this.release(id);
    this.live.delete(id);
    s.adapter.dispose();
  }

  /** A document ran again: a session still stepping its older run says how to get the new one. */
  rerun(uri: string, runId: RunId): void {
    for (const s of this.live.values()) {
      if (s.uri !== uri || s.runId === undefined || s.runId === runId || s.told) continue;
      s.told = true;
      s.adapter.notice('The scenario was run again (its text changed). Restart the debug session to step through the new run.');
    }
  }

  private release(id: number): void {
    const s = this.live.get(id);
    if (s?.runId !== undefined) this.engine.unref(s.runId, `debug:${id}`);
    if (s) s.runId = undefined;
  }
}
