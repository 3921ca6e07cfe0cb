// Host side of the timeline webview: opens and restores the panel, passes the run's columns from the engine to
// it in chunks (transferred ArrayBuffers, never copied on this thread), keeps each run's cursor in step with the
// engine both ways, checks every message the webview sends, and exports traces and images.
import * as vscode from 'vscode';
import type { ComparisonView, RunId } from '../engine/protocol';
import {
  parseWebviewMessage, type Divergence, type HostMessage, type HostRequests, type ViewState, type WebviewMessage,
} from '../../webview/protocol';
import type { Services } from './services';
import type { SessionChange } from './session';
import { webviewHtml, webviewOptions } from './webviewPage';

export const TIMELINE_VIEW_TYPE = 'timens.timeline';
const CHUNK_EVENTS = 1 << 17;

/** One run the panel shows: its engine run, its size, and the document it came from (single mode). */
interface Side { readonly label: string; readonly runId: RunId; readonly eventCount: number; readonly uri?: vscode.Uri; readonly file: string }

/** One open timeline panel: the run that follows the store (single) or a fixed pair of runs (comparison). */
export class TimelinePanel implements vscode.Disposable {
  private ready = false;
  private sides: Side[] = [];
  /** Each shown run's cursor as last drawn (the webview's cursorShown), by run index. */
  readonly cursorsShown: number[] = [];
  /** Bumped by every data set sent, so a late reply of an older one is dropped. */
  private generation = 0;
  private restore: ViewState | null;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly disposables: vscode.Disposable[] = [];
  private readonly cursorEmitter = new vscode.EventEmitter<number>();
  /** Fires with each cursor position the webview reports it has drawn. */
  readonly onDidShowCursor = this.cursorEmitter.event;
  lastCursorShown = -1;
  lastViewState: ViewState | null = null;
  private disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly services: Services,
    readonly mode: 'single' | 'compare',
    restore: ViewState | null,
    private divergence: Divergence | null = null,
  ) {
    this.restore = restore;
    const root = services.context.extensionUri;
    panel.webview.options = webviewOptions(root);
    panel.iconPath = vscode.Uri.joinPath(root, 'media', 'timens.svg');
    panel.webview.html = webviewHtml(panel.webview, root, { script: 'timeline.js', style: 'timeline.css', title: 'Timens Event Timeline' });
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw)),
      panel.onDidDispose(() => this.dispose()),
    );
    if (mode === 'single') this.disposables.push(services.store.onDidChange((c) => this.storeChanged(c)));
    // Any shown run's cursor, moved by whoever: the webview draws it where the engine says it is.
    this.disposables.push(services.store.engine.on('cursor', (v) => {
      const r = this.sides.findIndex((s) => s.runId === v.runId);
      if (r >= 0 && this.ready) void this.post({ type: 'cursor', position: v.position, run: r });
    }));
  }

  /** Show these runs (comparison) or follow the store's active session (single). */
  setSides(sides: Side[], divergence: Divergence | null = this.divergence): void {
    this.sides = sides;
    this.divergence = divergence;
    if (this.ready) void this.sendData();
  }

  private currentSides(): Side[] {
    if (this.mode === 'compare') return this.sides;
    const s = this.services.store.active;
    return s ? [{ label: `${s.profile.arch} ${s.profile.kernel}`, runId: s.runId, eventCount: s.eventCount, uri: s.uri, file: s.summary.file }] : [];
  }

  /** The runs shown now (tests and the comparison commands read them). */
  shownRuns(): readonly RunId[] {
    return this.sides.map((s) => s.runId);
  }

  private post(message: HostMessage): Thenable<boolean> {
    if (this.disposed) return Promise.resolve(false);
    return this.panel.webview.postMessage(message);
  }

  private async sendData(): Promise<void> {
    const sides = this.currentSides();
    this.sides = sides;
    const generation = ++this.generation;
    if (sides.length === 0) {
      void this.post({ type: 'empty', reason: 'No scenario has run yet: open a .timens file and run it (Timens: Run Scenario).' });
      return;
    }
    const engine = this.services.store.engine;
    try {
      const [data, cursors] = await Promise.all([
        Promise.all(sides.map((s) => engine.request('timeline', { runId: s.runId, label: s.label, chunkEvents: CHUNK_EVENTS }))),
        Promise.all(sides.map((s) => engine.request('cursor', { runId: s.runId }))),
      ]);
      if (generation !== this.generation) return;
      const restore = this.restore;
      this.restore = null;
      void this.post({ type: 'init', mode: this.mode, runs: data.map((d) => d.header), divergence: this.divergence, cursor: cursors[0]!.position, cursors: cursors.map((c) => c.position), restore });
      data.forEach((d, r) => {
        for (const c of d.chunks) void this.post({ type: 'chunk', run: r, start: c.start, count: c.count, columns: c.columns });
      });
      void this.post({ type: 'end' });
      // After 'end': the first frame does not wait for the line texts (only search reads them).
      data.forEach((d, r) => { void this.post({ type: 'lines', run: r, lines: d.lines }); });
    } catch (err) {
      if (generation !== this.generation) return;
      this.services.log.warn(`timeline: the run is gone before it could be shown (${err instanceof Error ? err.message : String(err)})`);
      void this.post({ type: 'empty', reason: 'This run is no longer available: run the scenario again.' });
    }
  }

  private storeChanged(change: SessionChange): void {
    if (!this.ready) return;
    // Positions come through the engine's cursor events; here only which run is on screen matters.
    if (change.reason === 'run' || change.reason === 'reset') {
      const next = this.currentSides();
      if (next[0]?.runId !== this.sides[0]?.runId || next.length !== this.sides.length) void this.sendData();
      else if (change.session) void this.post({ type: 'cursor', position: change.session.position, run: 0 });
    }
  }

  private receive(raw: unknown): void {
    const msg = parseWebviewMessage(raw);
    if ('invalid' in msg) {
      this.services.log.warn(`timeline: ignored a malformed message from the webview (${msg.invalid}): ${preview(raw)}`);
      return;
    }
    try {
      this.handle(msg);
    } catch (err) {
      this.services.log.error(`timeline: handling ${msg.type} failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    }
  }

  private handle(msg: WebviewMessage): void {
    // Shapes were checked by parseWebviewMessage; here the numbers are checked against what is shown.
    const problem = this.outOfRange(msg);
    if (problem) {
      this.services.log.warn(`timeline: ignored a message from the webview (${problem})`);
      if (msg.type === 'request') void this.post({ type: 'reply', id: msg.id, ok: false, error: problem });
      return;
    }
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        void this.sendData();
        break;
      case 'activate':
        this.activateEvent(msg.run, msg.index).catch((err: unknown) => {
          this.services.log.error(`timeline: travelling to event ${msg.index} failed: ${err instanceof Error ? err.message : String(err)}`);
        });
        break;
      case 'cursorShown': {
        const run = msg.run ?? 0;
        this.cursorsShown[run] = msg.position;
        if (run === 0) {
          this.lastCursorShown = msg.position;
          this.cursorEmitter.fire(msg.position);
        }
        break;
      }
      case 'viewState':
        this.lastViewState = msg.state;
        break;
      case 'log':
        this.services.log[msg.level === 'error' ? 'error' : msg.level === 'warn' ? 'warn' : 'info'](`timeline webview: ${msg.message}`);
        break;
      case 'request': {
        const side = this.sides[msg.params.run]!;
        const id = msg.id;
        this.services.store.engine.request('eventDetails', { runId: side.runId, run: msg.params.run, index: msg.params.index }).then(
          (details) => this.post(details ? { type: 'reply', id, ok: true, result: details } : { type: 'reply', id, ok: false, error: `no event ${msg.params.index}` }),
          (err: unknown) => this.post({ type: 'reply', id, ok: false, error: err instanceof Error ? err.message : String(err) }),
        );
        break;
      }
      case 'reply': {
        const p = this.pending.get(msg.id);
        if (!p) break;
        this.pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.result); else p.reject(new Error(msg.error ?? 'the webview could not answer'));
        break;
      }
    }
  }

  /** Why a well-formed message does not fit what the panel shows (a run or an event that is not there), if it does not. */
  private outOfRange(msg: WebviewMessage): string | null {
    const run = msg.type === 'activate' ? msg.run : msg.type === 'request' ? msg.params.run : msg.type === 'cursorShown' ? msg.run ?? 0 : null;
    if (run === null) return null;
    const side = this.sides[run];
    if (!side) return `${msg.type}: no run ${run} is shown`;
    const index = msg.type === 'activate' ? msg.index : msg.type === 'request' ? msg.params.index : null;
    if (index !== null && index >= side.eventCount) return `${msg.type}: run ${run} has ${side.eventCount} events, not ${index + 1}`;
    if (msg.type === 'cursorShown' && msg.position > side.eventCount) return `cursorShown: position ${msg.position} is past the end (${side.eventCount})`;
    return null;
  }

  /**
   * A click on an event: travel to just after it (its changes applied) and show the line that caused it. In a
   * comparison the other run's cursor goes to the end of the same scenario line, so both show the same moment.
   */
  async activateEvent(run: number, index: number): Promise<void> {
    const side = this.sides[run];
    if (!side || !Number.isInteger(index) || index < 0 || index >= side.eventCount) return;
    const { store } = this.services;
    const engine = store.engine;
    const [event] = await Promise.all([
      engine.request('event', { runId: side.runId, index }),
      engine.request('move', { runId: side.runId, move: { kind: 'goto', position: index + 1 }, source: 'timeline' }),
    ]);
    const line = event?.line ?? -1;
    if (this.mode === 'compare' && line >= 0) {
      const other = this.sides[1 - run];
      if (other) await engine.request('move', { runId: other.runId, move: { kind: 'afterLine', line }, source: 'timeline' });
    }
    const uri = side.uri ?? (this.mode === 'single' && side.file ? vscode.Uri.file(side.file) : undefined);
    if (uri && line >= 0) await revealLine(uri, line);
  }

  /** Ask the webview something (image, description) and wait for its reply. */
  request<M extends keyof HostRequests>(method: M, params: HostRequests[M]['params'], timeoutMs = 15000): Promise<HostRequests[M]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      void this.post({ type: 'request', id, method, params } as HostMessage);
      setTimeout(() => {
        if (this.pending.delete(id)) reject(new Error(`the timeline did not answer ${method} within ${timeoutMs} ms`));
      }, timeoutMs);
    });
  }

  reveal(index: number): void {
    void this.post({ type: 'reveal', index });
  }

  isReady(): boolean {
    return this.ready;
  }

  /** Test hook: post anything, even a malformed message, to the webview. */
  postRaw(message: unknown): Thenable<boolean> {
    return this.panel.webview.postMessage(message);
  }

  /** Test hook: feed a message as if the webview had sent it. */
  receiveForTest(raw: unknown): void {
    this.receive(raw);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    // A comparison's runs live in the engine only for this panel.
    if (this.mode === 'compare') void this.services.store.engine.request('release', { runIds: this.sides.map((s) => s.runId) }).catch(() => undefined);
    for (const p of this.pending.values()) p.reject(new Error('the timeline was closed'));
    this.pending.clear();
    for (const d of this.disposables) d.dispose();
    this.cursorEmitter.dispose();
    this.panel.dispose();
    panels.delete(this);
    if (singlePanel === this) singlePanel = undefined;
  }
}

let singlePanel: TimelinePanel | undefined;
const panels = new Set<TimelinePanel>();

async function revealLine(uri: vscode.Uri, line: number): Promise<void> {
  const visible = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === uri.toString());
  const editor = visible ?? await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One, preserveFocus: true, preview: false });
  const range = editor.document.lineAt(Math.min(line, editor.document.lineCount - 1)).range;
  editor.selection = new vscode.Selection(range.start, range.end);
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

function preview(v: unknown): string {
  try {
    return (JSON.stringify(v) ?? String(v)).slice(0, 160);
  } catch {
    return String(v).slice(0, 160);
  }
}

function isViewState(v: unknown): v is ViewState {
  const s = v as Partial<ViewState> | null;
  return !!s && typeof s.start === 'number' && typeof s.span === 'number' && s.span > 0 && typeof s.selected === 'number' && typeof s.selectedRun === 'number' && typeof s.scrollTop === 'number';
}

/** Make sure a run is on screen: the store's, or the active .timens editor's (run now, in the engine). */
async function ensureSession(services: Services, uri?: vscode.Uri): Promise<boolean> {
  const { store, documents } = services;
  const doc = uri
    ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())
    : vscode.window.activeTextEditor?.document.languageId === 'timens' ? vscode.window.activeTextEditor.document : undefined;
  if (doc && doc.languageId === 'timens') {
    documents.ensure(doc);
    await store.ensureRun(doc);
    return true;
  }
  return store.active !== undefined;
}

/** Open (or show) the timeline that follows the active simulation; the run it shows comes when it is ready. */
export function openTimeline(services: Services, uri?: vscode.Uri): TimelinePanel {
  ensureSession(services, uri).catch((err: unknown) => services.log.warn(`timeline: no run to show: ${err instanceof Error ? err.message : String(err)}`));
  if (singlePanel) {
    singlePanel.panel.reveal(undefined, true);
    return singlePanel;
  }
  const panel = vscode.window.createWebviewPanel(TIMELINE_VIEW_TYPE, 'Timens Event Timeline', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(services.context.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(services.context.extensionUri, 'media')],
  });
  singlePanel = new TimelinePanel(panel, services, 'single', null);
  panels.add(singlePanel);
  return singlePanel;
}

/**
 * Open the timeline in comparison mode: run `a` above run `b`, with the first divergence marked.
 * Called by the walkthroughs (extension/tours/compare.ts computes the divergence).
 */
export function showComparison(services: Services, cmp: ComparisonView): void {
  const { a, b, divergence } = cmp;
  const panel = vscode.window.createWebviewPanel(TIMELINE_VIEW_TYPE, `Timens: ${a.label} vs ${b.label}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(services.context.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(services.context.extensionUri, 'media')],
  });
  const tp = new TimelinePanel(panel, services, 'compare', null, divergence);
  tp.setSides([
    { label: a.label, runId: a.runId, eventCount: a.eventCount, file: cmp.file },
    { label: b.label, runId: b.runId, eventCount: b.eventCount, file: cmp.file },
  ], divergence);
  panels.add(tp);
  lastComparison = tp;
}
let lastComparison: TimelinePanel | undefined;


async function saveTarget(target: unknown, defaultName: string, filters: Record<string, string[]>): Promise<vscode.Uri | undefined> {
  if (typeof target === 'string' && target) return vscode.Uri.file(target);
  if (target instanceof vscode.Uri) return target;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return vscode.window.showSaveDialog({ defaultUri: folder ? vscode.Uri.joinPath(folder, defaultName) : undefined, filters, title: 'Timens: export' });
}

export function registerTimeline(services: Services): void {
  const { context, log } = services;
  context.subscriptions.push(
    vscode.commands.registerCommand('timens.openTimeline', (uri?: vscode.Uri) => {
      openTimeline(services, uri instanceof vscode.Uri ? uri : undefined);
      return true;
    }),
    vscode.commands.registerCommand('timens.timeline.reveal', async (position?: unknown) => {
      const index = typeof position === 'number' ? position : Number(position);
      if (!Number.isInteger(index) || index < 0) throw new Error(`timens.timeline.reveal needs an event index ≥ 0, got ${String(position)}`);
      const tp = openTimeline(services);
      const t0 = Date.now();
      while (!tp.isReady() && Date.now() - t0 < 15000) await new Promise((r) => setTimeout(r, 50));
      tp.reveal(index);
      return true;
    }),
    vscode.commands.registerCommand('timens.exportTrace', async (target?: unknown, options?: { gzip?: boolean }) => {
      if (!(await ensureSession(services))) { void vscode.window.showErrorMessage('Timens: run a scenario first, then export its trace.'); return undefined; }
      const session = services.store.active!;
      const base = session.uri.path.split('/').pop()?.replace(/\.timens$/, '') ?? 'scenario';
      const uri = await saveTarget(target, `${base}.trace.json`, { 'Chrome trace (JSON)': ['json'], 'Gzipped Chrome trace': ['gz'] });
      if (!uri) return undefined;
      const gzip = options?.gzip ?? uri.path.endsWith('.gz');
      const bytes = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Timens: exporting the trace…' },
        () => services.store.engine.request('trace', { runId: session.runId, gzip }));
      await vscode.workspace.fs.writeFile(uri, bytes);
      log.info(`trace exported to ${uri.fsPath} (${bytes.length} bytes${gzip ? ', gzip' : ''})`);
      if (typeof target !== 'string') void vscode.window.showInformationMessage(`Timens: trace written to ${uri.fsPath}. Open it in ui.perfetto.dev or chrome://tracing.`);
      return uri.fsPath;
    }),
    vscode.commands.registerCommand('timens.exportTimelineImage', async (format?: unknown, target?: unknown) => {
      const fmt: 'png' | 'svg' = format === 'svg' ? 'svg' : format === 'png' ? 'png' : await pickFormat();
      const tp = singlePanel ?? openTimeline(services);
      const t0 = Date.now();
      while (!tp.isReady() && Date.now() - t0 < 15000) await new Promise((r) => setTimeout(r, 50));
      const image = await tp.request('renderImage', { format: fmt });
      const uri = await saveTarget(target, `timeline.${fmt}`, fmt === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] });
      if (!uri) return undefined;
      const bytes = fmt === 'svg' ? Buffer.from(image.data, 'utf8') : Buffer.from(image.data, 'base64');
      await vscode.workspace.fs.writeFile(uri, bytes);
      log.info(`timeline image written to ${uri.fsPath} (${image.width}×${image.height})`);
      return uri.fsPath;
    }),
    vscode.window.registerWebviewPanelSerializer(TIMELINE_VIEW_TYPE, {
      deserializeWebviewPanel: (panel: vscode.WebviewPanel, state: unknown) => restoreTimeline(services, panel, state),
    }),
    { dispose: () => { for (const p of [...panels]) p.dispose(); } },
  );
  // Internal (not contributed, not in the shipped bundle): lets the extension's own tests, which run as a separate
  // bundle, reach the panel.
  if (TIMENS_TEST_HOOKS) context.subscriptions.push(vscode.commands.registerCommand('timens.timeline._test', async (op?: { op: string; index?: number; run?: number; message?: unknown }) => {
      // 'compare:<op>' reaches the last comparison panel, '<op>' the single one.
      const tp = op?.op?.startsWith('compare') ? lastComparison : singlePanel;
      if (!tp) return { open: false };
      switch (op?.op.replace(/^compare:?/, '')) {
        case 'activate': tp.receiveForTest({ type: 'activate', run: op?.run ?? 0, index: op?.index }); return { open: true };
        case 'receive': tp.receiveForTest(op?.message); return { open: true };
        case 'post': return { open: true, posted: await tp.postRaw(op?.message) };
        case 'restart': {
          // What a window reload does: the sessions are gone and VS Code hands the saved state to the serializer.
          tp.dispose();
          services.store.reset();
          const panel = vscode.window.createWebviewPanel(TIMELINE_VIEW_TYPE, 'Timens Event Timeline', { viewColumn: vscode.ViewColumn.Two, preserveFocus: true });
          await restoreTimeline(services, panel, op?.message);
          return { open: true };
        }
        default: return {
          open: true,
          ready: tp.isReady(),
          visible: tp.panel.visible,
          lastViewState: tp.lastViewState,
          mode: tp.mode,
          lastCursorShown: tp.lastCursorShown,
          cursorsShown: [...tp.cursorsShown],
          runs: tp.shownRuns(),
          description: tp.isReady() ? await tp.request('describe', {}, 5000).catch(() => undefined) : undefined,
        };
      }
    }));
}

/** The serializer's half of a restart: run the scenario the panel showed again, then show it with the saved view. */
async function restoreTimeline(services: Services, panel: vscode.WebviewPanel, state: unknown): Promise<void> {
  const file = (state as { file?: unknown } | undefined)?.file;
  if (typeof file === 'string' && file && !services.store.active) {
    try {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      services.documents.ensure(doc);
      await services.store.ensureRun(doc);
    } catch (err) {
      services.log.warn(`timeline: could not reopen ${file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  const restore = isViewState(state) ? state : null;
  if (singlePanel) singlePanel.dispose();
  singlePanel = new TimelinePanel(panel, services, 'single', restore);
  panels.add(singlePanel);
}

async function pickFormat(): Promise<'png' | 'svg'> {
  const pick = await vscode.window.showQuickPick(['png', 'svg'], { title: 'Timens: export the visible timeline as…' });
  return pick === 'svg' ? 'svg' : 'png';
}
