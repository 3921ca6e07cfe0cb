// The read-only vvar page view in the real VS Code, with no Hex Editor installed: opened from the debugger's
// Watch view and the Memory tree through their context menus, showing the decoded vdso_time_data fields, and
// following the cursor; the adapter still answers readMemory for users who do have a hex editor.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { activateExtension, probeDom, screenshot, waitFor, type DomElement } from './helpers';

const SCENARIO = [
  '# a namespace page with a day of monotonic offset',
  'kernel 6.18',
  'P1: unshare(CLONE_NEWTIME)',
  'P1: write("/proc/self/timens_offsets", "monotonic 86400 0")',
  'P1: fork() = P2',
  'P2: clock_gettime(CLOCK_MONOTONIC)',
  'P2: clock_gettime(CLOCK_BOOTTIME)',
  'P1: clock_gettime(CLOCK_REALTIME)',
  '',
].join('\n');

interface Shown { uri: string; page: string; view?: { subtitle: string; fields: { name: string; value: string; changed: boolean }[]; missing?: string } }

const inHarness = !!process.env.HARNESS_SHOT_DIR;
const shown = async (): Promise<Shown[]> => (await vscode.commands.executeCommand<Shown[]>('timens.vvarPage._inspect')) ?? [];
const pageTabs = (): vscode.Tab[] => vscode.window.tabGroups.all.flatMap((g) => g.tabs)
  .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('timens.vvarPage'));
const texts = (els: DomElement[] | undefined): string[] => (els ?? []).map((e) => e.text);

/** Right-clicks the row and returns the items of the context menu once it is drawn. */
async function contextMenu(row: string): Promise<string[]> {
  await probeDom('body', [{ press: 'Escape' }, { click: row, button: 'right' }]);
  return waitFor(async () => { const items = texts(await probeDom('.monaco-menu .action-label')); return items.length ? items : undefined; }, `the context menu of ${row}`);
}

suite('vvar page view', () => {
  let file: string;
  const stops: string[] = [];
  let tracker: vscode.Disposable;

  suiteSetup(async () => {
    await activateExtension();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'timens-memory-'));
    file = path.join(dir, 'memory.timens');
    fs.writeFileSync(file, SCENARIO);
    tracker = vscode.debug.registerDebugAdapterTrackerFactory('timens', {
      createDebugAdapterTracker: () => ({
        onDidSendMessage: (m: { type: string; event?: string; body?: { reason: string } }) => {
          if (m.type === 'event' && m.event === 'stopped') stops.push(m.body!.reason);
        },
      }),
    });
  });

  suiteTeardown(async () => {
    await vscode.debug.stopDebugging();
    tracker.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  async function step(command: string): Promise<void> {
    await waitFor(() => vscode.debug.activeStackItem, 'a focused stack frame');
    const count = stops.length;
    await vscode.commands.executeCommand(command);
    await waitFor(() => stops.length > count, 'a stop');
  }

  test('from the Watch view context menu: decoded fields of page#ns#1, no Hex Editor needed', async () => {
    await vscode.window.showTextDocument(vscode.Uri.file(file));
    const count = stops.length;
    assert.ok(await vscode.debug.startDebugging(undefined, { type: 'timens', request: 'launch', name: 'memory', program: file, stopOnEntry: true }));
    await waitFor(() => stops.length > count, 'the entry stop');
    for (let i = 0; i < 3; i++) await step('workbench.action.debug.stepOver'); // past the fork: the page holds the offsets
    await vscode.commands.executeCommand('workbench.view.debug');
    if (inHarness) {
      // As a user would: watch the page (what "Add to Watch" on the Variables view does), right-click the watch
      // row, pick the menu item.
      await vscode.commands.executeCommand('debug.addToWatchExpressions', { variable: { evaluateName: 'ns#1.vvar_page' } });
      const row = '.debug-watch .monaco-list-row[aria-label^="ns#1.vvar_page, value page#ns#1"]';
      await waitFor(async () => (await probeDom(row))?.length, 'the watch row');
      const items = await contextMenu(row);
      assert.ok(items.includes('Show vvar Page (Read-Only Memory View)'), `context menu: ${items.join(' | ')}`);
      await probeDom('body', [{ click: '.monaco-menu .action-label[aria-label="Show vvar Page (Read-Only Memory View)"]' }]);
    } else {
      const session = vscode.debug.activeDebugSession!;
      await vscode.commands.executeCommand('timens.showVvarPage', { sessionId: session.id, variable: { name: 'vvar_page', value: 'page#ns#1', memoryReference: 'page#ns#1' } });
    }
    await waitFor(() => pageTabs().length > 0, 'the vvar page tab');
    const view = await waitFor(async () => (await shown()).find((s) => s.page === 'page#ns#1' && s.view), 'the page in the view');
    const mono = view.view!.fields.find((f) => f.name === 'clock_data[0].offset[CLOCK_MONOTONIC]');
    assert.strictEqual(mono?.value, '86400.000000000');
    assert.strictEqual(view.view!.fields.find((f) => f.name === 'clock_data[0].seq')?.value, '1');
    assert.strictEqual(pageTabs()[0]!.label, 'page#ns#1 (read-only)');
    if (inHarness) {
      // What the webview itself draws (its frame), and no prompt to install a hex editor.
      const rows = await waitFor(async () => {
        const r = (await probeDom('table.fields tbody tr[aria-label]'))?.map((e) => e.ariaLabel ?? '');
        return r?.length ? r : undefined;
      }, 'the field rows');
      assert.ok(rows.includes('clock_data[0].offset[CLOCK_MONOTONIC] = 86400.000000000'), rows.slice(0, 12).join('\n'));
      assert.ok(rows.includes('clock_data[0].clock_mode = 2147483647 (VDSO_CLOCKMODE_TIMENS)'));
      const hex = texts(await probeDom('.dump .row'));
      assert.ok(hex.some((r) => r.startsWith('0000')), `hex rows: ${hex.slice(0, 3).join(' / ')}`);
      const toasts = texts(await probeDom('.notifications-toasts .notification-toast'));
      assert.ok(!toasts.some((t) => /hex ?editor/i.test(t)), `notifications: ${toasts.join(' | ')}`);
    }
    await new Promise((r) => setTimeout(r, 800));
    await screenshot('memory-view-page-ns1');
  });

  test('from the Variables view: the context menu of vvar_page under Namespaces > ns#1', async function () {
    if (!inHarness) this.skip();
    await vscode.window.tabGroups.close(pageTabs()); // the view the last test opened
    await waitFor(() => pageTabs().length === 0, 'the page view closed');
    await vscode.commands.executeCommand('workbench.view.debug');
    await vscode.commands.executeCommand('variables.collapse'); // the view's Collapse All: every scope row in sight
    const rowOf = (label: string): string => `.monaco-list-row[aria-label^="${label}"]`;
    // Expand the scope, then the namespace, as a user clicks down the tree.
    // Rows read `ns#1 *, value …` (the * marks what the last step changed).
    for (const [row, child] of [[rowOf('Scope Namespaces'), rowOf('ns#1 ')], [rowOf('ns#1 '), rowOf('vvar_page')]] as const) {
      await waitFor(async () => (await probeDom(row))?.length, row);
      if (!(await probeDom(child))?.length) await probeDom('body', [{ click: row }]);
      await waitFor(async () => (await probeDom(child))?.length, child);
    }
    const items = await contextMenu(rowOf('vvar_page'));
    assert.ok(items.includes('Show vvar Page (Read-Only Memory View)'), `context menu: ${items.join(' | ')}`);
    await probeDom('body', [{ click: '.monaco-menu .action-label[aria-label="Show vvar Page (Read-Only Memory View)"]' }]);
    await waitFor(() => pageTabs().length > 0, 'the vvar page tab');
    await screenshot('memory-view-from-variables');
  });

  test('follows the debugger: a step back before the fork shows the page as allocated, with the changes marked', async () => {
    await step('workbench.action.debug.stepBack'); // before the fork
    const view = await waitFor(async () => {
      const v = (await shown()).find((s) => s.page === 'page#ns#1')?.view;
      return v && v.fields.find((f) => f.name === 'clock_data[0].seq')?.value === '0' ? v : undefined;
    }, 'the page before timens_commit');
    const mono = view.fields.find((f) => f.name === 'clock_data[0].offset[CLOCK_MONOTONIC]')!;
    assert.strictEqual(mono.value, '0.000000000');
    assert.strictEqual(mono.changed, true, 'marked as changed by the move');
    await screenshot('memory-view-page-ns1-before-fork');
  });

  test('the adapter still answers readMemory (for a hex editor)', async () => {
    const session = vscode.debug.activeDebugSession!;
    const mem = (await session.customRequest('readMemory', { memoryReference: 'page#ns#1', offset: 0, count: 16 })) as { data: string };
    assert.strictEqual(Buffer.from(mem.data, 'base64').length, 16);
    await vscode.debug.stopDebugging();
    await waitFor(() => vscode.debug.activeDebugSession === undefined, 'the session to end');
  });

  test('from the Memory tree context menu: the page a PTE maps (P1 read its clock: the host page)', async () => {
    const api = await activateExtension();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('timens.runScenario', doc.uri);
    await waitFor(() => api.store.get(doc.uri), 'the run');
    await vscode.commands.executeCommand('timens.memory.focus');
    if (inHarness) {
      // P1's mm comes first in the view, so its rows are drawn without scrolling.
      const row = '.monaco-list-row[aria-label^="page 0 · time data"][aria-label*="→ host"]';
      await waitFor(async () => (await probeDom(row))?.length, 'the PTE row of P1 mapping the host page');
      const items = await contextMenu(row);
      assert.ok(items.includes('Show vvar Page (Read-Only Memory View)'), `context menu: ${items.join(' | ')}`);
      await probeDom('body', [{ click: '.monaco-menu .action-label[aria-label="Show vvar Page (Read-Only Memory View)"]' }]);
    } else {
      // The first page-table entry of a [vvar] mapping the Memory tree shows (P1's mm comes first).
      const rows = (nodes: readonly { id: string; children: readonly unknown[] }[]): { id: string; children: readonly unknown[] }[] =>
        nodes.flatMap((n) => [n, ...rows(n.children as { id: string; children: readonly unknown[] }[])]);
      const pte = rows(api.store.trees?.memory ?? []).find((n) => /^pte:[^:]+:\[vvar\]:\d+$/.test(n.id))!;
      await vscode.commands.executeCommand('timens.showVvarPage', { id: pte.id, kind: 'pte' });
    }
    const view = await waitFor(async () => (await shown()).find((s) => s.uri === doc.uri.toString() && s.page === 'page#host' && s.view), 'the page from the tree');
    assert.match(view.view!.subtitle, /^host data page \(vdso_data\) · x86_64 · 6\.18 · event \d+ of \d+$/);
    assert.ok(view.view!.fields.some((f) => f.name === 'clock_data[0].basetime[CLOCK_MONOTONIC]'));
    await new Promise((r) => setTimeout(r, 800));
    await screenshot('memory-view-from-tree');
  });
});
