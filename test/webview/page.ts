// Browser side of the webview test host: stands in for VS Code around the real timeline bundle. It provides
// acquireVsCodeApi, records what the webview posts, answers its requests, feeds generated runs in chunks and
// switches themes by rewriting the --vscode-* variables the way VS Code does.
import { sliceColumns, type ColumnBuffers, type HostMessage, type WebviewMessage } from '../../webview/protocol';
import { generateRun, generatedDetails, type GeneratedRun } from './fixtures';

/** The browser globals this page uses (the file is type-checked without the DOM library). */
interface PageGlobals {
  postMessage(message: unknown, targetOrigin: string, transfer?: unknown[]): void;
  acquireVsCodeApi: () => unknown;
  harness: unknown;
  document: {
    documentElement: { removeAttribute(name: string): void; style: { setProperty(name: string, value: string): void } };
    body: { classList: { add(...c: string[]): void; remove(...c: string[]): void } };
  };
}
const w = globalThis as unknown as PageGlobals;
const sent: WebviewMessage[] = [];
let state: unknown;
let loaded: GeneratedRun[] = [];
let prepared: { type: 'chunk'; run: number; start: number; count: number; columns: ColumnBuffers }[] = [];

w.acquireVsCodeApi = () => ({
  postMessage(message: WebviewMessage) {
    sent.push(message);
    if (message.type === 'request' && message.method === 'eventDetails') {
      const run = loaded[message.params.run];
      const reply = run && message.params.index < run.header.eventCount
        ? { type: 'reply', id: message.id, ok: true, result: generatedDetails(run, message.params.run, message.params.index) }
        : { type: 'reply', id: message.id, ok: false, error: 'no such event' };
      setTimeout(() => w.postMessage(reply, '*'), 0);
    }
  },
  getState: () => state,
  setState: (s: unknown) => { state = s; },
});

const CHUNK = 1 << 18;

function post(message: HostMessage | unknown): void {
  w.postMessage(message, '*');
}

function sendRuns(runs: GeneratedRun[], mode: 'single' | 'compare', divergence: { line: number; eventA: number; eventB: number } | null, cursors: number[]): void {
  loaded = runs;
  post({ type: 'init', mode, runs: runs.map((r) => r.header), divergence, cursor: cursors[0], cursors, restore: null });
  runs.forEach((run, r) => {
    for (let start = 0; start < run.header.eventCount; start += CHUNK) {
      const count = Math.min(CHUNK, run.header.eventCount - start);
      post({ type: 'chunk', run: r, start, count, columns: sliceColumns(run.columns, start, count) });
    }
  });
  post({ type: 'end' });
  postLines(runs);
}

/** The line texts follow the columns, as the extension sends them (extension/vscode/timelinePanel.ts). */
function postLines(runs: GeneratedRun[]): void {
  runs.forEach((run, r) => post({ type: 'lines', run: r, lines: run.lines }));
}

const THEMES: Record<string, { cls: string; vars: Record<string, string> }> = {
  dark: {
    cls: 'vscode-dark',
    vars: {
      '--vscode-editor-background': '#1f1f1f', '--vscode-editor-foreground': '#cccccc', '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-sideBar-background': '#181818', '--vscode-list-hoverBackground': '#2a2d2e', '--vscode-panel-border': '#2b2b2b',
      '--vscode-charts-blue': '#3794ff', '--vscode-charts-green': '#89d185', '--vscode-charts-purple': '#b180d7', '--vscode-charts-yellow': '#cca700',
      '--vscode-charts-orange': '#d18616', '--vscode-charts-red': '#f14c4c', '--vscode-charts-foreground': '#cccccc', '--vscode-charts-lines': '#cccccc80',
      '--vscode-errorForeground': '#f85149', '--vscode-focusBorder': '#0078d4', '--vscode-editorCursor-foreground': '#aeafad',
      '--vscode-terminal-ansiCyan': '#11a8cd', '--vscode-font-family': 'system-ui, sans-serif', '--vscode-font-size': '13px',
      '--vscode-input-background': '#313131', '--vscode-input-foreground': '#cccccc', '--vscode-button-secondaryBackground': '#313131',
      '--vscode-button-secondaryForeground': '#cccccc', '--vscode-editorHoverWidget-background': '#202020', '--vscode-editorHoverWidget-border': '#454545',
      '--vscode-textLink-foreground': '#4daafc', '--vscode-editorWarning-foreground': '#cca700', '--vscode-testing-iconPassed': '#73c991',
    },
  },
  light: {
    cls: 'vscode-light',
    vars: {
      '--vscode-editor-background': '#ffffff', '--vscode-editor-foreground': '#3b3b3b', '--vscode-descriptionForeground': '#717171',
      '--vscode-sideBar-background': '#f8f8f8', '--vscode-list-hoverBackground': '#f2f2f2', '--vscode-panel-border': '#e5e5e5',
      '--vscode-charts-blue': '#1a85ff', '--vscode-charts-green': '#388a34', '--vscode-charts-purple': '#652d90', '--vscode-charts-yellow': '#bf8803',
      '--vscode-charts-orange': '#d18616', '--vscode-charts-red': '#e51400', '--vscode-charts-foreground': '#616161', '--vscode-charts-lines': '#61616180',
      '--vscode-errorForeground': '#f85149', '--vscode-focusBorder': '#005fb8', '--vscode-editorCursor-foreground': '#000000',
      '--vscode-terminal-ansiCyan': '#0598bc', '--vscode-font-family': 'system-ui, sans-serif', '--vscode-font-size': '13px',
      '--vscode-input-background': '#ffffff', '--vscode-input-foreground': '#3b3b3b', '--vscode-button-secondaryBackground': '#e5e5e5',
      '--vscode-button-secondaryForeground': '#3b3b3b', '--vscode-editorHoverWidget-background': '#f8f8f8', '--vscode-editorHoverWidget-border': '#c8c8c8',
      '--vscode-textLink-foreground': '#005fb8', '--vscode-editorWarning-foreground': '#bf8803', '--vscode-testing-iconPassed': '#388a34',
    },
  },
  'high-contrast': {
    cls: 'vscode-high-contrast',
    vars: {
      '--vscode-editor-background': '#000000', '--vscode-editor-foreground': '#ffffff', '--vscode-descriptionForeground': '#ffffffb3',
      '--vscode-contrastBorder': '#6fc3df', '--vscode-charts-blue': '#3794ff', '--vscode-charts-green': '#89d185', '--vscode-charts-purple': '#b180d7',
      '--vscode-charts-yellow': '#ffd700', '--vscode-charts-orange': '#d18616', '--vscode-charts-red': '#f14c4c', '--vscode-charts-foreground': '#ffffff',
      '--vscode-errorForeground': '#f48771', '--vscode-focusBorder': '#f38518', '--vscode-editorCursor-foreground': '#ffffff',
      '--vscode-font-family': 'system-ui, sans-serif', '--vscode-font-size': '13px',
    },
  },
};

function setTheme(name: string): void {
  const theme = THEMES[name];
  if (!theme) throw new Error(`unknown theme ${name}`);
  const root = w.document.documentElement;
  root.removeAttribute('style');
  for (const [k, v] of Object.entries(theme.vars)) root.style.setProperty(k, v);
  w.document.body.classList.remove('vscode-dark', 'vscode-light', 'vscode-high-contrast');
  w.document.body.classList.add(theme.cls);
}
setTheme('dark');

w.harness = {
  sent,
  state: () => state,
  post,
  setTheme,
  loadGenerated(n: number, cursor = 0): void {
    sendRuns([generateRun(n)], 'single', null, [cursor]);
  },
  loadCompare(n: number, divergeAt: number): void {
    const a = generateRun(n, { label: 'x86_64 6.18', seed: 7 });
    const b = generateRun(n, { label: 'arm64 5.9 without zap-vvar', seed: 7, divergeAt });
    let first = -1;
    for (let i = 0; i < n; i++) if (a.columns.kind[i] !== b.columns.kind[i] || a.columns.fn[i] !== b.columns.fn[i]) { first = i; break; }
    // Each run's cursor at its end, as the host sends a fresh comparison.
    sendRuns([a, b], 'compare', first < 0 ? null : { line: a.columns.line[first], eventA: first, eventB: first }, [n, n]);
  },
  /**
   * Build a run and its messages here but send nothing, so the benchmark times only the delivery: the column
   * buffers are then transferred, as VS Code hands a webview ArrayBuffers without copying them through JSON.
   */
  prepare(n: number): number {
    loaded = [generateRun(n)];
    const run = loaded[0];
    prepared = [];
    for (let start = 0; start < n; start += CHUNK) {
      const count = Math.min(CHUNK, n - start);
      prepared.push({ type: 'chunk', run: 0, start, count, columns: sliceColumns(run.columns, start, count) });
    }
    // Generating the run is the extension host's work in VS Code, in another process: its garbage is collected
    // here, before the timing starts, when the page may ask (the benchmark's Chromium exposes gc).
    (globalThis as { gc?: () => void }).gc?.();
    return run.header.eventCount;
  },
  sendPrepared(cursor = 0): void {
    post({ type: 'init', mode: 'single', runs: [loaded[0].header], divergence: null, cursor, restore: null });
    for (const m of prepared) w.postMessage(m, '*', Object.values(m.columns));
    post({ type: 'end' });
    postLines(loaded);
  },
  run: (i: number) => loaded[i],
};
