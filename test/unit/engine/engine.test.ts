// The engine behind a real message channel: documents kept in step by edits, background and user runs in slices
// (cancelled by newer text), the one cursor and its moves, trees and inline results, the debugger inside it
// stepping the same cursor, the timeline's transferred columns, and comparisons.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Move } from '../../../extension/debug/cursor';
import { OUTLINE_MAX_SYMBOLS } from '../../../extension/engine/outline';
import { outline, type OutlineSymbol } from '../../../extension/scenario/editor/language';
import { parseScenario, splitLines } from '../../../extension/scenario/index';
import { readsScenario } from '../../bench/scenarios';
import { SAMPLE_LINES } from '../../fixtures/sampleScenario';
import { closeOpenHarnesses, DEFAULTS, engineHarness, type Harness } from './engineClient';

after(closeOpenHarnesses);

// The shared sample up to its first expectation, then one that fails on purpose (line 7).
const TEXT = [...SAMPLE_LINES.slice(0, 7), 'expect ret == 7', ''].join('\n');

async function opened(text = TEXT, uri = 'file:///s.timens'): Promise<Harness> {
  const h = engineHarness();
  await h.host.request('open', { uri, version: 1, file: '/s.timens', text });
  return h;
}

test('a validation gives diagnostics and inline results, and its run becomes the document\'s session', async () => {
  const h = await opened();
  const session = h.next('session');
  const summary = await h.host.request('validate', { uri: 'file:///s.timens', version: 1, request: DEFAULTS });
  assert.ok(summary && summary.valid && summary.eventCount > 20);
  assert.deepEqual(summary.diagnostics.map((d) => [d.range.line, d.code]), [[7, 'expect-failed']]);
  assert.equal((await session).summary.runId, summary.runId);
  const inline = await h.host.request('inline', { runId: summary.runId, from: 0, to: 100 });
  assert.deepEqual(inline.map((l) => [l.line, l.tone]), [[2, 'ok'], [3, 'ok'], [4, 'ok'], [5, 'ok'], [6, 'expect-pass'], [7, 'expect-fail']]);
  assert.ok(inline.every((l) => l.reachedAt <= summary.eventCount));
  // The same text again: the session answers, nothing runs.
  const again = await h.host.request('validate', { uri: 'file:///s.timens', version: 1, request: DEFAULTS });
  assert.equal(again?.runId, summary.runId);
  // Only the window asked for.
  assert.deepEqual((await h.host.request('inline', { runId: summary.runId, from: 3, to: 5 })).map((l) => l.line), [3, 4]);
  h.close();
});

test('edits are applied in the order VS Code reports them; a copy that does not match asks for the whole text', async () => {
  const h = await opened('ab\ncd\n');
  // Two edits of one change event, the later one at a lower offset (as multi-cursor edits come).
  assert.equal(await h.host.request('change', { uri: 'file:///s.timens', version: 2, edits: [{ offset: 4, length: 1, text: 'XY' }, { offset: 0, length: 1, text: '' }], length: 6 }), true);
  const symbols = await h.host.request('outline', { uri: 'file:///s.timens', version: 2 });
  assert.ok(Array.isArray(symbols));
  assert.equal(await h.host.request('change', { uri: 'file:///s.timens', version: 3, edits: [{ offset: 0, length: 0, text: 'z' }], length: 99 }), false, 'length mismatch');
  assert.equal(await h.host.request('change', { uri: 'file:///nope', version: 1, edits: [], length: 0 }), false, 'unknown document');
  h.close();
});

test('a text sent in parts: requests about it wait for the last part; a newer first part starts it again; close frees them', async () => {
  const h = engineHarness();
  const uri = 'file:///p.timens';
  const [a, b] = [TEXT.slice(0, 40), TEXT.slice(40)];
  await h.host.request('open', { uri, version: 1, file: '/p.timens', text: 'P1: sleep(1)\n', more: true });
  // Started again at version 2 before it was whole: the parts of version 1 no longer count.
  await h.host.request('open', { uri, version: 2, file: '/p.timens', text: a, more: true });
  await h.host.request('openPart', { uri, version: 1, text: 'garbage', last: true });
  const waiting = h.host.request('validate', { uri, version: 2, request: DEFAULTS });
  const outlineAsked = h.host.request('outline', { uri, version: 2 });
  await h.host.request('openPart', { uri, version: 2, text: b, last: true });
  const summary = await waiting;
  assert.deepEqual(summary?.diagnostics.map((d) => [d.range.line, d.code]), [[7, 'expect-failed']], 'the whole text of version 2 ran');
  assert.ok((await outlineAsked).length > 0);
  // Edits apply to the whole text.
  assert.equal(await h.host.request('change', { uri, version: 3, edits: [{ offset: TEXT.length, length: 0, text: '# end\n' }], length: TEXT.length + 6 }), true);
  // A document closed while its parts come: what waited for it goes on (and finds no text).
  await h.host.request('open', { uri: 'file:///q.timens', version: 1, file: '/q.timens', text: a, more: true });
  const orphan = h.host.request('validate', { uri: 'file:///q.timens', version: 1, request: DEFAULTS });
  await h.host.request('close', { uri: 'file:///q.timens' });
  assert.equal(await orphan, null);
  h.close();
});

test('a newer text cancels the run of the older one between two slices; the session follows the newer text', async () => {
  const big = readsScenario(40_000);
  const h = await opened(big);
  const older = h.host.request('validate', { uri: 'file:///s.timens', version: 1, request: DEFAULTS });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(await h.host.request('change', { uri: 'file:///s.timens', version: 2, edits: [{ offset: 0, length: 0, text: '# edited\n' }], length: big.length + 9 }), true);
  assert.equal(await older, null, 'the older run was dropped');
  const newer = await h.host.request('validate', { uri: 'file:///s.timens', version: 2, request: DEFAULTS });
  assert.ok(newer && newer.version === 2 && newer.incomplete, 'the background run stops at its cap');
  assert.equal((await h.host.request('stats', {})).runs, 1, 'no run of the older text is kept');
  h.close();
});

test('a user run reports progress and can be cancelled by its job', async () => {
  const h = await opened(readsScenario(40_000));
  const progress = h.next('progress', (p) => p.job === 7);
  const run = h.host.request('run', { uri: 'file:///s.timens', version: 1, request: DEFAULTS, job: 7, source: 'run' });
  const p = await progress;
  assert.ok(p.line > 0 && p.lines > p.line);
  await h.host.request('cancel', { job: 7 });
  assert.equal(await run, null);
  const done = await h.host.request('run', { uri: 'file:///s.timens', version: 1, request: { ...DEFAULTS, maxEvents: 5000 }, job: 8, source: 'run' });
  assert.ok(done && done.incomplete && done.kind === 'run');
  h.close();
});

test('one cursor: every move goes through it, each view hears it, the watched trees follow', async () => {
  const h = await opened();
  const s = (await h.host.request('validate', { uri: 'file:///s.timens', version: 1, request: DEFAULTS }))!;
  const runId = s.runId;
  const trees0 = await h.host.request('watch', { runId, mode: 'owner' });
  assert.deepEqual(trees0?.namespaces.map((n) => n.label), ['ns#0', 'ns#1']);
  const move = (m: Move) => h.host.request('move', { runId, move: m, source: 'command' });
  const start = await move({ kind: 'start' });
  assert.equal(start.view.position, 0);
  assert.deepEqual(start.view.step, { k: 0, n: 4, partial: false });
  assert.equal((await move({ kind: 'start' })).moved, false, 'already at the start');
  const treesAfter = h.next('trees');
  const cursor = h.next('cursor');
  const one = await move({ kind: 'line', direction: 1 });
  assert.deepEqual(one.view.step, { k: 1, n: 4, partial: false });
  assert.equal((await cursor).position, one.view.position);
  const t = await treesAfter;
  assert.equal(t.position, one.view.position);
  assert.ok('patches' in t && t.base === t.seq - 1, 'a move sends what changed since the last trees sent');
  assert.ok(t.patches.namespaces.roots?.find((n) => n.label === 'ns#1')?.changed, 'the new namespace is marked');
  const afterFork = await move({ kind: 'afterLine', line: 4 });
  assert.equal(afterFork.view.line, 4);
  const back = await move({ kind: 'line', direction: -1 });
  assert.equal(back.view.line, 3);
  const end = await move({ kind: 'end' });
  assert.equal(end.view.position, s.eventCount);
  const span = await h.host.request('lineSpan', { runId, line: 4 });
  assert.ok(span && span.end > span.first);
  const forks = await h.host.request('find', { runId, kind: 'zap' });
  assert.ok(forks.length >= 1 && forks.every((e) => e.kind === 'zap'));
  assert.equal((await h.host.request('event', { runId, index: 10 ** 9 })), null);
  h.close();
});

class Dap {
  private seq = 1;
  readonly messages: DebugProtocol.ProtocolMessage[] = [];
  constructor(private readonly h: Harness, readonly session: number) {
    h.host.on('dap', (m) => { if (m.session === session) this.messages.push(m.message); });
  }
  send(command: string, args: unknown = {}): Promise<void> {
    return this.h.host.request('dapMessage', { session: this.session, message: { seq: this.seq++, type: 'request', command, arguments: args } as DebugProtocol.Request });
  }
  async stopped(count: number): Promise<DebugProtocol.StoppedEvent> {
    for (let i = 0; i < 500; i++) {
      const stops = this.messages.filter((m) => m.type === 'event' && (m as DebugProtocol.Event).event === 'stopped');
      if (stops.length >= count) return stops[count - 1] as DebugProtocol.StoppedEvent;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`no stop #${count}: ${JSON.stringify(this.messages.map((m) => (m as DebugProtocol.Event).event ?? (m as DebugProtocol.Response).command))}`);
  }
}

test('the debugger runs in the engine and steps the document\'s one cursor; a move from a view makes it stop there', async () => {
  const h = await opened();
  const uri = 'file:///s.timens';
  h.host.handle('openDocument', async () => ({ uri, version: 1, defaults: DEFAULTS.defaults }));
  await h.host.request('dapStart', { session: 1 });
  const dap = new Dap(h, 1);
  await dap.send('initialize', { adapterID: 'timens' });
  await dap.send('launch', { program: '/s.timens', stopOnEntry: true });
  await dap.send('configurationDone');
  const entry = await dap.stopped(1);
  assert.equal(entry.body.reason, 'entry');
  const session = h.events.find((e) => e.name === 'session')!.body as { summary: { runId: number } };
  const runId = session.summary.runId;
  const cursor = h.next('cursor', (c) => c.source === 'debugger');
  await dap.send('next', { threadId: 1 });
  await dap.stopped(2);
  const moved = await cursor;
  assert.equal(moved.runId, runId);
  assert.equal(moved.line, 2, 'the debugger stands before the second operation line, after the first ran');
  // A view moves the same cursor: the debugger stops where it went, as a 'goto'.
  await h.host.request('move', { runId, move: { kind: 'goto', position: 3 }, source: 'timeline' });
  const followed = await dap.stopped(3);
  assert.equal(followed.body.reason, 'goto');
  await dap.send('stackTrace', { threadId: 1 });
  await new Promise((r) => setTimeout(r, 20));
  assert.ok(dap.messages.some((m) => m.type === 'response' && (m as DebugProtocol.Response).command === 'stackTrace' && (m as DebugProtocol.Response).success));
  await h.host.request('dapEnd', { session: 1 });
  assert.equal((await h.host.request('stats', {})).debugSessions, 0);
  h.close();
});

test('the timeline\'s columns come as transferred buffers of exact size; traces and comparisons', async () => {
  const h = await opened();
  const s = (await h.host.request('validate', { uri: 'file:///s.timens', version: 1, request: DEFAULTS }))!;
  const t = await h.host.request('timeline', { runId: s.runId, label: 'x86_64 6.18', chunkEvents: 16 });
  assert.equal(t.header.eventCount, s.eventCount);
  assert.equal(t.chunks.reduce((n, c) => n + c.count, 0), s.eventCount);
  assert.ok(t.chunks.every((c) => c.columns.kind.byteLength === c.count && c.columns.line.byteLength === 4 * c.count));
  const details = await h.host.request('eventDetails', { runId: s.runId, run: 0, index: 0 });
  assert.equal(details?.index, 0);
  assert.equal(await h.host.request('eventDetails', { runId: s.runId, run: 0, index: s.eventCount }), null);
  const gz = await h.host.request('trace', { runId: s.runId, gzip: true });
  assert.deepEqual([gz[0], gz[1]], [0x1f, 0x8b]);
  const cmp = await h.host.request('compare', { text: TEXT, file: 's.timens', a: { label: '6.18', options: { kernel: '6.18' } }, b: { label: '5.6', options: { kernel: '5.6' } } });
  assert.deepEqual(cmp.table.columns, ['6.18', '5.6']);
  assert.ok(cmp.table.rows.length > 0);
  assert.ok(cmp.a.eventCount > 0 && cmp.b.eventCount > 0);
  const before = (await h.host.request('stats', {})).runs;
  await h.host.request('release', { runIds: [cmp.a.runId, cmp.b.runId] });
  assert.equal((await h.host.request('stats', {})).runs, before - 2);
  h.close();
});

test('the outline of a huge scenario is bounded, and says how much it leaves out', async () => {
  const text = readsScenario(5000);
  const h = await opened(text);
  const small = await opened();
  try {
    const symbols = await h.host.request('outline', { uri: 'file:///s.timens', version: 1 });
    const all = (list: readonly OutlineSymbol[]): number => list.reduce((n, s) => n + 1 + all(s.children), 0);
    assert.ok(all(symbols) <= OUTLINE_MAX_SYMBOLS + 1, `${all(symbols)} symbols`);
    // The host converts and serialises the whole answer at every open and edit: 71 KB here, 286 KB at 2,000 symbols.
    assert.ok(JSON.stringify(symbols).length < 100_000, `${JSON.stringify(symbols).length} characters`);
    const last = symbols[symbols.length - 1]!;
    assert.match(last.name, /^… \d+ more$/);
    const unbounded = outline(parseScenario(text, '/s.timens'), splitLines(text));
    assert.equal(Number(/\d+/.exec(last.name)![0]) + OUTLINE_MAX_SYMBOLS, all(unbounded), 'the symbols left out are counted');
    assert.ok((await small.host.request('outline', { uri: 'file:///s.timens', version: 1 })).every((s) => !s.name.startsWith('…')));
  } finally {
    h.close();
    small.close();
  }
});

test('outline symbols carry the lengths of their first and last lines, without the line break', async () => {
  const lines = ['# --- set up', 'P1: unshare(CLONE_NEWTIME)', 'P1: fork() = P2', '# --- read', 'P2: clock_gettime(CLOCK_MONOTONIC)'];
  for (const eol of ['\n', '\r\n']) {
    const h = await opened(lines.join(eol) + eol);
    try {
      const walk = (list: readonly OutlineSymbol[]): number => list.reduce((n, sym) => {
        assert.equal(sym.length, lines[sym.line]!.length, `${JSON.stringify(eol)} ${sym.name}: line ${sym.line}`);
        assert.equal(sym.endLength, (lines[sym.endLine] ?? '').length, `${JSON.stringify(eol)} ${sym.name}: end line ${sym.endLine}`);
        return n + 1 + walk(sym.children);
      }, 0);
      assert.ok(walk(await h.host.request('outline', { uri: 'file:///s.timens', version: 1 })) >= 4);
    } finally {
      h.close();
    }
  }
});

test('the profile of a document: its run\'s, or with ofText its header lines\' and the defaults\' alone', async () => {
  const h = await opened(TEXT.replace('kernel 6.18\n', ''));
  const at = { uri: 'file:///s.timens', version: 1 };
  const withDefaults = { ...DEFAULTS, defaults: { arch: 'arm64' as const, kernel: '6.1' as const } };
  // The header names the arch; the kernel comes from the defaults.
  assert.deepEqual(await h.host.request('profile', { ...at, request: withDefaults, ofText: true }), { arch: 'x86_64', kernel: '6.1', disabledPatches: [] });
  // A run with an override becomes the session: the plain request answers with its profile, ofText does not.
  await h.host.request('run', { ...at, request: { ...withDefaults, overrides: { kernel: '5.6' } }, job: 1, source: 'run' });
  assert.equal((await h.host.request('profile', { ...at, request: withDefaults })).kernel, '5.6');
  assert.equal((await h.host.request('profile', { ...at, request: withDefaults, ofText: true })).kernel, '6.1');
  h.close();
});

test('a clean file read by the engine itself; one it cannot take makes its requests wait for the host\'s text', async () => {
  const fs = await import('node:fs');
  const os = await import('node:os');
  const path = await import('node:path');
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'timens-engine-')), 'd.timens');
  fs.writeFileSync(file, TEXT);
  const lines = TEXT.split('\n');
  const editor = { eol: '\n' as const, lineCount: lines.length, probes: [[0, lines[0]!], [7, lines[7]!]] as const };
  const h = engineHarness();
  const uri = 'file:///d.timens';
  assert.deepEqual(await h.host.request('openFromDisk', { uri, version: 1, file, editor }), { length: TEXT.length });
  const summary = await h.host.request('validate', { uri, version: 1, request: DEFAULTS });
  assert.deepEqual(summary?.diagnostics.map((d) => [d.range.line, d.code]), [[7, 'expect-failed']]);
  assert.equal(await h.host.request('change', { uri, version: 2, edits: [{ offset: TEXT.length, length: 0, text: '# end\n' }], length: TEXT.length + 6 }), true);
  // Changed on disk after the editor read it: refused; a request waits until the host has sent the text.
  fs.writeFileSync(file, TEXT.replace('ret == 7', 'ret == 8'));
  const refused = await h.host.request('openFromDisk', { uri, version: 3, file, editor });
  assert.ok('reason' in refused && /line 8 differs/.test(refused.reason), JSON.stringify(refused));
  const waiting = h.host.request('validate', { uri, version: 3, request: DEFAULTS });
  await h.host.request('open', { uri, version: 3, file, text: TEXT });
  assert.deepEqual((await waiting)?.diagnostics.map((d) => [d.range.line, d.code]), [[7, 'expect-failed']]);
  h.close();
});
