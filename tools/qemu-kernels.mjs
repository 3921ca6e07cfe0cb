// Fetches Debian's kernel images for `npm run test:qemu` with apt (apt-get download + dpkg-deb), into a cache
// outside the clone: ~/.cache/timens-explorer/kernels (TIMENS_KERNEL_CACHE moves it). arm64 packages are
// looked up in an apt state of their own, so the machine's apt configuration is never changed.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The kernels the qemu tests boot: Debian 12's 6.1 and 6.12, by their meta packages; x86_64 6.1 once more with
 * vsyscall=xonly (`cmdline`, verify's --kernel-cmdline): Debian boots without a [vsyscall] page, whose rules (a
 * 64-bit task's page, none for an ia32 task) would otherwise go unchecked.
 */
export const KERNELS = [
  { id: 'arm64-6.1', debArch: 'arm64', meta: 'linux-image-arm64', arch: 'arm64' },
  { id: 'arm64-6.12', debArch: 'arm64', meta: 'linux-image-6.12-arm64', arch: 'arm64' },
  { id: 'x86_64-6.1', debArch: 'amd64', meta: 'linux-image-amd64', arch: 'x86_64' },
  { id: 'x86_64-6.1-xonly', debArch: 'amd64', meta: 'linux-image-amd64', arch: 'x86_64', cmdline: 'vsyscall=xonly' },
];

export function cacheDir() {
  return process.env.TIMENS_KERNEL_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'timens-explorer', 'kernels');
}

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${(r.stderr || r.stdout || String(r.error)).trim().split('\n').slice(-3).join(' | ')}`);
  return r.stdout;
}

function aptOptions(debArch) {
  if (debArch === 'amd64' && os.arch() === 'x64') return [];
  const dir = path.join(cacheDir(), `apt-${debArch}`);
  for (const d of ['lists/partial', 'cache/archives/partial']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  return ['-o', `APT::Architecture=${debArch}`, '-o', `APT::Architectures::=${debArch}`, '-o', `Dir::State::Lists=${dir}/lists`,
    '-o', `Dir::Cache=${dir}/cache`, '-o', 'Dir::State::status=/dev/null', '-o', 'Debug::NoLocking=1'];
}

const updated = new Set();

/** The kernel image of `k`, downloaded and unpacked once; returns {image, release}. */
export function fetchKernel(k) {
  const opts = aptOptions(k.debArch);
  if (opts.length && !updated.has(k.debArch)) { sh('apt-get', [...opts, 'update', '-qq']); updated.add(k.debArch); }
  const deps = sh('apt-cache', [...opts, 'depends', k.meta]);
  const pkg = /Depends: (linux-image-\S+)/.exec(deps)?.[1];
  if (!pkg) throw new Error(`apt knows no kernel behind ${k.meta}`);
  const release = pkg.replace(/^linux-image-/, '').replace(/:.*$/, '');
  const dir = path.join(cacheDir(), release);
  const image = path.join(dir, 'boot', `vmlinuz-${release}`);
  if (fs.existsSync(image)) return { image, release, pkg };
  fs.mkdirSync(dir, { recursive: true });
  const dl = fs.mkdtempSync(path.join(os.tmpdir(), 'timens-deb-'));
  try {
    sh('apt-get', [...opts, 'download', `${pkg}:${k.debArch}`], { cwd: dl });
    const deb = fs.readdirSync(dl).find((f) => f.endsWith('.deb'));
    if (!deb) throw new Error(`apt-get download ${pkg} gave no .deb`);
    // only ./boot: the modules are not needed (CONFIG_TIME_NS, CONFIG_USER_NS and the serial consoles are built in)
    sh('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" ./boot', 'sh', path.join(dl, deb), dir]);
  } finally {
    fs.rmSync(dl, { recursive: true, force: true });
  }
  if (!fs.existsSync(image)) throw new Error(`${pkg} has no ${image}`);
  return { image, release, pkg };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const k of KERNELS) console.log(k.id, JSON.stringify(fetchKernel(k)));
}
