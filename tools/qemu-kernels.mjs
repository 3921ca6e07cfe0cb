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
 * 64-bit task's page, none for an ia32 task) would otherwise go unchecked; and the newest kernel Debian 13's
 * backports have (`suite`: looked up in an apt state of its own, never the machine's), whichever it is when the
 * tests run: the model's newest version answers for it. And Debian's arm64 kernels built with 16K pages (the arm64-16k
 * flavour, for Apple-silicon machines): 6.12 and the newest backport; verify boots them on a CPU with the 16K granule.
 */
export const KERNELS = [
  { id: 'arm64-6.1', debArch: 'arm64', meta: 'linux-image-arm64', arch: 'arm64' },
  { id: 'arm64-6.12', debArch: 'arm64', meta: 'linux-image-6.12-arm64', arch: 'arm64' },
  { id: 'x86_64-6.1', debArch: 'amd64', meta: 'linux-image-amd64', arch: 'x86_64' },
  { id: 'x86_64-6.1-xonly', debArch: 'amd64', meta: 'linux-image-amd64', arch: 'x86_64', cmdline: 'vsyscall=xonly' },
  { id: 'arm64-newest', debArch: 'arm64', meta: 'linux-image-arm64', arch: 'arm64', suite: 'trixie-backports' },
  { id: 'x86_64-newest', debArch: 'amd64', meta: 'linux-image-amd64', arch: 'x86_64', suite: 'trixie-backports' },
  { id: 'arm64-6.12-16k', debArch: 'arm64', meta: 'linux-image-6.12-arm64-16k', arch: 'arm64' },
  { id: 'arm64-newest-16k', debArch: 'arm64', meta: 'linux-image-arm64-16k', arch: 'arm64', suite: 'trixie-backports' },
];

export function cacheDir() {
  return process.env.TIMENS_KERNEL_CACHE || path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'timens-explorer', 'kernels');
}

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${(r.stderr || r.stdout || String(r.error)).trim().split('\n').slice(-3).join(' | ')}`);
  return r.stdout;
}

function aptOptions(debArch, suite) {
  if (debArch === 'amd64' && os.arch() === 'x64' && !suite) return [];
  const dir = path.join(cacheDir(), `apt-${debArch}${suite ? `-${suite}` : ''}`);
  for (const d of ['lists/partial', 'cache/archives/partial']) fs.mkdirSync(path.join(dir, d), { recursive: true });
  const own = [];
  if (suite) {
    // Debian's archive key signs every suite; bookworm's keyring has trixie's keys
    fs.writeFileSync(path.join(dir, 'sources.list'), `deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian ${suite} main\n`);
    own.push('-o', `Dir::Etc::SourceList=${dir}/sources.list`, '-o', 'Dir::Etc::SourceParts=/dev/null');
  }
  return ['-o', `APT::Architecture=${debArch}`, '-o', `APT::Architectures::=${debArch}`, '-o', `Dir::State::Lists=${dir}/lists`,
    '-o', `Dir::Cache=${dir}/cache`, '-o', 'Dir::State::status=/dev/null', '-o', 'Debug::NoLocking=1', ...own];
}

/** The image a kernel package holds: ./boot/vmlinuz-RELEASE, or ./usr/lib/modules/RELEASE/vmlinuz (Debian 13's). */
function imageIn(dir, release) {
  return [path.join(dir, 'boot', `vmlinuz-${release}`), path.join(dir, 'usr', 'lib', 'modules', release, 'vmlinuz')].find((f) => fs.existsSync(f));
}

const updated = new Set();

/** The kernel image of `k`, downloaded and unpacked once; returns {image, release}. */
export function fetchKernel(k) {
  const opts = aptOptions(k.debArch, k.suite);
  const state = `${k.debArch}${k.suite ?? ''}`;
  if (opts.length && !updated.has(state)) { sh('apt-get', [...opts, 'update', '-qq']); updated.add(state); }
  const deps = sh('apt-cache', [...opts, 'depends', k.meta]);
  const pkg = /Depends: (linux-image-\S+)/.exec(deps)?.[1];
  if (!pkg) throw new Error(`apt knows no kernel behind ${k.meta}`);
  const release = pkg.replace(/^linux-image-/, '').replace(/:.*$/, '');
  const dir = path.join(cacheDir(), release);
  const cached = imageIn(dir, release);
  if (cached) return { image: cached, release, pkg };
  fs.mkdirSync(dir, { recursive: true });
  // Debian 13's linux-image-RELEASE holds no image: linux-binary-RELEASE has it
  for (const name of [pkg, `linux-binary-${release}`]) {
    const dl = fs.mkdtempSync(path.join(os.tmpdir(), 'timens-deb-'));
    try {
      sh('apt-get', [...opts, 'download', `${name}:${k.debArch}`], { cwd: dl });
      const deb = fs.readdirSync(dl).find((f) => f.endsWith('.deb'));
      if (!deb) throw new Error(`apt-get download ${name} gave no .deb`);
      // only the image: the modules are not needed (CONFIG_TIME_NS, CONFIG_USER_NS and the serial consoles are built in)
      sh('sh', ['-c', 'dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" --wildcards ./boot "./usr/lib/modules/*/vmlinuz" 2>/dev/null; true', 'sh', path.join(dl, deb), dir]);
    } finally {
      fs.rmSync(dl, { recursive: true, force: true });
    }
    const image = imageIn(dir, release);
    if (image) return { image, release, pkg };
  }
  throw new Error(`neither ${pkg} nor linux-binary-${release} has ${path.join('boot', `vmlinuz-${release}`)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const k of KERNELS) console.log(k.id, JSON.stringify(fetchKernel(k)));
}
