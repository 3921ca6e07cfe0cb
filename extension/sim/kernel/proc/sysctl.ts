// The /proc/sys files of the sysctls the model has (fs/proc/proc_sysctl.c, kernel/ucount.c, kernel/sysctl.c):
// user.max_time_namespaces of the reader's user namespace (read and written), kernel.overflowuid/overflowgid and
// fs.suid_dumpable (read). Not seq_files: a read at a position other than 0 returns nothing.

import type { OpenFile } from '../../store/records';
import { task, user, type KernelContext } from '../context';
import { capable, INT_MAX, OVERFLOW_ID } from '../cred';

const MAX_TIME_NS = '/proc/sys/user/max_time_namespaces';

/** The sysctls the model has, by path: the text a read shows, for the reader's user namespace. */
const SYSCTLS: Readonly<Record<string, (k: KernelContext, userNs: string) => string>> = {
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

export function isSysctlFile(fd: OpenFile): boolean {
  return fd.kind === 'other' && fd.task === null && isSysctlPath(fd.path);
}

/** kernel/ucount.c set_permissions: 0644 becomes 0666 with CAP_SYS_RESOURCE over the set's user namespace, else
 *  0444; the initial one's root has it only when the machine's bounding set does. */
function writable(k: KernelContext, t: string, setNs: string): boolean {
  return capable(k, task(k, t), setNs) && (setNs !== 'user#0' || k.sw.initSysctlWritable);
}

/** proc_sys_open: an unknown name is ENOENT; a write open of a read-only mode is EACCES (proc_sys_permission). */
export function sysctlOpen(k: KernelContext, t: string, path: string, mode: 'r' | 'w' | 'rw'): OpenFile {
  const me = task(k, t);
  if (!(path in SYSCTLS)) k.fail('ENOENT', `${path}: not a sysctl this model has (${Object.keys(SYSCTLS).join(', ')})`);
  if (mode !== 'r') {
    k.fn('proc_sys_permission', () => {
      if (path !== MAX_TIME_NS) k.fail('ENOENT', `${path}: writes are not modelled`);
      if (!writable(k, t, me.userNs)) k.fail('EACCES', `${t} lacks CAP_SYS_RESOURCE over ${me.userNs}${me.userNs === 'user#0' && !k.sw.initSysctlWritable ? ' (not in root\'s bounding set on this machine)' : ''}: set_permissions makes it 0444`);
    });
  }
  return { path, kind: 'other', ns: null, task: null, pos: 0, openerUserNs: me.userNs, openerFullCaps: me.fullCaps, openerEuid: me.euid, _mode: mode };
}

/** proc_sys_call_handler for a read: the handler prints the whole value at position 0 and nothing after
 *  (`if (!table->maxlen || !*lenp || (*ppos && !write)) { *lenp = 0; return 0; }`). */
export function sysctlRead(k: KernelContext, fd: OpenFile, count: number): string {
  return k.fn('proc_sys_call_handler', () => {
    if (fd.pos !== 0) return '';
    return SYSCTLS[fd.path](k, fd.openerUserNs).slice(0, count);
  });
}

/** proc_sys_call_handler for a write of max_time_namespaces: the permission again (EPERM), then
 *  __do_proc_doulongvec_minmax with min 0, max INT_MAX; returns the bytes consumed. */
export function sysctlWrite(k: KernelContext, t: string, fd: OpenFile, text: string): { consumed: number; ignored?: boolean } {
  return k.fn('proc_sys_call_handler', () => {
    // error = -EPERM; if (sysctl_perm(head, table, write ? MAY_WRITE : MAY_READ)) goto out;
    if (!writable(k, t, fd.openerUserNs)) k.fail('EPERM', `${t} no longer has CAP_SYS_RESOURCE over ${fd.openerUserNs}`);
    // proc_first_pos_non_zero_ignore (sysctl_writes_strict = 1): a write past position 0 is ignored, yet the
    // handler leaves *lenp as it was, so the write reports every byte written (checked on Linux 6.18)
    if (fd.pos !== 0) {
      k.state(k.txt`the file position is ${fd.pos}: sysctl_writes_strict ignores the write`);
      return { consumed: new TextEncoder().encode(text).length, ignored: true };
    }
    return k.fn('proc_doulongvec_minmax', () => {
      const lead = /^[ \t\n\v\f\r]*/.exec(text)![0].length;
      if (lead === text.length) return { consumed: text.length };
      const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)(?=$|[ \t\n\v\f\r])/.exec(text.slice(lead));
      // proc_get_long: a sign or junk is -EINVAL (`if (err || neg) { err = -EINVAL; break; }`)
      if (!m) k.fail('EINVAL', `'${text.trim()}' is not an unsigned number (decimal, 0x hex or 0 octal)`);
      const v = Number(m[1].startsWith('0x') || m[1].startsWith('0X') ? BigInt(m[1]) : m[1].length > 1 && m[1][0] === '0' ? parseInt(m[1], 8) : BigInt(m[1]));
      if (v > INT_MAX) k.fail('EINVAL', `${m[1]} is above INT_MAX (extra2)`);
      const setNs = fd.openerUserNs;
      k.r.set(k.userNamespaces, setNs, 'maxTimeNamespaces', v);
      k.state(k.txt`${setNs}: user.max_time_namespaces = ${v}`);
      // one value (vleft 1), then the blanks after it: "3 4" consumes 2 bytes
      const after = lead + m[1].length;
      const blanks = /^[ \t\n\v\f\r]*/.exec(text.slice(after))![0].length;
      return { consumed: after + blanks };
    });
  });
}
