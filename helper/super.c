/* The supervisor: reads the plan (one command per line) from `timens verify`, checks every argument, routes
 * each command to the real task that runs it, brackets clock reads with host readings, asks the sandbox init
 * to observe the tasks after each line, and writes one result line per fact. It never runs an operation
 * itself, so a scenario can do nothing but what the operations of the language do, inside the sandbox. */
#include "super.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct task T[MAX_TASKS];
int nt;
int init_chan = -1;
pid_t init_pid = -1;
int out_fd = 1, framed, sandbox;
int exe_fd = -1;
int vforklike;
struct fdtab FT[MAX_TASKS];
int nft;

int fdtab_new(int copy_of)
{
	if (nft == MAX_TASKS) return copy_of >= 0 ? copy_of : 0;
	if (copy_of >= 0) FT[nft] = FT[copy_of];
	else FT[nft].n = 0;
	return nft++;
}

int fdname_lookup(int tab, const char *name)
{
	for (int i = 0; i < FT[tab].n; i++)
		if (!strcmp(FT[tab].names[i], name)) return FT[tab].fds[i];
	return -1;
}

void fdname_del(int tab, const char *name)
{
	struct fdtab *t = &FT[tab];
	for (int i = 0; i < t->n; i++)
		if (!strcmp(t->names[i], name)) {
			t->n--;
			memmove(t->names[i], t->names[i + 1], (size_t)(t->n - i) * sizeof t->names[0]);
			memmove(&t->fds[i], &t->fds[i + 1], (size_t)(t->n - i) * sizeof t->fds[0]);
			memmove(&t->cloexec[i], &t->cloexec[i + 1], (size_t)(t->n - i) * sizeof t->cloexec[0]);
			return;
		}
}

void fdname_set(int tab, const char *name, int fd, int cloexec)
{
	fdname_del(tab, name);
	struct fdtab *t = &FT[tab];
	if (t->n == FDS_MAX) return;
	snprintf(t->names[t->n], sizeof t->names[0], "%s", name);
	t->cloexec[t->n] = (char)cloexec;
	t->fds[t->n++] = fd;
}

/* The table of a task that unshares its files (unshare(CLONE_FILES), exec's unshare_files: kernel/fork.c unshare_fd):
 * a copy when another live task uses it too, else the same one. */
int fdtab_unshare(int tab)
{
	int shared = 0;
	for (int i = 0; i < nt; i++) if (T[i].state != T_GONE && T[i].tab == tab) shared++;
	return shared > 1 ? fdtab_new(tab) : tab;
}

/* The fd table of a task whose exec succeeded: its own (begin_new_exec's unshare_files: CLONE_FILES siblings keep
 * theirs), without the O_CLOEXEC fds (do_close_on_exec). Their names are forgotten, as the model forgets them: the
 * number of such an fd is free again, and a later open reuses it (fuzz seed 135159: a close of an exec-closed pidfd
 * closed the next open's fd). */
int fdtab_exec(int tab)
{
	int own = fdtab_unshare(tab);
	struct fdtab *t = &FT[own];
	for (int i = 0; i < t->n;) {
		if (t->cloexec[i]) fdname_del(own, t->names[i]);
		else i++;
	}
	return own;
}

/* "res SEQ rest" -> "rest" */
const char *res_body(const char *res)
{
	const char *p = strchr(res, ' ');
	p = p ? strchr(p + 1, ' ') : NULL;
	return p ? p + 1 : "";
}

static uint32_t crc32(const char *s, size_t n)
{
	uint32_t c = 0xffffffffu;
	for (size_t i = 0; i < n; i++) {
		c ^= (unsigned char)s[i];
		for (int k = 0; k < 8; k++) c = c >> 1 ^ (0xedb88320u & (0u - (c & 1)));
	}
	return ~c;
}

/* One result line. Under qemu the console mixes in kernel text, so lines are framed and checksummed. */
void emit(const char *fmt, ...)
{
	static char line[MSG_MAX + 64];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line + 5, MSG_MAX, fmt, ap);
	va_end(ap);
	if (n < 0) return;
	if (n >= MSG_MAX) n = MSG_MAX - 1;
	size_t len;
	char *start;
	if (framed) {
		memcpy(line, "@@TV ", 5);
		len = 5 + (size_t)n;
		len += (size_t)snprintf(line + len, 24, " ~%08x\n", crc32(line + 5, (size_t)n));
		start = line;
	} else {
		start = line + 5;
		len = (size_t)n;
		start[len++] = '\n';
	}
	for (size_t off = 0; off < len;) {
		ssize_t w = write(out_fd, start + off, len - off);
		if (w < 0 && errno == EINTR) continue;
		if (w <= 0) return;
		off += (size_t)w;
	}
}

void hostclock(clockid_t c, struct timespec *t)
{
	/* alarm clocks read like their bases when there is no RTC */
	if (syscall(SYS_clock_gettime, c, t)) syscall(SYS_clock_gettime, c == CLOCK_REALTIME_ALARM ? CLOCK_REALTIME : CLOCK_BOOTTIME, t);
}

int find(const char *name)
{
	for (int i = 0; i < nt; i++)
		if (!strcmp(T[i].name, name)) return i;
	return -1;
}

static int by_pid(long pid)
{
	for (int i = 0; i < nt; i++)
		if (T[i].state != T_GONE && T[i].tid == pid) return i;
	return -1;
}

int read_proc(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) return -1;
	ssize_t n = read(fd, buf, cap - 1);
	close(fd);
	if (n <= 0) return -1;
	buf[n] = 0;
	return 0;
}

/* Field `field` (from 1, as proc(5) counts) of a /proc/PID/stat line, or NULL. */
const char *stat_field(const char *buf, int field)
{
	/* the comm may hold spaces and parentheses: the fields start after the last ')' */
	const char *p = strrchr(buf, ')');
	for (int f = 2; p && f < field; f++) p = strchr(p + 1, ' ');
	return p ? p + 1 : NULL;
}

static unsigned long long group_start(long pid)
{
	char path[40], buf[1024];
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	const char *p = read_proc(path, buf, sizeof buf) ? NULL : stat_field(buf, 22);
	return p ? strtoull(p, NULL, 10) : 0;
}

/* Whether task i's thread group has died: no /proc/PID, a zombie, or the pid now another process's (another
 * starttime). Every death of a helper task ends its group (a signal, exit_group, de_thread's kill of the other
 * threads, which the exec's answer covers), except a thread's own exit, which answers first. */
int group_dead(int i)
{
	char path[40], buf[1024];
	snprintf(path, sizeof path, "/proc/%ld/stat", T[i].pid);
	if (read_proc(path, buf, sizeof buf)) return errno == ENOENT || errno == ESRCH;
	const char *st = stat_field(buf, 3), *start = stat_field(buf, 22);
	if (!st || *st == 'Z' || *st == 'X' || *st == 'x') return 1;
	return T[i].start && start && strtoull(start, NULL, 10) != T[i].start;
}

/* How task i's thread group ended, as a result field: " death=SIGNAME" (the signal that killed it), " death=exit:N"
 * (exit_group), or " death=unknown:WHY". Field 52 of the leader's /proc/PID/stat is its exit_code, the wait status
 * (fs/proc/array.c do_task_stat; since 3.5): do_exit stores its code there before it releases the files (whose end of
 * the channel told the supervisor) and before exit_notify makes the task a zombie (kernel/exit.c), and every thread of
 * a group that a signal ends exits with the group's code (do_group_exit takes signal->group_exit_code once
 * SIGNAL_GROUP_EXIT is set), so the leader's holds the signal (WTERMSIG: the low 7 bits; 0x80 is a core dump, which
 * the machine's core_pattern and RLIMIT_CORE decide, not the model). Read once the leader is a zombie; nobody reaps a
 * scenario process unasked (its parent is a helper task, or the sandbox init, a subreaper, for orphans: super.c reap).
 * The field needs a PTRACE_MODE_READ check (0 without it): the supervisor is root under qemu, and on the running kernel
 * the owner of the sandbox's user namespace, which has every capability there (ptrace_has_cap). */
void death_of(int i, char *out, size_t cap)
{
	char path[40], buf[1024];
	snprintf(path, sizeof path, "/proc/%ld/stat", T[i].pid);
	for (int tries = 0;; tries++) {
		if (read_proc(path, buf, sizeof buf)) { snprintf(out, cap, " death=unknown:reaped"); return; }
		const char *st = stat_field(buf, 3), *start = stat_field(buf, 22), *code = stat_field(buf, 52);
		if (!st || !start || !code) { snprintf(out, cap, " death=unknown:unreadable"); return; }
		if (T[i].start && strtoull(start, NULL, 10) != T[i].start) { snprintf(out, cap, " death=unknown:reused"); return; }
		if (*st == 'Z' || *st == 'X' || *st == 'x') {
			int c = atoi(code);
			char sb[32];
			if (c & 0x7f) snprintf(out, cap, " death=%s", signal_name(c & 0x7f, sb));
			else snprintf(out, cap, " death=exit:%d", (c >> 8) & 0xff);
			return;
		}
		if (tries == 2000) { snprintf(out, cap, " death=unknown:running"); return; }
		usleep(1000);
	}
}

/* glibc's SIGSETXID (__SIGRTMIN + 1, nptl/nptl_setxid.c): while a thread runs its handler the signal is blocked
 * (installed without SA_NODEFER), so bit 32 of its SigBlk is set until its sigreturn. */
#define SIGSETXID_BIT (1ULL << 32)

/* Whether `test` holds for some thread of process `pid` (the entries of /proc/PID/task). */
static int any_thread(long pid, int (*test)(long pid, const char *tid))
{
	char path[64];
	snprintf(path, sizeof path, "/proc/%ld/task", pid);
	DIR *d = opendir(path);
	if (!d) return 0;
	int found = 0;
	struct dirent *e;
	while (!found && (e = readdir(d))) if (e->d_name[0] != '.') found = test(pid, e->d_name);
	closedir(d);
	return found;
}

/* Whether the line `KEY: HEX` of a thread's status has a bit of `mask` set. */
static int status_bits(long pid, const char *tid, const char *key, unsigned long long mask)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%ld/task/%.20s/status", pid, tid);
	FILE *f = fopen(path, "re");
	size_t n = strlen(key);
	int set = 0;
	while (f && fgets(line, sizeof line, f))
		if (strncmp(line, key, n) == 0 && line[n] == ':') { set = !!(strtoull(line + n + 1, NULL, 16) & mask); break; }
	if (f) fclose(f);
	return set;
}

/* Whether the thread has SIGKILL pending (its own or the group's) or is exiting (PF_EXITING in the flags, field 9
 * of its stat). */
static int thread_exiting(long pid, const char *tid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%ld/task/%.20s/stat", pid, tid);
	const char *flags = read_proc(path, buf, sizeof buf) ? NULL : stat_field(buf, 9);
	if (flags && (strtoul(flags, NULL, 10) & 0x4)) return 1;
	const unsigned long long sigkill = 1ULL << (SIGKILL - 1);
	return status_bits(pid, tid, "SigPnd", sigkill) || status_bits(pid, tid, "ShdPnd", sigkill);
}

static int thread_in_setxid_handler(long pid, const char *tid)
{
	return status_bits(pid, tid, "SigBlk", SIGSETXID_BIT);
}

/* The group is being ended: a thread of it is exiting or has SIGKILL pending. */
static int group_exiting(long pid) { return any_thread(pid, thread_exiting); }
static int in_setxid_handler(long pid) { return any_thread(pid, thread_in_setxid_handler); }

/* After a set*id answered: the caller's glibc returns once every other thread has made the call in its SIGSETXID
 * handler, and the last one wakes the caller before it returns from the handler, so a return that kills the process
 * (arm64 without an executable [vdso]: sim setid.ts libcSetxid) may come after the answer. Waits until no thread is
 * in that handler any more, or the group is dead; then says how it ended (death_of), or nothing: it lives on. */
void setxid_settle(int i, char *out, size_t cap)
{
	out[0] = 0;
	if (T[i].pid <= 0) return;
	for (int tries = 0; tries < 5000 && !group_dead(i) && in_setxid_handler(T[i].pid); tries++) usleep(1000);
	/* the handler's thread may be gone while the rest of its group is still on its way to a zombie: the group's other
	 * threads have SIGKILL pending (zap_other_threads) or are exiting (PF_EXITING); taken for a group that lived on
	 * once under qemu arm64 6.12 (fidelity-lang-setxid-arm64-vdso) */
	for (int tries = 0; tries < 5000 && !group_dead(i) && group_exiting(T[i].pid); tries++) usleep(1000);
	if (group_dead(i)) death_of(i, out, cap);
}

/* Task i's thread group as a zombie not yet reaped, with its parent's pid: -1 when it is not one (alive, reaped, or
 * the pid now another process's). */
static long zombie_parent(int i)
{
	char path[40], buf[1024];
	snprintf(path, sizeof path, "/proc/%ld/stat", T[i].pid);
	if (T[i].pid <= 0 || read_proc(path, buf, sizeof buf)) return -1;
	const char *st = stat_field(buf, 3), *pp = stat_field(buf, 4), *start = stat_field(buf, 22);
	if (!st || !pp || !start || *st != 'Z' || (T[i].start && strtoull(start, NULL, 10) != T[i].start)) return -1;
	return strtol(pp, NULL, 10);
}

/* After each line, the deaths that no line of the dead task's own told the supervisor of: those a signal sent by
 * another line caused (a child's exit signal, exit_notify → do_notify_parent; de_thread's and exit_group's SIGKILL of
 * the other threads, which end a thread suspended in vfork).
 * A vfork parent is released when its child's mm goes (mm_release → complete_vfork_done): at the child's exit or exec
 * line, which super_cmd.c waits on, or when a signal ends the child, which nothing waited on: a line run before the
 * parent's late answer came found it still suspended (about one run in three of a vfork child killed that way on
 * Linux 6.18). So a blocked task whose vfork child (the last task it made) or own group is dead or being ended has its
 * answer (or its death) waited for.
 * A process a signal ended stays a zombie until its parent waits, and its pid still names it: pidfd_open succeeds,
 * and a pidfd's setns reaches validate_nsset's ptrace check (EPERM) where the model, which reaps at once, says ESRCH
 * (found by the fuzzer, seed 4500206 of a task-heavy mix). So such a zombie is reaped as an exit line's is (reap),
 * unless its parent is suspended in vfork and cannot wait; either way the supervisor takes it for gone. */
void settle_deaths(long line)
{
	for (int i = 0; i < nt; i++) {
		if (T[i].state != T_BLOCKED || T[i].pid <= 0) continue;
		int child = -1;
		for (int j = 0; j < nt; j++) if (j != i && T[j].creator == i) child = j;
		int child_ends = child >= 0 && T[child].pid > 0 && (group_dead(child) || group_exiting(T[child].pid));
		if (!child_ends && !group_dead(i) && !group_exiting(T[i].pid)) continue;
		struct pending pd = { .seq = line, .target = -2, .child_idx = -1, .deferred_idx = i };
		wait_for(&pd, done_deferred, 5000);
	}
	/* a zombie whose parent is reaped here too is the init's then: a second pass reaps it */
	for (int pass = 0; pass < 2; pass++)
	for (int i = 0; i < nt; i++) {
		if (T[i].pid <= 0 || T[i].state == T_STARTING) continue;
		/* a group on its way out (SIGKILL pending, PF_EXITING) becomes a zombie in a moment */
		for (int tries = 0; tries < 2000 && T[i].state != T_GONE && !group_dead(i) && group_exiting(T[i].pid); tries++) usleep(1000);
		long ppid = zombie_parent(i);
		if (ppid < 0) continue;
		int parent = by_pid(ppid);
		long pid = T[i].pid;
		/* gone all the same: a line naming it then is not checkable (its /proc entry is still there) */
		if (!(parent >= 0 && T[parent].state == T_BLOCKED)) reap(i, line);
		for (int j = 0; j < nt; j++) if (T[j].pid == pid && T[j].state != T_GONE) gone(j);
	}
}

/* The end of a task's channel is not enough to learn of its death: another process that shares its files table
 * (clone with CLONE_FILES, outside the thread group) holds the task's end open (fuzz seed 140016 was one case).
 * So while a wait is idle, the supervisor looks at the tasks' thread groups themselves; a group must be found dead
 * twice in a row, so the instant an exec's de_thread makes the old leader a zombie is not taken for a death. */
static void check_liveness(void)
{
	for (int i = 0; i < nt; i++) {
		if ((T[i].state != T_ALIVE && T[i].state != T_BLOCKED) || T[i].pid <= 0) continue;
		T[i].suspect = group_dead(i) ? T[i].suspect + 1 : 0;
		if (T[i].suspect >= 2) gone(i);
	}
}

void gone(int i)
{
	if (T[i].chan >= 0) close(T[i].chan);
	T[i].chan = -1;
	T[i].state = T_GONE;
}

static void handle(int idx, char *msg, int fd, struct pending *pd)
{
	long seq;
	char name[NAME_MAX_LEN + 1];
	long tid, pid;
	if (sscanf(msg, "child %ld %48s", &seq, name) == 2 && fd >= 0 && valid_name(name) && nt < MAX_TASKS && find(name) < 0) {
		struct task *t = &T[nt];
		memset(t, 0, sizeof *t);
		snprintf(t->name, sizeof t->name, "%s", name);
		t->chan = fd;
		t->state = T_STARTING;
		t->creator = idx;
		if (pd && !strcmp(name, pd->child)) pd->child_idx = nt;
		nt++;
		return;
	}
	if (fd >= 0) close(fd);
	if (sscanf(msg, "hello %48s %ld %ld", name, &tid, &pid) == 3 && idx >= 0 && !strcmp(T[idx].name, name)) {
		T[idx].tid = tid;
		T[idx].pid = pid;
		T[idx].start = group_start(pid);
		T[idx].state = T_ALIVE;
		if (pd && idx == pd->child_idx) pd->child_hello = 1;
		return;
	}
	if (sscanf(msg, "res %ld", &seq) == 1) {
		if (idx >= 0 && T[idx].state == T_BLOCKED && seq == T[idx].pending) {
			T[idx].state = T_ALIVE;
			emit("late %ld %s %s", seq, T[idx].name, res_body(msg));
			if (pd && pd->deferred_idx == idx) pd->have_deferred = 1;
			return;
		}
		if (pd && pd->target == idx && seq == pd->seq && !pd->have_res) {
			snprintf(pd->res, sizeof pd->res, "%s", msg);
			pd->have_res = 1;
			/* an exec'd image says where it now lives (a thread that execs takes its leader's pid) */
			char *p = strstr(msg, " tid=");
			if (idx >= 0 && p && sscanf(p, " tid=%ld pid=%ld", &tid, &pid) == 2) { T[idx].tid = tid; T[idx].pid = pid; }
		}
		return;
	}
}

/* How long a wait stays idle before the supervisor looks at the tasks themselves. */
#define LIVENESS_MS 200

/* Waits until `done(pd)` or the deadline; every channel is served meanwhile. */
int wait_for(struct pending *pd, int (*done)(struct pending *), int timeout_ms)
{
	static char msg[MSG_MAX];
	struct timespec start, now;
	hostclock(CLOCK_MONOTONIC, &start);
	while (!done(pd)) {
		struct pollfd pf[MAX_TASKS + 1];
		int map[MAX_TASKS + 1], n = 0;
		for (int i = 0; i < nt; i++)
			if (T[i].state != T_GONE && T[i].chan >= 0) { pf[n].fd = T[i].chan; pf[n].events = POLLIN; map[n++] = i; }
		if (init_chan >= 0) { pf[n].fd = init_chan; pf[n].events = POLLIN; map[n++] = -2; }
		hostclock(CLOCK_MONOTONIC, &now);
		long left = timeout_ms - ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000);
		if (left <= 0) return -1;
		int r = poll(pf, (nfds_t)n, left < LIVENESS_MS ? (int)left : LIVENESS_MS);
		if (r < 0 && errno == EINTR) continue;
		if (r < 0) return -1;
		if (r == 0) { check_liveness(); continue; }
		for (int k = 0; k < n; k++) {
			if (!pf[k].revents) continue;
			int fd;
			ssize_t m = chan_recv(pf[k].fd, msg, sizeof msg, &fd);
			if (m <= 0) {
				if (map[k] == -2) { close(init_chan); init_chan = -1; continue; }
				gone(map[k]);
				continue;
			}
			handle(map[k] == -2 ? -1 : map[k], msg, fd, pd);
			if (map[k] == -2 && pd->target == -2 && !pd->have_res && !strncmp(msg, "res ", 4)) {
				long s;
				if (sscanf(msg, "res %ld", &s) == 1 && s == pd->seq) { snprintf(pd->res, sizeof pd->res, "%s", msg); pd->have_res = 1; }
			}
		}
	}
	return 0;
}

int done_res(struct pending *pd) { return pd->have_res || (pd->target >= 0 && T[pd->target].state == T_GONE); }

int done_create(struct pending *pd)
{
	/* a child gone before saying hello means the call failed: its answer is still to come */
	if (pd->child_idx >= 0 && T[pd->child_idx].state == T_GONE && !pd->child_hello) return pd->have_res || (pd->target >= 0 && T[pd->target].state == T_GONE);
	if (vforklike && pd->child_hello) return 1;
	if (!pd->have_res) return pd->target >= 0 && T[pd->target].state == T_GONE;
	return strstr(pd->res, " errno=0 ") == NULL || pd->child_hello;
}
int done_deferred(struct pending *pd) { return pd->have_deferred || T[pd->deferred_idx].state != T_BLOCKED; }

int init_request(long seq, const char *fmt, ...)
{
	char buf[MSG_MAX];
	int n = snprintf(buf, sizeof buf, "%ld ", seq);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof buf - (size_t)n, fmt, ap);
	va_end(ap);
	return init_chan < 0 ? -1 : chan_send(init_chan, buf, strlen(buf), -1);
}

/* After each line: the init reports every task; blocked and gone ones are known here. */
void observe(long line)
{
	static char req[MSG_MAX], msg[MSG_MAX];
	size_t off = 0;
	off = kv(req, sizeof req, off, "%ld observe %d", line, !sandbox && geteuid() == 0);
	for (int i = 0; i < nt; i++) {
		if (T[i].state == T_GONE || T[i].state == T_STARTING) { emit("obs %ld task %s st=gone", line, T[i].name); continue; }
		if (T[i].state == T_BLOCKED) emit("obs %ld blocked %s", line, T[i].name);
		off = kv(req, sizeof req, off, " %s:%ld:%ld", T[i].name, T[i].pid, T[i].tid);
	}
	if (init_chan < 0 || chan_send(init_chan, req, off, -1)) return;
	for (;;) {
		struct pollfd pf = { init_chan, POLLIN, 0 };
		if (poll(&pf, 1, 10000) <= 0) { emit("obs %ld error timeout", line); return; }
		int fd;
		ssize_t m = chan_recv(init_chan, msg, sizeof msg, &fd);
		if (fd >= 0) close(fd);
		if (m <= 0) { close(init_chan); init_chan = -1; return; }
		if (!strncmp(msg, "end ", 4)) return;
		emit("obs %ld %s", line, msg);
	}
}

void reap(int idx, long line)
{
	/* The model reaps an exited process at once; here its parent (or the init, for orphans) waits for it. */
	char p[64], buf[512];
	long pid = T[idx].pid;
	for (int tries = 0; tries < 2000; tries++) {
		snprintf(p, sizeof p, "/proc/%ld/stat", pid);
		int fd = open(p, O_RDONLY | O_CLOEXEC);
		if (fd < 0) return;
		ssize_t n = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (n <= 0) return;
		buf[n] = 0;
		char *rp = strrchr(buf, ')');
		char st;
		long ppid;
		if (!rp || sscanf(rp + 2, "%c %ld", &st, &ppid) != 2) return;
		if (st != 'Z') { usleep(1000); continue; }
		int parent = by_pid(ppid);
		struct pending pd = { .seq = line, .target = -2, .child_idx = -1, .deferred_idx = -1 };
		if (parent >= 0 && T[parent].state == T_BLOCKED) {
			pd.deferred_idx = parent;
			wait_for(&pd, done_deferred, 5000);
		}
		if (parent >= 0 && T[parent].state == T_ALIVE) {
			pd.target = parent;
			chan_sendf(T[parent].chan, -1, "%ld reap %ld", line, pid);
		} else if (ppid == init_pid) {
			init_request(line, "reap %ld", pid);
		} else return;
		wait_for(&pd, done_res, 5000);
		return;
	}
}

/* The CPU time of thread `tid` of process `pid` (utime + stime, fields 14 and 15 of its /proc/PID/task/TID/stat, in
 * clock ticks), and whether it is running or runnable (state R); -1 when it cannot be read. */
long long thread_cpu(long pid, long tid, int *running)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%ld/task/%ld/stat", pid, tid);
	if (read_proc(path, buf, sizeof buf)) return -1;
	const char *st = stat_field(buf, 3), *ut = stat_field(buf, 14), *sy = stat_field(buf, 15);
	if (!st || !ut || !sy) return -1;
	*running = *st == 'R';
	return strtoll(ut, NULL, 10) + strtoll(sy, NULL, 10);
}

void wait_thread_gone(long pid, long tid)
{
	char p[64];
	struct stat st;
	snprintf(p, sizeof p, "/proc/%ld/task/%ld", pid, tid);
	for (int tries = 0; tries < 5000 && stat(p, &st) == 0; tries++) usleep(1000);
}

