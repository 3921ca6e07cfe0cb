// Colours of the timeline, read from VS Code's --vscode-* CSS variables (again whenever the theme changes),
// with fallbacks so the canvas stays readable if a variable is missing.

export interface Theme {
  readonly kind: 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';
  readonly background: string;
  readonly foreground: string;
  readonly muted: string;
  readonly gutter: string;
  readonly laneAlt: string;
  readonly border: string;
  /** Outermost activity colours, indexed by CATEGORY (none, syscall, vdso, host, expect). */
  readonly category: readonly string[];
  readonly kernel: string;
  readonly spanText: string;
  readonly nsActivity: string;
  readonly nsLabel: string;
  readonly fault: string;
  readonly zap: string;
  readonly pte: string;
  readonly signal: string;
  readonly error: string;
  readonly ok: string;
  readonly freeze: string;
  readonly arrow: string;
  readonly cursor: string;
  readonly selection: string;
  readonly divergence: string;
  readonly clockMono: string;
  readonly clockBoot: string;
  readonly font: string;
}

export function readTheme(root: Element = document.documentElement, body: Element = document.body): Theme {
  const cs = getComputedStyle(root);
  const bs = getComputedStyle(body);
  const v = (name: string, fallback: string): string => (cs.getPropertyValue(name).trim() || bs.getPropertyValue(name).trim() || fallback);
  const cls = body.classList;
  const kind: Theme['kind'] = cls.contains('vscode-high-contrast-light') ? 'high-contrast-light'
    : cls.contains('vscode-high-contrast') ? 'high-contrast'
      : cls.contains('vscode-light') ? 'light' : 'dark';
  const light = kind === 'light' || kind === 'high-contrast-light';
  const hc = kind.startsWith('high-contrast');
  const background = v('--vscode-editor-background', light ? '#ffffff' : '#1e1e1e');
  const foreground = v('--vscode-editor-foreground', light ? '#333333' : '#cccccc');
  const contrast = v('--vscode-contrastBorder', '');
  const fontFamily = v('--vscode-font-family', 'system-ui, sans-serif');
  return {
    kind,
    background,
    foreground,
    muted: v('--vscode-descriptionForeground', light ? '#616161' : '#9d9d9d'),
    gutter: v('--vscode-sideBar-background', v('--vscode-editorWidget-background', background)),
    laneAlt: hc ? background : v('--vscode-list-hoverBackground', light ? '#f0f0f0' : '#2a2d2e'),
    border: hc && contrast ? contrast : v('--vscode-panel-border', v('--vscode-editorGroup-border', light ? '#e0e0e0' : '#444444')),
    category: [
      v('--vscode-charts-foreground', foreground),
      v('--vscode-charts-blue', light ? '#1a85ff' : '#3794ff'),
      v('--vscode-charts-green', light ? '#388a34' : '#89d185'),
      v('--vscode-charts-purple', light ? '#652d90' : '#b180d7'),
      v('--vscode-charts-yellow', light ? '#bf8803' : '#cca700'),
    ],
    kernel: v('--vscode-terminal-ansiCyan', light ? '#0598bc' : '#11a8cd'),
    spanText: hc ? foreground : '#ffffff',
    nsActivity: v('--vscode-charts-lines', v('--vscode-descriptionForeground', '#888888')),
    nsLabel: v('--vscode-textLink-foreground', light ? '#006ab1' : '#3794ff'),
    fault: v('--vscode-charts-orange', light ? '#d18616' : '#d18616'),
    zap: v('--vscode-charts-red', light ? '#e51400' : '#f14c4c'),
    pte: v('--vscode-charts-green', light ? '#388a34' : '#89d185'),
    signal: v('--vscode-charts-purple', light ? '#652d90' : '#b180d7'),
    error: v('--vscode-errorForeground', light ? '#a1260d' : '#f48771'),
    ok: v('--vscode-testing-iconPassed', light ? '#388a34' : '#73c991'),
    freeze: v('--vscode-charts-blue', light ? '#1a85ff' : '#3794ff'),
    arrow: v('--vscode-editorLineNumber-activeForeground', foreground),
    cursor: v('--vscode-editorCursor-foreground', light ? '#000000' : '#aeafad'),
    selection: v('--vscode-focusBorder', light ? '#0090f1' : '#007fd4'),
    divergence: v('--vscode-editorWarning-foreground', light ? '#bf8803' : '#cca700'),
    clockMono: v('--vscode-charts-blue', light ? '#1a85ff' : '#3794ff'),
    clockBoot: v('--vscode-charts-orange', '#d18616'),
    font: `11px ${fontFamily}`,
  };
}
