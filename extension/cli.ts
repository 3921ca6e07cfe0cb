// The `timens` command: runs .timens scenarios headless (terminals, CI) and prints an strace-like
// log or JSON lines. Exit status: 0 every expectation held, 1 one failed, 2 the input was invalid.

import * as fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import * as v8 from 'node:v8';
import type { RunOptions, ScenarioDiagnostic } from './scenario/api';
import { callTextOfLexemes, formatStepLineOf, jsonOfExpectationOf, jsonOfOutcomeOf } from './scenario/format';
import { forEachLine, LineSplitter, splitLines } from './scenario/lines';
import { sortDiagnostics } from './scenario/runner';
import { checkText, runText, type TextSource } from './scenario/stream';
import { readKernelVersion } from './scenario/values';
import type { SimEvent, Simulation } from './sim/api';
import { buildStatusOf, FORCED_BUILD } from './sim/build';
import { ARM64_PATCHES, type Arch, type Arm64PatchId } from './sim/types';
import { CONFIG_KEYS, configText, type KernelConfig } from './sim/config';
import { configKey } from './scenario/headerConfig';
import { VERIFY_OPTIONS, VERIFY_USAGE, verifyCommand } from './verify/cli';
import pkg from '../package.json';
import { COMPARE_USAGE, compareCommand } from './tours/compareCli';
import { DESIGNS, type DesignName } from './sim/types';

const HELP = `timens ${pkg.version}: run Linux time-namespace scenarios on a deterministic kernel model

Usage:
  timens run FILE... [--arch x86_64|arm64] [--kernel V] [--patch-off ID]... [--force-build] [--config CONFIG_X=n] [--design D] [--json] [--events]
  timens check FILE...        parse only (syntax and names, no simulation): report diagnostics
${VERIFY_USAGE}
${COMPARE_USAGE}
  timens --help | --version

Options:
  --arch A          run on this architecture (overrides the 'arch' header line)
  --kernel V        run on this kernel version, e.g. 6.18 or 6.1.20 (overrides the 'kernel' header line)
  --patch-off ID    switch off one patch of the arm64 series (repeatable; by id or number):
                    ${ARM64_PATCHES.map((p) => `${p.n} ${p.id}`).join(', ')}
  --force-build     run a kernel that does not build (a patch left out that a later one needs)
                    as a forced build: what it would do, labelled "${FORCED_BUILD}"
  --config O=y|n    a kernel build option (overrides the 'config' header line): CONFIG_TIME_NS=n
  --design D        run under a time-namespace design (overrides the 'design' header line):
                    ${DESIGNS.join(', ')}
  --json            one JSON object per scenario line (see docs/cli.md)
  --events          with --json: include each line's simulator events; without: print them indented
  --quiet           print only failures and the summary

${VERIFY_OPTIONS}

Exit status: 0 every expectation held, 1 an expectation failed, 2 the input was invalid.
verify: 0 every checkable line agrees with the kernel, 1 a line disagrees, 2 it could not run.
`;

interface Args {
  command: 'run' | 'check' | 'help' | 'version';
  files: string[];
  options: { arch?: Arch; kernel?: RunOptions['kernel']; disabledPatches?: Arm64PatchId[]; forcedBuild?: boolean; config?: Partial<KernelConfig>; design?: DesignName };
  json: boolean;
  events: boolean;
  quiet: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Args {
  const args: Args = { command: 'help', files: [], options: {}, json: false, events: false, quiet: false };
  if (!argv.length) return args;
  let i = 0;
  const first = argv[0];
  if (first === '--help' || first === '-h' || first === 'help') return args;
  if (first === '--version' || first === '-V' || first === 'version') return { ...args, command: 'version' };
  if (first === 'run' || first === 'check') { args.command = first; i = 1; }
  else if (first.startsWith('-')) throw new UsageError(`unknown option ${first}`);
  else args.command = 'run';
  const value = (name: string): string => {
    const v = argv[++i];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} needs a value`);
    return v;
  };
  for (; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const val = (): string => inline ?? value(flag);
    // a switch takes no value: '--quiet=no' had been --quiet
    if (inline !== undefined && (flag === '--force-build' || flag === '--json' || flag === '--events' || flag === '--quiet' || flag === '--help')) throw new UsageError(`${flag} takes no value`);
    switch (flag) {
      case '--arch': {
        const v = val();
        if (v !== 'x86_64' && v !== 'arm64') throw new UsageError(`--arch must be x86_64 or arm64, not ${v}`);
        args.options.arch = v;
        break;
      }
      case '--kernel': {
        const v = val();
        // As a 'kernel' header line reads it: 6.1.20 runs as 6.1.
        const version = readKernelVersion(v);
        if (!version) throw new UsageError(`--kernel takes a version such as 6.18 or 6.1.20, not ${v}`);
        if (!version.known) throw new UsageError(`unknown kernel ${v}; the nearest known version is ${version.kernel}`);
        args.options.kernel = version.kernel;
        break;
      }
      case '--patch-off': {
        const v = val();
        const p = ARM64_PATCHES.find((x) => x.id === v || String(x.n) === v);
        if (!p) throw new UsageError(`unknown patch ${v}; the patches are ${ARM64_PATCHES.map((x) => `${x.n} ${x.id}`).join(', ')}`);
        (args.options.disabledPatches ??= []).push(p.id);
        break;
      }
      case '--force-build': args.options.forcedBuild = true; break;
      case '--config': {
        // As a 'config' header line reads it: CONFIG_TIME_NS=n (or TIME_NS=n).
        const v = val();
        const m = /^([A-Z0-9_]+)=([yn])$/.exec(v);
        const key = m ? configKey(m[1]) : null;
        if (!m || !key) throw new UsageError(`--config takes NAME=y|n, one of ${Object.keys(CONFIG_KEYS).map((k) => `CONFIG_${k}`).join(', ')}, not ${v}`);
        args.options.config = { ...args.options.config, [CONFIG_KEYS[key].field]: m[2] === 'y' };
        break;
      }
      case '--design': {
        const v = val();
        if (!(DESIGNS as readonly string[]).includes(v)) throw new UsageError(`unknown design ${v}; the designs are ${DESIGNS.join(', ')}`);
        args.options.design = v as DesignName;
        break;
      }
      case '--json': args.json = true; break;
      case '--events': args.events = true; break;
      case '--quiet': case '-q': args.quiet = true; break;
      case '--help': case '-h': return { ...args, command: 'help' };
      default:
        if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option ${a}`);
        args.files.push(a);
    }
  }
  if (!args.files.length) throw new UsageError('no scenario file given');
  return args;
}

function where(file: string, d: ScenarioDiagnostic): string {
  return `${file}:${d.range.line + 1}:${d.range.col + 1}`;
}

/** The reader of our output went away (`timens run … | head`): stop quietly, as Unix tools do. */
class ReaderGone extends Error {}
/** The output cannot be written for another reason (closed, disk full). */
class OutputError extends Error {}

/** Output lines gathered into large writes: one write per line made long runs spend their time in the kernel. */
class Out {
  private buf = '';
  constructor(private readonly write: (s: string) => void) {}
  line(s: string): void {
    this.buf += s + '\n';
    if (this.buf.length >= 1 << 16) this.flush();
  }
  flush(): void {
    if (!this.buf) return;
    const s = this.buf;
    this.buf = '';
    this.write(s);
  }
}

/** Writes to a file descriptor, synchronously (so the order of stdout and stderr is kept and EPIPE is an exception here). */
function fdWriter(fd: number): (s: string) => void {
  return (s: string) => {
    const data = Buffer.from(s, 'utf8');
    for (let off = 0; off < data.length;) {
      try {
        off += fs.writeSync(fd, data, off);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EPIPE') throw new ReaderGone();
        // A non-blocking descriptor (inherited from a shell) that is full: wait a moment and go on.
        if (code === 'EAGAIN') { Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1); continue; }
        throw new OutputError(code ?? String(e));
      }
    }
  };
}

/** A scenario file as a text source read in chunks (each pass reads it again), or stdin read once; `head` is its start. */
function openText(file: string): { text: TextSource; head: string; close(): void } {
  if (file === '-') {
    const all = fs.readFileSync(0, 'utf8');
    return { text: (each) => forEachLine(all, each), head: all.slice(0, BINARY_PROBE), close: () => undefined };
  }
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  const headBytes = fs.readSync(fd, buf, 0, BINARY_PROBE, 0);
  return {
    head: buf.toString('utf8', 0, headBytes),
    text: (each) => {
      const decoder = new StringDecoder('utf8');
      const lines = new LineSplitter();
      for (let pos = 0; ;) {
        const n = fs.readSync(fd, buf, 0, buf.length, pos);
        if (n === 0) break;
        pos += n;
        lines.push(decoder.write(buf.subarray(0, n)), each);
      }
      lines.push(decoder.end(), each);
      lines.end(each);
    },
    close: () => fs.closeSync(fd),
  };
}

/** A run that would outgrow the heap stops with a message instead of a crash (see withMemoryLimit). */
class MemoryLimit extends Error {
  constructor(readonly line: number, readonly limitMb: number) { super('memory limit'); }
}

/**
 * The text source, checking every 256 lines that the heap stays below 85% of what the old generation may
 * hold (the heap limit less the young generation's 48 MiB). A streaming run keeps only live objects and the
 * names defined, but a scenario can define names without end, and a simulation that keeps its history grows
 * with every event. (Every 4,096 lines let a burst of garbage reach V8's own limit first: a crash, 1 run in 6
 * under load.)
 */
function withMemoryLimit(text: TextSource): TextSource {
  const limit = v8.getHeapStatistics().heap_size_limit;
  const stopAt = 0.85 * limit - 48 * 2 ** 20;
  return (each) => {
    let line = 0;
    text((source, base, end) => {
      if ((++line & 0xff) === 0 && v8.getHeapStatistics().used_heap_size > stopAt) throw new MemoryLimit(line, Math.round(limit / 2 ** 20));
      each(source, base, end);
    });
  };
}

/** How much of a file is looked at for a NUL byte, as git and grep do to tell a binary file. */
const BINARY_PROBE = 8000;

/** Where the first NUL byte of a file's start is (1-based line and column), if it has one. */
function nulIn(head: string): { line: number; col: number } | null {
  const at = head.indexOf('\0');
  if (at < 0) return null;
  const lines = splitLines(head.slice(0, at));
  return { line: lines.length, col: lines[lines.length - 1].length + 1 };
}

/** Runs (or checks) one file, printing as it goes; returns its exit status (0, 1 or 2). */
function runFile(file: string, args: Args, out: Out, err: string[]): number {
  let source: ReturnType<typeof openText> | undefined;
  try {
    source = openText(file);
    const nul = nulIn(source.head);
    if (nul) {
      err.push(`${file}:${nul.line}:${nul.col}: error: a NUL byte: this looks like a binary file, not a scenario (a scenario is UTF-8 text) [binary-file]`);
      return 2;
    }
    return runSource(file, withMemoryLimit(source.text), args, out, err);
  } catch (e) {
    if (e instanceof MemoryLimit) {
      err.push(`${file}:${e.line}:1: error: stopped: this scenario needs more memory than the process may use (${e.limitMb} MB heap); the lines from here on did not run. For a larger heap: NODE_OPTIONS=--max-old-space-size=MB [memory-limit]`);
      return 2;
    }
    if (e instanceof ReaderGone || e instanceof OutputError || !(e as NodeJS.ErrnoException).code) throw e;
    err.push(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return 2;
  } finally {
    source?.close();
  }
}

function runSource(file: string, text: TextSource, args: Args, out: Out, err: string[]): number {
  const options: RunOptions = { ...args.options, file };
  const checked = checkText(text, options);
  const problems = (ds: readonly ScenarioDiagnostic[]): void => {
    for (const d of ds) if (d.code !== 'expect-failed' && d.severity !== 'info') err.push(`${where(file, d)}: ${d.severity}: ${d.message} [${d.code}]`);
  };
  if (!checked.valid || args.command === 'check') {
    problems(checked.diagnostics);
    return checked.valid ? 0 : 2;
  }
  const profile = checked.profile;
  const forced = buildStatusOf(profile).forced ? `; ${FORCED_BUILD}` : '';
  if (!args.json && !args.quiet) out.line(`== ${file} (${profile.arch} ${profile.kernel}${profile.disabledPatches.length ? `, patches off: ${profile.disabledPatches.join(', ')}` : ''}${configText(profile.config) ? `, ${configText(profile.config)}` : ''}${profile.design ? `, design ${profile.design}` : ''}${forced})`);
  const events = (sim: Simulation, first: number, end: number): SimEvent[] | undefined => {
    if (!args.events) return undefined;
    const list: SimEvent[] = [];
    for (let i = first; i < end; i++) list.push(sim.event(i));
    return list;
  };
  const result = runText(text, checked, {
    operation(oc, toks, count, sim, first, end) {
      const call = callTextOfLexemes(toks, count);
      if (args.json) out.line(JSON.stringify(jsonOfOutcomeOf(file, oc, call, events(sim, first, end))));
      else if (!args.quiet) {
        out.line(formatStepLineOf({ sim }, oc, call));
        for (const e of events(sim, first, end) ?? []) out.line(`    ${'  '.repeat(Math.max(0, e.stack.length - 1))}${e.kind} ${e.fn}: ${e.summary}`);
      }
    },
    expectation(ex, toks, count, sim, first, end) {
      if (args.json) out.line(JSON.stringify(jsonOfExpectationOf(file, ex, events(sim, first, end))));
      else if (!ex.passed) out.line(`${file}:${ex.expectation.line + 1}:${(count ? toks[0].start : 0) + 1}: expect failed: ${ex.message}`);
      else if (!args.quiet) out.line(`  expect ${ex.expectation.text}: ok`);
    },
  });
  problems(sortDiagnostics([...checked.diagnostics, ...result.diagnostics]));
  if (!args.json) out.line(`-- ${file}: ${result.expectations} expectation${result.expectations === 1 ? '' : 's'}, ${result.failed ? `${result.failed} failed` : 'all held'}`);
  return result.passed ? 0 : 1;
}

export function main(argv: string[], write: (s: string) => void = fdWriter(1), writeErr: (s: string) => void = fdWriter(2)): number | Promise<number> {
  if (argv[0] === 'verify') return verifyCommand(argv.slice(1), write, writeErr);
  if (argv[0] === 'compare') return compareCommand(argv.slice(1), write, writeErr);
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) { writeErr(`timens: ${e.message}\nTry 'timens --help'.\n`); return 2; }
    throw e;
  }
  const out = new Out(write);
  try {
    if (args.command === 'help') { write(HELP); return 0; }
    if (args.command === 'version') { write(`timens ${pkg.version}\n`); return 0; }
    let status = 0;
    for (const file of args.files) {
      const err: string[] = [];
      const s = runFile(file, args, out, err);
      out.flush();
      if (err.length) writeErr(err.join('\n') + '\n');
      status = Math.max(status, s);
    }
    return status;
  } catch (e) {
    if (e instanceof ReaderGone) return 0;
    if (e instanceof OutputError) {
      try { writeErr(`timens: cannot write the output: ${e.message}\n`); } catch { /* stderr is gone too */ }
      return 2;
    }
    throw e;
  }
}

if (require.main === module) {
  void Promise.resolve(main(process.argv.slice(2))).then((code) => { process.exitCode = code; });
}
