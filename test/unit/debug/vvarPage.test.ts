// The read-only vvar page view's content: a page decoded field by field with the layout of each architecture
// and version, what a step changed, a page that does not exist yet, and a Memory tree row resolved to its page.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePage, readPageMemory } from '../../../extension/debug/vvarMemory';
import { memoryPageView, pageOfTreeRow, type PageCursor } from '../../../extension/debug/memoryPage';
import { runScenario } from '../../../extension/scenario/index';
import type { ScenarioRun } from '../../../extension/scenario/api';

const BODY = [
  'P1: unshare(CLONE_NEWTIME)',
  'P1: write("/proc/self/timens_offsets", "monotonic 86400 0")',
  'P1: fork() = P2',
  'P2: clock_gettime(CLOCK_MONOTONIC)',
  '',
];
const run = (header: string): ScenarioRun => runScenario([header, ...BODY].join('\n'));
const at = (r: ScenarioRun, position = r.sim.eventCount): PageCursor => {
  r.sim.goto(position);
  return { state: r.sim.state(), profile: r.profile, position, eventCount: r.sim.eventCount };
};
const field = (fields: readonly { name: string; value: string; offset: number }[], name: string) => {
  const f = fields.find((x) => x.name === name);
  assert.ok(f, `field ${name} among ${fields.map((x) => x.name).join(', ')}`);
  return f;
};

test('x86_64 6.18: a namespace page is vdso_time_data.clock_data[] with max_cycles; seq 1, TIMENS mode, the offsets', () => {
  const r = run('kernel 6.18');
  const page = decodePage(r.sim.state().pages['page#ns#1']!, r.profile);
  assert.match(page.struct, /struct vdso_time_data: clock_data\[CS_BASES\] of struct vdso_clock/);
  assert.equal(page.blockOffset, 0);
  assert.equal(field(page.fields, 'clock_data[0].seq').value, '1');
  assert.equal(field(page.fields, 'clock_data[0].clock_mode').value, '2147483647 (VDSO_CLOCKMODE_TIMENS)');
  const mono = field(page.fields, 'clock_data[0].offset[CLOCK_MONOTONIC]');
  assert.equal(mono.value, '86400.000000000');
  assert.equal(mono.offset, 40 + 16, 'after seq, clock_mode, cycle_last, max_cycles, mask, mult, shift');
  assert.equal(field(page.fields, 'clock_data[0].offset[CLOCK_BOOTTIME]').value, '0.000000000');
  // What each entry means follows timens_setup_vdso_data: monotonic and boottime families only.
  const note = (name: string): string => page.fields.find((f) => f.name === name)!.note;
  assert.match(note('clock_data[0].offset[CLOCK_MONOTONIC_COARSE]'), /monotonic offset/);
  assert.match(note('clock_data[0].offset[CLOCK_BOOTTIME_ALARM]'), /boottime offset/);
  assert.equal(note('clock_data[0].offset[CLOCK_REALTIME]'), 'not shifted by time namespaces: stays 0');
  assert.ok(page.fields.some((f) => f.name === 'clock_data[1].max_cycles'));
  assert.ok(!page.fields.some((f) => f.name.endsWith('tz_minuteswest')), 'tz lives once in vdso_time_data from 6.15');
  // The value shown is read back from the bytes the hex dump shows.
  const dv = new DataView(page.bytes.buffer);
  assert.equal(dv.getBigInt64(mono.offset, true), 86400n);
});

test('x86_64 6.1: the host page is vdso_data[] at byte 128, basetime per clock, tz fields, no max_cycles', () => {
  const r = run('kernel 6.1');
  const page = decodePage(r.sim.state().pages['page#host']!, r.profile);
  assert.equal(page.struct, 'struct vdso_data vdso_data[CS_BASES]');
  assert.equal(page.blockOffset, 128);
  assert.equal(field(page.fields, 'vdso_data[0].seq').offset, 128);
  assert.match(field(page.fields, 'vdso_data[0].clock_mode').value, /^2 \(VDSO_CLOCKMODE_PVCLOCK\)$/);
  assert.equal(page.fields.find((f) => f.name === 'vdso_data[0].basetime[CLOCK_REALTIME]')?.note, 'host CLOCK_REALTIME at the last update');
  assert.equal(page.fields.find((f) => f.name === 'vdso_data[1].basetime[CLOCK_REALTIME]')?.note, 'not read by the vDSO from this block');
  assert.ok(page.fields.some((f) => f.name === 'vdso_data[1].tz_minuteswest'));
  assert.ok(!page.fields.some((f) => f.name.endsWith('max_cycles')));
  const ns = decodePage(r.sim.state().pages['page#ns#1']!, r.profile);
  assert.equal(field(ns.fields, 'vdso_data[0].offset[CLOCK_MONOTONIC]').offset, 128 + 32 + 16);
});

test('arm64 5.9: blocks at byte 0, the arch timer clock mode on the host page', () => {
  const r = run('arch arm64\nkernel 5.9');
  const host = decodePage(r.sim.state().pages['page#host']!, r.profile);
  assert.equal(host.blockOffset, 0);
  assert.match(field(host.fields, 'vdso_data[0].clock_mode').value, /VDSO_CLOCKMODE_ARCHTIMER/);
});

test('the view marks what a step changed, and says when the page does not exist yet', () => {
  const r = run('kernel 6.18');
  const spans = r.sim.lineSpans();
  // The offsets reach the page when the namespace is first entered (timens_commit → timens_set_vvar_page on
  // the fork), not when they are written to timens_offsets.
  const beforeFork = spans[2]!.first;
  const afterFork = spans[3]!.first;
  const before = memoryPageView('page#ns#1', at(r, beforeFork));
  assert.equal(field(before.fields, 'clock_data[0].offset[CLOCK_MONOTONIC]').value, '0.000000000');
  const after = memoryPageView('page#ns#1', at(r, afterFork), before);
  const mono = after.fields.find((f) => f.name === 'clock_data[0].offset[CLOCK_MONOTONIC]')!;
  assert.equal(mono.value, '86400.000000000');
  assert.equal(mono.changed, true);
  // The page was zeroed when allocated; the commit also sets seq to 1 and clock_mode to TIMENS.
  assert.equal(field(before.fields, 'clock_data[0].seq').value, '0');
  assert.equal(after.fields.find((f) => f.name === 'clock_data[0].seq')!.changed, true);
  assert.equal(after.fields.find((f) => f.name === 'clock_data[0].offset[CLOCK_REALTIME]')!.changed, false, 'realtime has no offset');
  assert.ok(after.changed.includes(mono.offset), 'the bytes of the offset are marked');
  assert.match(after.subtitle, /^vvar_page of ns#1 · x86_64 · 6\.18 · event \d+ of \d+$/);
  const none = memoryPageView('page#ns#1', at(r, 0));
  assert.match(none.missing ?? '', /^page#ns#1 does not exist at event 0/);
  assert.deepEqual(none.bytes, []);
  // a page id is looked up among the pages only: 'constructor' had found Object's function and thrown a TypeError
  for (const id of ['constructor', '__proto__', 'toString']) assert.match(memoryPageView(id, at(r, afterFork)).missing ?? '', new RegExp(`^${id} does not exist at event`));
});

test('a Memory tree row resolves to the page its PTE maps, or says why there is none', () => {
  const r = run('kernel 6.18');
  const state = at(r).state;
  const mm = Object.values(state.mms).find((m) => m.users.includes('P2'))!;
  const vvar = mm.vmas.find((v) => v.name === '[vvar]')!;
  const mapped = vvar.ptes.findIndex((p) => p !== null);
  assert.deepEqual(pageOfTreeRow(state, `pte:${mm.id}:[vvar]:${vvar.pgoff + mapped}`), { page: vvar.ptes[mapped]!.page });
  const empty = vvar.ptes.findIndex((p) => p === null);
  assert.match(JSON.stringify(pageOfTreeRow(state, `pte:${mm.id}:[vvar]:${vvar.pgoff + empty}`)), /has no page-table entry yet/);
  assert.match(JSON.stringify(pageOfTreeRow(state, 'vma:mm#1:[vvar]:0')), /pick a page-table entry/);
});

test('arm64 with 16K and 64K pages: the page is PAGE_SIZE bytes, and the debugger reads all of it', () => {
  for (const [size, bytes] of [['4k', 4096], ['16k', 16384], ['64k', 65536]] as const) {
    const r = run(`arch arm64\nkernel 6.12\nmachine page_size=${size}`);
    const state = r.sim.state();
    const page = decodePage(state.pages['page#ns#1']!, r.profile);
    assert.equal(page.bytes.length, bytes, `${size}: the whole page`);
    assert.equal(field(page.fields, 'vdso_data[0].offset[CLOCK_MONOTONIC]').value, '86400.000000000', size);
    // Past the first 4 KiB: readable on a larger page, and the end of the page is where reading stops.
    const read = readPageMemory(state.pages['page#ns#1']!, r.profile, bytes - 16, 32);
    assert.equal(Buffer.from(read.data, 'base64').length, 16, size);
    assert.equal(read.unreadableBytes, 16, size);
  }
});
