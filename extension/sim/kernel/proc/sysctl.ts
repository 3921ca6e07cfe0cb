// The /proc/sys files of the sysctls the model has (fs/proc/proc_sysctl.c, kernel/ucount.c, kernel/sysctl.c):
// user.max_time_namespaces of the reader's user namespace (read and written), kernel.overflowuid/overflowgid and
// fs.suid_dumpable (read; opened for writing by kuid 0, the write not run). Not seq_files: a read at a position other than 0 returns nothing.

import type { OpenFile } from '../../store/records';
import { task, user, type KernelContext } from '../context';
import { capable, INT_MAX, OVERFLOW_ID } from '../cred';
import { SYSCTL_PATHS } from './names';
import { skipSpaces } from '../../ctype';

const MAX_TIME_NS = '/proc/sys/user/max_time_namespaces';

/** The sysctls the model has, by path: the text a read shows, for the reader's user namespace. */
const SYSCTLS: Readonly<Record<(typeof SYSCTL_PATHS)[number], (k: KernelContext, userNs: string) => string>> = {
  // kernel/ucount.c set_lookup: return &current_user_ns()->set;  (each user namespace has its own value)
  [MAX_TIME_NS]: (k, userNs) => `${user(k, userNs).maxTimeNamespaces}\n`,
  '/proc/sys/kernel/overflowuid': () => `${OVERFLOW_ID}\n`,
  '/proc/sys/kernel/overflowgid': () => `${OVERFLOW_ID}\n`,
  // fs/exec.c suid_dumpable: SUID_DUMP_DISABLE, the model's commit_creds resets dumpable to it
  '/proc/sys/fs/suid_dumpable': () => '0\n',
};

export function isSysctlPath(path: string): boolean {
  return path.startsWith('/proc/sys/');
}

/** A sysctl file the model has (a lookup of its path finds it). */
export function sysctlExists(path: string): boolean {
  return path in SYSCTLS;
}

export function isSysctlFile(fd: OpenFile): boolean {
  return fd.kind === 'other' && fd.task === null && isSysctlPath(fd.path);
}

/** kernel/ucount.c set_permissions: 0644 becomes 0666 with CAP_SYS_RESOURCE over the set's user namespace, else
 *  0444; the initial one's root has it only when the machine's bounding set does. */
function writable(k: KernelContext, t: string, setNs: string): boolean {
  return capable(k, task(k, t), setNs) && (setNs !== 'user#0' || k.sw.initSysctlWritable);
}

/** The global sysctls (kernel.overflowuid and overflowgid, kernel/sys.c; fs.suid_dumpable, fs/coredump.c): their
 *  root has no ->permissions, so sysctl_perm asks test_perm (fs/proc/proc_sysctl.c) of table->mode 0644, the owner
 *  bits for an euid of GLOBAL_ROOT_UID (kuid 0, whatever user namespace the task is in: no capability is asked), the
 *  group bits for an egid of GLOBAL_ROOT_GID, else the others'. */
function globalWritable(k: KernelContext, t: string): boolean {
  return task(k, t).euid === 0;
}

/** proc_sys_open: an unknown name is ENOENT; a write open of a read-only mode is EACCES (proc_sys_permission). */
export function sysctlOpen(k: KernelContext, t: string, path: string, mode: 'r' | 'w' | 'rw'): OpenFile {
  const me = task(k, t);
  if (!(path in SYSCTLS)) k.refuse(`${path}: not a sysctl this model has (${Object.keys(SYSCTLS).join(', ')})`);
  if (mode !== 'r') {
    k.fn('proc_sys_permission', () => {
      if (path !== MAX_TIME_NS) {
        if (!globalWritable(k, t)) k.fail('EACCES', `${path} is 0644 and ${t}'s euid is not kuid 0 (test_perm)`);
        return;
      }
      if (!writable(k, t, me.userNs)) k.fail('EACCES', `${t} lacks CAP_SYS_RESOURCE over ${me.userNs}${me.userNs === 'user#0' && !k.sw.initSysctlWritable ? ' (not in root\'s bounding set on this machine)' : ''}: set_permissions makes it 0444`);
    });
  }
  return { path, kind: 'other', ns: null, task: null, pos: 0, openerUserNs: me.userNs, openerFullCaps: me.fullCaps, openerEuid: me.euid, _mode: mode };
}

/** "error = -ENOMEM; if (count >= KMALLOC_MAX_SIZE) goto out;" (5.8+), after the permission test: the count as
 *  vfs_read and vfs_write cut it to MAX_RW_COUNT (INT_MAX & PAGE_MASK), which is larger than the bound. */
function tooLarge(k: KernelContext, count: number): void {
  const max = k.sw.sysctlKmallocMax;
  // a read without a count is the language's "all of it", which a program asks with a buffer of its size
  if (max !== null && count >= max && count !== Infinity) k.fail('ENOMEM', `a count of ${count} bytes: not below KMALLOC_MAX_SIZE (${max}), so proc_sys_call_handler does not allocate its buffer`);
}

/** proc_sys_call_handler for a read: the handler prints the whole value at position 0 and nothing after
 *  (`if (!table->maxlen || !*lenp || (*ppos && !write)) { *lenp = 0; return 0; }`). */
export function sysctlRead(k: KernelContext, fd: OpenFile, count: number): string {
  return k.fn('proc_sys_call_handler', () => {
    tooLarge(k, count);
    if (fd.pos !== 0) return '';
    return SYSCTLS[fd.path as keyof typeof SYSCTLS](k, fd.openerUserNs).slice(0, count);
  });
}

/** proc_sys_call_handler for a write of max_time_namespaces: the permission again (EPERM), then the handler
 *  (proc_doulongvec_minmax from 5.14, proc_dointvec_minmax before) with min 0, max INT_MAX; returns the bytes consumed,
 *  which the handler also adds to the position it was given (`out: *ppos += *lenp;`). */
export function sysctlWrite(k: KernelContext, t: string, fd: OpenFile, bytes: Uint8Array): { consumed: number; refused?: string } {
  return k.fn('proc_sys_call_handler', () => {
    // error = -EPERM; if (sysctl_perm(head, table, write ? MAY_WRITE : MAY_READ)) goto out;
    if (fd.path !== MAX_TIME_NS) {
      if (!globalWritable(k, t)) k.fail('EPERM', `${t}'s euid is not kuid 0 (test_perm at the write)`);
      // our choice: the model keeps these values fixed (65534, 65534, 0: what id() and commit_creds read), and a
      // write would change the whole machine's, so it is not run
      return { consumed: 0, refused: `a write of ${fd.path.slice('/proc/sys/'.length).replace('/', '.')}, a setting of the whole machine, which the model keeps fixed (our choice)` };
    }
    if (!writable(k, t, fd.openerUserNs)) k.fail('EPERM', `${t} no longer has CAP_SYS_RESOURCE over ${fd.openerUserNs}`);
    tooLarge(k, bytes.length);
    // proc_first_pos_non_zero_ignore (sysctl_writes_strict = 1): a write past position 0 is ignored, yet the
    // handler's "goto out" skips only the parse: "out: *ppos += *lenp;" with *lenp as it was, so the write reports
    // every byte written and the position moves past them (checked on Linux 6.18)
    if (fd.pos !== 0) {
      k.state(k.txt`the file position is ${fd.pos}: sysctl_writes_strict ignores the write`);
      return { consumed: bytes.length };
    }
    // "if (left > PAGE_SIZE - 1) left = PAGE_SIZE - 1;": the parse sees only the first PAGE_SIZE - 1 bytes (a number
    // or the blanks after it stop at that edge), while "*lenp -= left;" takes what is left of that window from the
    // whole count: a write of 5000 bytes that stops after 2 returns 5000 - (4095 - 2) = 907
    const window = bytes.subarray(0, Math.min(bytes.length, k.sw.pageSize - 1));
    const consumedOf = (end: number): number => bytes.length - (window.length - end);
    const handler = k.sw.ucountSysctlLong ? 'proc_doulongvec_minmax' : 'proc_dointvec_minmax';
    return k.fn(handler, () => {
      // if (!tbl_data || !table->maxlen || !*lenp || …) { *lenp = 0; return 0; }
      if (bytes.length === 0) return { consumed: 0 };
      let p = skipSpaces(window, 0);
      // the loop breaks on an empty rest before its first value: "if (write && first) return err ? : -EINVAL;"
      if (p === window.length) k.fail('EINVAL', `nothing but blanks${window.length < bytes.length ? ` in the first ${window.length} bytes (PAGE_SIZE - 1)` : ''}: the handler found no value`);
      const { value, neg, end } = procGetLong(k, window, p);
      if (k.sw.ucountSysctlLong) {
        // __do_proc_doulongvec_minmax: if (err || neg) { err = -EINVAL; break; }
        if (neg) k.fail('EINVAL', 'a minus sign: the unsigned long handler refuses it');
      } else if (neg && value !== 0n) {
        // do_proc_dointvec_minmax_conv: -lval is below extra1 (0), except -0, which is 0
        k.fail('EINVAL', `-${value} is below 0 (extra1)`);
      }
      if (value > BigInt(INT_MAX)) k.fail('EINVAL', `${value} is above INT_MAX (extra2)`);
      const v = Number(value);
      const setNs = fd.openerUserNs;
      k.r.set(k.userNamespaces, setNs, 'maxTimeNamespaces', v);
      k.state(k.txt`${setNs}: user.max_time_namespaces = ${v}`);
      // one value (vleft 1), then the blanks after it: "3 4" consumes 2 bytes
      p = skipSpaces(window, end);
      return { consumed: consumedOf(p) };
    });
  });
}


/** TMPBUFLEN (kernel/sysctl.c): proc_get_long copies at most TMPBUFLEN - 1 bytes of the number. */
const TMPBUFLEN = 22;
/** proc_wspace_sep: the bytes that may follow a number. */
const WSPACE_SEP = new Set([0x20, 0x09, 0x0a]);

/**
 * proc_get_long (kernel/sysctl.c) at byte `p` of the handler's window `bytes`: a '-' (with more than one byte left)
 * sets neg; then a digit, or EINVAL; strtoul_lenient with base 0 (0x hex, 0 octal), EINVAL on overflow; a number that
 * fills all TMPBUFLEN - 1 bytes is EINVAL ("we may accept invalid integers (e.g. 1234...a)"); the next byte, if any
 * is left ("if (len < *size && …)"), must be in proc_wspace_sep (' ', '\t', '\n'): "5\r" is EINVAL, although
 * isspace skips '\r' before a number, and a number that ends the window is taken whatever byte follows it.
 */
function procGetLong(k: KernelContext, bytes: Uint8Array, p: number): { value: bigint; neg: boolean; end: number } {
  const tmp = bytes.subarray(p, p + Math.min(bytes.length - p, TMPBUFLEN - 1));
  let i = 0;
  const neg = tmp[0] === 0x2d && bytes.length - p > 1;
  if (neg) i++;
  const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39;
  if (!isDigit(tmp[i])) k.fail('EINVAL', `'${String.fromCharCode(tmp[i] ?? 0)}' where a number begins`);
  // _parse_integer_fixup_radix: "0x" before a hex digit is base 16, another leading 0 base 8
  const hexDigit = (b: number | undefined): number => {
    if (b === undefined) return -1;
    if (b >= 0x30 && b <= 0x39) return b - 0x30;
    const l = b | 0x20;
    return l >= 0x61 && l <= 0x66 ? l - 0x61 + 10 : -1;
  };
  let base = 10n;
  if (tmp[i] === 0x30) {
    if ((tmp[i + 1] | 0x20) === 0x78 && hexDigit(tmp[i + 2]) >= 0) { base = 16n; i += 2; } else base = 8n;
  }
  let value = 0n;
  for (; i < tmp.length; i++) {
    const d = hexDigit(tmp[i]);
    if (d < 0 || BigInt(d) >= base) break;
    value = value * base + BigInt(d);
  }
  if (value > 0xffffffffffffffffn) k.fail('EINVAL', 'the number overflows an unsigned long (strtoul_lenient)');
  if (i === TMPBUFLEN - 1) k.fail('EINVAL', `the number fills all ${TMPBUFLEN - 1} bytes of proc_get_long's buffer`);
  const next = bytes[p + i];
  if (next !== undefined && !WSPACE_SEP.has(next)) k.fail('EINVAL', `byte 0x${next.toString(16).padStart(2, '0')} after the number is not in proc_wspace_sep`);
  return { value, neg, end: p + i };
}
