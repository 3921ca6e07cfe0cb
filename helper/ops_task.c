/* Operations on tasks: namespaces (unshare, setns), task creation (fork, vfork, clone, clone3, threads),
 * execve, exit and credentials. A new task gets its own channel before it exists, so that a vfork parent,
 * which stays suspended, never has to answer for it. */
#include "helper.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <unistd.h>

#define CHILD_STACK (4u << 20)
/* Flags whose arguments the helper cannot give meaningfully: the line is refused rather than guessed. */
#define REFUSED_FLAGS (CLONE_SETTLS | CLONE_NEWPID | 0x200000000ULL /* CLONE_INTO_CGROUP */)

void op_unshare(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	if ((unsigned long long)a[0].i & CLONE_NEWPID) { r->ret = -1; r->err = EINVAL; res_add(r, " refused=newpid"); return; }
	res_errno(r, syscall(SYS_unshare, (unsigned long)a[0].i));
}

static int open_target(struct arg *t)
{
	char path[128];
	if (t->kind == 'f') return (int)t->i;
	if (t->kind == 'p') {
		if (path_to_string(&t->path, path, sizeof path)) { errno = EINVAL; return -1; }
		return open(path, O_RDONLY | O_CLOEXEC);
	}
	return (int)syscall(SYS_pidfd_open, (pid_t)t->pidfd_tid, 0);
}

void op_setns(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	int fd = open_target(&a[0]);
	if (fd < 0 && a[0].kind != 'f') { res_errno(r, -1); res_add(r, " at=%s", a[0].kind == 'P' ? "pidfd_open" : "open"); return; }
	res_errno(r, setns(fd, (int)a[1].i));
	if (a[0].kind != 'f') close(fd);
}

/* ---------------------------------------------------------------- creation */

struct child_start {
	int chan, exe_fd, shares_files, shares_tls;
	char name[NAME_MAX_LEN + 1];
};

static int child_fn(void *p)
{
	struct child_start s = *(struct child_start *)p;
	task_start(s.chan, s.exe_fd, s.name, s.shares_files, s.shares_tls);
}

/* Makes the new task's channel and hands the supervisor its end, before the task exists. */
static int new_channel(struct task_ctx *c, const char *name, int *child_end)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) return -1;
	int big = 1 << 20;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
	setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
	if (chan_sendf(c->chan, sv[0], "child %ld %s", c->seq, name)) { close(sv[0]); close(sv[1]); return -1; }
	close(sv[0]);
	*child_end = sv[1];
	return 0;
}

/* A fresh stack whose lowest bytes carry the child's start record. */
static void *new_stack(struct child_start *s, void **top)
{
	void *st = mmap(NULL, CHILD_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (st == MAP_FAILED) return NULL;
	memcpy(st, s, sizeof *s);
	*top = (char *)st + CHILD_STACK;
	return st;
}

/* A CLONE_VM child that shares its creator's TLS (no CLONE_SETTLS) waits for its turn (task.c task_start); with
 * CLONE_VFORK the creator is suspended in the call until the child execs or exits, so it gives the turn to the
 * child first and takes it back when the call returns. */
static int vfork_like_vm(unsigned long long flags)
{
	return (flags & (CLONE_VM | CLONE_VFORK)) == (CLONE_VM | CLONE_VFORK);
}

static void created(struct result *r, long ret, int chan)
{
	res_errno(r, ret);
	if (ret < 0) close(chan);
}

void op_fork(struct task_ctx *c, struct arg *a, struct result *r)
{
	int chan;
	if (new_channel(c, a[0].name, &chan)) { res_errno(r, -1); return; }
	pid_t p = fork();
	if (p == 0) task_start(chan, c->exe_fd, a[0].name, 0, 0);
	if (p > 0) close(chan);
	created(r, p, chan);
}

static void clone_legacy(struct task_ctx *c, unsigned long flags, const char *name, struct result *r)
{
	int chan;
	if (flags & REFUSED_FLAGS) { r->ret = -1; r->err = EINVAL; res_add(r, " refused=flags"); return; }
	if (new_channel(c, name, &chan)) { res_errno(r, -1); return; }
	struct child_start s = { chan, c->exe_fd, !!(flags & CLONE_FILES), !!(flags & CLONE_VM), "" };
	snprintf(s.name, sizeof s.name, "%s", name);
	void *top;
	void *st = new_stack(&s, &top);
	if (!st) { close(chan); res_errno(r, -1); return; }
	int ptid = 0, ctid = 0;
	int handover = vfork_like_vm(flags);
	if (handover) turn_give(&c->turn);
	/* glibc's clone writes errno without the turn only when it failed: then no child runs, and the other tasks of this
	 * TLS wait for commands (lines run one at a time) */
	long p = clone(child_fn, top, (int)flags, st, &ptid, NULL, &ctid);
	if (handover) turn_take(&c->turn);
	if (p > 0 && !(flags & CLONE_FILES)) close(chan);
	created(r, p, chan);
}

void op_vfork(struct task_ctx *c, struct arg *a, struct result *r)
{
	clone_legacy(c, CLONE_VM | CLONE_VFORK | SIGCHLD, a[0].name, r);
}

void op_clone(struct task_ctx *c, struct arg *a, struct result *r)
{
	clone_legacy(c, (unsigned long)a[0].i & 0xffffffffUL, a[1].name, r);
}

void op_clone3(struct task_ctx *c, struct arg *a, struct result *r)
{
	unsigned long long flags = (unsigned long long)a[0].i;
	if (flags & REFUSED_FLAGS) { r->ret = -1; r->err = EINVAL; res_add(r, " refused=flags"); return; }
	int chan;
	if (new_channel(c, a[2].name, &chan)) { res_errno(r, -1); return; }
	int pidfd = -1, ptid = 0, ctid = 0;
	struct clone_args ca = { 0 };
	ca.flags = flags;
	ca.exit_signal = (unsigned long long)a[1].i;
	ca.pidfd = (unsigned long long)(uintptr_t)&pidfd;
	ca.parent_tid = (unsigned long long)(uintptr_t)&ptid;
	ca.child_tid = (unsigned long long)(uintptr_t)&ctid;
	long p;
	if (flags & CLONE_VM) {
		struct child_start s = { chan, c->exe_fd, !!(flags & CLONE_FILES), 1, "" };
		snprintf(s.name, sizeof s.name, "%s", a[2].name);
		void *top;
		void *st = new_stack(&s, &top);
		if (!st) { close(chan); res_errno(r, -1); return; }
		ca.stack = (unsigned long long)(uintptr_t)st;
		ca.stack_size = CHILD_STACK;
		int handover = vfork_like_vm(flags);
		if (handover) turn_give(&c->turn);
		p = clone3_on_stack(&ca, sizeof ca, child_fn, st);
		if (handover) turn_take(&c->turn);
		if (p < 0) { errno = (int)-p; p = -1; }
	} else {
		p = syscall(SYS_clone3, &ca, sizeof ca);
		if (p == 0) task_start(chan, c->exe_fd, a[2].name, !!(flags & CLONE_FILES), 0);
	}
	if (pidfd >= 0 && p > 0) close(pidfd);
	if (p > 0 && !(flags & CLONE_FILES)) close(chan);
	created(r, p, chan);
}

static void *thread_fn(void *p)
{
	child_fn(p);
	return NULL;
}

void op_pthread_create(struct task_ctx *c, struct arg *a, struct result *r)
{
	int chan;
	if (new_channel(c, a[0].name, &chan)) { res_errno(r, -1); return; }
	struct child_start *s = malloc(sizeof *s);   /* the thread copies it first thing; it is never freed */
	if (!s) { close(chan); res_errno(r, -1); return; }
	*s = (struct child_start){ chan, c->exe_fd, 1, 0, "" };   /* glibc gives a thread its own TLS */
	snprintf(s->name, sizeof s->name, "%s", a[0].name);
	pthread_attr_t at;
	pthread_attr_init(&at);
	pthread_attr_setstacksize(&at, CHILD_STACK);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_t th;
	int e = pthread_create(&th, &at, thread_fn, s);
	pthread_attr_destroy(&at);
	if (e) { close(chan); r->ret = -1; r->err = e; return; }
	r->ret = 0;
}

/* execve runs the helper again (never another program): the new image reconnects through its channel. */
void op_execve(struct task_ctx *c, struct arg *a, struct result *r)
{
	if (a[0].len == 0) {
		char *argv[] = { "timens-helper", NULL };
		res_errno(r, execve("", argv, (char *[]){ NULL }));
		return;
	}
	char chan[16], exe[16], seq[24];
	snprintf(chan, sizeof chan, "%d", c->chan);
	snprintf(exe, sizeof exe, "%d", c->exe_fd);
	snprintf(seq, sizeof seq, "%ld", c->seq);
	char *argv[] = { "timens-helper", "task", chan, exe, c->name, seq, NULL };
	fcntl(c->chan, F_SETFD, 0);
	/* compat: the helper's 32-bit build (AArch32 or ia32: /helper32 in the qemu initramfs, else --helper32); exe_fd
	 * stays the native one for a later exec */
	long ret;
	if (a[1].i == 1 && exe32_fd < 0) { ret = -1; errno = ENOENT; }
	else {
		ret = turn_execveat(&c->turn, a[1].i == 1 ? (int)exe32_fd : c->exe_fd, argv, helper_envp());
		if (ret < 0) { errno = (int)-ret; ret = -1; }
	}
	int e = errno;
	fcntl(c->chan, F_SETFD, FD_CLOEXEC);
	errno = e;
	res_errno(r, ret);
}

void op_exit(struct task_ctx *c, struct arg *a, struct result *r)
{
	int leader = gettid_() == getpid();
	r->ret = 0;
	res_add(r, " leader=%d", leader);
	send_result(c, r);
	turn_give(&c->turn);
	syscall(leader ? SYS_exit_group : SYS_exit, (int)a[0].i);
	for (;;) pause();
}

/* Every id is the uid_t (gid_t) C makes of the value, mod 2^32, as a program's call does (and the model: setid.ts
 * asIdT): -1 and 4294967295 are both (uid_t)-1, which setres*id leaves and setuid refuses; the kernel answers. */
void op_setuid(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	res_errno(r, setuid((uid_t)a[0].i));   /* glibc applies it to every thread, as the model does */
}

void op_setgid(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	res_errno(r, setgid((gid_t)a[0].i));
}

void op_setresuid(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	res_errno(r, setresuid((uid_t)a[0].i, (uid_t)a[1].i, (uid_t)a[2].i));
}

void op_setresgid(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	res_errno(r, setresgid((gid_t)a[0].i, (gid_t)a[1].i, (gid_t)a[2].i));
}

/* The task's ids as it sees them and its capabilities: the model's id() text. */
void op_id(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c; (void)a;
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	if (getresuid(&ru, &eu, &su) || getresgid(&rg, &eg, &sg)) { res_errno(r, -1); return; }
	unsigned long long eff = 0, bnd = 0, v;
	char l[256];
	FILE *f = fopen("/proc/thread-self/status", "re");
	while (f && fgets(l, sizeof l, f)) {
		if (sscanf(l, "CapEff: %llx", &v) == 1) eff = v;
		if (sscanf(l, "CapBnd: %llx", &v) == 1) bnd = v;
	}
	if (f) fclose(f);
	char text[160];
	int n = snprintf(text, sizeof text, "uid=%u euid=%u gid=%u egid=%u caps=%s", (unsigned)ru, (unsigned)eu, (unsigned)rg, (unsigned)eg,
		eff == 0 ? "none" : eff == bnd ? "all" : "some");
	r->ret = 0;
	add_text(r, (const unsigned char *)text, (size_t)n);
}

/* sysinfo(2): only the uptime, the field a time namespace shifts; the model's text "uptime=N". */
void op_sysinfo(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c; (void)a;
	struct sysinfo si;
	int rc = sysinfo(&si);
	res_errno(r, rc);
	if (rc) return;
	char text[48];
	int n = snprintf(text, sizeof text, "uptime=%ld", (long)si.uptime);
	add_text(r, (const unsigned char *)text, (size_t)n);
}

void op_prctl_set_dumpable(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	res_errno(r, prctl(PR_SET_DUMPABLE, (unsigned long)a[0].i, 0, 0, 0));
}

/* pidfd_open(2) of the named task's thread id (the supervisor resolved it) with the flags as given. */
void op_pidfd_open(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	if (a[0].kind != 'P' || a[1].i < 0 || a[1].i > 0xffffffffLL) { r->ret = -1; r->err = EINVAL; return; }
	res_errno(r, (int)syscall(SYS_pidfd_open, (pid_t)a[0].pidfd_tid, (unsigned int)a[1].i));
}
