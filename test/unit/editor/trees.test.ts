// The side-bar tree models built from real runs: namespaces like lsns, the process tree with threads,
// per-mm vvar pages with their PTEs, change marking between steps, and copy-as-text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runScenario } from '../../../extension/scenario/index';
import { markChanges, memoryTree, namespaceTree, taskTree, treeToText, type TreeNode } from '../../../extension/scenario/editor/trees';
import { lastStepStart } from '../../../extension/scenario/editor/navigation';

const ARM64 = `arch arm64
kernel 5.9
P1: unshare(CLONE_NEWTIME)
P1: write("/proc/self/timens_offsets", "monotonic 86400 0")
P1: fork() = P2
P2: clock_gettime(CLOCK_MONOTONIC)
P2: pthread_create() = T3
P1: touch([vvar], 1)
`;

function find(nodes: readonly TreeNode[], pred: (n: TreeNode) => boolean): TreeNode | undefined {
  for (const n of nodes) {
    if (pred(n)) return n;
    const inner = find(n.children, pred);
    if (inner) return inner;
  }
  return undefined;
}

function child(n: TreeNode | undefined, label: string): TreeNode {
  const c = n?.children.find((x) => x.label === label);
  assert.ok(c, `${n?.label} has no child ${label}: ${n?.children.map((x) => x.label).join(', ')}`);
  return c;
}

test('namespace tree: lsns columns, offsets, frozen, vvar page and references', () => {
  const run = runScenario(ARM64);
  assert.ok(run.valid, JSON.stringify(run.diagnostics));
  const roots = namespaceTree(run.sim.state(), 'owner');
  // Only user#0 is used: no user-namespace parents.
  assert.deepEqual(roots.map((n) => n.label), ['ns#0', 'ns#1']);
  const ns0 = roots[0];
  assert.equal(ns0.description, 'NPROCS 1 · initial · time:[4026531834]');
  assert.equal(child(ns0, 'vvar_page').description, 'NULL (initial namespace)');
  const ns1 = roots[1];
  assert.match(ns1.description, /^NPROCS 1 · frozen · mono \+86400s boot \+0s · time:\[\d+\]$/);
  assert.equal(child(ns1, 'monotonic').description, '+86400s');
  assert.equal(child(ns1, 'boottime').description, '+0s');
  assert.equal(child(ns1, 'frozen_offsets').description, 'true');
  assert.equal(child(ns1, 'vvar_page').description, 'page#ns#1');
  const refs = child(ns1, 'references');
  assert.equal(child(refs, 'time_ns').description, 'P2, T3');
  assert.equal(child(refs, 'time_ns_for_children').description, 'P1, P2, T3');
  assert.equal(child(ns1, 'tasks').description, 'P2, T3');
});

test('namespace tree: user namespaces become parents in owner mode, not in flat mode', () => {
  const run = runScenario('arch x86_64\nkernel 6.18\nP1: unshare(CLONE_NEWUSER|CLONE_NEWTIME)\nP1: fork() = P2\n');
  assert.ok(run.valid, JSON.stringify(run.diagnostics));
  const state = run.sim.state();
  const owner = namespaceTree(state, 'owner');
  assert.deepEqual(owner.map((n) => n.label), ['user#0']);
  const user1 = find(owner, (n) => n.label === 'user#1');
  assert.ok(user1, 'user#1 under user#0');
  assert.ok(user1.children.some((n) => n.label === 'ns#1'), 'ns#1 owned by user#1');
  const flat = namespaceTree(state, 'flat');
  assert.deepEqual(flat.map((n) => n.label), ['ns#0', 'ns#1']);
});

test('task tree: process tree with threads under their process, namespaces and last result', () => {
  const run = runScenario(ARM64);
  const roots = taskTree(run.sim.state());
  assert.deepEqual(roots.map((n) => n.label), ['P1']);
  const p2 = child(roots[0], 'P2');
  assert.match(p2.description, /^pid \d+ · uid 0 · ns#1/);
  const details = child(p2, 'details');
  assert.equal(p2.children[0], details, 'details first, collapsed');
  assert.equal(details.expanded, false);
  assert.equal(child(details, 'time_ns').description, 'ns#1 (monotonic +86400s, boottime +0s)');
  const t3 = child(p2, 'T3');
  assert.equal(t3.kind, 'thread');
  assert.match(t3.description, /^tid \d+/);
  assert.match(child(details, 'last result').description, /→ \d+ · child T3/);
  assert.match(p2.description, /· → \d+ · child T3$/);
  const p1 = roots[0];
  assert.match(child(child(p1, 'details'), 'time_ns_for_children').description, /^ns#1 \(pending/);
  assert.match(child(child(p1, 'details'), 'last result').description, /--- SIGBUS ---/);
  assert.match(p1.description, /ns#0 → tfc ns#1/);
});

test('memory tree: per mm the [vvar] pages with PTE, SIGBUS slot and empty pages', () => {
  const run = runScenario(ARM64);
  const state = run.sim.state();
  const roots = memoryTree(state, run.profile);
  const p1 = roots.find((n) => n.label.startsWith('P1 '));
  const p2 = roots.find((n) => n.label.startsWith('P2 '));
  assert.ok(p1 && p2, roots.map((n) => n.label).join(', '));
  assert.match(p2.description, /shared by P2, T3/);
  const vvar2 = child(p2, '[vvar]');
  assert.match(vvar2.description, /^2 pages · r-- · pgoff 0 · 0x[0-9a-f]+$/);
  const page0 = child(vvar2, 'page 0 · data');
  assert.match(page0.description, /^→ ns#1 \(vvar_page of ns#1\) since #\d+$/);
  assert.equal(typeof page0.sinceEvent, 'number');
  assert.match(child(vvar2, 'page 1 · timens').description, /^→ host \(host data page/);
  const vvar1 = child(p1, '[vvar]');
  assert.match(child(vvar1, 'page 1 · timens').description, /^SIGBUS slot/);
  assert.equal(child(vvar1, 'page 0 · data').description, 'empty · will fault');
});

test('memory tree: an AArch32 mm is marked, its [sigpage] and [vectors] listed without PTE rows; without a compat vDSO a note says why', () => {
  const run = runScenario('arch arm64\nkernel 6.12\nP1: execve("/x", compat)\nP1: clock_gettime(CLOCK_MONOTONIC)\n');
  const mm = memoryTree(run.sim.state(), run.profile)[0];
  assert.match(mm.description, /AArch32 \(compat\)/);
  assert.deepEqual(mm.children.map((n) => n.label), ['[sigpage]', '[vvar]', '[vdso]', '[vectors]']);
  assert.deepEqual(child(mm, '[sigpage]').children, []);
  assert.match(child(child(mm, '[vvar]'), 'page 0 · data').description, /^→ host/);
  const none = runScenario('arch arm64\nkernel 6.12\nconfig CONFIG_COMPAT_VDSO=n\nP1: execve("/x", compat)\n');
  const mm2 = memoryTree(none.sim.state(), none.profile)[0];
  assert.match(child(mm2, 'no vDSO').description, /CONFIG_COMPAT_VDSO=n/);
});

test('x86_64 page roles follow the layout of the version', () => {
  const old = runScenario('arch x86_64\nkernel 6.12\nP1: touch([vvar], 0)\n');
  const labels = (r: typeof old) => child(memoryTree(r.sim.state(), r.profile)[0], '[vvar]').children.map((n) => n.label);
  assert.deepEqual(labels(old), ['page 0 · vvar data', 'page 1 · pvclock', 'page 2 · hvclock', 'page 3 · timens']);
  const generic = runScenario('arch x86_64\nkernel 6.18\nP1: touch([vvar], 0)\n');
  assert.deepEqual(labels(generic), ['page 0 · time data', 'page 1 · timens', 'page 2 · rng', 'page 3 · arch data']);
});

test('markChanges: what the last line changed is marked, ancestors know', () => {
  const run = runScenario(ARM64);
  const sim = run.sim;
  // The fork line: ns#1 becomes frozen and P2 appears.
  const forkSpan = sim.lineSpans().find((s) => s.line === 4)!;
  sim.goto(forkSpan.first);
  const before = namespaceTree(sim.state(), 'owner');
  const beforeTasks = taskTree(sim.state());
  sim.goto(forkSpan.end);
  assert.equal(lastStepStart(sim, sim.position), forkSpan.first);
  const after = namespaceTree(sim.state(), 'owner');
  const afterTasks = taskTree(sim.state());
  assert.ok(markChanges(after, before) > 0);
  const ns1 = after.find((n) => n.label === 'ns#1')!;
  assert.equal(child(ns1, 'frozen_offsets').changed, true);
  assert.equal(child(ns1, 'monotonic').changed, false);
  assert.equal(ns1.changedInside, true);
  assert.equal(after.find((n) => n.label === 'ns#0')!.changed, false);
  markChanges(afterTasks, beforeTasks);
  const p2 = find(afterTasks, (n) => n.label === 'P2')!;
  assert.equal(p2.changed, true, 'a new task is a change');
  assert.equal(find(p2.children, (n) => n.label === 'details')!.changed, false, 'rows of a new node are not marked one by one');
  assert.ok(treeToText(after).includes('frozen_offsets  true  (changed)'));
  // With no earlier tree nothing is marked (first display).
  const fresh = namespaceTree(sim.state(), 'owner');
  assert.equal(markChanges(fresh, null), 0);
  // lastChanges() objects are marked too.
  const named = namespaceTree(sim.state(), 'owner');
  markChanges(named, named, [{ obj: 'ns#0', field: 'refs', before: null, after: null }]);
  assert.equal(named.find((n) => n.label === 'ns#0')!.changed, true);
});

test('treeToText indents children two spaces a level', () => {
  const run = runScenario(ARM64);
  const text = treeToText(namespaceTree(run.sim.state(), 'flat'));
  assert.match(text, /^ns#0  NPROCS 1 · initial · time:\[4026531834\]/);
  assert.match(text, /\n  monotonic  \+0s\n/);
  assert.match(text, /\n    time_ns_for_children  P1, P2, T3\n/);
});

test('reveal the line: the event that last changed a row\'s field, else its object', () => {
  const run = runScenario(ARM64);
  const sim = run.sim;
  const ns1 = namespaceTree(sim.state(), 'owner').find((n) => n.label === 'ns#1')!;
  const frozen = child(ns1, 'frozen_offsets');
  const mono = child(ns1, 'monotonic');
  assert.equal(frozen.field, 'frozen_offsets');
  assert.equal(sim.lineOf(sim.lastChanging(sim.position, frozen.obj!, frozen.field)!), 4, 'frozen by the fork line');
  assert.equal(sim.lineOf(sim.lastChanging(sim.position, mono.obj!, mono.field)!), 3, 'offsets written on the write line');
  // Without a field: the last event that touched ns#1 at all (a later line: the thread joins it).
  assert.ok(sim.lineOf(sim.lastChanging(sim.position, 'ns#1')!) > 4);
  assert.equal(sim.lastChanging(sim.position, 'nothing'), null);
});

test('task tree: a task\'s details show its start_boottime, the host boottime it was made at', () => {
  const run = runScenario('sleep 2s\nP1: fork() = P2\n');
  const p2 = find(taskTree(run.sim.state()), (n) => n.label === 'P2');
  assert.equal(child(child(p2, 'details'), 'start_boottime').description, '1002.000000000 s');
});
