// The read-only vvar page view (a webview): a vDSO data page at the simulation's cursor, as hex and as the
// decoded vdso_data / vdso_time_data fields. VS Code's own "View Binary Data" needs the Hex Editor extension,
// which an offline machine cannot install; this view needs nothing else. It opens from the debugger's Variables
// and Watch views (context menu and inline icon on a variable with a memory reference), from a page-table entry
// in the Memory tree, and from the command palette; it follows the cursor while it is open.
import * as vscode from 'vscode';
import { isMemoryToHost, type HostToMemory, type MemoryPageView } from '../../webview/memoryProtocol';
import { programUri } from './debug';
import type { Services } from './services';
import type { SimulationSession } from './session';
import { webviewHtml, webviewOptions } from './webviewPage';

export const MEMORY_VIEW_TYPE = 'timens.vvarPage';

/** Which page of which scenario's run. */
interface Target { readonly uri: vscode.Uri; readonly page: string }

/** What a view shows when its scenario has no run. */
function noRun(target: Target): MemoryPageView {
  return { title: target.page, subtitle: target.uri.path.split('/').pop() ?? '', struct: '', blockOffset: 0, bytes: [], changed: [], fields: [], missing: 'The scenario has no run any more (it was reset or closed). Run it again to see the page.' };
}

class PagePanel {
  private ready = false;
  shown: MemoryPageView | undefined;
  /** What was on screen at the previous cursor position: the changes are marked against it. */
  private before: MemoryPageView | undefined;
  private shownAt: number | undefined;
  private asked = 0;
  private readonly settledEmitter = new vscode.EventEmitter<void>();
  /** Fires when a view from the engine is on screen. */
  readonly onDidShow = this.settledEmitter.event;

  constructor(private readonly services: Services, readonly target: Target, readonly panel: vscode.WebviewPanel, onDispose: () => void) {
    const root = services.context.extensionUri;
    panel.webview.options = webviewOptions(root);
    panel.iconPath = vscode.Uri.joinPath(root, 'media', 'timens.svg');
    panel.webview.html = webviewHtml(panel.webview, root, { script: 'memory.js', style: 'memory.css', title: target.page });
    panel.webview.onDidReceiveMessage((raw: unknown) => {
      // The script (re)started: it was opened, or shown again after being hidden.
      if (isMemoryToHost(raw)) { this.ready = true; this.post(); }
    });
    panel.onDidDispose(onDispose);
  }

  /** Sends the page at the cursor (again after the script restarted, or when the store says something moved).
   *  The engine decodes it where the run is; the latest request wins. */
  post(): void {
    const session: SimulationSession | undefined = this.services.store.get(this.target.uri);
    const asked = ++this.asked;
    if (!session) { this.showView(noRun(this.target)); return; }
    const position = session.position;
    if (this.shownAt !== undefined && position !== this.shownAt) this.before = this.shown;
    this.shownAt = position;
    void this.services.store.engine.request('vvarPage', { runId: session.runId, page: this.target.page, ...(this.before ? { previous: this.before } : {}) })
      .then((view) => { if (asked === this.asked) this.showView(view); }, (e: unknown) => {
        if (asked === this.asked) this.showView({ ...noRun(this.target), missing: `The page could not be read: ${e instanceof Error ? e.message : String(e)}` });
      });
  }

  private showView(view: MemoryPageView): void {
    this.shown = view;
    this.settledEmitter.fire();
    if (this.ready) void this.panel.webview.postMessage({ type: 'page', page: view } satisfies HostToMemory);
  }
}

export interface MemoryViewHandle {
  /** What each open view shows (the tests read it: a webview's content cannot be read back from VS Code). */
  shown(): { uri: string; page: string; view: MemoryPageView | undefined }[];
}

export function registerMemoryView(services: Services): MemoryViewHandle {
  const { context, store } = services;
  const panels = new Map<string, PagePanel>();

  const open = (target: Target): boolean => {
    const key = `${target.uri.toString()}|${target.page}`;
    const existing = panels.get(key);
    if (existing) { existing.panel.reveal(undefined, true); return true; }
    const panel = vscode.window.createWebviewPanel(MEMORY_VIEW_TYPE, `${target.page} (read-only)`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
    const view = new PagePanel(services, target, panel, () => panels.delete(key));
    panels.set(key, view);
    view.post();
    return true;
  };

  /** The scenario a debug session runs, from its id (the Variables and Watch views pass it). */
  const uriOfDebugSession = (sessionId: unknown): vscode.Uri | undefined => {
    const session = vscode.debug.activeDebugSession;
    if (session && session.type === 'timens' && (sessionId === undefined || session.id === sessionId) && typeof session.configuration.program === 'string') {
      return programUri(session.configuration.program);
    }
    return store.active?.uri;
  };

  const fail = (message: string): false => {
    void vscode.window.showInformationMessage(`Timens: ${message}.`);
    return false;
  };

  const show = async (arg?: unknown): Promise<boolean> => {
    // A variable of the Variables view ({sessionId, variable}), a watch or console expression ({memoryReference}).
    const variable = (arg as { variable?: { memoryReference?: unknown } } | undefined)?.variable ?? arg;
    const reference = (variable as { memoryReference?: unknown } | undefined)?.memoryReference;
    if (typeof reference === 'string') {
      const uri = uriOfDebugSession((arg as { sessionId?: unknown }).sessionId);
      return uri ? open({ uri, page: reference }) : fail('no scenario is being debugged');
    }
    const session = store.active;
    if (!session) return fail('run a scenario first: its vvar pages are shown at the cursor');
    // A page-table entry of the Memory tree.
    const rowId = (arg as { id?: unknown; kind?: unknown } | undefined)?.id;
    if (typeof rowId === 'string') {
      const found = await store.engine.request('pageOfTreeRow', { runId: session.runId, rowId });
      return 'page' in found ? open({ uri: session.uri, page: found.page }) : fail(found.problem);
    }
    if (typeof arg === 'string') return open({ uri: session.uri, page: arg });
    const pages = await store.engine.request('vvarPages', { runId: session.runId });
    if (!pages.length) return fail('no vDSO data page exists at the cursor');
    const pick = await vscode.window.showQuickPick(pages.map((p) => ({ label: p.id, description: p.kind === 'timens' ? `vvar_page of ${p.ns}` : 'host data page' })), { title: 'Show vvar Page' });
    return pick ? open({ uri: session.uri, page: pick.label }) : false;
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('timens.showVvarPage', show),
    store.onDidChange((e) => {
      for (const p of panels.values()) if (!e.session || e.session.uri.toString() === p.target.uri.toString() || e.reason === 'reset') p.post();
    }),
    { dispose: () => { for (const p of [...panels.values()]) p.panel.dispose(); } },
  );

  const handle: MemoryViewHandle = {
    shown: () => [...panels.values()].map((p) => ({ uri: p.target.uri.toString(), page: p.target.page, view: p.shown })),
  };
  context.subscriptions.push(vscode.commands.registerCommand('timens.vvarPage._inspect', () => handle.shown()));
  return handle;
}
