// A newc cpio archive writer, enough for an initramfs: directories, regular files and character devices.
// The kernel unpacks it at boot (init/initramfs.c); no external cpio is needed.

export interface CpioEntry {
  readonly name: string;                 // without a leading '/'
  readonly type: 'dir' | 'file' | 'char';
  readonly mode: number;                 // permission bits
  readonly data?: Uint8Array;
  readonly rdev?: readonly [number, number];
}

const TYPE_BITS = { dir: 0o040000, file: 0o100000, char: 0o020000 } as const;

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0');
}

function pad4(n: number): number {
  return (4 - (n % 4)) % 4;
}

export function cpioNewc(entries: readonly CpioEntry[]): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [];
  let ino = 1;
  const push = (name: string, mode: number, data: Uint8Array, rdev: readonly [number, number], nlink: number) => {
    const nameBytes = enc.encode(name + '\0');
    const header = '070701' + [ino++, mode, 0, 0, nlink, 0, data.length, 0, 0, rdev[0], rdev[1], nameBytes.length, 0].map(hex8).join('');
    parts.push(enc.encode(header), nameBytes, new Uint8Array(pad4(110 + nameBytes.length)), data, new Uint8Array(pad4(data.length)));
  };
  for (const e of entries) {
    push(e.name, TYPE_BITS[e.type] | (e.mode & 0o7777), e.type === 'file' ? e.data ?? new Uint8Array() : new Uint8Array(), e.rdev ?? [0, 0], e.type === 'dir' ? 2 : 1);
  }
  push('TRAILER!!!', 0, new Uint8Array(), [0, 0], 1);
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const p of parts) { out.set(p, off); off += p.length; }
  return out;
}
