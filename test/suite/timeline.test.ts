// The timeline in the real VS Code: opens for an example, follows the session cursor (store moves and step
// commands), travels and reveals the line when an event is activated (double-click or Enter), ignores malformed
// messages, keeps its selection and viewport when hidden and across a restart (serializer), exports a trace and
// images; screenshot.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { activateExtension, screenshot, waitFor, workspaceRoot } from './helpers';

interface Description { ready: boolean; mode: string; eventCounts: number[]; cursor: number; cursors: number[]; selected: number; view: { start: number; span: number }; lanes: number; frames: number }
interface TestState {
  open: boolean; ready?: boolean; visible?: boolean; mode?: string; lastCursorShown?: number; description?: Description;
  lastViewState?: { start: number; span: number; selected: number } | null;
}

const probe = (op: Record<string, unknown> = { op: 'state' }) => vscode.commands.executeCommand('timens.timeline._test', op) as Thenable<TestState>;

suite('timeline', () => {
  let tmp: string;
  suiteSetup(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'timens-timeline-')); });
  suiteTeardown(() => { fs.rmSync(tmp, { recursive: true, force: true }); });

  test('opens for an example, follows the cursor, and activating an event (double-click, Enter) moves the simulation and the editor', async () => {
    const api = await activateExtension();
    const uri = vscode.Uri.joinPath(workspaceRoot(), '11-zapping-on-setns.timens');
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    const session = await api.store.ensureRun(doc);
    const n = session.eventCount;
    assert.ok(n > 20, `the example records events (${n})`);

    assert.strictEqual(await vscode.commands.executeCommand('timens.openTimeline'), true);
    const ready = await waitFor(async () => {
      const s = await probe();
      return s.ready && s.description?.ready && s.description.eventCounts[0] === n ? s : undefined;
    }, 'the timeline to load the run', 30000);
    assert.strictEqual(ready.mode, 'single');
    assert.ok(ready.description!.lanes >= 3, 'task and namespace lanes');
    assert.strictEqual(ready.description!.cursor, session.position);

    // The store moves: the webview draws the cursor there and says so.
    await api.store.moveTo(7, 'test');
    await waitFor(async () => (await probe()).lastCursorShown === 7, 'cursor 7 drawn');
    assert.strictEqual((await probe()).description?.cursor, 7);
    await vscode.commands.executeCommand('timens.stepForward');
    const afterStep = api.store.active!.position;
    assert.ok(afterStep > 7, 'the step command moved the simulation');
    await waitFor(async () => (await probe()).lastCursorShown === afterStep, `cursor ${afterStep} drawn after a step`);

    // Clicking an event (as the webview reports it): travel just past it and select its line in the editor.
    const [zapEvent] = await api.store.active!.find({ kind: 'zap', limit: 1 });
    assert.ok(zapEvent, 'the example zaps');
    const zap = zapEvent.index;
    await probe({ op: 'activate', index: zap });
    await waitFor(() => api.store.active!.position === zap + 1, 'the simulation to travel to the zap');
    const line = zapEvent.line;
    await waitFor(() => vscode.window.visibleTextEditors.some((e) => e.document.uri.toString() === uri.toString() && e.selection.start.line === line), `line ${line + 1} selected in the editor`);
    await waitFor(async () => (await probe()).lastCursorShown === zap + 1, 'the timeline cursor follows the activation');

    // Malformed messages from the webview are ignored, not fatal.
    for (const message of [null, 42, { type: 'activate', run: 0, index: -3 }, { type: 'request', id: 'x' }, { type: 'viewState', state: { span: 0 } }]) {
      await probe({ op: 'receive', message });
    }
    assert.strictEqual(api.store.active!.position, zap + 1, 'a bad activate did not move the simulation');
    // Issue 16 item 22: an index past the run is refused, with no unhandled rejection and no move.
    const rejections: unknown[] = [];
    const onRejection = (r: unknown): void => { rejections.push(r); };
    process.on('unhandledRejection', onRejection);
    try {
      for (const index of [n, n + 100, 2 ** 31 - 1]) await probe({ op: 'activate', index });
      await new Promise((r) => setTimeout(r, 1000));
    } finally {
      process.off('unhandledRejection', onRejection);
    }
    assert.deepStrictEqual(rejections.map(String), []);
    assert.strictEqual(api.store.active!.position, zap + 1, 'an out-of-range activate did not move the simulation');
    assert.ok((await probe()).description?.ready, 'the panel still answers');
    await probe({ op: 'post', message: { type: 'chunk', run: 9 } });
    assert.ok((await probe()).description?.ready, 'the webview survived a malformed message');

    await vscode.commands.executeCommand('timens.timeline.reveal', zap);
    await waitFor(async () => (await probe()).description?.selected === zap, 'reveal selects the event');
    await screenshot('timeline-panel');

    // Hidden behind another editor, the webview is torn down (no retained context); shown again, it comes back
    // with the same selection and viewport, from the state it saved.
    const shown = await waitFor(async () => {
      const s = await probe();
      return s.lastViewState?.selected === zap ? s : undefined;
    }, 'the webview to save its state');
    const view = shown.description!.view;
    // Not a scenario: the session stays on the example.
    const other = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceRoot(), 'README.md'));
    const otherEditor = await vscode.window.showTextDocument(other, { viewColumn: vscode.ViewColumn.Two, preview: false });
    await waitFor(async () => (await probe()).visible === false, 'the timeline hidden behind another editor');
    assert.strictEqual(await vscode.commands.executeCommand('timens.openTimeline'), true);
    const back = await waitFor(async () => {
      const s = await probe();
      return s.visible && s.description?.ready && s.description.selected === zap ? s : undefined;
    }, 'the timeline shown again with its selection', 30000);
    assert.ok(Math.abs(back.description!.view.start - view.start) < 1e-6 && Math.abs(back.description!.view.span - view.span) < 1e-6,
      `the viewport is restored (${JSON.stringify(view)} then ${JSON.stringify(back.description!.view)})`);
    assert.strictEqual(back.description!.frames > 0, true, 'the restored webview drew');
    await vscode.window.showTextDocument(otherEditor.document, otherEditor.viewColumn);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');

    // After a restart the serializer gets the saved state with no session in memory: it runs the file again
    // and the new panel opens on the same selection and viewport.
    const saved = (await probe()).lastViewState;
    assert.ok(saved && saved.selected === zap, 'the host kept the last view state');
    await probe({ op: 'restart', message: saved });
    const restarted = await waitFor(async () => {
      const s = await probe();
      return s.description?.ready && s.description.selected === zap ? s : undefined;
    }, 'the restored panel to show the saved selection', 30000);
    assert.strictEqual(api.store.active?.uri.fsPath, uri.fsPath, 'the scenario ran again');
    assert.ok(Math.abs(restarted.description!.view.start - view.start) < 1e-6 && Math.abs(restarted.description!.view.span - view.span) < 1e-6,
      'the restored panel keeps the viewport');
  });

  test('stepping in the debugger moves the timeline cursor', async () => {
    const api = await activateExtension();
    const uri = vscode.Uri.joinPath(workspaceRoot(), '11-zapping-on-setns.timens');
    const started = await vscode.debug.startDebugging(undefined, { type: 'timens', request: 'launch', name: 'timeline test', program: uri.fsPath, stopOnEntry: true });
    assert.ok(started, 'the debug session started');
    try {
      await waitFor(() => vscode.debug.activeStackItem, 'the entry stop');
      const entry = api.store.active!.position;
      await waitFor(async () => (await probe()).lastCursorShown === entry, `cursor at the entry position ${entry}`);
      await vscode.commands.executeCommand('workbench.action.debug.stepOver');
      await waitFor(() => api.store.active!.position !== entry, 'the step to move the simulation');
      const stepped = api.store.active!.position;
      await waitFor(async () => (await probe()).lastCursorShown === stepped, `cursor ${stepped} drawn after the debugger step`);
      assert.strictEqual((await probe()).description?.cursor, stepped);
    } finally {
      await vscode.debug.stopDebugging();
    }
  });

  test('exports the trace (JSON and gzip) and the visible timeline (SVG and PNG)', async () => {
    const json = path.join(tmp, 'run.trace.json');
    assert.strictEqual(await vscode.commands.executeCommand('timens.exportTrace', json), json);
    const trace = JSON.parse(fs.readFileSync(json, 'utf8')) as { traceEvents: { ph: string; name: string; args?: { name?: string } }[] };
    assert.ok(trace.traceEvents.some((e) => e.ph === 'M' && e.name === 'process_name' && /ns#1/.test(e.args?.name ?? '')));
    assert.ok(trace.traceEvents.some((e) => e.ph === 'X'));
    const gz = path.join(tmp, 'run.trace.json.gz');
    await vscode.commands.executeCommand('timens.exportTrace', gz);
    assert.deepStrictEqual([...fs.readFileSync(gz).subarray(0, 2)], [0x1f, 0x8b]);
    const svg = path.join(tmp, 'timeline.svg');
    assert.strictEqual(await vscode.commands.executeCommand('timens.exportTimelineImage', 'svg', svg), svg);
    assert.match(fs.readFileSync(svg, 'utf8'), /^<svg xmlns/);
    const png = path.join(tmp, 'timeline.png');
    await vscode.commands.executeCommand('timens.exportTimelineImage', 'png', png);
    assert.deepStrictEqual([...fs.readFileSync(png).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  });

  test('a comparison has a cursor per run: drawn after loading, and a click moves both to the same line (issue 16 item 4)', async () => {
    const uri = vscode.Uri.joinPath(workspaceRoot(), '11-zapping-on-setns.timens');
    await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.One });
    const cmp = await vscode.commands.executeCommand<{ a: { eventCount: number }; b: { eventCount: number } }>('timens.compare', uri, { kernel: '5.6' });
    assert.ok(cmp, 'the comparison ran');
    // The comparison view opens first; its button (this command) opens the two timelines.
    assert.strictEqual(await vscode.commands.executeCommand('timens.compare.showTimelines'), true, 'the timelines opened');
    const counts = [cmp.a.eventCount, cmp.b.eventCount];
    type CompareState = TestState & { cursorsShown?: number[] };
    const state = () => probe({ op: 'compare' }) as Thenable<CompareState>;
    const shown = await waitFor(async () => {
      const s = await state();
      return s.description?.ready && s.cursorsShown?.length === 2 ? s : undefined;
    }, 'both cursors of the comparison drawn', 30000);
    assert.deepStrictEqual(shown.cursorsShown, counts, 'each run\'s cursor at its end');
    assert.strictEqual(shown.mode, 'compare');
    // A click on an event of B: B's cursor goes just past it, A's to the end of the same scenario line.
    const index = Math.floor(counts[1]! / 2);
    await probe({ op: 'compare:activate', run: 1, index });
    const after = await waitFor(async () => { const s = await state(); return s.cursorsShown?.[1] === index + 1 && s.cursorsShown[0] !== counts[0] ? s : undefined; }, 'both cursors moved');
    assert.ok(after.cursorsShown![0]! > 0 && after.cursorsShown![0]! < counts[0]!, `A's cursor in the run (${after.cursorsShown![0]})`);
    assert.deepStrictEqual(after.description?.cursors, after.cursorsShown);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
