// The side-bar trees after a step in the real VS Code: they show the same rows and change markers as trees
// built whole, and VS Code is asked again only for the rows a step changed (a view the step left alone is not
// asked at all), far fewer than when the trees are replaced whole.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { activateExtension, waitFor } from './helpers';

const SCENARIO = [
  'arch arm64',
  'kernel 5.9',
  'P1: unshare(CLONE_NEWTIME)',
  'P1: write("/proc/self/timens_offsets", "monotonic 86400 0")',
  'P1: fork() = P2',
  'P2: clock_gettime(CLOCK_MONOTONIC)',
  'P2: clock_gettime(CLOCK_BOOTTIME)',
  'P2: touch([vvar], 1)',
  'P1: touch([vvar], 1)',
  '',
].join('\n');

const VIEWS = ['timens.namespaces', 'timens.tasks', 'timens.memory'] as const;

interface TreeData { label: string; description: string; changed: boolean; children: TreeData[] }
interface ViewData { visible: boolean; getChildrenCalls: number; getTreeItemCalls: number; lastRefresh: number | 'all'; nodes: TreeData[] }
interface Inspect { views: Record<string, ViewData>; treeGeneration: number; statusBar: string }

const inspect = async (): Promise<Inspect> => (await vscode.commands.executeCommand('timens.editor._inspect')) as Inspect;
const calls = (s: Inspect): number => VIEWS.reduce((n, id) => n + s.views[id]!.getTreeItemCalls + s.views[id]!.getChildrenCalls, 0);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The views after the trees changed: the new generation, once VS Code has stopped asking for rows. */
async function settled(before: Inspect): Promise<Inspect> {
  await waitFor(async () => (await inspect()).treeGeneration > before.treeGeneration, 'the trees of the new position');
  // Quiet for five looks in a row: VS Code asks for rows some time after the change (its extension host merges
  // the refreshes of the next 200 ms, then the workbench asks for what is open), much later on a loaded machine.
  let last = await inspect();
  for (let quiet = 0; quiet < 5;) {
    await sleep(400);
    const now = await inspect();
    quiet = calls(now) === calls(last) ? quiet + 1 : 0;
    last = now;
  }
  return last;
}

function find(nodes: readonly TreeData[], label: string): TreeData | undefined {
  for (const n of nodes) {
    if (n.label === label) return n;
    const inner = find(n.children, label);
    if (inner) return inner;
  }
  return undefined;
}

suite('trees refresh what a step changed', () => {
  let uri: vscode.Uri;

  suiteSetup(async () => {
    await activateExtension();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'timens-trees-'));
    uri = vscode.Uri.file(path.join(dir, 'steps.timens'));
    fs.writeFileSync(uri.fsPath, SCENARIO);
  });

  test('each step: the rows of trees built whole, and VS Code asked only for what changed', async function () {
    this.timeout(300_000);
    await vscode.window.showTextDocument(uri);
    const ran = await inspect();
    await vscode.commands.executeCommand('timens.runScenario', uri);
    await vscode.commands.executeCommand('workbench.view.extension.timens');
    for (const id of VIEWS) await vscode.commands.executeCommand(`${id}.focus`);
    await waitFor(async () => Object.values((await inspect()).views).every((v) => v.visible && v.getChildrenCalls > 0), 'the three views to render');
    await settled(ran);
    await vscode.window.showTextDocument(uri);
    let before = await inspect();
    assert.strictEqual(await vscode.commands.executeCommand('timens.goToStart'), true);
    before = await settled(before);
    let untouched = 0;
    const log: string[] = [];
    const perStep: number[] = [];
    const n = (await activateExtension()).store.active!.view.step.n;
    const step = async (command: string, i: number): Promise<void> => {
      assert.strictEqual(await vscode.commands.executeCommand(command), true);
      const after = await settled(before);
      log.push(`step ${i}: ` + VIEWS.map((w) => `${w} ${after.views[w]!.lastRefresh} +${after.views[w]!.getTreeItemCalls - before.views[w]!.getTreeItemCalls}/+${after.views[w]!.getChildrenCalls - before.views[w]!.getChildrenCalls}`).join('; '));
      for (const id of VIEWS) {
        const v = after.views[id]!;
        const roots = (s: Inspect) => s.views[id]!.nodes.map((r) => r.label).join(',');
        // Only a new or vanished top-level row (a namespace, a process) replaces a whole tree.
        if (roots(before) === roots(after)) assert.notStrictEqual(v.lastRefresh, 'all', `${id}: a step refreshes rows, not the whole tree\n${log.join('\n')}`);
        if (v.lastRefresh === 0) {
          untouched++;
          assert.strictEqual(v.getTreeItemCalls, before.views[id]!.getTreeItemCalls, `${id}: a view the step did not change is not asked for rows\n${log.join('\n')}`);
          assert.strictEqual(v.getChildrenCalls, before.views[id]!.getChildrenCalls, `${id}: nor for children`);
        }
      }
      perStep.push(calls(after) - calls(before));
      before = after;
    };
    for (let i = 0; i < n; i++) await step('timens.stepForward', i);

    // At the end: the patched rows are the rows of trees built whole (asked for by switching the mode twice).
    const patched = before;
    await vscode.commands.executeCommand('timens.namespaces.showFlat');
    before = await settled(before);
    await vscode.commands.executeCommand('timens.namespaces.showByOwner');
    const whole = await settled(before);
    for (const id of VIEWS) {
      assert.strictEqual(whole.views[id]!.lastRefresh, 'all');
      assert.deepStrictEqual(patched.views[id]!.nodes, whole.views[id]!.nodes, `${id}: patched rows = rows built whole`);
    }
    const wholeCalls = calls(whole) - calls(before);
    log.push(`whole: ` + VIEWS.map((w) => `${w} +${whole.views[w]!.getTreeItemCalls - before.views[w]!.getTreeItemCalls}/+${whole.views[w]!.getChildrenCalls - before.views[w]!.getChildrenCalls}`).join('; '));
    before = whole;
    // And back to the start, patching from the trees sent whole.
    for (let i = 0; i < n; i++) await step('timens.stepBack', n + i);
    assert.ok(untouched > 0, 'some step leaves a view alone');
    const median = [...perStep].sort((a, b) => a - b)[perStep.length >> 1]!;
    assert.ok(median < wholeCalls, `a step asks for fewer rows (median ${median}) than replacing the trees at the end (${wholeCalls})\n${log.join('\n')}`);
  });

  test('after a step forward the trees show the new state and mark what it changed', async function () {
    this.timeout(120_000);
    await vscode.window.showTextDocument(uri);
    let before = await inspect();
    if (await vscode.commands.executeCommand('timens.goToEnd')) before = await settled(before);
    assert.strictEqual(await vscode.commands.executeCommand('timens.goToStart'), true);
    before = await settled(before);
    const labels = (s: Inspect, id: string) => s.views[id]!.nodes.map((n) => n.label);
    assert.deepStrictEqual(labels(before, 'timens.namespaces'), ['ns#0']);
    assert.strictEqual(await vscode.commands.executeCommand('timens.stepForward'), true);
    const one = await settled(before);
    assert.deepStrictEqual(labels(one, 'timens.namespaces'), ['ns#0', 'ns#1']);
    assert.strictEqual(one.views['timens.namespaces']!.nodes[1]!.changed, true, 'the new namespace is marked');
    assert.strictEqual(await vscode.commands.executeCommand('timens.stepForward'), true);
    const two = await settled(one);
    const ns1 = two.views['timens.namespaces']!.nodes[1]!;
    assert.strictEqual(ns1.changed, true, 'the namespace the write named is marked');
    assert.strictEqual(find(ns1.children, 'monotonic')?.description, '+86400s');
    assert.strictEqual(find(ns1.children, 'monotonic')?.changed, true, 'the offset written is marked');
    assert.strictEqual(await vscode.commands.executeCommand('timens.stepBack'), true);
    const back = await settled(two);
    assert.notStrictEqual(find(back.views['timens.namespaces']!.nodes[1]!.children, 'monotonic')?.description, '+86400s');
    assert.strictEqual(find(back.views['timens.namespaces']!.nodes[1]!.children, 'monotonic')?.changed, false);
    await vscode.commands.executeCommand('timens.goToEnd');
  });
});
