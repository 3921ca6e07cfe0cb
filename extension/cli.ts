// The `timens` command: runs .timens scenarios headless (terminals, CI) and prints an strace-like
// log or JSON lines. Exit status: 0 every expectation held, 1 one failed, 2 the input was invalid.

import * as fs from 'node:fs';
import { runScenario } from './scenario/index';
import type { RunOptions, ScenarioDiagnostic, ScenarioRun } from './scenario/api';
import { formatStepLine, jsonOfExpectation, jsonOfOutcome } from './scenario/format';
import { isKernelVersion, nearestKernelVersion } from './scenario/values';
import type { SimEvent } from './sim/api';
import { ARM64_PATCHES, type Arch, type Arm64PatchId } from './sim/types';
import { VERIFY_OPTIONS, VERIFY_USAGE, verifyCommand } from './verify/cli';
import pkg from '../package.json';

const HELP = `timens ${pkg.version}: run Linux time-namespace scenarios on a deterministic kernel model

Usage:
  timens run FILE... [--arch x86_64|arm64] [--kernel V] [--patch-off ID]... [--json] [--events]
  timens check FILE...        parse only: report diagnostics
${VERIFY_USAGE}
  timens --help | --version

Options:
  --arch A          run on this architecture (overrides the 'arch' header line)
  --kernel V        run on this kernel version, e.g. 6.18 (overrides the 'kernel' header line)
  --patch-off ID    switch off one patch of the arm64 series (repeatable; by id or number):
                    ${ARM64_PATCHES.map((p) => `${p.n} ${p.id}`).join(', ')}
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
  options: { arch?: Arch; kernel?: RunOptions['kernel']; disabledPatches?: Arm64PatchId[] };
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
    switch (flag) {
      case '--arch': {
        const v = val();
        if (v !== 'x86_64' && v !== 'arm64') throw new UsageError(`--arch must be x86_64 or arm64, not ${v}`);
        args.options.arch = v;
        break;
      }
      case '--kernel': {
        const v = val();
        if (!isKernelVersion(v)) throw new UsageError(`unknown kernel ${v}; the nearest known version is ${nearestKernelVersion(v)}`);
        args.options.kernel = v;
        break;
      }
      case '--patch-off': {
        const v = val();
        const p = ARM64_PATCHES.find((x) => x.id === v || String(x.n) === v);
        if (!p) throw new UsageError(`unknown patch ${v}; the patches are ${ARM64_PATCHES.map((x) => `${x.n} ${x.id}`).join(', ')}`);
        (args.options.disabledPatches ??= []).push(p.id);
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

interface Output { out: string[]; err: string[] }

function eventsByLine(run: ScenarioRun): Map<number, SimEvent[]> {
  const map = new Map<number, SimEvent[]>();
  for (let i = 0; i < run.sim.eventCount; i++) {
    const e = run.sim.event(i);
    let list = map.get(e.line);
    if (!list) map.set(e.line, (list = []));
    list.push(e);
  }
  return map;
}

/** Runs one file; returns its exit status (0, 1 or 2). */
function runFile(file: string, args: Args, o: Output): number {
  let text: string;
  try {
    text = file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8');
  } catch (e) {
    o.err.push(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    return 2;
  }
  const run = runScenario(text, { ...args.options, file });
  const problems = run.diagnostics.filter((d) => d.code !== 'expect-failed' && d.severity !== 'info');
  for (const d of problems) o.err.push(`${where(file, d)}: ${d.severity}: ${d.message} [${d.code}]`);
  if (!run.valid) return 2;
  if (args.command === 'check') return 0;
  const events = args.events ? eventsByLine(run) : null;
  // Interleave operation lines and expectations in source order.
  const items: { line: number; print: () => void }[] = [];
  for (const oc of run.outcomes) {
    items.push({ line: oc.line, print: () => {
      if (args.json) o.out.push(JSON.stringify(jsonOfOutcome(run, oc, events?.get(oc.line))));
      else if (!args.quiet) {
        o.out.push(formatStepLine(run, oc));
        for (const e of events?.get(oc.line) ?? []) o.out.push(`    ${'  '.repeat(Math.max(0, e.stack.length - 1))}${e.kind} ${e.fn}: ${e.summary}`);
      }
    } });
  }
  for (const ex of run.expectations) {
    items.push({ line: ex.expectation.line, print: () => {
      if (args.json) o.out.push(JSON.stringify(jsonOfExpectation(run, ex, events?.get(ex.expectation.line))));
      else if (!ex.passed) o.out.push(`${file}:${ex.expectation.line + 1}:${(run.parsed.tokens[ex.expectation.line]?.[0]?.range.col ?? 0) + 1}: expect failed: ${ex.message}`);
      else if (!args.quiet) o.out.push(`  expect ${ex.expectation.text}: ok`);
    } });
  }
  items.sort((a, b) => a.line - b.line);
  if (!args.json && !args.quiet) o.out.push(`== ${file} (${run.profile.arch} ${run.profile.kernel}${run.profile.disabledPatches.length ? `, patches off: ${run.profile.disabledPatches.join(', ')}` : ''})`);
  for (const it of items) it.print();
  const failed = run.expectations.filter((e) => !e.passed).length;
  if (!args.json) o.out.push(`-- ${file}: ${run.expectations.length} expectation${run.expectations.length === 1 ? '' : 's'}, ${failed ? `${failed} failed` : 'all held'}`);
  return run.passed ? 0 : 1;
}

export function main(argv: string[], write: (s: string) => void = (s) => process.stdout.write(s), writeErr: (s: string) => void = (s) => process.stderr.write(s)): number | Promise<number> {
  if (argv[0] === 'verify') return verifyCommand(argv.slice(1), write, writeErr);
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) { writeErr(`timens: ${e.message}\nTry 'timens --help'.\n`); return 2; }
    throw e;
  }
  if (args.command === 'help') { write(HELP); return 0; }
  if (args.command === 'version') { write(`timens ${pkg.version}\n`); return 0; }
  let status = 0;
  for (const file of args.files) {
    const o: Output = { out: [], err: [] };
    const s = runFile(file, args, o);
    if (o.out.length) write(o.out.join('\n') + '\n');
    if (o.err.length) writeErr(o.err.join('\n') + '\n');
    status = Math.max(status, s);
  }
  return status;
}

if (require.main === module) {
  void Promise.resolve(main(process.argv.slice(2))).then((code) => { process.exitCode = code; });
}
