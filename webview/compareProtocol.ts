// Messages the comparison view's page sends to the extension, declared once for both sides
// (webview/compare.ts posts them; extension/vscode/compareView.ts receives them).

export type CompareViewMessage =
  | { readonly type: 'reveal'; readonly line: number }
  | { readonly type: 'timelines' };
