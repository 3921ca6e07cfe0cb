// The one place that knows which simulation is on screen and where its cursor is. Trees, the timeline,
// the status bar, inline results and the debugger all read it and follow its change events.
import * as vscode from 'vscode';
import type { RunOptions, ScenarioRun } from '../scenario/api';
import { runScenario } from '../scenario/index';
import { DEFAULT_PROFILE, type Arch, type KernelVersion } from '../sim/types';

/** Who moved the cursor, so a view can avoid echoing its own moves back. */
export type CursorSource = 'run' | 'command' | 'debugger' | 'timeline' | 'tree' | 'tour' | 'test';

export interface SessionChange {
  readonly session: SimulationSession | undefined;
  readonly reason: 'run' | 'position' | 'reset';
  readonly source: CursorSource;
}

/** A recorded run of one scenario document. The cursor lives in `run.sim.position`. */
export class SimulationSession {
  constructor(
    readonly uri: vscode.Uri,
    readonly run: ScenarioRun,
    readonly documentVersion: number,
  ) {}

  get sim() {
    return this.run.sim;
  }
}

export class SessionStore implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<SessionChange>();
  readonly onDidChange = this.emitter.event;
  private readonly sessions = new Map<string, SimulationSession>();
  private activeKey: string | undefined;

  get active(): SimulationSession | undefined {
    return this.activeKey === undefined ? undefined : this.sessions.get(this.activeKey);
  }

  get(uri: vscode.Uri): SimulationSession | undefined {
    return this.sessions.get(uri.toString());
  }

  /** Keep a finished run and make it the one on screen; its cursor stays where the run left it (the end). */
  setRun(uri: vscode.Uri, run: ScenarioRun, documentVersion: number, source: CursorSource = 'run'): SimulationSession {
    const session = new SimulationSession(uri, run, documentVersion);
    this.sessions.set(uri.toString(), session);
    this.activeKey = uri.toString();
    this.emitter.fire({ session, reason: 'run', source });
    return session;
  }

  /** Make an existing session the one on screen (e.g. when its editor becomes active). */
  activate(uri: vscode.Uri): void {
    const key = uri.toString();
    if (!this.sessions.has(key) || key === this.activeKey) return;
    this.activeKey = key;
    this.emitter.fire({ session: this.active, reason: 'run', source: 'command' });
  }

  /** Travel to an event position of the active run (0 … eventCount). */
  moveTo(position: number, source: CursorSource): boolean {
    const session = this.active;
    if (!session) return false;
    const clamped = Math.max(0, Math.min(session.sim.eventCount, Math.trunc(position)));
    if (clamped !== session.sim.position) session.sim.goto(clamped);
    this.emitter.fire({ session, reason: 'position', source });
    return true;
  }

  /** Someone moved the simulation directly (the debug adapter does): tell the views. */
  positionChanged(session: SimulationSession, source: CursorSource): void {
    if (this.sessions.get(session.uri.toString()) !== session) return;
    this.emitter.fire({ session, reason: 'position', source });
  }

  /** The session of `document` if it was run on the current text, else a fresh run of it (made active). */
  ensureRun(document: vscode.TextDocument, overrides: RunOptions = {}): SimulationSession {
    const existing = this.get(document.uri);
    if (existing && existing.documentVersion === document.version && Object.keys(overrides).length === 0) {
      this.activate(document.uri);
      return existing;
    }
    return this.runDocument(document, overrides);
  }

  /** Run `document` now (header lines win over the `timens.default*` settings; `overrides` win over both). */
  runDocument(document: vscode.TextDocument, overrides: RunOptions = {}, source: CursorSource = 'run'): SimulationSession {
    const run = runScenario(document.getText(), { ...defaultProfileOptions(document), ...overrides, file: document.uri.fsPath });
    return this.setRun(document.uri, run, document.version, source);
  }

  reset(uri?: vscode.Uri): void {
    const key = uri?.toString() ?? this.activeKey;
    if (key === undefined) return;
    this.sessions.delete(key);
    if (key === this.activeKey) this.activeKey = undefined;
    this.emitter.fire({ session: this.active, reason: 'reset', source: 'command' });
  }

  dispose(): void {
    this.sessions.clear();
    this.emitter.dispose();
  }
}

/** The profile settings apply only where the scenario has no `arch`/`kernel` header line of its own. */
export function defaultProfileOptions(document: vscode.TextDocument): RunOptions {
  const config = vscode.workspace.getConfiguration('timens', document.uri);
  const text = document.getText();
  const hasArch = /^\s*arch\s+\S+/m.test(text);
  const hasKernel = /^\s*kernel\s+\S+/m.test(text);
  return {
    ...(hasArch ? {} : { arch: config.get<Arch>('defaultArch', DEFAULT_PROFILE.arch) }),
    ...(hasKernel ? {} : { kernel: config.get<KernelVersion>('defaultKernel', DEFAULT_PROFILE.kernel) }),
  };
}
