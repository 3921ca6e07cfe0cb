// Bridge from the comparison commands to the timeline's comparison mode (timelinePanel.showComparison),
// so that a failure to open the webview never hides the side-by-side report.
import * as vscode from 'vscode';
import type { ScenarioRun } from '../scenario/api';
import type { Services } from './services';
import { showComparison } from './timelinePanel';

export type Divergence = { line: number; eventA: number; eventB: number } | null;

/** Opens both timelines one above the other with the divergence marked; false when that failed. */
export function showTimelines(services: Services, a: { label: string; run: ScenarioRun }, b: { label: string; run: ScenarioRun }, divergence: Divergence): boolean {
  try {
    showComparison(services, a, b, divergence);
    return true;
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    services.log.warn(`timeline comparison (${a.label} vs ${b.label}) failed: ${msg}`);
    void vscode.window.showWarningMessage(`The timelines could not be shown (${msg}); the side-by-side report is open.`);
    return false;
  }
}
