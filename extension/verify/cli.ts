// `timens verify`: runs scenarios on the running kernel or a kernel image under qemu and prints, per line,
// agree / disagree / not checkable. Exit status 0 every checkable line agrees, 1 one disagrees, 2 could not run.

import * as fs from 'node:fs';
import { exitStatus, formatText, jsonOf, verify, VerifyError, type KnownDisagreement, type ScenarioInput } from './index';
import { checkCmdline } from './qemu';

export const VERIFY_USAGE = `  timens verify FILE... [--kernel-image PATH [--arch x86_64|arm64] [--kernel V]] [--json] [--verbose]
                              run each line on a real kernel and compare it with the model (docs/verify.md)`;

export const VERIFY_OPTIONS = `Options of verify:
  --kernel-image PATH  boot this kernel (bzImage or arm64 Image) under qemu instead of using the running one
  --arch A             the image's architecture, when it cannot be read from the image
  --kernel V           the image's version, when it cannot be read from the image
  --json               one JSON object per file: {file, kernel, agree, disagree, unchecked, lines}
  --verbose            print agreeing and not checkable lines too
  --known FILE         a JSON list of known model disagreements to mark ({file, line, field, note})
  --console-log FILE   keep the VM's console output
  --kernel-cmdline ARGS  more boot options for the image, e.g. vsyscall=xonly (the hello reports what they change)`;

interface VerifyArgs {
  files: string[];
  image?: string;
  arch?: 'x86_64' | 'arm64';
  kernel?: string;
  json: boolean;
  verbose: boolean;
  known?: string;
  consoleLog?: string;
  cmdline?: string;
}

function parse(argv: readonly string[]): VerifyArgs | string {
  const a: VerifyArgs = { files: [], json: false, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const val = (): string | null => { const v = inline ?? argv[++i]; return v === undefined || v.startsWith('--') ? null : v; };
    switch (flag) {
      case '--kernel-image': { const v = val(); if (!v) return '--kernel-image needs a path'; a.image = v; break; }
      case '--arch': { const v = val(); if (v !== 'x86_64' && v !== 'arm64') return `--arch must be x86_64 or arm64${v ? `, not ${v}` : ''}`; a.arch = v; break; }
      case '--kernel': { const v = val(); if (!v || !/^\d+\.\d+/.test(v)) return '--kernel needs a version such as 6.12'; a.kernel = v; break; }
      case '--known': { const v = val(); if (!v) return '--known needs a file'; a.known = v; break; }
      case '--console-log': { const v = val(); if (!v) return '--console-log needs a file'; a.consoleLog = v; break; }
      case '--kernel-cmdline': { const v = val(); if (!v) return '--kernel-cmdline needs boot options, such as vsyscall=xonly'; const bad = checkCmdline(v); if (bad) return bad; a.cmdline = v; break; }
      // a switch takes no value ('--verbose=no' had been --verbose)
      case '--json': if (inline !== undefined) return '--json takes no value'; a.json = true; break;
      case '--verbose': case '-v': if (inline !== undefined) return `${flag} takes no value`; a.verbose = true; break;
      default:
        if (arg.startsWith('-') && arg !== '-') return `unknown option ${arg} for verify`;
        a.files.push(arg);
    }
  }
  if (!a.files.length) return 'no scenario file given';
  if ((a.arch || a.kernel || a.cmdline) && !a.image) return '--arch, --kernel and --kernel-cmdline go with --kernel-image';
  return a;
}

export async function verifyCommand(argv: readonly string[], write: (s: string) => void, writeErr: (s: string) => void, signal?: AbortSignal): Promise<number> {
  const a = parse(argv);
  if (typeof a === 'string') { writeErr(`timens verify: ${a}\nTry 'timens --help'.\n`); return 2; }
  const inputs: ScenarioInput[] = [];
  for (const f of a.files) {
    try { inputs.push({ file: f, text: fs.readFileSync(f === '-' ? 0 : f, 'utf8') }); }
    catch (e) { writeErr(`${f}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`); return 2; }
  }
  let known: KnownDisagreement[] | undefined;
  if (a.known) {
    try { known = JSON.parse(fs.readFileSync(a.known, 'utf8')) as KnownDisagreement[]; }
    catch (e) { writeErr(`${a.known}: not a JSON list of known disagreements: ${(e as Error).message}\n`); return 2; }
  }
  try {
    const reports = await verify(inputs, {
      ...(a.image ? { kernelImage: a.image, qemu: { arch: a.arch, kernel: a.kernel, consoleLog: a.consoleLog, cmdline: a.cmdline } } : {}),
      signal, known,
    });
    for (const r of reports) write((a.json ? JSON.stringify(jsonOf(r)) : formatText(r, a.verbose).join('\n')) + '\n');
    return exitStatus(reports);
  } catch (e) {
    if (e instanceof VerifyError) { writeErr(`timens verify: ${e.message}\n`); return e.status; }
    throw e;
  }
}
