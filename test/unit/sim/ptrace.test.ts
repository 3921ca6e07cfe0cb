// Ptrace read access (issue 13 item 7): __ptrace_may_access and the commoncap cap_ptrace_access_check, as the
// opens and readlinks of /proc/PID/ns/* (FSCREDS, EACCES) and setns through a pidfd (REALCREDS, EPERM) use it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, op, F } from './helpers';

function world() {
  const h = harness();
  h.run('P1', op.fork('A'));
  h.run('A', op.unshare(F.CLONE_NEWUSER));
  h.run('P1', op.fork('B'));
  h.run('B', op.unshare(F.CLONE_NEWUSER));
  return h;
}

test('root of a child user ns may not open the namespace files of a root task of the parent, though the uids match', () => {
  const h = world();
  assert.equal(h.run('A', op.open('/proc/P1/ns/time', 'f')).errno, 'EACCES', 'cap_ptrace_access_check: other user ns, no CAP_SYS_PTRACE there');
  assert.equal(h.run('A', op.readlink('/proc/P1/ns/time')).errno, 'EACCES', 'proc_ns_readlink: the same check');
  assert.equal(h.run('A', op.setnsPath('/proc/P1/ns/time', F.CLONE_NEWTIME)).errno, 'EACCES', 'setns by path fails at the open, not later with EPERM');
  assert.equal(h.run('A', op.open('/proc/B/ns/time', 'f')).errno, 'EACCES', 'a sibling user ns');
});

test('the same user ns with a permitted set within the caller\'s, or CAP_SYS_PTRACE over the target\'s user ns, may', () => {
  const h = world();
  h.run('A', op.fork('A2'));
  assert.equal(h.run('A', op.open('/proc/A2/ns/time', 'f')).errno, null);
  assert.equal(h.run('P1', op.open('/proc/A/ns/time_for_children', 'g')).errno, null, 'the owner of user#1 has every capability over it');
  assert.equal(h.run('P1', op.write('/proc/A/uid_map', '0 0 2000')).errno, null, 'root of user#0 maps user#1');
  assert.equal(h.run('A2', op.setuid(1000)).errno, null);
  assert.equal(h.run('A2', op.open('/proc/A/ns/time', 'h')).errno, 'EACCES', 'uid 1000 without capabilities: other uids');
});

test('unprivileged tasks: same uids and dumpable, else EACCES; a pidfd setns says EPERM', () => {
  const h = harness();
  h.run(null, op.spawn('N1', 65534));
  h.run(null, op.spawn('N2', 65534));
  assert.equal(h.run('N2', op.open('/proc/N1/ns/time', 'n1')).errno, null);
  h.run('N1', { op: 'prctl_set_dumpable', dumpable: false });
  assert.equal(h.run('N2', op.open('/proc/N1/ns/time', 'n2')).errno, 'EACCES', 'task_still_dumpable');
  assert.equal(h.run('N2', op.open('/proc/P1/ns/time', 'n3')).errno, 'EACCES');
  const w = world();
  assert.equal(w.run('A', op.setnsPidfd('P1')).errno, 'EPERM', 'pidfd setns: the REALCREDS check, EPERM (kernel/nsproxy.c validate_nsset)');
});

test('/proc/PID/maps of a task on the caller\'s own mm opens without the ptrace check (mm_access); another mm\'s does not', () => {
  const h = harness();
  h.run('P1', op.clone(F.CLONE_VM | 17, 'K1'));
  assert.equal(h.run('K1', op.setuid(1000)).errno, null);
  assert.equal(h.run('K1', op.read('/proc/P1/maps')).errno, null, 'P1 is on K1\'s mm: "mm != current->mm && …"');
  assert.equal(h.run('P1', op.fork('C')).errno, null);
  assert.equal(h.run('K1', op.read('/proc/C/maps')).errno, 'EACCES', 'C\'s mm is a copy: uid 1000 has no ptrace access to root\'s task');
  assert.equal(h.run('K1', op.open('/proc/P1/ns/time', 'f')).errno, 'EACCES', 'the namespace files check ptrace access alone');
});

test('readlink of a /proc file that is no symbolic link: EINVAL before any permission check; a gone task\'s: ENOENT', () => {
  // fs/stat.c do_readlinkat: no symlink and no ->readlink → EINVAL; nothing is opened (outsider7-readlink-files,
  // Linux 6.18 x86_64: the model had said ENOENT)
  const h = harness();
  for (const p of ['/proc/self/timens_offsets', '/proc/uptime', '/proc/stat', '/proc/sys/user/max_time_namespaces', '/proc/self/uid_map', '/proc/self/maps', '/proc/self']) {
    assert.equal(h.run('P1', op.readlink(p)).errno, p === '/proc/self' ? null : 'EINVAL', p);
  }
  h.run('P1', op.fork('A'));
  h.run('A', { op: 'prctl_set_dumpable', dumpable: false });
  h.run('P1', op.fork('B'));
  h.run('B', op.setuid(1000));
  assert.equal(h.run('B', op.readlink('/proc/A/maps')).errno, 'EINVAL', 'no mm_access: nothing is opened');
  assert.equal(h.run('B', op.readlink('/proc/A/ns/time')).errno, 'EACCES', 'a link keeps its ptrace check');
  assert.equal(h.run('P1', op.readlink('/proc/Nobody/stat')).errno, 'ENOENT', 'a task name with no task: no such pid');
  assert.equal(h.run('P1', op.readlink('/proc/nobody/stat')).errno, 'ENOENT', 'a task may have a lowercase name too');
  assert.match(h.run('P1', op.readlink('/proc/meminfo/stat')).refused ?? '', /root's entry "meminfo"/, 'an entry of the /proc root');
  h.run('A', op.exit());
  assert.equal(h.run('P1', op.readlink('/proc/A/stat')).errno, 'ENOENT', 'the lookup finds no /proc/A');
  // /proc/thread-self is a symbolic link (fs/proc/thread_self.c): "TGID/task/TID"
  h.run('P1', op.thread('T'));
  const pid = (t: string) => h.sim.state().tasks[t].pid;
  assert.equal(h.run('T', op.readlink('/proc/thread-self')).text, `${pid('P1')}/task/${pid('T')}`);
});

test('prctl(PR_SET_DUMPABLE) with an arg2 other than 0 or 1 is EINVAL and leaves dumpability as it was', () => {
  // kernel/sys.c: arg2 != SUID_DUMP_DISABLE && arg2 != SUID_DUMP_USER → -EINVAL (outsider7-prctl-dumpable)
  const h = harness();
  h.run('P1', op.fork('A'));
  h.run('A', op.setuid(1000));
  assert.equal(h.run('A', { op: 'prctl_set_dumpable', dumpable: true, value: 2 }).errno, 'EINVAL');
  assert.equal(h.sim.state().tasks.A.dumpable, false);
});
