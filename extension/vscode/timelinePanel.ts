// Host side of the timeline webview: opens and restores the panel, streams the run's columns to it in chunks,
// keeps its cursor in step with the session store both ways, and exports traces and images.
import * as vscode from 'vscode';
import type { ScenarioRun } from '../scenario/api';
import { buildTimelineData, eventDetails, sliceColumns, type TimelineRunData } from '../trace/timelineData';
import { chromeTrace, chromeTraceJson } from '../trace/chrome';
import { encodeTrace } from '../trace/encode';
import {
  parseWebviewMessage, type Divergence, type HostMessage, type HostRequests, type TimelineDescription, type ViewState, type WebviewMessage,
} from '../../webview/protocol';
import type { Services } from './services';
import type { SessionChange } from './session';
import { webviewHtml, webviewOptions } from './webviewPage';

export const TIMELINE_VIEW_TYPE = 'timens.timeline';
const CHUNK_EVENTS = 1 << 17;

interface Side { readonly label: string; readonly run: ScenarioRun; readonly uri?: vscode.Uri }

const dataCache = new WeakMap<ScenarioRun, TimelineRunData>();
function dataOf(side: Side): TimelineRunData {
  let d = dataCache.get(side.run);
  if (!d) {
    d = buildTimelineData(side.run.sim, { label: side.label, file: side.run.parsed.file, source: sourceOf(side) });
    dataCache.set(side.run, d);
  }
  return d;
}
const linesCache = new WeakMap<ScenarioRun, string[]>();
function linesOf(side: Side): string[] {
  let lines = linesCache.get(side.run);
  if (!lines) { lines = dataOf(side).lines.split('\n'); linesCache.set(side.run, lines); }
  return lines;
}
function sourceOf(side: Side): string | undefined {
  const doc = side.uri ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === side.uri!.toString()) : undefined;
  return doc?.getText();
}

/** One open timeline panel: the run that follows the store (single) or a fixed pair of runs (comparison). */
export class TimelinePanel implements vscode.Disposable {
  private ready = false;
  private sides: Side[] = [];
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
  }

  /** Show these runs (comparison) or follow the store's active session (single). */
  setSides(sides: Side[], divergence: Divergence | null = this.divergence): void {
    this.sides = sides;
    this.divergence = divergence;
    if (this.ready) this.sendData();
  }

  private currentSides(): Side[] {
    if (this.mode === 'compare') return this.sides;
    const s = this.services.store.active;
    return s ? [{ label: `${s.run.profile.arch} ${s.run.profile.kernel}`, run: s.run, uri: s.uri }] : [];
  }

  private post(message: HostMessage): Thenable<boolean> {
    if (this.disposed) return Promise.resolve(false);
    return this.panel.webview.postMessage(message);
  }

  private sendData(): void {
    const sides = this.currentSides();
    this.sides = sides;
    if (sides.length === 0) {
      void this.post({ type: 'empty', reason: 'No scenario has run yet: open a .timens file and run it (Timens: Run Scenario).' });
      return;
    }
    const data = sides.map((s) => dataOf(s));
    const cursor = this.mode === 'single' ? sides[0].run.sim.position : -1;
    const restore = this.restore;
    this.restore = null;
    void this.post({ type: 'init', mode: this.mode, runs: data.map((d) => d.header), divergence: this.divergence, cursor, restore });
    data.forEach((d, r) => {
      for (let start = 0; start < d.header.eventCount; start += CHUNK_EVENTS) {
        const count = Math.min(CHUNK_EVENTS, d.header.eventCount - start);
        void this.post({ type: 'chunk', run: r, start, count, columns: sliceColumns(d.columns, start, count) });
      }
    });
    void this.post({ type: 'end' });
    // After 'end': the first frame does not wait for the line texts (only search reads them).
    data.forEach((d, r) => { void this.post({ type: 'lines', run: r, lines: d.lines }); });
  }

  private storeChanged(change: SessionChange): void {
    if (!this.ready) return;
    if (change.reason === 'position' && change.session && this.sides[0]?.run === change.session.run) {
      void this.post({ type: 'cursor', position: change.session.sim.position });
      return;
    }
    if (change.reason === 'run' || change.reason === 'reset') {
      const next = this.currentSides();
      if (next[0]?.run !== this.sides[0]?.run || next.length !== this.sides.length) this.sendData();
      else if (next[0]) void this.post({ type: 'cursor', position: next[0].run.sim.position });
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
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        this.sendData();
        break;
      case 'activate':
        void this.activateEvent(msg.run, msg.index);
        break;
      case 'cursorShown':
        this.lastCursorShown = msg.position;
        this.cursorEmitter.fire(msg.position);
        break;
      case 'viewState':
        this.lastViewState = msg.state;
        break;
      case 'log':
        this.services.log[msg.level === 'error' ? 'error' : msg.level === 'warn' ? 'warn' : 'info'](`timeline webview: ${msg.message}`);
        break;
      case 'request': {
        const side = this.sides[msg.params.run];
        if (!side || msg.params.index >= side.run.sim.eventCount) {
          void this.post({ type: 'reply', id: msg.id, ok: false, error: `no event ${msg.params.index} in run ${msg.params.run}` });
          break;
        }
        const details = eventDetails(side.run.sim, msg.params.run, msg.params.index, linesOf(side));
        void this.post({ type: 'reply', id: msg.id, ok: true, result: details });
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

  /** A click on an event: travel to just after it (its changes applied) and show the line that caused it. */
  async activateEvent(run: number, index: number): Promise<void> {
    const side = this.sides[run];
    if (!side) return;
    const line = side.run.sim.lineOf(index);
    if (this.mode === 'single' && this.services.store.active?.run === side.run) {
      this.services.store.moveTo(index + 1, 'timeline');
    }
    const uri = side.uri ?? (side.run.parsed.file ? vscode.Uri.file(side.run.parsed.file) : undefined);
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

/** Make sure a run is on screen: the store's, or the active .timens editor's (run now). */
function ensureSession(services: Services, uri?: vscode.Uri): boolean {
  const { store } = services;
  const doc = uri
    ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString())
    : vscode.window.activeTextEditor?.document.languageId === 'timens' ? vscode.window.activeTextEditor.document : undefined;
  if (doc && doc.languageId === 'timens') { store.ensureRun(doc); return true; }
  return store.active !== undefined;
}

/** Open (or show) the timeline that follows the active simulation. */
export function openTimeline(services: Services, uri?: vscode.Uri): TimelinePanel {
  ensureSession(services, uri);
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
export function showComparison(
  services: Services,
  a: { label: string; run: ScenarioRun },
  b: { label: string; run: ScenarioRun },
  divergence: { line: number; eventA: number; eventB: number } | null,
): void {
  const panel = vscode.window.createWebviewPanel(TIMELINE_VIEW_TYPE, `Timens: ${a.label} vs ${b.label}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(services.context.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(services.context.extensionUri, 'media')],
  });
  const tp = new TimelinePanel(panel, services, 'compare', null, divergence);
  tp.setSides([{ label: a.label, run: a.run }, { label: b.label, run: b.run }], divergence);
  panels.add(tp);
  lastComparison = tp;
}
let lastComparison: TimelinePanel | undefined;

/** For the extension's own tests: the open panels. */
export const timelineTestHooks = {
  single: (): TimelinePanel | undefined => singlePanel,
  comparison: (): TimelinePanel | undefined => lastComparison,
  describe: async (): Promise<TimelineDescription | undefined> => singlePanel?.request('describe', {}),
};

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
      if (!ensureSession(services)) { void vscode.window.showErrorMessage('Timens: run a scenario first, then export its trace.'); return undefined; }
      const session = services.store.active!;
      const base = session.uri.path.split('/').pop()?.replace(/\.timens$/, '') ?? 'scenario';
      const uri = await saveTarget(target, `${base}.trace.json`, { 'Chrome trace (JSON)': ['json'], 'Gzipped Chrome trace': ['gz'] });
      if (!uri) return undefined;
      const gzip = options?.gzip ?? uri.path.endsWith('.gz');
      const bytes = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Timens: exporting the trace…' }, async () => {
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === session.uri.toString());
        const json = chromeTraceJson(chromeTrace(session.sim, { source: doc?.getText(), file: session.uri.fsPath }));
        return encodeTrace(json, gzip);
      });
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
    // Internal (not contributed): lets the extension's own tests, which run as a separate bundle, reach the panel.
    vscode.commands.registerCommand('timens.timeline._test', async (op?: { op: string; index?: number; message?: unknown }) => {
      const tp = op?.op?.startsWith('compare') ? lastComparison : singlePanel;
      if (!tp) return { open: false };
      switch (op?.op) {
        case 'activate': tp.receiveForTest({ type: 'activate', run: 0, index: op.index }); return { open: true };
        case 'receive': tp.receiveForTest(op.message); return { open: true };
        case 'post': return { open: true, posted: await tp.postRaw(op.message) };
        case 'restart': {
          // What a window reload does: the sessions are gone and VS Code hands the saved state to the serializer.
          tp.dispose();
          services.store.reset();
          const panel = vscode.window.createWebviewPanel(TIMELINE_VIEW_TYPE, 'Timens Event Timeline', { viewColumn: vscode.ViewColumn.Two, preserveFocus: true });
          await restoreTimeline(services, panel, op.message);
          return { open: true };
        }
        default: return {
          open: true,
          ready: tp.isReady(),
          visible: tp.panel.visible,
          lastViewState: tp.lastViewState,
          mode: tp.mode,
          lastCursorShown: tp.lastCursorShown,
          description: tp.isReady() ? await tp.request('describe', {}, 5000).catch(() => undefined) : undefined,
        };
      }
    }),
    { dispose: () => { for (const p of [...panels]) p.dispose(); } },
  );
}

/** The serializer's half of a restart: run the scenario the panel showed again, then show it with the saved view. */
async function restoreTimeline(services: Services, panel: vscode.WebviewPanel, state: unknown): Promise<void> {
  const file = (state as { file?: unknown } | undefined)?.file;
  if (typeof file === 'string' && file && !services.store.active) {
    try {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      services.store.ensureRun(doc);
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
