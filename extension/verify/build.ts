// Builds the native helper (helper/*.c) with the system C compiler into a cache directory, keyed by a hash of
// its sources, its generated operation table and the compiler, so it is built once per change. The arm64
// helper for qemu is cross-built static with aarch64-linux-gnu-gcc (and, for AArch32 tasks, arm-linux-gnueabihf-gcc);
// the x86_64 one static with gcc (and, for ia32 tasks, here and under qemu, i686-linux-gnu-gcc).

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { helperOpsHeader } from './operations';

export class VerifyError extends Error {
  constructor(message: string, readonly status = 2) { super(message); }
}

export type Target = 'native' | 'x86_64-static' | 'arm64-static' | 'arm32-static' | 'ia32-static';

const COMPILERS: Record<Target, readonly string[]> = {
  native: ['cc', 'gcc', 'clang'],
  'x86_64-static': ['x86_64-linux-gnu-gcc', 'gcc', 'cc'],
  'arm64-static': ['aarch64-linux-gnu-gcc'],
  'arm32-static': ['arm-linux-gnueabihf-gcc'],
  'ia32-static': ['i686-linux-gnu-gcc'],
};
const PACKAGES: Record<Target, string> = {
  native: 'gcc libc6-dev',
  'x86_64-static': 'gcc libc6-dev',
  'arm64-static': 'gcc-aarch64-linux-gnu libc6-dev-arm64-cross',
  'arm32-static': 'gcc-arm-linux-gnueabihf libc6-dev-armhf-cross',
  // not gcc-multilib: Debian's conflicts with the arm cross compilers
  'ia32-static': 'gcc-i686-linux-gnu libc6-dev-i386-cross',
};

/** The folder holding helper/*.c: beside the bundle (dist/), or found upwards from here. */
export function helperSourceDir(): string {
  const env = process.env.TIMENS_HELPER_SRC;
  if (env) return env;
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const cand = path.join(dir, 'helper');
    if (fs.existsSync(path.join(cand, 'helper.h'))) return cand;
    dir = path.dirname(dir);
  }
  throw new VerifyError('the helper sources (helper/*.c) are missing from this installation');
}

function cacheRoot(): string {
  const env = process.env.TIMENS_HELPER_CACHE;
  if (env) return env;
  return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'timens-explorer', 'helper');
}

/** Runs a program without blocking (the editor's extension host must never wait on a compiler). */
function run(cmd: string, args: readonly string[]): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { encoding: 'utf8', maxBuffer: 8 << 20 }, (err, stdout, stderr) => resolve({ ok: !err, stdout, stderr: stderr || (err ? String(err.message) : '') }));
  });
}

async function findCompiler(target: Target): Promise<{ cc: string; version: string }> {
  for (const cc of COMPILERS[target]) {
    const r = await run(cc, ['--version']);
    if (r.ok) {
      if (target === 'x86_64-static' && process.arch !== 'x64' && !cc.startsWith('x86_64')) continue;
      return { cc, version: r.stdout.split('\n')[0] };
    }
  }
  throw new VerifyError(`no C compiler for the ${target} helper (${COMPILERS[target].join(', ')}): install ${PACKAGES[target]} (Debian: apt-get install ${PACKAGES[target]})`);
}

/** Builds (or finds in the cache) the helper for `target`; returns the binary's path. */
export async function buildHelper(target: Target = 'native'): Promise<string> {
  const src = helperSourceDir();
  const files = fs.readdirSync(src).filter((f) => /\.[ch]$/.test(f)).sort();
  const header = helperOpsHeader();
  const { cc, version } = await findCompiler(target);
  const flags = ['-O2', '-g0', '-std=gnu11', '-D_GNU_SOURCE', '-pthread', '-Wall', '-Wextra', '-Wno-format-truncation',
    ...(target === 'native' ? [] : ['-static']),
    // AArch32: ARM state (clone3.c uses r7); both 32-bit builds: a 64-bit time_t, as a time64 libc has (helper.h maps
    // the raw calls)
    ...(target === 'arm32-static' ? ['-marm'] : []),
    // AArch32: segments aligned for every arm64 page size. The armhf linker aligns them to 4K, and a 16K or 64K kernel
    // maps a segment only where its address and file offset agree modulo PAGE_SIZE (elf_map, fs/binfmt_elf.c): the
    // exec died past its point of no return on Debian's arm64-16k 6.12.118 once the data segment moved by 4K
    ...(target === 'arm32-static' ? ['-Wl,-z,max-page-size=0x10000'] : []),
    ...(target === 'arm32-static' || target === 'ia32-static' ? ['-D_TIME_BITS=64', '-D_FILE_OFFSET_BITS=64'] : [])];
  const h = createHash('sha256');
  for (const f of files) h.update(f).update(fs.readFileSync(path.join(src, f)));
  h.update(header).update(version).update(flags.join(' ')).update(target);
  const dir = path.join(cacheRoot(), `${target}-${h.digest('hex').slice(0, 16)}`);
  const bin = path.join(dir, 'timens-helper');
  if (fs.existsSync(bin)) return bin;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'ops.gen.h'), header);
  const tmp = `${bin}.${process.pid}.tmp`;
  const r = await run(cc, [...flags, '-I', dir, ...files.filter((f) => f.endsWith('.c')).map((f) => path.join(src, f)), '-o', tmp]);
  if (!r.ok) {
    fs.rmSync(tmp, { force: true });
    throw new VerifyError(`building the helper with ${cc} failed:\n${r.stderr.trim().split('\n').slice(0, 20).join('\n')}`);
  }
  fs.renameSync(tmp, bin);
  return bin;
}
