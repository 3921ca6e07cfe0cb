// The editor feature in the real VS Code: diagnostics with quick fixes, hovers, completion, code lenses,
// outline and inline results through VS Code's command API; the three trees after a run, after stepping
// back and at the start; header rewriting; screenshots of the side bar after an arm64 scenario.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { activateExtension, screenshot, waitFor, workspaceRoot } from './helpers';

const ARM64 = [
  '# Editor test: arm64 5.9, one expectation that fails on purpose',
  'arch arm64',
  'kernel 5.9',
  '# --- set up',
  'P1: unshare(CLONE_NEWTIME)',
  'P1: write("/proc/self/timens_offsets", "monotonic 86400 0")',
  'expect ok',
  'P1: fork() = P2',
  '# --- clocks and pages',
  'P2: clock_gettime(CLOCK_MONOTONIC)',
  'expect P2 CLOCK_MONOTONIC == host + 86400s',
  'P2: touch([vvar], 1)',
  'P1: touch([vvar], 1)',
  'expect signal == SIGBUS',
  'expect P2.time_ns == ns#0',
  '',
].join('\n');

interface TreeData { label: string; description: string; changed: boolean; children: TreeData[] }
interface Inspect {
  views: Record<string, { visible: boolean; getChildrenCalls: number; nodes: TreeData[] }>;
  namespacesMode: string;
  inline: { line: number; text: string; tone: string; reached: boolean }[];
  statusBar: string;
}

async function inspect(uri?: vscode.Uri): Promise<Inspect> {
  return (await vscode.commands.executeCommand('timens.editor._inspect', uri)) as Inspect;
}

function find(nodes: TreeData[], label: string): TreeData | undefined {
  for (const n of nodes) {
    if (n.label === label) return n;
    const inner = find(n.children, label);
    if (inner) return inner;
  }
  return undefined;
}

function hoverText(hovers: vscode.Hover[]): string {
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
}

/** Wait until VS Code has fetched the items of all three views again since `before` (they re-render). */
async function waitRendered(before: Inspect): Promise<void> {
  await waitFor(async () => {
    const now = await inspect();
    return Object.entries(now.views).every(([id, v]) => !v.visible || v.getChildrenCalls > before.views[id].getChildrenCalls);
  }, 'the views to render the new state');
}

/** Make the side bar wide enough to read the tree descriptions in screenshots. */
async function widenSideBar(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closePanel');
  // Resizing acts on the focused part: shrink the editor, which widens the side bar next to it.
  await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
  for (let i = 0; i < 8; i++) await vscode.commands.executeCommand('workbench.action.decreaseViewWidth');
}

suite('editor: language features, trees and commands', () => {
  let dir: string;
  let uri: vscode.Uri;
  let editor: vscode.TextEditor;

  suiteSetup(async () => {
    await activateExtension();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'timens-editor-'));
    const file = path.join(dir, 'arm64.timens');
    fs.writeFileSync(file, ARM64);
    uri = vscode.Uri.file(file);
    editor = await vscode.window.showTextDocument(uri);
  });

  test('the language, the grammar-backed id and the background diagnostics are there before a run', async () => {
    assert.strictEqual(editor.document.languageId, 'timens');
    const diags = await waitFor(() => { const d = vscode.languages.getDiagnostics(uri).filter((x) => x.source === 'timens' && x.severity === vscode.DiagnosticSeverity.Error); return d.length > 0 ? d : undefined; }, 'live diagnostics');
    const failed = diags.find((d) => d.range.start.line === 14);
    assert.ok(failed, `a diagnostic on the failing expect line: ${diags.map((d) => `${d.range.start.line}:${d.message}`).join(' | ')}`);
    assert.strictEqual(failed.range.end.character, 'expect P2.time_ns == ns#0'.length, 'the range covers the statement');
  });

  test('run: diagnostics from the run, inline results, status bar', async () => {
    await vscode.commands.executeCommand('timens.runScenario', uri);
    const api = await activateExtension();
    assert.strictEqual(api.store.active?.uri.toString(), uri.toString());
    const diags = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'timens');
    assert.deepStrictEqual(diags.map((d) => d.range.start.line), [14], diags.map((d) => d.message).join(' | '));
    const state = await inspect(uri);
    const inline = new Map(state.inline.map((r) => [r.line, r]));
    assert.strictEqual(inline.get(4)?.text, '→ 0 · in ns#0, tfc ns#1');
    assert.match(inline.get(9)!.text, /^→ 0 · CLOCK_MONOTONIC \d+s = host \d+s \+86400s \(vdso-timens\) · in ns#1$/);
    assert.strictEqual(inline.get(12)?.text, '→ --- SIGBUS --- · in ns#0, tfc ns#1');
    assert.strictEqual(inline.get(13)?.tone, 'expect-pass');
    assert.strictEqual(inline.get(14)?.tone, 'expect-fail');
    assert.match(state.statusBar, /step 6\/6 · arm64 · 5\.9/);
    // The setting switches them off and on again.
    assert.strictEqual(await vscode.commands.executeCommand('timens.toggleInlineResults'), false);
    await waitFor(async () => (await inspect(uri)).inline.length === 0, 'inline results to go');
    assert.strictEqual(await vscode.commands.executeCommand('timens.toggleInlineResults'), true);
    await waitFor(async () => (await inspect(uri)).inline.length === state.inline.length, 'inline results to come back');
  });

  test('hover: operation call path, task state at that line, clock, expect outcome', async () => {
    const at = (line: number, col: number) => vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(line, col));
    const op = hoverText(await at(4, 6));
    assert.match(op, /unshare/);
    assert.match(op, /copy_time_ns/);
    assert.match(op, /Across versions/);
    const task = hoverText(await at(9, 1));
    assert.match(task, /\*\*P2\*\*/);
    assert.match(task, /time_ns \| ns#1/);
    const clock = hoverText(await at(9, 24));
    assert.match(clock, /CLOCK_MONOTONIC\*\* \(clock id 1\)/);
    const ex = hoverText(await at(14, 3));
    assert.match(ex, /✗ failed/);
    // The inline result drawn after a line: hovering it lands at the line's end.
    const eol = hoverText(await at(12, 'P1: touch([vvar], 1)'.length)).replace(/&nbsp;/g, ' ');
    assert.match(eol, /P1: touch → [^\n]*SIGBUS/);
    assert.doesNotMatch(hoverText(await at(12, 4)).replace(/&nbsp;/g, ' '), /P1: touch → /, 'inside the line only the statement\'s own hover');
  });

  test('completion: operations, flags, clocks, arch values, tasks defined above', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'timens', content: 'arch \nP1: fork() = P2\nP2: clock_gettime(\nP2: unshare(\n\n' });
    const items = async (line: number, col: number) => (await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(line, col))).items.map((i) => (typeof i.label === 'string' ? i.label : i.label.label));
    const arch = await items(0, 5);
    assert.ok(arch.includes('arm64') && arch.includes('x86_64'), arch.join());
    const clocks = await items(2, 18);
    assert.ok(clocks.includes('CLOCK_MONOTONIC') && clocks.includes('CLOCK_BOOTTIME'), clocks.slice(0, 20).join());
    const flags = await items(3, 12);
    assert.ok(flags.includes('CLONE_NEWTIME'), flags.slice(0, 20).join());
    const start = await items(4, 0);
    assert.ok(start.includes('P2:') && start.includes('expect'), start.slice(0, 20).join());
    const ops = await items(1, 4);
    assert.ok(ops.includes('unshare') && ops.includes('clock_gettime'), ops.slice(0, 30).join());
  });

  test('completion: operations by use (cl gives clock_gettime first), a new task name no line gives, half-typed lines too', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'timens', content: 'arch x86_64\nP1: clone3(CLONE_NEWTIME = P2\nP1: cl\nP1: fork() = \n' });
    const list = async (line: number, col: number) => (await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', doc.uri, new vscode.Position(line, col))).items;
    const label = (i: vscode.CompletionItem) => (typeof i.label === 'string' ? i.label : i.label.label);
    const ops = (await list(2, 6)).filter((i) => label(i).startsWith('cl')).sort((a, b) => (a.sortText ?? label(a)).localeCompare(b.sortText ?? label(b))).map(label);
    assert.strictEqual(ops[0], 'clock_gettime', ops.join());
    assert.ok(ops.indexOf('clock_gettime') < ops.indexOf('clone'), ops.join());
    const names = (await list(3, 13)).map(label);
    assert.ok(names.includes('P3') && !names.includes('P2'), names.join());
  });

  test('quick fixes: a misspelt operation and the missing header', async () => {
    const file = path.join(dir, 'typo.timens');
    fs.writeFileSync(file, 'P1: unshar(CLONE_NEWTIME)\n');
    const typo = vscode.Uri.file(file);
    const doc = await vscode.workspace.openTextDocument(typo);
    await vscode.window.showTextDocument(doc);
    const diags = await waitFor(() => { const d = vscode.languages.getDiagnostics(typo).filter((x) => x.source === 'timens'); return d.length >= 2 ? d : undefined; }, 'diagnostics of typo.timens');
    const bad = diags.find((d) => d.severity === vscode.DiagnosticSeverity.Error)!;
    assert.deepStrictEqual([bad.range.start.line, bad.range.start.character, bad.range.end.character], [0, 4, 10]);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', typo, bad.range);
    const fix = actions.find((a) => /unshare/.test(a.title));
    assert.ok(fix?.edit, actions.map((a) => a.title).join(' | '));
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.strictEqual(doc.lineAt(0).text, 'P1: unshare(CLONE_NEWTIME)');
    const header = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', typo, new vscode.Range(0, 0, 0, 0));
    assert.ok(header.some((a) => /header/i.test(a.title)), header.map((a) => a.title).join(' | '));
    assert.ok(header.some((a) => a.command?.command === 'timens.selectProfile'));
    // Select Profile with a profile argument writes the header lines.
    assert.strictEqual(await vscode.commands.executeCommand('timens.selectProfile', typo, { arch: 'arm64', kernel: '5.9', disabledPatches: ['zap-vvar'] }), true);
    assert.deepStrictEqual(doc.getText().split('\n').slice(0, 4), ['arch arm64', 'kernel 5.9', 'patch off zap-vvar', 'P1: unshare(CLONE_NEWTIME)']);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('code lenses and outline', async () => {
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    const titles = lenses.map((l) => l.command?.title ?? '');
    const mine = titles.map((t) => t.replace(/^\$\([^)]*\) /, '')).filter((t) => ['Run', 'Debug', 'Open Timeline', 'Compare Patches'].includes(t));
    assert.deepStrictEqual(mine, ['Run', 'Debug', 'Open Timeline', 'Compare Patches'], titles.join(' | '));
    assert.ok(lenses.filter((l) => /Run$|Debug$|Open Timeline$|Compare Patches$/.test(l.command?.title ?? '')).every((l) => l.range.start.line === 0), 'the row is at the top');
    const x86 = await vscode.workspace.openTextDocument({ language: 'timens', content: 'arch x86_64\nkernel 6.18\nP1: fork() = P2\n' });
    const x86Lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', x86.uri);
    assert.ok(x86Lenses.some((l) => /Run$/.test(l.command?.title ?? '')));
    assert.ok(!x86Lenses.some((l) => /Compare Patches/.test(l.command?.title ?? '')));
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', uri);
    assert.deepStrictEqual(symbols.map((s) => s.name), ['arch arm64 · kernel 5.9', 'set up', 'clocks and pages']);
    const setUp = symbols[1];
    assert.ok(setUp.children.some((c) => c.name === 'P2' && c.kind === vscode.SymbolKind.Object), setUp.children.map((c) => c.name).join());
    // Each symbol's ranges are its lines' as the document has them: the selection its first line, the range to
    // the end of its last line.
    const doc = await vscode.workspace.openTextDocument(uri);
    const walk = (list: vscode.DocumentSymbol[]): void => list.forEach((sym) => {
      assert.ok(sym.selectionRange.isEqual(doc.lineAt(sym.selectionRange.start.line).range), `${sym.name}: selection ${JSON.stringify(sym.selectionRange)}`);
      assert.ok(sym.range.end.isEqual(doc.lineAt(sym.range.end.line).range.end), `${sym.name}: range ${JSON.stringify(sym.range)}`);
      walk(sym.children);
    });
    walk(symbols);
  });

  test('trees: rendered in the Timens container, right items after the run, after stepping back and at the start', async () => {
    editor = await vscode.window.showTextDocument(uri);
    await vscode.commands.executeCommand('timens.runScenario', uri);
    await vscode.commands.executeCommand('workbench.view.extension.timens');
    for (const id of ['timens.namespaces', 'timens.tasks', 'timens.memory']) await vscode.commands.executeCommand(`${id}.focus`);
    const shown = await waitFor(async () => {
      const s = await inspect(uri);
      return Object.values(s.views).every((v) => v.visible && v.getChildrenCalls > 0) ? s : undefined;
    }, 'the three views to be visible and asked for their items');
    const ns = shown.views['timens.namespaces'].nodes;
    assert.deepStrictEqual(ns.map((n) => n.label), ['ns#0', 'ns#1']);
    assert.strictEqual(find(ns[1].children, 'monotonic')?.description, '+86400s');
    assert.strictEqual(find(ns[1].children, 'frozen_offsets')?.description, 'true');
    const tasks = shown.views['timens.tasks'].nodes;
    assert.deepStrictEqual(tasks.map((n) => n.label), ['P1']);
    assert.ok(find(tasks, 'P2'), 'P2 under P1');
    const mem = shown.views['timens.memory'].nodes;
    const p1mm = mem.find((n) => n.label.startsWith('P1 '))!;
    const p2mm = mem.find((n) => n.label.startsWith('P2 '))!;
    assert.match(find(p2mm.children, 'page 0 · data')!.description, /^→ ns#1/);
    assert.match(find(p1mm.children, 'page 1 · timens')!.description, /^SIGBUS slot/);
    // The last line (P1 touching the timens slot) is marked as changed.
    assert.ok(find(p1mm.children, 'page 1 · timens')!.changed, 'the SIGBUS slot is marked as the last change');
    await widenSideBar();
    await screenshot('editor-sidebar-arm64');

    // Step back: before `P1: touch([vvar], 1)` the slot is not known to SIGBUS yet.
    await vscode.window.showTextDocument(uri);
    assert.strictEqual(await vscode.commands.executeCommand('timens.stepBack'), true);
    const back = await inspect(uri);
    assert.match(back.statusBar, /step 5\/6/);
    const p1back = back.views['timens.memory'].nodes.find((n) => n.label.startsWith('P1 '))!;
    assert.strictEqual(find(p1back.children, 'page 1 · timens')!.description, 'empty · will fault');
    // The last line is now `P2: touch([vvar], 1)`: the page was already mapped (the vDSO read faulted it in),
    // so only P2's last result changed.
    const p2mem = back.views['timens.memory'].nodes.find((n) => n.label.startsWith('P2 '))!;
    assert.strictEqual(find(p2mem.children, 'page 1 · timens')!.changed, false);
    assert.strictEqual(find(back.views['timens.tasks'].nodes, 'P2')!.changed, true, 'P2 (its last result) is marked');
    assert.strictEqual(find(back.views['timens.tasks'].nodes, 'P1')!.changed, false);
    assert.ok(back.inline.some((r) => r.line === 12 && !r.reached), 'the undone line is shown as not reached');

    assert.strictEqual(await vscode.commands.executeCommand('timens.goToStart'), true);
    const start = await inspect(uri);
    assert.deepStrictEqual(start.views['timens.namespaces'].nodes.map((n) => n.label), ['ns#0']);
    assert.deepStrictEqual(start.views['timens.tasks'].nodes.map((n) => n.label), ['P1']);
    assert.ok(!find(start.views['timens.tasks'].nodes, 'P2'));
    assert.match(start.statusBar, /step 0\/6/);
    assert.strictEqual(await vscode.commands.executeCommand('timens.stepForward'), true);
    const one = await inspect(uri);
    assert.deepStrictEqual(one.views['timens.namespaces'].nodes.map((n) => n.label), ['ns#0', 'ns#1']);
    assert.ok(one.views['timens.namespaces'].nodes[1].changed, 'the new namespace is marked');
    await waitRendered(start);
    await screenshot('editor-sidebar-arm64-step1');

    // Flat/owner toggle and copy as text.
    await vscode.commands.executeCommand('timens.namespaces.showFlat');
    assert.strictEqual((await inspect()).namespacesMode, 'flat');
    await vscode.commands.executeCommand('timens.namespaces.showByOwner');
    const text = await vscode.commands.executeCommand<string>('timens.copyAsText');
    assert.match(text, /arm64\.timens on arm64 5\.9/);
    assert.match(text, /ns#1 {2}NPROCS 0 · offsets writable/);
    assert.strictEqual(await vscode.env.clipboard.readText(), text);
    await vscode.commands.executeCommand('timens.goToEnd');
  });

  test('reveal the line that caused the state, reveal on the timeline', async () => {
    await vscode.window.showTextDocument(uri);
    await vscode.commands.executeCommand('timens.goToEnd');
    // With no tree node: the last applied event, here the check of the last expect line.
    assert.strictEqual(await vscode.commands.executeCommand('timens.revealLine'), true);
    assert.strictEqual(vscode.window.activeTextEditor?.selection.active.line, 14);
    assert.strictEqual(await vscode.commands.executeCommand('timens.revealLine', 7), true);
    assert.strictEqual(vscode.window.activeTextEditor?.selection.active.line, 7);
    assert.strictEqual(await vscode.commands.executeCommand('timens.tree.revealOnTimeline'), true);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  test('an example of the workspace runs and fills the trees', async function () {
    const examples = fs.existsSync(workspaceRoot().fsPath) ? fs.readdirSync(workspaceRoot().fsPath).filter((f) => f.endsWith('.timens')) : [];
    const arm = examples.find((f) => /^\s*arch\s+arm64/m.test(fs.readFileSync(path.join(workspaceRoot().fsPath, f), 'utf8')));
    const pick = arm ?? examples[0];
    if (!pick) this.skip();
    const exUri = vscode.Uri.joinPath(workspaceRoot(), pick);
    await vscode.window.showTextDocument(exUri);
    const before = await inspect();
    await vscode.commands.executeCommand('timens.runScenario', exUri);
    await waitRendered(before);
    const s = await waitFor(async () => { const x = await inspect(exUri); return x.views['timens.tasks'].nodes.length > 0 ? x : undefined; }, 'trees of the example');
    assert.ok(s.views['timens.namespaces'].nodes.length > 0);
    assert.ok(s.inline.length > 0, 'inline results after the run');
    await screenshot('editor-example');
  });

  test('new scenario from an example: a quick pick over examples/, an untitled copy named after the example', async () => {
    let done = false;
    const pending = Promise.resolve(vscode.commands.executeCommand<vscode.Uri | undefined>('timens.newScenarioFromExample')).finally(() => { done = true; });
    // Accept the first item once the quick pick is up (harmless while it is not).
    await waitFor(async () => { if (!done) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem'); return done; }, 'the example quick pick', 30000, 500);
    const created = await pending;
    assert.ok(created, 'an example was picked');
    assert.strictEqual(created.scheme, 'untitled');
    const doc = vscode.window.activeTextEditor!.document;
    assert.strictEqual(doc.languageId, 'timens');
    const first = fs.readdirSync(path.join(workspaceRoot().fsPath)).filter((f) => f.endsWith('.timens')).sort()[0]!;
    assert.strictEqual(doc.getText(), fs.readFileSync(path.join(workspaceRoot().fsPath, first), 'utf8'));
    // Named after the example (not after its first comment line), without the number that orders the examples.
    assert.strictEqual(path.posix.basename(created.path), first.replace(/^\d+-/, ''));
    assert.strictEqual(doc.isUntitled, true);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('the trees follow the active scenario, and clear when no scenario is open (issue 16 item 10)', async () => {
    const other = vscode.Uri.file(path.join(dir, 'other.timens'));
    fs.writeFileSync(other.fsPath, 'kernel 6.18\nP1: fork() = P2\n');
    const labels = async (id: string) => (await inspect()).views[id].nodes.map((n) => n.label).join(',');
    await vscode.window.showTextDocument(uri);
    await waitFor(async () => (await labels('timens.namespaces')) === 'ns#0,ns#1', 'the trees of arm64.timens');
    // Another scenario becomes active: the trees show its state (its background run), not the last one run.
    await vscode.window.showTextDocument(other);
    await waitFor(async () => (await labels('timens.namespaces')) === 'ns#0' && find((await inspect()).views['timens.tasks'].nodes, 'P2'), 'the trees of other.timens');
    await vscode.window.showTextDocument(uri);
    await waitFor(async () => (await labels('timens.namespaces')) === 'ns#0,ns#1', 'the trees of arm64.timens again');
    // Every scenario closed: nothing is left on show.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor(async () => Object.values((await inspect()).views).every((v) => v.nodes.length === 0), 'the trees to clear');
    assert.strictEqual((await activateExtension()).store.active, undefined);
  });

  test('reset empties the views (their welcome content shows)', async () => {
    await vscode.window.showTextDocument(uri);
    const before = await inspect();
    assert.strictEqual(await vscode.commands.executeCommand('timens.reset'), true);
    await waitRendered(before);
    const s = await inspect(uri);
    for (const v of Object.values(s.views)) assert.strictEqual(v.nodes.length, 0);
    assert.strictEqual(s.inline.length, 0);
    await screenshot('editor-sidebar-welcome');
  });
});
