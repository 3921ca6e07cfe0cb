// /proc/PID/uid_map, gid_map and setgroups (kernel/user_namespace.c map_write, new_idmap_permitted,
// verify_root_map, proc_setgroups_write; fs/proc/base.c proc_id_map_open, proc_setgroups_open).

import type { OpenFile, IdExtent, UserRec } from '../../store/records';
import { task, user, type KernelContext } from '../context';
import { capable, capCheck, fromKid, makeKid, type Cred } from '../cred';
import { SPACE } from '../../ctype';
import { byteString, cString } from '../../ops';

export type IdFile = 'uid_map' | 'gid_map' | 'setgroups';
export const ID_FILES: readonly string[] = ['uid_map', 'gid_map', 'setgroups'];

const U32 = 0x1_0000_0000;
const UID_GID_MAP_MAX_EXTENTS = 340;
/** The initial user namespace's maps: every id to itself. */
const IDENTITY: readonly IdExtent[] = [{ first: 0, lower: 0, count: 4294967295 }];

function fileOf(fd: OpenFile): IdFile {
  return fd.path.slice(fd.path.lastIndexOf('/') + 1) as IdFile;
}

function openerOf(fd: OpenFile): Cred {
  return { userNs: fd.openerUserNs, fullCaps: fd.openerFullCaps, euid: fd.openerEuid };
}

/** proc_setgroups_open for writing: CAP_SYS_ADMIN over the target's user namespace, else EACCES. */
export function idFileOpen(k: KernelContext, t: string, rest: string, target: string, mode: 'r' | 'w' | 'rw'): void {
  if (rest !== 'setgroups' || mode === 'r') return;
  const ns = task(k, target).userNs;
  if (!capCheck(k, 'ns_capable', task(k, t), ns, 'CAP_SYS_ADMIN')) k.fail('EACCES', `${t} lacks CAP_SYS_ADMIN over ${ns}: proc_setgroups_open refuses a writer`);
}

/** The user namespace of an id file: the one its open took (`fd.user`). */
function nsOf(k: KernelContext, fd: OpenFile): UserRec {
  return user(k, fd.user ?? task(k, fd.task!).userNs);
}

export function idFileRead(k: KernelContext, fd: OpenFile): string {
  const u = nsOf(k, fd);
  const file = fileOf(fd);
  if (file === 'setgroups') return k.fn('proc_setgroups_show', () => (u._setgroupsDeny ? 'deny\n' : 'allow\n'));
  return k.fn(file === 'uid_map' ? 'uid_m_show' : 'gid_m_show', () => {
    const which = file === 'uid_map' ? 'uid' : 'gid';
    const map = u.parent === null ? IDENTITY : which === 'uid' ? u._uidMap : u._gidMap;
    // the lower ids as the opener sees them (uid_m_show: lower_ns = seq_user_ns(seq), the file's f_cred, not the
    // reader's): in its own user ns, or in the parent when it opened its own ns's map
    let openerNs = user(k, fd.openerUserNs);
    if (openerNs.id === u.id && openerNs.parent !== null) openerNs = user(k, openerNs.parent);
    const pad = (n: number) => String(n).padStart(10, ' ');
    return map.map((e) => `${pad(e.first)} ${pad(fromKid(openerNs, which, e.lower) ?? U32 - 1)} ${pad(e.count)}\n`).join('');
  });
}

export function idFileWrite(k: KernelContext, t: string, fd: OpenFile, bytes: Uint8Array): number {
  const file = fileOf(fd);
  const u = nsOf(k, fd);
  if (file === 'setgroups') return setgroupsWrite(k, fd, u, bytes);
  return k.fn(file === 'uid_map' ? 'proc_uid_map_write' : 'proc_gid_map_write', () => k.fn('map_write', () => mapWrite(k, t, fd, u, file, bytes)));
}

/** What proc_setgroups_write takes: allow or deny, then isspace's bytes alone (skip_spaces, then `*pos != '\0'`). */
const SETGROUPS_WORD = new RegExp(`^(allow|deny)${SPACE}*$`);

function setgroupsWrite(k: KernelContext, fd: OpenFile, u: UserRec, bytes: Uint8Array): number {
  return k.fn('proc_setgroups_write', () => {
    if (fd.pos !== 0 || bytes.length >= 8) k.fail('EINVAL', fd.pos !== 0 ? 'the file position is not 0' : `count ${bytes.length} >= 8`);
    // kbuf[count] = '\0' makes the buffer a C string: strncmp and skip_spaces stop at its first NUL, so "deny\0x" is
    // "deny" (the write still returns the whole count)
    const text = cString(byteString(bytes));
    const m = SETGROUPS_WORD.exec(text);
    if (!m) k.fail('EINVAL', `'${text}' is neither allow nor deny`);
    if (m[1] === 'allow') {
      if (u._setgroupsDeny) k.fail('EPERM', `${u.id} already says deny, which cannot be undone`);
    } else {
      const written = u.parent === null || u._gidMap.length > 0;
      if (written) k.fail('EPERM', `${u.id}'s gid_map is already written`);
      k.r.set(k.userNamespaces, u.id, '_setgroupsDeny', true);
      k.state(k.txt`${u.id}: setgroups deny`);
    }
    return bytes.length;
  });
}

/** The lines map_write parses from `text`, the write's bytes one character per byte (byteString): memdup_user_nul makes
 *  the buffer a C string, so the text ends at its first NUL (strchr, skip_spaces and simple_strtoul stop there; the
 *  write still returns the whole count), and it is cut at each '\n', a '\n' at the end ending the loop
 *  ("if (*next_line == '\0') next_line = NULL;"). */
export function idMapLines(text: string): string[] {
  const lines = cString(text).split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** `first lower count` with isspace's bytes around and between them (a line has no '\n'). */
const ID_MAP_LINE = new RegExp(`^${SPACE}*(\\d+)${SPACE}+(\\d+)${SPACE}+(\\d+)${SPACE}*$`);

/** One line of a map: `first lower count`, as map_write's simple_strtoul parse reads it into u32 fields. A number
 *  past ULLONG_MAX wraps mod 2^64, or from 7.2 saturates at ULLONG_MAX (`saturate`: simple_strtoul goes through the
 *  simple_strntoull of sscanf, switch scanSaturates), so "0 0 18446744073709551617" has count 1, or 0xffffffff. */
export function parseIdMapLine(line: string, saturate: boolean): IdExtent | null {
  // each field is at least one digit: simple_strtoul reads none from a blank or another byte and leaves pos there, and
  // "if (!isspace(*pos)) goto out;" (a count of none is 0, EINVAL below), so "4  2" is EINVAL, not 4 0 2
  const m = ID_MAP_LINE.exec(line);
  if (!m) return null;
  const ULLONG_MAX = (1n << 64n) - 1n;
  const u32 = (s: string) => {
    const v = BigInt(s);
    return Number((v > ULLONG_MAX && saturate ? ULLONG_MAX : v) % BigInt(U32));
  };
  const first = u32(m[1]);
  const lower = u32(m[2]);
  const count = u32(m[3]);
  if (first === U32 - 1 || lower === U32 - 1) return null;
  if (first + count >= U32 || lower + count >= U32 || count === 0) return null;
  return { first, lower, count };
}

function overlaps(a: IdExtent, b: IdExtent): boolean {
  return (a.first < b.first + b.count && b.first < a.first + a.count) || (a.lower < b.lower + b.count && b.lower < a.lower + a.count);
}

function mapWrite(k: KernelContext, t: string, fd: OpenFile, u: UserRec, file: 'uid_map' | 'gid_map', bytes: Uint8Array): number {
  const which = file === 'uid_map' ? 'uid' : 'gid';
  const opener = openerOf(fd);
  if (u.parent === null) k.fail('EPERM', 'the initial user namespace has its maps');
  if (opener.userNs !== u.id && opener.userNs !== u.parent) k.fail('EPERM', `the opener is in ${opener.userNs}, neither ${u.id} nor its parent`);
  if (fd.pos !== 0 || bytes.length >= k.sw.pageSize) k.fail('EINVAL', fd.pos !== 0 ? 'the file position is not 0' : `count ${bytes.length} >= PAGE_SIZE (${k.sw.pageSize})`);
  if ((which === 'uid' ? u._uidMap : u._gidMap).length) k.fail('EPERM', `${u.id}'s ${file} is already written: only one successful write`);
  if (!capCheck(k, 'file_ns_capable', opener, u.id, 'CAP_SYS_ADMIN')) k.fail('EPERM', `the opener lacks CAP_SYS_ADMIN over ${u.id}`);
  const lines = idMapLines(byteString(bytes));
  const extents: IdExtent[] = [];
  for (const line of lines) {
    const e = parseIdMapLine(line, k.sw.scanSaturates);
    if (!e) k.fail('EINVAL', `'${line}' is not 'first lower count'`);
    if (extents.some((x) => overlaps(x, e))) k.fail('EINVAL', `'${line}' overlaps an earlier extent`);
    extents.push(e);
    if (extents.length > UID_GID_MAP_MAX_EXTENTS) k.fail('EINVAL', `more than ${UID_GID_MAP_MAX_EXTENTS} extents`);
  }
  if (!extents.length) k.fail('EINVAL', 'no extent');
  const me = task(k, t);
  const parent = user(k, u.parent);
  if (!newIdmapPermitted(k, fd, u, parent, which, extents, me)) {
    k.fail('EPERM', `new_idmap_permitted: not one extent of the writer's own ${which === 'uid' ? 'euid' : 'egid (with setgroups deny)'}, and no CAP_SET${which.toUpperCase()} over ${parent.id}`);
  }
  // the lower ids, from the parent's ids into kernel ids (map_id_range_down: a range within one parent extent)
  const down = extents.map((e) => {
    const kid = makeKid(parent, which, e.lower, e.count);
    if (kid === null) k.fail('EPERM', `${e.lower}..${e.lower + e.count - 1} is not mapped in ${parent.id}`);
    return { first: e.first, lower: kid, count: e.count };
  });
  k.r.set(k.userNamespaces, u.id, which === 'uid' ? '_uidMap' : '_gidMap', down);
  k.state(k.txt`${u.id}: ${file} ${down.map((e) => `${e.first} ${e.lower} ${e.count}`).join(', ')}`);
  return bytes.length;
}

function newIdmapPermitted(k: KernelContext, fd: OpenFile, u: UserRec, parent: UserRec, which: 'uid' | 'gid', extents: readonly IdExtent[], me: ReturnType<typeof task>): boolean {
  const opener = openerOf(fd);
  return k.fn('new_idmap_permitted', () => {
    // verify_root_map (5.12+): mapping the parent's id 0 needs CAP_SETFCAP (the creator's, or the opener's over the parent)
    if (which === 'uid' && extents.some((e) => e.lower === 0)) {
      const ok = opener.userNs === u.id ? u._parentCouldSetfcap : capable(k, opener, parent.id);
      if (!ok) return false;
    }
    if (extents.length === 1 && extents[0].count === 1 && u.ownerUid === opener.euid) {
      const kid = makeKid(parent, which, extents[0].lower, 1);
      if (which === 'uid' && kid === opener.euid) return true;
      if (which === 'gid' && u._setgroupsDeny && kid === me._egid) return true;
    }
    return capable(k, me, parent.id) && capable(k, opener, parent.id);
  }, (v) => k.txt`new_idmap_permitted = ${v}`);
}
