// verify against this machine's kernel, through the real helper: the helper's table is the one description
// of the operations, bad input gets an error line and nothing runs, expectations play no part, and a model
// that is wrong for this kernel is caught on the right line and field.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { buildHelper } from '../../../extension/verify/build';
import { compareRun } from '../../../extension/verify/compare';
import { LOCAL_TOLERANCES, verify } from '../../../extension/verify/index';
import { OPERATIONS, OPF_HOST, type RunMode } from '../../../extension/verify/operations';
import { planScenario, profileForKernel } from '../../../extension/verify/plan';
import { runLocal } from '../../../extension/verify/run';

const ROOT = path.resolve(__dirname, '../../../..');
process.env.TIMENS_HELPER_SRC = path.join(ROOT, 'helper');
const linux = process.platform === 'linux';
let helper = '';
const ensure = () => helper;

test('the helper builds', { skip: !linux }, async () => {
  helper = await buildHelper('native');
  assert.ok(fs.existsSync(helper));
});

test('the helper parses exactly the signatures of extension/verify/operations.ts', { skip: !linux }, () => {
  const r = spawnSync(ensure(), ['describe'], { encoding: 'utf8' });
  assert.equal(r.status, 0);
  const described = r.stdout.trim().split('\n').map((l) => l.split(' ').slice(0, 2).join(' '));
  const expected = Object.entries(OPERATIONS).filter(([, s]) => !(s.flags & OPF_HOST)).map(([n, s]) => `${n} ${s.sig || '-'}`);
  assert.deepEqual(described, expected);
});

test('bad input to the helper gets a clear error line, runs nothing, and the helper carries on', { skip: !linux }, () => {
  const lines = [
    'begin t',
    'cmd 1 P1 open self/../../etc/passwd 1 f',          // no such path token
    'cmd 2 P1 open /etc/passwd 1 f',
    'cmd 3 P1 write path:@P9/timens_offsets :00',        // unknown task
    'cmd 4 P1 rm -rf',                                   // no such operation
    'cmd 5 P1 unshare 12abc',
    'cmd 6 P1 write path:self/timens_offsets :zz',
    'cmd 7 P1 touch vvar 100000',
    'cmd 8 P1 fork P1',                                   // name taken
    'host 9 sysctl 1 -',                                  // the host's sysctl from the sandbox
    'host 10 sleep 3600:0',
    '\u0000\u00ff garbage ' + 'x'.repeat(1000),
    'cmd 11 P1 clock_gettime 1 1',
    'end',
  ];
  const r = spawnSync(ensure(), ['supervise', '--mode', 'sandbox'], { input: lines.join('\n') + '\n', encoding: 'latin1', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const out = r.stdout.split('\n');
  const errorOf = (n: number) => out.find((l) => l.startsWith(`error ${n} `));
  for (const n of [1, 2, 4, 5, 6, 9, 10]) assert.ok(errorOf(n), `line ${n} gets an error: ${out.join('\n')}`);
  assert.match(errorOf(1)!, /not a valid 'p' value/);
  assert.match(errorOf(9)!, /never writes the host's sysctls/);
  assert.match(out.find((l) => l.startsWith('res 3 '))!, /skip=target-gone/);
  assert.match(out.find((l) => l.startsWith('res 7 '))!, /refused=range/);
  assert.ok(errorOf(8), 'a task name cannot be taken twice');
  assert.ok(out.some((l) => l.startsWith('error 0 ')), 'the garbage line');
  assert.match(out.find((l) => l.startsWith('res 11 '))!, /ret=0 errno=0/, 'still answers afterwards');
  assert.ok(out.includes('bye'));
});

const mode = (): RunMode => ({ kind: 'sandbox', uids: process.geteuid?.() === 0 ? 'all' : 'root-only', sleepCapMs: 3000 });

test('a wrong expectation in a copy of a scenario does not change what verify says', { skip: !linux }, async () => {
  const text = fs.readFileSync(path.join(ROOT, 'examples/02-offsets-and-freezing.timens'), 'utf8');
  const wrong = text.replace('expect errno == EACCES', 'expect errno == EPERM').replace('expect ns#1 frozen', 'expect ns#1 not frozen');
  assert.notEqual(wrong, text);
  const [a, b] = await verify([{ file: 'a.timens', text }, { file: 'a.timens', text: wrong }]);
  assert.equal(a.error, null);
  const strip = (r: typeof a) => r.lines.map((l) => [l.line, l.status, l.diffs.map((d) => d.field)]);
  assert.deepEqual(strip(b), strip(a));
  assert.ok(a.agree > 5);
});

test('a model that is wrong for this kernel is a disagreement on the right line and field', { skip: !linux }, async () => {
  // The 6.1 rules (vfork EINVAL while time_for_children is pending) against a kernel of 6.2 or later.
  const profile = profileForKernel(os.machine(), os.release())!;
  if (!/^6\.(1[2-9]|[2-9])|^[7-9]\./.test(profile.kernel)) return;
  const file = path.join(ROOT, 'examples/06-vfork-and-exec-from-6.2.timens');
  const text = fs.readFileSync(file, 'utf8');
  const sent = planScenario(text, file, profile, mode(), 'p');
  const run = await runLocal(ensure(), [sent]);
  const wrongModel = planScenario(text, file, { ...profile, kernel: '6.1' }, mode(), 'p');
  const r = compareRun({ plan: wrongModel, kernel: run.lines.get('p')!, info: { release: os.release(), arch: os.machine(), how: 'test' }, tol: LOCAL_TOLERANCES });
  // (the 6.1 model's [vvar] layout differs from the start: the first line already shows the mappings)
  const threadLine = text.split('\n').indexOf('P1: pthread_create() = T1');
  const l = r.lines.find((x) => x.line === threadLine)!;
  assert.equal(l.status, 'disagree');
  assert.deepEqual(l.diffs[0], { field: 'outcome', kernel: 'ok', model: 'EINVAL' });
  const vforkLine = text.split('\n').findIndex((l) => l.startsWith('P1: vfork() = P2'));
  assert.equal(r.lines.find((x) => x.line === vforkLine)!.diffs[0].field, 'outcome');
  const right = compareRun({ plan: sent, kernel: run.lines.get('p')!, info: { release: os.release(), arch: os.machine(), how: 'test' }, tol: LOCAL_TOLERANCES });
  assert.equal(right.lines.find((x) => x.line === vforkLine)!.status, 'agree');
});

test('every generation of a long chain of forks starts, from a thread\'s small stack too', { skip: !linux }, async () => {
  // A forked child runs its task loop inside its parent's fork call: each generation nests one more on the stack.
  const lines = ['P1: pthread_create() = T1', 'T1: fork() = A1', ...Array.from({ length: 16 }, (_, i) => `A${i + 1}: fork() = A${i + 2}`), 'A17: id()'];
  const [r] = await verify([{ file: 'chain.timens', text: lines.join('\n') }]);
  assert.equal(r.error, null);
  assert.equal(r.disagree, 0, JSON.stringify(r.lines.filter((l) => l.status === 'disagree')));
  assert.equal(r.agree, lines.length);
});

test('a vDSO entry called after [vdso] was unmapped faults inside the helper\'s guard, and the task lives on', { skip: !linux }, async () => {
  // The helper once read the entry's address from the unmapped image at the call, outside its fault guard, and died.
  const lines = ['P1: fork() = P2', 'P2: munmap([vdso])', 'P2: clock_getres(CLOCK_REALTIME)', 'P2: time()', 'P2: id()'];
  const [r] = await verify([{ file: 'unmapped.timens', text: lines.join('\n') }]);
  assert.equal(r.error, null);
  assert.equal(r.disagree, 0, JSON.stringify(r.lines.filter((l) => l.status === 'disagree')));
  for (const n of [2, 3]) assert.deepEqual([r.lines[n].status, r.lines[n].kernel], ['agree', 'SIGSEGV'], JSON.stringify(r.lines[n]));
  assert.equal(r.lines[4].status, 'agree');
});

test('a reaped task\'s /proc paths and pidfds are run on the kernel, as a pid no task has', { skip: !linux }, async () => {
  // The helper used to skip them (target-gone); the model reaps at once and answers ENOENT and ESRCH.
  const lines = ['P1: fork() = K1', 'K1: exit()', 'P1: open("/proc/K1/ns/time") = f1', 'P1: pidfd_open(K1) = f2', 'P1: readlink("/proc/K1/ns/user")'];
  const [r] = await verify([{ file: 'reaped.timens', text: lines.join('\n') }]);
  assert.equal(r.error, null);
  assert.deepEqual(r.lines.map((l) => [l.status, l.kernel]), [['agree', 'ok'], ['agree', 'ok'], ['agree', 'ENOENT'], ['agree', 'ESRCH'], ['agree', 'ENOENT']], JSON.stringify(r.lines));
});

test('on the running kernel the lines are planned for its machine, asked first: none is left unchecked for a machine the plan assumed', { skip: !linux }, async () => {
  // the open is not run (user#0's sysctl is the sandbox's), and whether the model opened it is the machine's
  // (CAP_SYS_RESOURCE in the bounding set): so is whether the write is sent through that fd
  const lines = ['P1: fork() = A', 'A: open("/proc/sys/user/max_time_namespaces", O_RDWR) = f', 'A: write(f, "1")',
    'A: clock_gettime(CLOCK_BOOTTIME_ALARM, syscall)', 'A: read("/proc/self/timens_offsets")'];
  const [r] = await verify([{ file: 'machine.timens', text: lines.join('\n') }]);
  assert.equal(r.error, null);
  assert.ok(r.lines.every((l) => !/sends another command/.test(l.reason ?? '')), JSON.stringify(r.lines));
  assert.equal(r.disagree, 0, JSON.stringify(r.lines));
  assert.doesNotMatch(r.note ?? '', /another command than the one sent/);
});

test('cancelling a run stops the helper and everything it started', { skip: !linux }, async () => {
  const text = 'P1: fork() = P2\nP2: clock_nanosleep(CLOCK_MONOTONIC, 0, 2s)\nP2: clock_gettime(CLOCK_MONOTONIC)';
  const plan = planScenario(text, 'c.timens', profileForKernel(os.machine(), os.release())!, mode(), 'c');
  const ac = new AbortController();
  let pids: number[] = [];
  const p = runLocal(ensure(), [plan], { signal: ac.signal, onLine: (_l, n) => { if (n === 1) ac.abort(); } });
  await assert.rejects(p, /cancelled/);
  // not the helpers of another run on the machine (a fuzz batch's `node dist/cli.js verify`, beside this test): one
  // that a live node process other than this one started; an orphan left by this run is init's, and counts
  const rows = spawnSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' }).stdout.split('\n').map((l) => l.trim().split(/\s+/))
    .filter((w) => w.length >= 3).map(([pid, ppid, ...args]) => ({ pid: Number(pid), ppid: Number(ppid), args: args.join(' ') }));
  const byPid = new Map(rows.map((r) => [r.pid, r]));
  const othersRun = (pid: number): boolean => {
    for (let r = byPid.get(pid), n = 0; r && n < 64; r = byPid.get(r.ppid), n++) {
      if (r.pid === process.pid) return false;
      if (/(^|\/)node\b/.test(r.args)) return true;
    }
    return false;
  };
  pids = rows.filter((r) => r.args.includes(ensure()) && !othersRun(r.pid)).map((r) => r.pid);
  assert.deepEqual(pids, []);
});

test('the supervisor learns of a task\'s death whose channel another process holds open (CLONE_FILES), and answers', { skip: !linux }, async () => {
  // P2's channel end is also in C2's files table (clone with CLONE_FILES, not a thread of P2): after P2 dies, no
  // end-of-file comes. The supervisor once waited out its 60 s limit here and answered timeout=1.
  const child = spawn(ensure(), ['supervise', '--mode', 'sandbox'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout! });
  const it = lines[Symbol.asyncIterator]();
  const until = async (prefix: string) => {
    const seen: string[] = [];
    for (let r = await it.next(); !r.done; r = await it.next()) { seen.push(r.value); if (r.value.startsWith(prefix)) return seen; }
    throw new Error(`the supervisor ended before "${prefix}": ${seen.join('\n')}`);
  };
  try {
    child.stdin!.write('begin t\n');
    await until('ready ');
    child.stdin!.write('cmd 2 P1 fork P2\ncmd 3 P2 clone 1041 C2\n');   // 1041: CLONE_FILES|SIGCHLD
    const obs = await until('done 3');
    const tid = Number(/^obs 3 task P2 st=live tid=(\d+)/m.exec(obs.join('\n'))?.[1]);
    assert.ok(tid > 0, obs.join('\n'));
    process.kill(tid, 'SIGKILL');
    child.stdin!.write('cmd 4 P2 id\ncmd 5 C2 id\nend\n');
    const out = await until('done 5');
    assert.match(out.find((l) => l.startsWith('res 4 ')) ?? '', /^res 4 P2 skip=(died death=SIGKILL|gone)$/, out.join('\n'));
    assert.match(out.find((l) => l.startsWith('res 5 ')) ?? '', /^res 5 C2 ret=0 errno=0/, 'C2 lives on');
  } finally {
    child.kill('SIGKILL');
  }
});

test('the static arm64 and AArch32 helpers load on 16K and 64K kernels: every PT_LOAD\'s address and offset agree modulo 64K', { skip: !linux }, async (t) => {
  for (const target of ['arm64-static', 'arm32-static'] as const) {
    const bin = await buildHelper(target).catch(() => null);
    if (!bin) { t.diagnostic(`${target}: no cross compiler here`); continue; }
    const b = fs.readFileSync(bin);
    const is64 = b[4] === 2;
    // ELF header: e_phoff, e_phentsize, e_phnum; program header: p_type, p_offset, p_vaddr
    const phoff = is64 ? Number(b.readBigUInt64LE(0x20)) : b.readUInt32LE(0x1c);
    const entsize = b.readUInt16LE(is64 ? 0x36 : 0x2a), count = b.readUInt16LE(is64 ? 0x38 : 0x2c);
    let loads = 0;
    for (let i = 0; i < count; i++) {
      const at = phoff + i * entsize;
      if (b.readUInt32LE(at) !== 1) continue;
      loads++;
      const offset = is64 ? Number(b.readBigUInt64LE(at + 8)) : b.readUInt32LE(at + 4);
      const vaddr = is64 ? Number(b.readBigUInt64LE(at + 16)) : b.readUInt32LE(at + 8);
      assert.equal((vaddr - offset) % 0x10000, 0, `${target}: a PT_LOAD at 0x${vaddr.toString(16)} from offset 0x${offset.toString(16)} (elf_map, fs/binfmt_elf.c)`);
    }
    assert.ok(loads >= 2, target);
  }
});
