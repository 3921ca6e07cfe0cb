// Helpers for the tests that run inside the real VS Code: waiting for the UI, asking the harness for
// screenshots, and reaching the extension's API.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { TimensApi } from '../../extension/vscode/extension';

export const EXTENSION_ID = 'timens-explorer.timens-explorer';

export async function waitFor<T>(probe: () => T | Promise<T>, what = 'condition', timeoutMs = 20000, stepMs = 100): Promise<NonNullable<T>> {
  const t0 = Date.now();
  let last: T | undefined;
  while (Date.now() - t0 < timeoutMs) {
    last = await probe();
    if (last) return last as NonNullable<T>;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} (last value: ${String(last)})`);
}

/** Ask the harness for a screenshot of the whole workbench; does nothing outside the harness. */
export async function screenshot(name: string, timeoutMs = 30000): Promise<string | undefined> {
  const dir = process.env.HARNESS_SHOT_DIR;
  if (!dir) return undefined;
  await new Promise((r) => setTimeout(r, 800)); // let the UI settle
  const run = process.env.HARNESS_RUN_ID ?? 'run';
  fs.writeFileSync(path.join(dir, `${name}.${run}.req`), String(Date.now()));
  await waitFor(() => fs.existsSync(path.join(dir, `${name}.${run}.done`)), `screenshot ${name}`, timeoutMs);
  return path.join(dir, `${name}.png`);
}

/** The texts of the workbench elements matching a CSS selector, read by the harness; undefined outside it. */
export async function workbenchTexts(selector: string, timeoutMs = 30000): Promise<string[] | undefined> {
  const dir = process.env.HARNESS_SHOT_DIR;
  if (!dir) return undefined;
  const run = process.env.HARNESS_RUN_ID ?? 'run';
  const name = `q${Date.now()}${Math.floor(Math.random() * 1e6)}`;
  const answer = path.join(dir, `${name}.${run}.answer`);
  fs.writeFileSync(path.join(dir, `${name}.${run}.query`), selector);
  await waitFor(() => fs.existsSync(answer), `the workbench text of ${selector}`, timeoutMs);
  const texts = JSON.parse(fs.readFileSync(answer, 'utf8')) as string[];
  fs.rmSync(answer, { force: true });
  return texts;
}

export async function activateExtension(): Promise<TimensApi> {
  const ext = vscode.extensions.getExtension<TimensApi>(EXTENSION_ID);
  if (!ext) throw new Error(`extension ${EXTENSION_ID} is not installed`);
  return ext.activate();
}

/** The workspace the harness opened (examples/ of the repository, or a copy of it). */
export function workspaceRoot(): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('no workspace folder is open');
  return folder.uri;
}

export interface DomElement { text: string; className: string; ariaLabel: string | null; title: string | null; color: string; background: string }
/** Typed text, a pressed key (`Enter`, `Shift+F10`) or a click on the first element matching a selector. */
export type Key = { type: string } | { press: string } | { click: string; button?: 'left' | 'right' };

/** The workbench's elements matching `selector` (all frames), after the keys and clicks of `keys` (main frame);
 *  undefined outside the harness. */
export async function probeDom(selector: string, keys: readonly Key[] = [], timeoutMs = 30000): Promise<DomElement[] | undefined> {
  const dir = process.env.HARNESS_SHOT_DIR;
  if (!dir) return undefined;
  const run = process.env.HARNESS_RUN_ID ?? 'run';
  const name = `probe-${Date.now()}-${Math.floor(performance.now() * 1000)}`;
  const answer = path.join(dir, `${name}.${run}.probed`);
  // Written under another name first, so the harness never reads half a request.
  fs.writeFileSync(path.join(dir, `${name}.${run}.tmp`), JSON.stringify({ selector, keys }));
  fs.renameSync(path.join(dir, `${name}.${run}.tmp`), path.join(dir, `${name}.${run}.probe`));
  await waitFor(() => fs.existsSync(answer), `DOM probe ${selector}`, timeoutMs);
  const result = JSON.parse(fs.readFileSync(answer, 'utf8')) as { elements?: DomElement[]; error?: string };
  fs.rmSync(answer, { force: true });
  if (result.error) throw new Error(`DOM probe ${selector}: ${result.error}`);
  return result.elements ?? [];
}
