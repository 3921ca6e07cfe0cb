// Browser side of the comparison view: a click (or Enter) on a row asks the extension to show that scenario
// line; the "only lines that differ" filter is kept in the webview state; the timelines button asks for them.
import type { CompareViewMessage } from './compareProtocol';

interface VsCodeApi {
  postMessage(message: CompareViewMessage): void;
  getState(): { onlyDiff?: boolean } | undefined;
  setState(state: { onlyDiff?: boolean }): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const onlyDiff = document.getElementById('only-diff') as HTMLInputElement | null;

function applyFilter(on: boolean): void {
  document.body.classList.toggle('only-diff', on);
  if (onlyDiff) onlyDiff.checked = on;
}

applyFilter(vscode.getState()?.onlyDiff ?? false);
onlyDiff?.addEventListener('change', () => {
  applyFilter(onlyDiff.checked);
  vscode.setState({ onlyDiff: onlyDiff.checked });
});
document.getElementById('timelines')?.addEventListener('click', () => vscode.postMessage({ type: 'timelines' }));

function reveal(el: Element | null): void {
  const line = Number((el as HTMLElement | null)?.dataset.line);
  if (Number.isInteger(line) && line >= 0) vscode.postMessage({ type: 'reveal', line });
}
document.addEventListener('click', (e) => {
  const target = e.target as Element;
  const jump = target.closest('a.jump');
  if (jump) { e.preventDefault(); reveal(jump); return; }
  reveal(target.closest('tr[data-line]'));
});
document.addEventListener('keydown', (e) => {
  if (e.key === 'Enter') reveal((e.target as Element).closest('tr[data-line]'));
});
