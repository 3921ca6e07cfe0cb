// The `timens` CLI as a child process (node dist/cli.js): output formats, exit statuses, what it does with
// hostile input (odd bytes, a reader that goes away, more than the heap holds) and how it reads versions.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { generatedRunScenario } from '../../bench/cliScenario';

const ROOT = path.resolve(__dirname, '../../../..');
const CLI = path.join(ROOT, 'dist/cli.js');
let dir = '';

before(async () => {
  // Build the CLI bundle the way tools/build.mjs does, so the test runs what ships.
  await esbuild.build({ entryPoints: [path.join(ROOT, 'extension/cli.ts')], outfile: CLI, bundle: true, platform: 'node', format: 'cjs', target: 'node20', banner: { js: '#!/usr/bin/env node' }, sourcemap: true, logLevel: 'warning' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'timens-cli-'));
});

function write(name: string, text: string): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
}
function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const PASSING = [
  'arch x86_64', 'kernel 6.18',
  'P1: unshare(CLONE_NEWTIME)',
  'P1: write("/proc/self/timens_offsets", "monotonic 86400 0")',
  'P1: fork() = P2',
  'P2: clock_gettime(CLOCK_MONOTONIC)',
  'expect P2 CLOCK_MONOTONIC == host + 86400s',
  'P1: write("/proc/self/timens_offsets", "boottime 1 0")',
  'expect errno == EACCES',
  'P1: read("/proc/self/timens_offsets")',
].join('\n');

test('run: strace-like lines and exit 0 when every expectation holds', () => {
  const r = cli('run', write('ok.timens', PASSING));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^P1: unshare\(CLONE_NEWTIME\) = 0/m);
  assert.match(r.stdout, /^P1: write\("\/proc\/self\/timens_offsets", "boottime 1 0"\) = -1 EACCES \(Permission denied\)/m);
  assert.match(r.stdout, /^P1: fork\(\) = \d+ \(P2\)/m);
  assert.match(r.stdout, /^P2: clock_gettime\(CLOCK_MONOTONIC\) = 0 \{[\d.]+, CLOCK_MONOTONIC host \+ 86400s, vdso-timens\}/m);
  assert.match(r.stdout, /2 expectations, all held/);
});

test('run: a failed expectation prints file:line:col and exits 1', () => {
  const f = write('bad.timens', PASSING.replace('host + 86400s', 'host + 1s'));
  const r = cli('run', f);
  assert.equal(r.status, 1);
  assert.ok(r.stdout.includes(`${f}:7:1: expect failed: expected P2 CLOCK_MONOTONIC == host + 1s, it is host + 86400s`), r.stdout);
});

test('run: invalid input exits 2 with file:line:col', () => {
  const f = write('invalid.timens', 'arch x86_64\nkernel 6.18\nP1: unshare(CLONE_NEWTIEM)\n');
  const r = cli('run', f);
  assert.equal(r.status, 2);
  assert.ok(r.stderr.includes(`${f}:3:13: error: Unknown flag 'CLONE_NEWTIEM'`), r.stderr);
  assert.equal(cli('run', path.join(dir, 'missing.timens')).status, 2);
  assert.equal(cli('run', '--kernel', '9.9', f).status, 2);
  assert.equal(cli('run', '--bogus', f).status, 2);
  assert.equal(cli('run').status, 2);
  // a switch given a value is refused, not taken as given ('--quiet=no' had been --quiet); so is a version '06.18'
  for (const a of ['--quiet=no', '--json=0', '--events=false', '--force-build=n']) {
    const bad = cli('run', a, f);
    assert.deepEqual([bad.status, bad.stdout, bad.stderr], [2, '', `timens: ${a.split('=')[0]} takes no value\nTry 'timens --help'.\n`]);
  }
  assert.match(cli('run', '--kernel', '06.18', f).stderr, /^timens: --kernel takes a version such as 6.18 or 6.1.20, not 06.18\n/);
});

test('--json: one object per scenario line, clock offsets from the host, content read', () => {
  const r = cli('run', '--json', write('j.timens', PASSING));
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(lines.map((l) => [l.line, l.kind]), [[3, 'operation'], [4, 'operation'], [5, 'operation'], [6, 'operation'], [7, 'expect'], [8, 'operation'], [9, 'expect'], [10, 'operation']]);
  assert.equal(lines[0].task, 'P1');
  assert.equal(lines[0].op, 'unshare');
  assert.equal(lines[0].ret, 0);
  assert.equal(lines[0].time_ns, 'ns#0');
  assert.equal(lines[0].time_ns_for_children, 'ns#1');
  assert.equal(lines[2].child, 'P2');
  assert.deepEqual(lines[3].clock.offset, { sec: 86400, nsec: 0 });
  assert.equal(lines[3].clock.name, 'CLOCK_MONOTONIC');
  assert.equal(lines[3].clock.path, 'vdso-timens');
  assert.equal(lines[5].errno, 'EACCES');
  assert.equal(lines[5].ret, -1);
  assert.equal(lines[6].passed, true);
  assert.match(lines[7].content, /^monotonic\s+86400\s+0\nboottime\s+0\s+0\n$/);
  assert.equal(lines[0].events, undefined);
});

/** Bytes `run --json --events` writes for `text` (to a file: tens of MB would overflow a pipe's buffer). */
function eventBytes(name: string, text: string): number {
  const out = path.join(dir, `${name}.jsonl`);
  const fd = fs.openSync(out, 'w');
  const r = spawnSync(process.execPath, [CLI, 'run', '--json', '--events', write(name, text)], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
  fs.closeSync(fd);
  assert.equal(r.status, 0, r.stderr);
  return fs.statSync(out).size;
}

// Each event shows what it changed, not the collections it changed: a fork among n tasks showed every holder list
// whole (4,000 forks wrote 509 MB), an open among n fds the whole table. Sizes, not times: they cannot be noisy.
test('--json --events writes linearly more for more forks and more open files (8 times the lines, at most 10 times the bytes)', () => {
  const forks = (n: number) => ['P1: unshare(CLONE_NEWTIME)', ...Array.from({ length: n }, (_, i) => `P1: fork() = C${i}`)].join('\n') + '\n';
  const opens = (n: number) => Array.from({ length: n }, (_, i) => `P1: open("/proc/self/timens_offsets", O_RDONLY) = f${i}`).join('\n') + '\n';
  for (const [what, gen, n] of [['forks', forks, 250], ['opens', opens, 200]] as const) {
    const small = eventBytes(`${what}-small.timens`, gen(n));
    const large = eventBytes(`${what}-large.timens`, gen(8 * n));
    assert.ok(large <= 10 * small, `${what}: 8x the lines wrote ${(large / small).toFixed(1)}x the bytes (${small}, ${large})`);
  }
});

test('--json --events includes each line\'s events; --arch/--kernel/--patch-off override the header', () => {
  const r = cli('run', '--json', '--events', write('e.timens', PASSING));
  const first = JSON.parse(r.stdout.split('\n')[0]);
  assert.ok(first.events.length > 0);
  assert.ok(first.events.some((e: { fn: string }) => e.fn === 'clone_time_ns'));
  const vfork = write('v.timens', 'arch x86_64\nkernel 6.18\nP1: unshare(CLONE_NEWTIME)\nP1: vfork() = P2\nexpect errno == EINVAL\n');
  assert.equal(cli('run', vfork).status, 1);
  assert.equal(cli('run', '--kernel', '6.1', vfork).status, 0);
  assert.equal(cli('run', '--arch', 'arm64', '--kernel', '6.1', vfork).status, 0);
  assert.equal(cli('run', '--arch', 'arm64', '--patch-off', 'zap-vvar', '--patch-off', '6', vfork).status, 1);
  assert.equal(cli('run', '--patch-off', 'nope', vfork).status, 2);
});

test('--help and --version', () => {
  const h = cli('--help');
  assert.equal(h.status, 0);
  assert.match(h.stdout, /timens run FILE/);
  const v = cli('--version');
  assert.equal(v.status, 0);
  assert.match(v.stdout, /^timens \d+\.\d+\.\d+/);
});

test('every shipped example passes through the CLI', () => {
  const dir = path.join(ROOT, 'examples');
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.timens')).map((f) => path.join(dir, f));
  const r = cli('run', '--quiet', ...files);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal((r.stdout.match(/all held/g) ?? []).length, files.length);
});

test('a reader that goes away (timens run … | head) ends the run quietly with status 0', async () => {
  const f = write('long.timens', generatedRunScenario(20_000));
  const child = spawn(process.execPath, [CLI, 'run', f], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  child.stdout.once('data', () => child.stdout.destroy());
  const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  assert.equal(stderr, '');
  assert.equal(status, 0);
});

test('check parses and resolves names only; a run streams in a small heap, and stops with a message when the live objects outgrow it', () => {
  const f = write('big.timens', generatedRunScenario(100_000));
  const small = (...args: string[]): ReturnType<typeof cli> => {
    const r = spawnSync(process.execPath, ['--max-old-space-size=64', CLI, ...args], { encoding: 'utf8' });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const checked = small('check', f);
  assert.equal(checked.status, 0, checked.stderr);
  assert.equal(checked.stdout, '');
  // The run keeps no history: 100,000 lines fit in a 64 MB heap.
  const ran = small('run', '--quiet', f);
  assert.equal(ran.status, 0, ran.stderr);
  assert.match(ran.stdout, /expectations, all held/);
  // 300,000 tasks that never exit are live objects: the run stops at the limit with file:line instead of crashing.
  const lines = ['arch x86_64', 'kernel 6.18'];
  for (let i = 2; i < 300_002; i++) lines.push(`P1: fork() = T${i}`);
  const live = write('live.timens', lines.join('\n') + '\n');
  const stopped = small('run', '--quiet', live);
  assert.equal(stopped.status, 2);
  assert.match(stopped.stderr, new RegExp(`^${escape(live)}:\\d+:1: error: stopped: this scenario needs more memory than the process may use \\(\\d+ MB heap\\).*\\[memory-limit\\]$`, 'm'));
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('a BOM, Windows and old-Mac line ends run as the same scenario; NUL bytes and U+2028 are errors at file:line:col', () => {
  const text = PASSING + '\n';
  const plain = cli('run', write('plain.timens', text));
  assert.equal(plain.status, 0, plain.stderr);
  for (const [name, variant] of [['bom', '\ufeff' + text], ['crlf', text.replace(/\n/g, '\r\n')], ['cr', text.replace(/\n/g, '\r')]]) {
    const r = cli('run', write('plain.timens', variant));
    assert.equal(r.status, 0, `${name}: ${r.stderr}`);
    assert.equal(r.stdout, plain.stdout, name);
  }
  const nul = write('nul.timens', PASSING.replace('P1: fork() = P2', 'P1: fork(\0) = P2'));
  const n = cli('run', nul);
  assert.equal(n.status, 2);
  assert.equal(n.stderr, `${nul}:5:10: error: a NUL byte: this looks like a binary file, not a scenario (a scenario is UTF-8 text) [binary-file]\n`);
  const ls = write('ls.timens', PASSING.replace('P1: fork() = P2\n', 'P1: fork() = P2\u2028'));
  const l = cli('check', ls);
  assert.equal(l.status, 2);
  assert.ok(l.stderr.startsWith(`${ls}:5:16: error: U+2028 (LINE SEPARATOR) does not end a line`), l.stderr);
});

test('--kernel takes a full version with sublevel as the header does (6.1.20 runs as 6.1); an unknown one names the nearest', () => {
  const vfork = 'arch x86_64\nP1: unshare(CLONE_NEWTIME)\nP1: vfork() = P2\nexpect ok\n';
  const byOption = cli('run', '--kernel', '6.1.20', write('k.timens', vfork));
  assert.equal(byOption.status, 1, 'vfork after unshare fails with EINVAL on 6.1');
  assert.match(byOption.stdout, /^== .*k\.timens \(x86_64 6\.1\)$/m);
  const byHeader = cli('run', write('k.timens', vfork.replace('arch x86_64\n', 'arch x86_64\nkernel 6.1.20\n')));
  assert.equal(byHeader.status, 1);
  assert.match(byHeader.stdout, /^== .*k\.timens \(x86_64 6\.1\)$/m);
  const unknown = cli('run', '--kernel', '6.4.1', write('k.timens', vfork));
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown kernel 6\.4\.1; the nearest known version is 6\.3/);
  assert.match(cli('run', '--kernel', 'six', write('k.timens', vfork)).stderr, /--kernel takes a version such as 6\.18 or 6\.1\.20, not six/);
});

test('a patch-off kernel that does not build: status 2 with the reason; --force-build runs it, labelled', () => {
  const file = write('nb.timens', 'arch arm64\nkernel 5.9\nP1: unshare(CLONE_NEWTIME)\nexpect ok\n');
  const refused = cli('run', '--patch-off', '1', file);
  assert.equal(refused.status, 2);
  assert.equal(refused.stdout, '');
  assert.match(refused.stderr, /nb\.timens:1:1: error: this kernel does not build: patch 4 \(ee3cda8e4606\) modifies vvar_fault\(\), introduced by patch 1 \(d53b5c013e1e\)\. Nothing runs; add 'build forced' .*--force-build.* \[does-not-build\]/);
  const forced = cli('run', '--patch-off', '1', '--force-build', file);
  assert.equal(forced.status, 0, forced.stderr);
  assert.match(forced.stdout, /^== .*nb\.timens \(arm64 5\.9, patches off: vvar-fault; forced build, not a real kernel\)$/m);
  assert.match(forced.stderr, /warning: forced build, not a real kernel: this kernel does not build: patch 4/);
  assert.equal(cli('run', '--patch-off', '4', file).status, 0, 'patch 4 off builds');
});

test('--config CONFIG_TIME_NS=n overrides the config header line and shows in the run header; a bad option is a usage error', () => {
  const file = write('cfg.timens', 'P1: unshare(CLONE_NEWTIME)\nexpect errno == EINVAL\n');
  assert.equal(cli('run', file).status, 1, 'time namespaces by default');
  const off = cli('run', '--config', 'CONFIG_TIME_NS=n', file);
  assert.equal(off.status, 0, off.stderr);
  assert.match(off.stdout, /^== .*cfg\.timens \(x86_64 6\.18, CONFIG_TIME_NS=n\)$/m);
  const back = write('cfg2.timens', 'config CONFIG_TIME_NS=n\nP1: unshare(CLONE_NEWTIME)\nexpect errno == EINVAL\n');
  assert.equal(cli('run', '--config=TIME_NS=y', back).status, 1, 'the flag wins over the header');
  const bad = cli('run', '--config', 'CONFIG_FOO=n', file);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--config takes NAME=y\|n, one of CONFIG_TIME_NS, CONFIG_COMPAT_VDSO, CONFIG_KUSER_HELPERS, not CONFIG_FOO=n/);
});
