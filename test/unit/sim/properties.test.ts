// Property tests over random operation sequences and profiles: kernel invariants after every step, time travel
// (step back then forward, goto vs. fresh replay), determinism, and that every emitted function is listed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createSimulation, KERNEL_FUNCTIONS } from '../../../extension/sim/index';
import type { KernelState, Simulation } from '../../../extension/sim/api';
import type { Operation, Step } from '../../../extension/sim/ops';
import { ARM64_PATCHES, CLONE_FLAGS as F, KERNEL_VERSIONS, type Profile } from '../../../extension/sim/types';

const PROFILES: Profile[] = [
  { arch: 'x86_64', kernel: '6.18', disabledPatches: [] },
  { arch: 'x86_64', kernel: '5.6', disabledPatches: [] },
  { arch: 'x86_64', kernel: '5.10', disabledPatches: [] },
  { arch: 'x86_64', kernel: '6.1', disabledPatches: [] },
  { arch: 'x86_64', kernel: '6.13', disabledPatches: [] },
  { arch: 'arm64', kernel: '6.12', disabledPatches: [] },
  { arch: 'arm64', kernel: '5.10', disabledPatches: [] },
  { arch: 'arm64', kernel: '5.8', disabledPatches: [] },
];

interface Cmd { kind: number; a: number; b: number; c: number }
const cmdArb = fc.record({ kind: fc.nat(24), a: fc.nat(50), b: fc.nat(50), c: fc.nat(3) });
const profileArb = fc.oneof(
  fc.constantFrom(...PROFILES),
  fc.record({
    arch: fc.constantFrom('x86_64' as const, 'arm64' as const),
    kernel: fc.constantFrom(...KERNEL_VERSIONS),
    disabledPatches: fc.subarray(ARM64_PATCHES.map((p) => p.id)),
  }).map((p): Profile => ({ ...p, disabledPatches: p.arch === 'arm64' ? p.disabledPatches : [] })),
  fc.subarray(ARM64_PATCHES.map((p) => p.id)).map((d): Profile => ({ arch: 'arm64', kernel: '5.10', disabledPatches: d })),
);

/** Turn abstract commands into steps against the live state, so tasks and fds named exist (mostly). */
function play(sim: Simulation, cmds: Cmd[]): Step[] {
  const steps: Step[] = [];
  let childN = 0;
  for (const [i, c] of cmds.entries()) {
    const st = sim.state();
    const live = Object.values(st.tasks).filter((t) => t.state === 'running').map((t) => t.id);
    const any = Object.keys(st.tasks);
    const task = live.length ? live[c.a % live.length] : any[c.a % any.length];
    const other = any[c.b % any.length];
    const child = `K${childN++}`;
    const clocks = [0, 1, 2, 4, 5, 6, 7, 8, 9, 11, 10];
    let operation: Operation;
    switch (c.kind) {
      case 0: operation = { op: 'unshare', flags: [F.CLONE_NEWTIME, F.CLONE_NEWTIME | F.CLONE_NEWUSER, F.CLONE_NEWUSER, F.CLONE_NEWTIME | F.CLONE_VM][c.c] }; break;
      case 1: operation = { op: 'setns', target: { path: `/proc/${other}/ns/${c.c % 2 ? 'time' : 'time_for_children'}` }, nstype: c.c === 3 ? F.CLONE_NEWUSER : 0 }; break;
      case 2: operation = { op: 'fork', child }; break;
      case 3: operation = { op: 'vfork', child }; break;
      case 4: operation = { op: 'clone3', flags: [F.CLONE_NEWTIME, F.CLONE_NEWTIME | F.CLONE_VM, F.CLONE_NEWTIME | F.CLONE_NEWUSER, 0x11][c.c], exitSignal: 17, child }; break;
      case 5: operation = { op: 'pthread_create', child }; break;
      case 6: operation = { op: 'execve', path: '/bin/sh' }; break;
      case 7: operation = { op: 'exit', code: 0 }; break;
      case 8: operation = { op: 'write', file: { path: `/proc/${c.c ? 'self' : other}/timens_offsets` }, data: `monotonic ${c.b * 37 - 900} ${c.a}\n${c.c === 2 ? 'boottime 5 0\n' : ''}` }; break;
      case 9: operation = { op: 'read', file: { path: c.c ? '/proc/self/timens_offsets' : '/proc/uptime' } }; break;
      case 10: case 11: operation = { op: 'clock_gettime', clock: clocks[c.b % clocks.length], via: c.c % 2 ? 'vdso' : 'syscall' }; break;
      case 12: operation = { op: 'touch', mapping: (['[vvar]', '[vvar_vclock]', '[vdso]', '[vvar]'] as const)[c.c], page: c.b % 5 }; break;
      case 13: operation = { op: 'open', path: `/proc/${other}/ns/${c.c % 2 ? 'time' : 'time_for_children'}`, mode: 'r', fd: `fd${c.b % 3}` }; break;
      case 14: operation = { op: 'close', fd: `fd${c.b % 3}` }; break;
      case 15: operation = { op: 'setns', target: { fd: `fd${c.b % 3}` }, nstype: F.CLONE_NEWTIME }; break;
      case 16: steps.push({ line: i, task: null, operation: { op: c.c % 2 ? 'sleep' : 'suspend', delta: { sec: c.a, nsec: 5 } } }); sim.exec(steps[steps.length - 1]); continue;
      case 17: steps.push({ line: i, task: null, operation: { op: 'spawn', child, uid: c.c % 2 ? 0 : 65534 } }); sim.exec(steps[steps.length - 1]); continue;
      case 18: operation = { op: 'mprotect', mapping: '[vvar]', prot: [0, 1, 3, 1][c.c], ...(c.b % 2 ? { page: c.a % 4, pages: 1 } : {}) }; break;
      case 19: operation = { op: 'munmap', mapping: '[vvar]', ...(c.b % 3 ? { page: c.a % 4, pages: 1 } : {}) }; break;
      case 20: operation = { op: 'mremap', mapping: c.c === 3 ? '[vdso]' : '[vvar]', newPages: 1 + (c.a % 5), flags: [0, 1, 3, 3][c.c], ...(c.b % 2 ? { page: c.b % 2, pages: 1 } : {}) }; break;
      case 21: operation = { op: 'setuid', uid: c.c % 2 ? 0 : 1000 }; break;
      case 22: operation = { op: 'setns', target: { pidfd: other }, nstype: F.CLONE_NEWTIME }; break;
      case 23: operation = { op: 'clock_nanosleep', clock: [1, 7, 0, 9][c.c], abs: c.b % 2 === 0, value: { base: (['now', 'host', 'abs'] as const)[c.a % 3], delta: { sec: c.a % 7, nsec: 0 } } }; break;
      default: steps.push({ line: i, task: null, operation: { op: 'sysctl', name: 'user.max_time_namespaces', value: c.a % 4, userNs: `user#${c.c}` } }); sim.exec(steps[steps.length - 1]); continue;
    }
    const step: Step = { line: i, task, operation };
    steps.push(step);
    sim.exec(step);
    const last = sim.event(sim.eventCount - 1);
    assert.ok(!last.summary.startsWith('internal simulator error'), last.summary);
  }
  return steps;
}

function checkInvariants(st: KernelState, profile: Profile): void {
  const tasks = Object.values(st.tasks);
  const live = tasks.filter((t) => t.state !== 'exited');
  for (const np of Object.values(st.nsproxies)) {
    const users = live.filter((t) => t.nsproxy === np.id).length + (np.id === 'nsproxy#0' ? 1 : 0);
    assert.equal(np.count, users, `${np.id}.count`);
    assert.ok(np.count > 0, `${np.id} alive with count 0`);
  }
  for (const t of live) {
    assert.ok(st.nsproxies[t.nsproxy], `${t.id} points at a live nsproxy`);
    assert.ok(t.mm && st.mms[t.mm]?.users.includes(t.id), `${t.id} is a user of its mm`);
  }
  for (const ns of Object.values(st.timeNamespaces)) {
    const inNs = live.filter((t) => st.nsproxies[t.nsproxy].time_ns === ns.id).map((t) => t.id).sort();
    const tfc = live.filter((t) => st.nsproxies[t.nsproxy].time_ns_for_children === ns.id).map((t) => t.id).sort();
    // one holder per files_struct: the tasks sharing a table (threads, CLONE_FILES) hold its files once
    const tables = new Map(live.filter((t) => t.files !== null).map((t) => [t.files, t.fds]));
    const files = [...tables].flatMap(([id, fds]) => Object.entries(fds).filter(([, f]) => f.ns === ns.id).map(([n]) => `${id}:${n}`)).sort();
    assert.deepEqual([...ns.refs.time_ns].sort(), inNs, `${ns.id}.refs.time_ns`);
    assert.deepEqual([...ns.refs.time_ns_for_children].sort(), tfc, `${ns.id}.refs.tfc`);
    assert.deepEqual([...ns.refs.files].sort(), files, `${ns.id}.refs.files`);
    const held = inNs.length + tfc.length + files.length > 0;
    if (ns.id === 'ns#0') assert.ok(ns.frozen_offsets && ns.alive);
    else assert.equal(ns.alive, held, `${ns.id} alive iff referenced`);
    if (inNs.length) assert.ok(ns.frozen_offsets, `${ns.id} entered but not frozen`);
    if (ns.alive && ns.vvar_page) assert.ok(st.pages[ns.vvar_page], `${ns.id} page exists`);
  }
  const zapOff = profile.arch === 'arm64' && profile.disabledPatches.includes('zap-vvar');
  const vmOnFork = profile.kernel === '6.1';
  for (const mm of Object.values(st.mms)) {
    for (const v of mm.vmas) {
      for (const p of v.ptes) {
        if (!p) continue;
        if (!zapOff && !vmOnFork && !isCodePage(p.page)) assert.ok(st.pages[p.page], `${mm.id} ${v.name} maps missing ${p.page}`);
      }
    }
  }
  // ucounts: each alive namespace is charged along its owner chain.
  const want = new Map<string, number>();
  for (const ns of Object.values(st.timeNamespaces)) {
    if (!ns.alive || ns.id === 'ns#0') continue;
    let u: string | null = ns.userNs;
    let uid = ns.ucountUid;
    while (u) {
      const key = `${u}/${uid}`;
      want.set(key, (want.get(key) ?? 0) + 1);
      const rec: KernelState['userNamespaces'][string] = st.userNamespaces[u];
      uid = rec.ownerUid;
      u = rec.parent;
    }
  }
  for (const u of Object.values(st.userNamespaces)) {
    for (const [uid, n] of Object.entries(u.timeNamespaceCounts)) assert.equal(n, want.get(`${u.id}/${uid}`) ?? 0, `${u.id} uid ${uid} count`);
  }
}

test('invariants hold after every step for random sequences and profiles', () => {
  fc.assert(fc.property(profileArb, fc.array(cmdArb, { maxLength: 40 }), (profile, cmds) => {
    const sim = createSimulation(profile);
    const steps = play(sim, cmds);
    for (const span of sim.lineSpans()) {
      sim.goto(span.end);
      checkInvariants(sim.state(), profile);
    }
    assert.ok(steps.length <= cmds.length);
  }), { numRuns: 150 });
});

/** The forced build of arm64 patch 1 off maps a vDSO code page into [vvar] (vdso_pagelist); the model names code
 *  pages but keeps only data pages in st.pages. */
function isCodePage(page: string): boolean {
  return page.startsWith('page#vdso-text');
}

/** What must hold at every event, even in the middle of an operation. */
function checkEveryEvent(st: KernelState, profile: Profile): void {
  const zapOff = profile.arch === 'arm64' && profile.disabledPatches.includes('zap-vvar');
  for (const t of Object.values(st.tasks)) {
    if (t.state === 'exited') continue;
    assert.ok(st.nsproxies[t.nsproxy], `${t.id} nsproxy exists`);
    assert.ok(t.mm === null || st.mms[t.mm], `${t.id} mm exists`);
    const ns = st.timeNamespaces[st.nsproxies[t.nsproxy].time_ns];
    assert.ok(ns.frozen_offsets, `${t.id} is in ${ns.id}, which must be frozen`);
  }
  for (const ns of Object.values(st.timeNamespaces)) {
    if (ns.refs.time_ns.length + ns.refs.time_ns_for_children.length + ns.refs.files.length) assert.ok(ns.alive, `${ns.id} referenced but freed`);
  }
  for (const np of Object.values(st.nsproxies)) assert.ok(np.count >= 0);
  if (zapOff || profile.kernel === '6.1') return;
  for (const mm of Object.values(st.mms)) for (const v of mm.vmas) for (const p of v.ptes) if (p && !isCodePage(p.page)) assert.ok(st.pages[p.page], `${mm.id} maps missing ${p.page}`);
}

test('the per-event invariants hold at every event position', () => {
  fc.assert(fc.property(profileArb, fc.array(cmdArb, { maxLength: 25 }), (profile, cmds) => {
    const sim = createSimulation(profile);
    play(sim, cmds);
    sim.goto(0);
    checkEveryEvent(sim.state(), profile);
    while (sim.stepForward()) checkEveryEvent(sim.state(), profile);
  }), { numRuns: 60 });
});

test('step back then forward restores the identical state; goto equals a fresh replay; runs are deterministic', () => {
  fc.assert(fc.property(profileArb, fc.array(cmdArb, { maxLength: 30 }), fc.nat(), (profile, cmds, pick) => {
    const sim = createSimulation(profile);
    const steps = play(sim, cmds);
    const n = sim.eventCount;
    const end = sim.state();
    for (let i = n; i > 0; i--) assert.ok(sim.stepBack());
    assert.equal(sim.stepBack(), false);
    for (let i = 0; i < n; i++) assert.ok(sim.stepForward());
    assert.deepEqual(sim.state(), end);
    const p = n ? pick % (n + 1) : 0;
    sim.goto(p);
    const at = sim.state();
    const fresh = createSimulation(profile);
    for (const s of steps) fresh.exec(s);
    assert.equal(fresh.eventCount, n, 'same number of events');
    for (let i = 0; i < n; i++) assert.deepEqual(fresh.event(i), sim.event(i));
    fresh.goto(p);
    assert.deepEqual(fresh.state(), at);
    sim.goto(Math.max(0, p - 1));
    if (p > 0) {
      sim.stepForward();
      assert.deepEqual(sim.state(), at);
    }
  }), { numRuns: 80 });
});

test('every emitted function is in KERNEL_FUNCTIONS; enter/exit and call/return match', () => {
  const known = new Set(KERNEL_FUNCTIONS);
  fc.assert(fc.property(profileArb, fc.array(cmdArb, { maxLength: 30 }), (profile, cmds) => {
    const sim = createSimulation(profile);
    play(sim, cmds);
    for (let i = 0; i < sim.eventCount; i++) {
      const e = sim.event(i);
      for (const f of e.stack) assert.ok(known.has(f), `unknown function ${f}`);
      assert.equal(sim.depthOf(i), e.stack.length);
      if (e.kind === 'call' || e.kind === 'syscall-enter' || e.kind === 'vdso-enter') {
        assert.ok(e.match !== undefined && e.match > i, `${e.kind} ${e.fn} #${i} has no exit`);
        assert.equal(sim.event(e.match).fn, e.fn);
      }
    }
  }), { numRuns: 80 });
});

test('forkAtPosition does not disturb the recorded run', () => {
  const sim = createSimulation({ arch: 'x86_64', kernel: '6.18', disabledPatches: [] });
  play(sim, [{ kind: 0, a: 0, b: 0, c: 0 }, { kind: 8, a: 1, b: 30, c: 1 }, { kind: 2, a: 0, b: 0, c: 0 }, { kind: 10, a: 1, b: 1, c: 1 }]);
  const n = sim.eventCount;
  sim.goto(Math.floor(n / 2));
  const before = sim.state();
  const spans = sim.lineSpans().length;
  const f = sim.forkAtPosition();
  f.exec({ line: 99, task: 'P1', operation: { op: 'unshare', flags: F.CLONE_NEWTIME } });
  assert.equal(sim.eventCount, n);
  assert.equal(sim.lineSpans().length, spans);
  assert.deepEqual(sim.state(), before);
  assert.throws(() => sim.exec({ line: 5, task: 'P1', operation: { op: 'fork', child: 'Z' } }), /needs the simulation at its end/);
});

test('exec never throws on arbitrary numbers in operations, and the store never takes a NaN', () => {
  const num = fc.oneof(fc.integer(), fc.double(), fc.constantFrom(NaN, Infinity, -1, 2 ** 53, 0x80));
  const opArb = fc.oneof(
    fc.record({ op: fc.constant('unshare' as const), flags: num }),
    fc.record({ op: fc.constant('clone3' as const), flags: num, exitSignal: num, child: fc.constant('C') }),
    fc.record({ op: fc.constant('clock_gettime' as const), clock: num, via: fc.constantFrom('vdso' as const, 'syscall' as const) }),
    fc.record({ op: fc.constant('touch' as const), mapping: fc.constantFrom('[vvar]' as const, '[vdso]' as const), page: num }),
    fc.record({ op: fc.constant('munmap' as const), mapping: fc.constant('[vvar]' as const), page: num, pages: num }),
    fc.record({ op: fc.constant('mremap' as const), mapping: fc.constant('[vvar]' as const), newPages: num, flags: num }),
    fc.record({ op: fc.constant('setuid' as const), uid: num }),
    fc.record({ op: fc.constant('clock_nanosleep' as const), clock: num, abs: fc.boolean(), value: fc.record({ base: fc.constantFrom('now' as const, 'host' as const, 'abs' as const), delta: fc.record({ sec: num, nsec: num }) }) }),
  );
  fc.assert(fc.property(fc.array(fc.tuple(opArb, fc.boolean()), { maxLength: 12 }), fc.record({ sec: num, nsec: num }), (ops, delta) => {
    const sim = createSimulation({ arch: 'x86_64', kernel: '6.18', disabledPatches: [] });
    let line = 0;
    for (const [operation, host] of ops) {
      sim.exec({ line: line++, task: 'P1', operation: operation as Operation });
      assert.ok(!sim.event(sim.eventCount - 1).summary.startsWith('internal simulator error'), sim.event(sim.eventCount - 1).summary);
      if (host) sim.exec({ line: line++, task: null, operation: { op: 'sleep', delta } });
    }
    assert.ok(Number.isFinite(sim.state().host.monotonic.sec));
    assert.ok(Number.isFinite(sim.state().tasks.P1.uid));
  }), { numRuns: 300 });
});

test('goto across many (full and delta) snapshots equals walking there event by event', async () => {
  const { generatedSteps } = await import('../../bench/sim');
  const sim = createSimulation({ arch: 'x86_64', kernel: '6.18', disabledPatches: [] });
  generatedSteps(80_000, sim);
  const n = sim.eventCount;
  const walker = createSimulation({ arch: 'x86_64', kernel: '6.18', disabledPatches: [] });
  // The same steps recorded again; the walker then only ever moves one event at a time.
  generatedSteps(80_000, walker);
  walker.goto(0);
  const targets = [0, 2047, 2048, 2049, 33 * 2048 - 1, 33 * 2048 + 5, 17 * 2048 + 1024, n - 1, n, 12345, 40000].filter((p) => p <= n).sort((a, b) => a - b);
  for (const p of targets) {
    while (walker.position < p) walker.stepForward();
    sim.goto(p);
    assert.deepEqual(sim.state(), walker.state(), `position ${p}`);
  }
  sim.goto(n);
  for (let i = 0; i < 3000; i++) sim.stepBack();
  for (let i = 0; i < 3000; i++) sim.stepForward();
  walker.goto(n);
  assert.deepEqual(sim.state(), walker.state());
});
