// Verify under qemu: boots a kernel image (x86_64 bzImage or arm64 Image) with a generated initramfs whose
// init is the static helper and whose /plan holds every scenario; the helper writes framed result lines to
// the console and powers the VM off. TCG is used when KVM is not available, or when a KVM boot never reaches the helper.

import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PAGE_SIZES, VSYSCALL_MODES, type Machine, type PageSize, type Profile, type VsyscallMode } from '../sim/types';
import { buildHelper, VerifyError } from './build';
import { cpioNewc } from './cpio';
import type { RunMode } from './operations';
import { planInput, profileForKernel, type Plan } from './plan';
import { parseLine, unframe } from './protocol';
import type { KernelInfo } from './report';
import { checkConfig, Collector, type RunResult } from './run';

export interface QemuOptions {
  readonly image: string;
  readonly arch?: 'x86_64' | 'arm64';
  /** The kernel's version when it cannot be read from the image (e.g. 6.12). */
  readonly kernel?: string;
  readonly memoryMb?: number;
  /** The whole boot's time limit. */
  readonly timeoutMs?: number;
  /** Where to keep the console output (for diagnosis). */
  readonly consoleLog?: string;
  /** More kernel command line (checkCmdline), after verify's own: a boot option the model knows, such as vsyscall=xonly. */
  readonly cmdline?: string;
}

/** The machine properties boot options set: vsyscall= and ia32_emulation= (kstrtobool: 0, n, off, f… is false). */
export function machineFromCmdline(cmdline: string): Partial<Machine> {
  const m: { vsyscall?: VsyscallMode; ia32Emulation?: boolean } = {};
  for (const word of cmdline.split(' ')) {
    const [key, value = ''] = word.split('=');
    if (key === 'vsyscall' && (VSYSCALL_MODES as readonly string[]).includes(value)) m.vsyscall = value as VsyscallMode;
    if (key === 'ia32_emulation') m.ia32Emulation = !/^(0|n|off|f)/i.test(value);
  }
  return m;
}

/** Why `extra` cannot be added to the kernel command line, or null: verify's own options stay its. */
export function checkCmdline(extra: string): string | null {
  if (extra.length > 512) return 'the kernel command line given is longer than 512 characters';
  if (!/^[\x21-\x7e]+( [\x21-\x7e]+)*$/.test(extra)) return 'the kernel command line given must be printable words separated by single spaces';
  const own = extra.split(' ').find((w) => /^(rdinit|init|console|panic|loglevel)=/.test(w));
  return own ? `the kernel command line given sets ${own.split('=')[0]}=, which verify needs for itself` : null;
}

/** arm64 Image header flags bits 1-2 (Documentation/arch/arm64/booting.rst): the page size the kernel was built for. */
const ARM64_IMAGE_PAGE_SIZES = [undefined, ...PAGE_SIZES] as const;

/**
 * What the image says about itself: its architecture, the release in its version banner, and (arm64) the page
 * size its header's flags give (0: unspecified, as before 3.17).
 */
export function sniffImage(bytes: Uint8Array): { arch: 'x86_64' | 'arm64' | null; release: string | null; pageSize?: PageSize } {
  const ascii = (off: number, n: number) => String.fromCharCode(...bytes.subarray(off, off + n));
  if (bytes.length > 0x210 && ascii(0x202, 4) === 'HdrS') {
    const ptr = bytes[0x20e] | (bytes[0x20f] << 8);
    const at = ptr + 0x200;
    const end = bytes.indexOf(0, at);
    const s = end > at ? ascii(at, Math.min(end - at, 200)) : '';
    return { arch: 'x86_64', release: /^(\S+)/.exec(s)?.[1] ?? null };
  }
  if (bytes.length > 0x40 && ascii(0x38, 4) === 'ARM\x64') {
    const banner = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).indexOf('Linux version ');
    const rel = banner >= 0 ? /^Linux version (\S+)/.exec(ascii(banner, 120))?.[1] ?? null : null;
    const pageSize = ARM64_IMAGE_PAGE_SIZES[(bytes[24] >> 1) & 3];
    return { arch: 'arm64', release: rel, ...(pageSize ? { pageSize } : {}) };
  }
  return { arch: null, release: null };
}

/** Whether qemu may use KVM for `arch`: the host's own architecture and a /dev/kvm this process may open. */
function kvmAvailable(arch: 'x86_64' | 'arm64'): boolean {
  if (arch !== os.machine().replace('aarch64', 'arm64')) return false;
  try {
    fs.accessSync('/dev/kvm', fs.constants.R_OK | fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * How long a KVM boot may take to reach the helper's hello before verify boots again under TCG. A KVM guest says
 * hello within seconds; a nested one whose hypervisor does not run the guest spins in KVM_RUN for ever (seen on a
 * 6.18 microVM guest with /dev/kvm: stuck after "Probing EDD", 100% system time, for 10 minutes).
 */
const KVM_HELLO_MS = 60_000;

function qemuCommand(arch: 'x86_64' | 'arm64', kvm: boolean, image: string, initrd: string, memoryMb: number, extra?: string, pageSize?: number): { bin: string; args: string[]; pkg: string } {
  const append = `console=${arch === 'x86_64' ? 'ttyS0' : 'ttyAMA0'} loglevel=1 panic=-1 rdinit=/init${extra ? ` ${extra}` : ''}`;
  const common = ['-m', String(memoryMb), '-smp', '1', '-nographic', '-no-reboot', '-kernel', image, '-initrd', initrd, '-append', append];
  if (arch === 'x86_64') {
    return { bin: 'qemu-system-x86_64', pkg: 'qemu-system-x86', args: [...(kvm ? ['-enable-kvm', '-cpu', 'host'] : ['-cpu', 'max']), ...common] };
  }
  // The Cortex-A57 has no 16K translation granule (ID_AA64MMFR0_EL1.TGran16), which a 16K kernel needs to boot:
  // qemu's `max` has every granule; pauth-impdef keeps its pointer authentication from slowing TCG down.
  const cpu = pageSize === 16384 ? 'max,pauth-impdef=on' : 'cortex-a57';
  return { bin: 'qemu-system-aarch64', pkg: 'qemu-system-arm', args: ['-machine', 'virt', ...(kvm ? ['-enable-kvm', '-cpu', 'host'] : ['-cpu', cpu]), ...common] };
}

/** One boot: the helper's lines collected from the console, or `stalled` when the hello did not come by `helloMs`. */
interface Boot { readonly col: Collector; readonly bootMs: number; readonly stalled: boolean }

function boot(q: { bin: string; args: string[]; pkg: string }, o: QemuOptions, col: Collector, log: fs.WriteStream | null,
  signal: AbortSignal | undefined, helloMs: number | null): Promise<Boot> {
  const t0 = Date.now();
  let bootMs = 0;
  let stalled = false;
  return new Promise<Boot>((resolve, reject) => {
    const child = spawn(q.bin, q.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let buf = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new VerifyError(`the VM did not finish within ${Math.round((o.timeoutMs ?? 900_000) / 1000)} s (console: ${o.consoleLog ?? 'not kept'})`)); }, o.timeoutMs ?? 900_000);
    const helloTimer = helloMs === null ? null : setTimeout(() => { if (!col.hello) { stalled = true; child.kill('SIGKILL'); } }, helloMs);
    const abort = () => child.kill('SIGKILL');
    signal?.addEventListener('abort', abort, { once: true });
    child.stdout.setEncoding('latin1');
    child.stdout.on('data', (d: string) => {
      log?.write(d);
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const raw = buf.slice(0, nl).replace(/\r/g, '');
        buf = buf.slice(nl + 1);
        const payload = unframe(raw);
        if (payload === null) { col.add({ kind: 'noise', text: raw }); continue; }
        const r = parseLine(payload);
        if (r.kind === 'hello' && !bootMs) bootMs = Date.now() - t0;
        col.add(r);
      }
    });
    child.stderr.on('data', (d: Buffer) => log?.write(d));
    const done = () => {
      clearTimeout(timer);
      if (helloTimer) clearTimeout(helloTimer);
      signal?.removeEventListener('abort', abort);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      done();
      reject(new VerifyError(e.code === 'ENOENT' ? `${q.bin} is not installed (Debian: apt-get install ${q.pkg})` : `cannot start ${q.bin}: ${e.message}`));
    });
    child.on('close', () => {
      done();
      if (signal?.aborted) reject(new VerifyError('cancelled'));
      else resolve({ col, bootMs, stalled });
    });
  });
}

export interface QemuRun {
  readonly plans: readonly Plan[];
  readonly run: RunResult;
  readonly info: KernelInfo;
  readonly bootMs: number;
  readonly totalMs: number;
}

export async function runQemu(o: QemuOptions, makePlans: (p: Profile, m: RunMode) => Plan[],
  ctl: { signal?: AbortSignal; onLine?: (file: string, line: number) => void } = {}): Promise<QemuRun> {
  const badCmdline = o.cmdline ? checkCmdline(o.cmdline) : null;
  if (badCmdline) throw new VerifyError(badCmdline);
  let bytes: Uint8Array;
  try { bytes = await fs.promises.readFile(o.image); } catch (e) { throw new VerifyError(`cannot read the kernel image ${o.image}: ${(e as NodeJS.ErrnoException).code ?? e}`); }
  const sniff = sniffImage(bytes);
  const arch = o.arch ?? sniff.arch;
  if (!arch) throw new VerifyError(`${o.image} is neither an x86_64 bzImage nor an arm64 Image; give --arch (a compressed vmlinuz must be unpacked first)`);
  const release = o.kernel ?? sniff.release;
  const profile = release ? profileForKernel(arch, release) : null;
  if (!profile) throw new VerifyError(`cannot tell the kernel version of ${o.image}; give --kernel (e.g. --kernel 6.12)`);
  // arm64 kernels run AArch32 tasks too (CONFIG_COMPAT), x86_64 ones ia32 tasks (CONFIG_IA32_EMULATION): their lines
  // need the helper's 32-bit build, if it builds.
  const helper32 = await buildHelper(arch === 'arm64' ? 'arm32-static' : 'ia32-static').catch(() => null);
  const mode: RunMode = { kind: 'initial', uids: 'all', sleepCapMs: 3000, ...(helper32 ? { compat: true } : {}) };
  // Planned before the hello: the machine the boot options make, as far as they change the commands sent.
  // and the page size the image was built for (an arm64 build choice), which the hello's getpagesize() confirms
  const bootMachine = { ...(o.cmdline ? machineFromCmdline(o.cmdline) : {}), ...(sniff.pageSize ? { pageSize: sniff.pageSize } : {}) };
  const plans = makePlans(Object.keys(bootMachine).length ? { ...profile, machine: bootMachine } : profile, mode);
  const helper = await buildHelper(arch === 'x86_64' ? 'x86_64-static' : 'arm64-static');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'timens-qemu-'));
  try {
    const initrd = path.join(dir, 'initramfs.cpio');
    await fs.promises.writeFile(initrd, cpioNewc([
      { name: 'dev', type: 'dir', mode: 0o755 },
      { name: 'dev/console', type: 'char', mode: 0o600, rdev: [5, 1] },
      { name: 'proc', type: 'dir', mode: 0o555 },
      { name: 'init', type: 'file', mode: 0o755, data: await fs.promises.readFile(helper) },
      ...(helper32 ? [{ name: 'helper32', type: 'file' as const, mode: 0o755, data: await fs.promises.readFile(helper32) }] : []),
      { name: 'plan', type: 'file', mode: 0o644, data: new TextEncoder().encode(planInput(plans)) },
    ]));
    const byLabel = new Map(plans.map((p) => [p.label, p.file]));
    const collector = () => new Collector((label, n) => ctl.onLine?.(byLabel.get(label) ?? label, n - 1));
    const log = o.consoleLog ? fs.createWriteStream(o.consoleLog) : null;
    const t0 = Date.now();
    const kvm = kvmAvailable(arch);
    let q = qemuCommand(arch, kvm, o.image, initrd, o.memoryMb ?? 512, o.cmdline, sniff.pageSize);
    let booted = await boot(q, o, collector(), log, ctl.signal, kvm ? KVM_HELLO_MS : null).catch((e: unknown) => { log?.end(); throw e; });
    let accel = kvm ? 'KVM' : 'TCG';
    if (booted.stalled) {
      log?.write(`\n[verify] no hello within ${KVM_HELLO_MS / 1000} s under KVM: booting again under TCG\n`);
      q = qemuCommand(arch, false, o.image, initrd, o.memoryMb ?? 512, o.cmdline, sniff.pageSize);
      booted = await boot(q, o, collector(), log, ctl.signal, null).catch((e: unknown) => { log?.end(); throw e; });
      accel = `TCG: KVM did not reach the helper within ${KVM_HELLO_MS / 1000} s`;
    }
    log?.end();
    const { col, bootMs } = booted;
    if (!col.hello) {
      throw new VerifyError(`the VM never ran the helper; the kernel needs an initramfs, a serial console and CONFIG_TIME_NS (console: ${col.noise.slice(-5).join(' | ') || 'empty'})`);
    }
    checkConfig(col.hello);
    const got = profileForKernel(col.hello.arch, col.hello.release);
    if (!got || got.kernel !== profile.kernel || got.arch !== profile.arch) {
      throw new VerifyError(`the VM runs Linux ${col.hello.release} ${col.hello.arch}, but the plan was made for ${profile.arch} ${profile.kernel}: give --kernel`);
    }
    const totalMs = Date.now() - t0;
    const info: KernelInfo = { release: col.hello.release, arch: col.hello.arch, how: `${q.bin} (${accel}), initial namespaces of the VM, boot ${(bootMs / 1000).toFixed(1)} s${o.cmdline ? `, booted with ${o.cmdline}` : ''}` };
    return { plans, run: { hello: col.hello, lines: col.lines, failures: col.failures, hosts: col.hosts }, info, bootMs, totalMs };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
