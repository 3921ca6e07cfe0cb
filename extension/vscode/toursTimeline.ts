// Bridge from the comparison commands to the timeline's comparison mode (timelinePanel.showComparison),
// so that a failure to open the webview never hides the side-by-side report.
import * as vscode from 'vscode';
import type { ComparisonView } from '../engine/protocol';
import type { Services } from './services';
import { showComparison } from './timelinePanel';

/** Opens both timelines one above the other with the divergence marked; false when that failed. */
export function showTimelines(services: Services, cmp: ComparisonView): boolean {
  const { a, b } = cmp;
  try {
    showComparison(services, cmp);
    return true;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    services.log.warn(`timeline comparison (${a.label} vs ${b.label}) failed: ${msg}`);
    void vscode.window.showWarningMessage(`The timelines could not be shown (${msg}); the side-by-side report is open.`);
    return false;
  }
}
