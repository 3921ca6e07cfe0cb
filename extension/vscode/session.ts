// The one place that knows which simulation is on screen. The runs and their cursors live in the engine
// (a worker); this keeps what the views need at once (each document's run summary and cursor, the trees of the
// run on screen) as the engine reports it, and turns commands into engine requests.
import * as vscode from 'vscode';
import type { Move, MoveSource } from '../debug/cursor';
import { TREE_KEYS, type CursorView, type EventBrief, type ProfileDefaults, type RunRequest, type RunSummary, type TreeKey, type TreesPatch, type TreeViews } from '../engine/protocol';
import { PatchedTree } from '../scenario/editor/treePatch';
import type { NamespaceMode, TreeNode } from '../scenario/editor/trees';
import type { EventKind, LineSpan, OpResult, SimEvent } from '../sim/api';
import { DEFAULT_PROFILE, type Arch, type Arm64PatchId, type KernelVersion, type Profile } from '../sim/types';
import type { EngineClient } from './engineClient';

export type CursorSource = MoveSource;

export interface SessionChange {
  readonly session: SimulationSession | undefined;
  readonly reason: 'run' | 'position' | 'reset';
  readonly source: CursorSource;
}

/** The trees changed: per tree, the nodes to refresh ('all': the whole tree). */
export interface TreesChange {
  readonly views: TreeViews | undefined;
  readonly changed: Readonly<Record<TreeKey, readonly TreeNode[] | 'all'>>;
}

export type Overrides = { readonly arch?: Arch; readonly kernel?: KernelVersion; readonly disabledPatches?: readonly Arm64PatchId[] };

/** A recorded run of one scenario document, as the host sees it; the events stay in the engine. */
export class SimulationSession {
  constructor(readonly uri: vscode.Uri, readonly summary: RunSummary, public view: CursorView, private readonly engine: EngineClient) {}

  get runId(): number { return this.summary.runId; }
  get documentVersion(): number { return this.summary.version; }
  get profile(): Profile { return this.summary.profile; }
  get eventCount(): number { return this.summary.eventCount; }
  get valid(): boolean { return this.summary.valid; }
  get position(): number { return this.view.position; }

  event(index: number): Promise<SimEvent | null> {
    return this.engine.request('event', { runId: this.runId, index });
  }
  lineSpan(line: number): Promise<LineSpan | null> {
    return this.engine.request('lineSpan', { runId: this.runId, line });
  }
  resultOfLine(line: number): Promise<OpResult | null> {
    return this.engine.request('resultOfLine', { runId: this.runId, line });
  }
  find(query: { kind?: EventKind; functions?: readonly string[]; limit?: number }): Promise<EventBrief[]> {
    return this.engine.request('find', { runId: this.runId, ...query });
  }
}

export interface RunProgress {
  readonly progress?: vscode.Progress<{ message?: string; increment?: number }>;
  readonly token?: vscode.CancellationToken;
}

let nextJob = 1;

export class SessionStore implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<SessionChange>();
  readonly onDidChange = this.emitter.event;
  private readonly treesEmitter = new vscode.EventEmitter<TreesChange>();
  /** The trees of the run on screen changed (a move, a new run, another document). */
  readonly onDidChangeTrees = this.treesEmitter.event;
  private readonly sessions = new Map<string, SimulationSession>();
  private activeKey: string | undefined;
  private mode: NamespaceMode = 'owner';
  /** The three trees at the cursor of the run on screen: the engine's last sending, with its patches applied. */
  private shown: Omit<TreeViews, TreeKey> | undefined;
  readonly patched: Readonly<Record<TreeKey, PatchedTree>> = { namespaces: new PatchedTree(), tasks: new PatchedTree(), memory: new PatchedTree() };
  private readonly disposables: vscode.Disposable[] = [];

  constructor(readonly engine: EngineClient) {
    this.disposables.push(
      engine.on('session', ({ summary, view }) => this.adopt(summary, view)),
      engine.on('cursor', (view) => {
        for (const s of this.sessions.values()) {
          if (s.runId !== view.runId) continue;
          s.view = view;
          this.emitter.fire({ session: s, reason: 'position', source: view.source });
        }
      }),
      engine.on('trees', (t) => {
        if (this.active?.runId !== t.runId) return;
        if ('patches' in t) this.patch(t);
        else this.replaceTrees(t);
      }),
      // The views follow the active scenario editor, and let go of a scenario whose last tab closed.
      vscode.window.onDidChangeActiveTextEditor((editor) => { if (editor && this.get(editor.document.uri)) this.activate(editor.document.uri); }),
      vscode.window.tabGroups.onDidChangeTabs(() => this.followTabs()),
      vscode.workspace.onDidCloseTextDocument((d) => {
        const key = d.uri.toString();
        if (!this.sessions.delete(key)) return;
        if (key === this.activeKey) this.showNext();
      }),
    );
  }

  private followTabs(): void {
    const key = this.activeKey;
    if (key === undefined || openTabUris().has(key)) return;
    this.showNext();
  }

  /** The scenario on screen is gone: show the active or a visible scenario editor's session, else nothing. */
  private showNext(): void {
    const open = openTabUris();
    const candidates = [activeScenario()?.uri, ...vscode.window.visibleTextEditors.map((e) => e.document.uri)];
    const next = candidates.find((u) => u && open.has(u.toString()) && this.sessions.has(u.toString()));
    this.activeKey = next?.toString();
    this.watch();
    this.emitter.fire({ session: this.active, reason: 'reset', source: 'command' });
  }

  get active(): SimulationSession | undefined {
    return this.activeKey === undefined ? undefined : this.sessions.get(this.activeKey);
  }

  get(uri: vscode.Uri): SimulationSession | undefined {
    return this.sessions.get(uri.toString());
  }

  /** A run became its document's session: keep it, and show it when someone asked for it or its editor is active. */
  private adopt(summary: RunSummary, view: CursorView): void {
    const uri = vscode.Uri.parse(summary.uri);
    const session = new SimulationSession(uri, summary, view, this.engine);
    const key = uri.toString();
    this.sessions.set(key, session);
    const shown = this.activeKey === key || summary.kind === 'run' || activeScenario()?.uri.toString() === key || this.activeKey === undefined;
    if (!shown) return;
    const switched = this.activeKey !== key;
    this.activeKey = key;
    if (switched) this.watch();
    this.emitter.fire({ session, reason: 'run', source: view.source });
  }

  /** Make an existing session the one on screen (e.g. when its editor becomes active). */
  activate(uri: vscode.Uri): void {
    const key = uri.toString();
    if (!this.sessions.has(key) || key === this.activeKey) return;
    this.activeKey = key;
    this.watch();
    this.emitter.fire({ session: this.active, reason: 'run', source: 'command' });
  }

  /** Ask the engine for the trees of the run on screen, and to send them after every move. */
  watch(mode: NamespaceMode = this.mode): void {
    this.mode = mode;
    const session = this.active;
    void this.engine.request('watch', { runId: session?.runId ?? null, mode }).then((t) => {
      if (t && this.active?.runId !== t.runId) return;
      this.replaceTrees(t ?? undefined);
    }, () => undefined);
  }

  /** The trees of the run on screen, as the views show them. */
  get trees(): TreeViews | undefined {
    const s = this.shown;
    return s && { ...s, namespaces: this.patched.namespaces.roots, tasks: this.patched.tasks.roots, memory: this.patched.memory.roots };
  }

  private replaceTrees(t: TreeViews | undefined): void {
    this.shown = t && { runId: t.runId, position: t.position, mode: t.mode, seq: t.seq };
    for (const k of TREE_KEYS) this.patched[k].reset(t ? t[k] : []);
    this.treesEmitter.fire({ views: this.trees, changed: { namespaces: 'all', tasks: 'all', memory: 'all' } });
  }

  /** What changed since the trees on screen; a patch made against other trees asks for them whole. */
  private patch(p: TreesPatch): void {
    const s = this.shown;
    if (!s || s.runId !== p.runId || s.mode !== p.mode || s.seq !== p.base) return this.watch();
    const changed = {} as Record<TreeKey, readonly TreeNode[] | 'all'>;
    for (const k of TREE_KEYS) {
      const c = this.patched[k].apply(p.patches[k]);
      if (c === null) return this.watch();
      changed[k] = c;
    }
    this.shown = { runId: p.runId, position: p.position, mode: p.mode, seq: p.seq };
    this.treesEmitter.fire({ views: this.trees, changed });
  }

  /** Moves the cursor of the session on screen; false when it goes nowhere (at an edge) or nothing is on screen. */
  async move(move: Move, source: CursorSource, session = this.active): Promise<boolean> {
    if (!session) return false;
    const { moved, view } = await this.engine.request('move', { runId: session.runId, move, source });
    session.view = view;
    return moved;
  }

  /** Travel to an event position of the session on screen (0 … eventCount). */
  moveTo(position: number, source: CursorSource, session = this.active): Promise<boolean> {
    return this.move({ kind: 'goto', position }, source, session);
  }

  /** The session of `document` if it ran on the current text (with these overrides), else a fresh run of it. */
  async ensureRun(document: vscode.TextDocument, overrides: Overrides = {}, source: CursorSource = 'run'): Promise<SimulationSession> {
    const summary = await this.engine.request('ensureRun', { uri: document.uri.toString(), version: document.version, request: runRequest(document, overrides), source });
    this.activate(document.uri);
    return this.settled(summary);
  }

  /** Runs `document` now (header lines win over the `timens.default*` settings; overrides win over both). */
  async runDocument(document: vscode.TextDocument, overrides: Overrides = {}, source: CursorSource = 'run', maxEvents?: number, ui: RunProgress = {}): Promise<SimulationSession | undefined> {
    const job = nextJob++;
    const lines = ui.progress ? this.engine.on('progress', (p) => {
      if (p.job === job) ui.progress!.report({ message: `line ${p.line + 1} of ${p.lines}` });
    }) : undefined;
    const cancel = ui.token?.onCancellationRequested(() => { void this.engine.request('cancel', { job }); });
    try {
      const summary = await this.engine.request('run', {
        uri: document.uri.toString(), version: document.version, request: runRequest(document, overrides, maxEvents), job, source,
      });
      return summary ? this.settled(summary) : undefined;
    } finally {
      lines?.dispose();
      cancel?.dispose();
    }
  }

  /** The session of a finished run: the engine's session event came before the reply; make it the one on screen. */
  private settled(summary: RunSummary): SimulationSession {
    const uri = vscode.Uri.parse(summary.uri);
    let session = this.get(uri);
    if (!session || session.runId !== summary.runId) {
      // The reply overtook nothing, but be safe: adopt from the summary.
      session = new SimulationSession(uri, summary, { runId: summary.runId, position: summary.eventCount, previous: summary.eventCount, eventCount: summary.eventCount, point: { kind: 'end' }, step: { k: 0, n: 0, partial: false }, line: -1, source: 'run' }, this.engine);
      this.sessions.set(uri.toString(), session);
    }
    this.activate(uri);
    return session;
  }

  /** Forget a document's run (Reset, or its editor closed); the views show the next open scenario, or nothing. */
  reset(uri?: vscode.Uri, next?: vscode.Uri): void {
    const key = uri?.toString() ?? this.activeKey;
    if (key === undefined) return;
    this.sessions.delete(key);
    void this.engine.request('reset', { uri: key }).catch(() => undefined);
    if (key === this.activeKey) {
      this.activeKey = next && this.sessions.has(next.toString()) ? next.toString() : undefined;
      this.watch();
    }
    this.emitter.fire({ session: this.active, reason: 'reset', source: 'command' });
  }

  dispose(): void {
    this.sessions.clear();
    for (const d of this.disposables) d.dispose();
    this.emitter.dispose();
    this.treesEmitter.dispose();
  }
}

/** The documents open in a tab of any editor group. */
function openTabUris(): Set<string> {
  const out = new Set<string>();
  for (const g of vscode.window.tabGroups.all) {
    for (const t of g.tabs) {
      const input = t.input;
      if (input instanceof vscode.TabInputText) out.add(input.uri.toString());
      else if (input instanceof vscode.TabInputTextDiff) { out.add(input.original.toString()); out.add(input.modified.toString()); }
    }
  }
  return out;
}

/** The .timens document of the active editor, if it shows one. */
export function activeScenario(): vscode.TextDocument | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  return doc && (doc.languageId === 'timens' || doc.fileName.endsWith('.timens')) ? doc : undefined;
}

/** The profile settings for scenarios without `arch`/`kernel` header lines. */
export function profileDefaults(document: vscode.TextDocument): ProfileDefaults {
  const config = vscode.workspace.getConfiguration('timens', document.uri);
  return { arch: config.get<Arch>('defaultArch', DEFAULT_PROFILE.arch), kernel: config.get<KernelVersion>('defaultKernel', DEFAULT_PROFILE.kernel) };
}

export function runRequest(document: vscode.TextDocument, overrides: Overrides = {}, maxEvents?: number): RunRequest {
  return { defaults: profileDefaults(document), overrides, ...(maxEvents !== undefined ? { maxEvents } : {}) };
}
