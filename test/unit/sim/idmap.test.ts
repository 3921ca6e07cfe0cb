// Id maps and the mapping rule of create_user_ns (issue 13 item 8): kernel/user_namespace.c.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, op, F } from './helpers';

test('unshare(CLONE_NEWUSER) needs the euid and the egid mapped in the caller\'s user namespace', () => {
  const h = harness();
  assert.equal(h.run('P1', op.unshare(F.CLONE_NEWUSER)).errno, null, 'the initial user ns maps every id');
  assert.equal(h.run('P1', op.unshare(F.CLONE_NEWUSER)).errno, 'EPERM', 'user#1 has no maps');
  assert.equal(h.run('P1', op.unshare(F.CLONE_NEWUSER | F.CLONE_NEWTIME)).errno, 'EPERM');
  assert.equal(Object.keys(h.sim.state().userNamespaces).length, 2, 'the refused namespace is not kept');
  assert.equal(h.run('P1', op.unshare(F.CLONE_NEWTIME)).errno, null, 'a time namespace needs no mapping');
  assert.equal(h.run('P1', op.write('/proc/self/uid_map', '0 0 1')).ret, 5);
  assert.equal(h.run('P1', op.unshare(F.CLONE_NEWUSER)).errno, 'EPERM', 'the egid is still unmapped');
  assert.equal(h.run('P1', op.write('/proc/self/gid_map', '0 0 1')).errno, 'EPERM', 'gid_map one-liner needs setgroups deny');
  assert.equal(h.run('P1', op.write('/proc/self/setgroups', 'deny')).ret, 4);
  assert.equal(h.run('P1', op.write('/proc/self/gid_map', '0 0 1')).ret, 5);
  assert.equal(h.run('P1', op.unshare(F.CLONE_NEWUSER)).errno, null);
});

test('map_write: once, parsed strictly, one extent of one\'s own id unless privileged over the parent', () => {
  const h = harness();
  h.run(null, op.spawn('N', 65534));
  h.run('N', op.unshare(F.CLONE_NEWUSER));
  assert.equal(h.run('N', op.write('/proc/self/uid_map', '0 0 1')).errno, 'EPERM', 'verify_root_map: nobody had no CAP_SETFCAP');
  assert.equal(h.run('N', op.write('/proc/self/uid_map', '0 65534 1 junk')).errno, 'EINVAL');
  assert.equal(h.run('N', op.write('/proc/self/uid_map', '0 65534 0')).errno, 'EINVAL');
  assert.equal(h.run('N', op.write('/proc/self/uid_map', '4294967295 65534 1')).errno, 'EINVAL');
  assert.equal(h.run('N', op.write('/proc/self/uid_map', '0 65534 1\n1 65535 1')).errno, 'EPERM', 'two lines need CAP_SETUID over the parent');
  assert.equal(h.run('N', op.write('/proc/self/uid_map', '  0   65534  1  \n')).ret, 17);
  assert.equal(h.run('N', op.write('/proc/self/uid_map', '0 65534 1')).errno, 'EPERM', 'only one successful write');
  assert.equal(h.run('N', op.read('/proc/self/uid_map')).text, '         0      65534          1\n');
  assert.equal(h.run('N', op.write('/proc/self/setgroups', 'deny\n')).ret, 5);
  assert.equal(h.run('N', op.write('/proc/self/setgroups', 'allow')).errno, 'EPERM', 'deny cannot be undone');
  assert.equal(h.run('N', op.write('/proc/self/gid_map', '0 65534 1')).ret, 9);
  assert.equal(h.run('N', op.write('/proc/self/setgroups', 'deny')).errno, 'EPERM', 'the gid_map is written');
  // root of the parent may map ranges; the reader inside sees the parent's ids
  h.run('P1', op.fork('R'));
  h.run('R', op.unshare(F.CLONE_NEWUSER));
  assert.equal(h.run('P1', op.write('/proc/R/uid_map', '0 100000 65536\n65536 0 1')).ret, 24);
  assert.equal(h.run('R', op.read('/proc/self/uid_map')).text, '         0     100000      65536\n     65536          0          1\n');
  assert.equal(h.run('P1', op.write('/proc/P1/uid_map', '0 0 1')).errno, 'EPERM', 'the initial user namespace has its maps');
});

test('id() shows the ids through the task\'s own user namespace: unmapped ids read 65534', () => {
  const h = harness();
  const id = (t: string) => h.run(t, { op: 'id' }).text;
  assert.equal(id('P1'), 'uid=0 euid=0 gid=0 egid=0 caps=all');
  h.run('P1', op.fork('A'));
  h.run('A', op.unshare(F.CLONE_NEWUSER));
  assert.equal(id('A'), 'uid=65534 euid=65534 gid=65534 egid=65534 caps=all', 'from_kuid_munged: overflowuid');
  assert.equal(h.sim.state().tasks.A.euid, 0, 'the kernel uid is still 0');
  h.run('A', op.write('/proc/self/uid_map', '0 0 1'));
  assert.equal(id('A'), 'uid=0 euid=0 gid=65534 egid=65534 caps=all');
  h.run(null, op.spawn('N', 65534));
  assert.equal(id('N'), 'uid=65534 euid=65534 gid=65534 egid=65534 caps=none');
});

test('setuid takes an id of the caller\'s user namespace: EINVAL when unmapped (make_kuid)', () => {
  const h = harness();
  h.run('P1', op.fork('C'));
  h.run('C', op.unshare(F.CLONE_NEWUSER));
  assert.equal(h.run('C', op.setuid(0)).errno, 'EINVAL');
  h.run('C', op.write('/proc/self/uid_map', '0 0 1'));
  assert.equal(h.run('C', op.setuid(0)).errno, null);
  assert.equal(h.sim.state().tasks.C.fullCaps, true, 'still root of its namespace');
  assert.equal(h.run('C', op.setuid(5)).errno, 'EINVAL', 'only 0 is mapped');
});

test('an id past ULLONG_MAX in a map line wraps mod 2^64 into its u32 field, or from 7.2 saturates (simple_strtoul)', () => {
  for (const [kernel, shown] of [['6.18', '         0          0          1\n'], ['7.2', '         0          0 4294967295\n']] as const) {
    const h = harness(kernel);
    h.run('P1', op.fork('A'));
    h.run('A', op.unshare(F.CLONE_NEWUSER));
    assert.equal(h.run('P1', op.write('/proc/A/uid_map', '0 0 18446744073709551617')).ret, 24, kernel);
    assert.equal(h.run('P1', op.read('/proc/A/uid_map')).text, shown, kernel);
  }
});

test('a successful write of an id map or setgroups moves the position to its count (*ppos = count): the next write is EINVAL', () => {
  const h = harness();
  h.run('P1', op.fork('A'));
  h.run('A', op.unshare(F.CLONE_NEWUSER));
  h.run('P1', op.open('/proc/A/setgroups', 'g', 'rw'));
  assert.equal(h.run('P1', op.writeFd('g', 'deny\n')).ret, 5);
  assert.equal(h.run('P1', op.writeFd('g', 'deny')).errno, 'EINVAL', 'the position is 5');
  assert.equal(h.run('P1', { op: 'read', file: { fd: 'g' } }).text, '', 'a read goes on from there');
  h.run('P1', op.open('/proc/A/uid_map', 'u', 'w'));
  assert.equal(h.run('P1', op.writeFd('u', '0 0 1')).ret, 5);
  assert.equal(h.run('P1', op.writeFd('u', '0 0 1')).errno, 'EINVAL', 'the position, before the map already written (EPERM)');
  assert.equal(h.run('P1', { op: 'lseek', fd: 'u', offset: 0, whence: 'SEEK_SET' }).ret, 0);
  assert.equal(h.run('P1', op.writeFd('u', '0 0 1')).errno, 'EPERM');
});

test('an id file names the user namespace its task had at open (proc_id_map_open, proc_setgroups_open)', () => {
  const h = harness();
  h.run('P1', op.fork('A'));
  h.run('P1', op.open('/proc/A/uid_map', 'u0', 'w'));
  h.run('A', op.unshare(F.CLONE_NEWUSER));
  assert.equal(h.run('P1', op.writeFd('u0', '0 0 1')).errno, 'EPERM', 'the initial user namespace\'s map');
  h.run('P1', op.open('/proc/A/uid_map', 'u1', 'rw'));
  h.run('P1', op.open('/proc/A/setgroups', 's1', 'rw'));
  assert.equal(h.run('P1', op.write('/proc/A/uid_map', '0 0 1')).ret, 5);
  assert.equal(h.run('P1', op.write('/proc/A/gid_map', '0 0 1')).ret, 5);
  h.run('A', op.unshare(F.CLONE_NEWUSER));
  assert.equal(h.sim.state().tasks.A.userNs, 'user#2');
  assert.equal(h.run('P1', op.writeFd('u1', '0 0 1')).errno, 'EPERM', 'user#1\'s map is written');
  assert.equal(h.run('P1', op.writeFd('s1', 'deny')).errno, 'EPERM', 'user#1\'s gid_map is written');
  assert.equal(h.run('P1', { op: 'read', file: { fd: 'u1' } }).text, '         0          0          1\n');
  assert.equal(h.run('P1', op.read('/proc/A/uid_map')).text, '', 'user#2 has none');
});

test('uid_map shows lower ids as the opener\'s user namespace maps them (seq_user_ns), not the reader\'s', () => {
  const h = harness();
  h.run('P1', op.fork('B'));
  h.run('B', op.unshare(F.CLONE_NEWUSER));
  h.run('P1', op.write('/proc/B/uid_map', '0 1000 10'));
  h.run('P1', op.open('/proc/B/uid_map', 'r'));
  h.run('P1', op.fork('P2'));
  h.run('P2', op.unshare(F.CLONE_NEWUSER));
  assert.equal(h.run('P2', { op: 'read', file: { fd: 'r' } }).text, '         0       1000         10\n');
  assert.equal(h.run('P2', op.read('/proc/B/uid_map')).text, '         0 4294967295         10\n', 'opened by P2: unmapped in its namespace');
});

test('clone3(CLONE_NEWUSER|CLONE_NEWTIME) of an unmapped creator is create_user_ns\'s EPERM, before the time ucount\'s ENOSPC', () => {
  const h = harness();
  h.run('P1', op.fork('A'));
  h.run('A', op.unshare(F.CLONE_NEWUSER));
  assert.equal(h.run('A', op.write('/proc/sys/user/max_time_namespaces', '0')).errno, null);
  assert.equal(h.run('A', op.clone3(F.CLONE_NEWTIME | F.CLONE_NEWUSER, 'B')).errno, 'EPERM', 'copy_creds comes before copy_namespaces');
  assert.equal(h.run('A', op.clone3(F.CLONE_NEWTIME, 'C')).errno, 'ENOSPC');
  h.run('P1', op.write('/proc/A/uid_map', '0 0 1'));
  h.run('P1', op.write('/proc/A/gid_map', '0 0 1'));
  assert.equal(h.run('A', op.clone3(F.CLONE_NEWTIME | F.CLONE_NEWUSER, 'D')).errno, 'ENOSPC');
});

test('map_write and proc_setgroups_write read a C string: the text ends at its first NUL, the count is whole', () => {
  // kernel/user_namespace.c: memdup_user_nul (map_write), kbuf[count] = '\0' (proc_setgroups_write); strchr,
  // skip_spaces, simple_strtoul and strncmp stop at the NUL. Found by a map_write probe on Linux 6.18 x86_64.
  const h = harness();
  h.run('P1', op.fork('C'));
  h.run('C', op.unshare(F.CLONE_NEWUSER));
  assert.equal(h.run('P1', op.write('/proc/C/uid_map', '0 0 1\0 junk\n1 1 1')).ret, 17, 'one extent, then nothing');
  assert.equal(h.run('C', op.read('/proc/self/uid_map')).text, '         0          0          1\n');
  assert.equal(h.run('C', op.write('/proc/self/setgroups', 'deny\0x')).ret, 6);
  assert.equal(h.run('P1', op.write('/proc/C/gid_map', '\0 0 0 1')).errno, 'EINVAL', 'an empty text: no extent');
  assert.equal(h.run('P1', op.write('/proc/C/gid_map', '0 0 1\n\0')).ret, 7);
  h.run('P1', op.fork('D'));
  h.run('D', op.unshare(F.CLONE_NEWUSER));
  assert.equal(h.run('D', op.write('/proc/self/setgroups', 'allow\0x')).ret, 7, 'under 8 bytes (kbuf[8])');
  assert.equal(h.run('D', op.write('/proc/self/setgroups', '\0deny')).errno, 'EINVAL');
});

test('map_write: each of the three fields has a digit; two numbers with a double blank are EINVAL, not an empty field', () => {
  // simple_strtoul reads nothing from a blank and leaves pos on it; the next test wants a blank after each of the
  // first two numbers, and a count of none is 0 (EINVAL). Found by a map_write probe on Linux 6.18 x86_64.
  const h = harness();
  h.run('P1', op.fork('C'));
  h.run('C', op.unshare(F.CLONE_NEWUSER));
  for (const line of ['4  2', '104  2\n', '\r0\r1000', ' 09  02', '5 6 ', '  7']) {
    assert.equal(h.run('P1', op.write('/proc/C/uid_map', line)).errno, 'EINVAL', JSON.stringify(line));
  }
  assert.equal(h.run('C', op.write('/proc/self/uid_map', '993  401')).errno, 'EINVAL', 'EINVAL before new_idmap_permitted\'s EPERM');
  assert.equal(h.run('P1', op.write('/proc/C/uid_map', '\t4\v2\f1\r')).ret, 7);
});
