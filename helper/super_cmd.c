/* The supervisor's commands: begin (a fresh sandbox and its first task P1), cmd (one operation of a task),
 * host (sleep, sysctl, spawn), end (everything killed), and the main loop over the plan. */
#include "super.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
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

static void write_file(const char *path, const char *text, char *why, size_t wl)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) snprintf(why, wl, "%s: %s", path, strerror(errno));
	if (fd >= 0) close(fd);
}

/* How long a line whose task keeps computing is waited for beyond the 60 s, in steps (cmd). */
#define BUSY_STEP_MS 20000
#define BUSY_EXTRA_MS 240000

/* The sandbox's uid map: root of the sandbox is the caller; as root, uids 0-65535 map to themselves. */
static void write_maps(pid_t pid, char *why, size_t wl)
{
	char p[64], m[64];
	uid_t u = geteuid();
	gid_t g = getegid();
	if (u != 0) {
		snprintf(p, sizeof p, "/proc/%d/setgroups", pid);
		write_file(p, "deny", why, wl);
	}
	snprintf(p, sizeof p, "/proc/%d/uid_map", pid);
	snprintf(m, sizeof m, u == 0 ? "0 0 65536" : "0 %u 1", (unsigned)u);
	if (!why[0]) write_file(p, m, why, wl);
	snprintf(p, sizeof p, "/proc/%d/gid_map", pid);
	snprintf(m, sizeof m, u == 0 ? "0 0 65536" : "0 %u 1", (unsigned)g);
	if (!why[0]) write_file(p, m, why, wl);
}

/* Under qemu a scenario may set the VM's own user.max_time_namespaces: put it back for the next one. */
static char saved_limit[32];

static void save_limit(void)
{
	saved_limit[0] = 0;
	if (sandbox) return;
	int fd = open("/proc/sys/user/max_time_namespaces", O_RDONLY | O_CLOEXEC);
	if (fd < 0) return;
	ssize_t n = read(fd, saved_limit, sizeof saved_limit - 1);
	close(fd);
	saved_limit[n > 0 ? n : 0] = 0;
}

static void restore_limit(void)
{
	if (!saved_limit[0]) return;
	int fd = open("/proc/sys/user/max_time_namespaces", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) { if (write(fd, saved_limit, strlen(saved_limit)) < 0) {} close(fd); }
	saved_limit[0] = 0;
}

static void teardown(void)
{
	for (int i = 0; i < nt; i++) {
		if (T[i].state != T_GONE && T[i].tid > 0) kill((pid_t)T[i].pid, SIGKILL);
		if (T[i].chan >= 0) close(T[i].chan);
	}
	nt = 0;
	if (init_chan >= 0) close(init_chan);
	init_chan = -1;
	if (init_pid > 0) {
		kill(init_pid, SIGKILL);
		waitpid(init_pid, NULL, 0);
	}
	init_pid = -1;
	while (waitpid(-1, NULL, WNOHANG) > 0) {}
	restore_limit();
}

static int create_via_init(long seq, const char *name, long uid, char *res, size_t cap)
{
	struct pending pd = { .seq = seq, .target = -2, .child_idx = -1, .deferred_idx = -1 };
	snprintf(pd.child, sizeof pd.child, "%s", name);
	vforklike = 0;
	if (init_request(seq, "spawn %s %ld", name, uid)) return -1;
	int r = wait_for(&pd, done_create, 15000);
	if (pd.child_idx >= 0) T[pd.child_idx].tab = fdtab_new(-1);
	snprintf(res, cap, "%s", pd.have_res ? res_body(pd.res) : "ret=-1 errno=ETIMEDOUT sig=0");
	return r || !pd.child_hello ? -1 : 0;
}

static void begin(const char *label)
{
	char why[256] = "";
	int sv[2];
	teardown();
	save_limit();
	nft = 0;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) { emit("fail %s %s", label, strerror(errno)); return; }
	pid_t p = fork();
	if (p == 0) { close(sv[0]); init_main(sv[1], exe_fd, sandbox); }
	close(sv[1]);
	init_chan = sv[0];
	init_pid = p;
	static char msg[4096];
	for (;;) {
		struct pollfd pf = { init_chan, POLLIN, 0 };
		if (poll(&pf, 1, 10000) <= 0 || chan_recv(init_chan, msg, sizeof msg, NULL) <= 0) { snprintf(why, sizeof why, "the sandbox init did not start"); break; }
		int pid;
		if (sscanf(msg, "needmap %d", &pid) == 1) {
			write_maps(pid, why, sizeof why);
			chan_sendf(init_chan, -1, "%s", why[0] ? why : "mapped");
			if (why[0]) break;
			continue;
		}
		if (!strncmp(msg, "fail ", 5)) { snprintf(why, sizeof why, "%s", msg + 5); break; }
		if (!strncmp(msg, "ready ", 6)) break;
	}
	char res[512];
	if (!why[0] && create_via_init(0, "P1", 0, res, sizeof res)) snprintf(why, sizeof why, "the first task P1 did not start: %s", res);
	if (why[0]) { emit("fail %s %s", label, why); teardown(); return; }
	struct timespec m, b;
	hostclock(CLOCK_MONOTONIC, &m);
	hostclock(CLOCK_BOOTTIME, &b);
	emit("ready %s %s hm=%lld:%09ld hboot=%lld:%09ld", label, msg + 6, (long long)m.tv_sec, m.tv_nsec, (long long)b.tv_sec, b.tv_nsec);
}

static int ti_cur;

/* The tid a scenario name stands for in a path or pidfd: a live task's, or ABSENT_PID, which names no task, for a
 * task that has exited and whose /proc entry is gone (reaped, as the model reaps at once: super.c reap).
 * -1 while it starts, or when its /proc entry is still there (a zombie whose parent could not reap it, or its
 * pid already another process's). */
static long tid_of_name(const char *name)
{
	int i = find(name);
	if (i < 0 || T[i].state == T_STARTING) return -1;
	if (T[i].state != T_GONE) return T[i].tid;
	char p[64];
	struct stat st;
	snprintf(p, sizeof p, "/proc/%ld", T[i].tid);
	return stat(p, &st) && errno == ENOENT ? ABSENT_PID : -1;
}
static int clock_arg(const struct op_desc *d, struct arg *a) { return (d->flags & OPF_CLOCK0) && a[0].kind != 'C' ? (int)a[0].i : -1; }

/* Rewrites one argument for the task: task names become tids of live tasks, host deadlines absolute. */
static int rewrite(const struct op_desc *d, struct arg *a, int k, char *out, size_t cap, const char *tok)
{
	struct proc_path *pp = NULL;
	if (a[k].type == 'p' || ((a[k].type == 'F' || a[k].type == 'N') && a[k].kind == 'p')) pp = &a[k].path;
	if (pp && pp->who == WHO_NAME) {
		long tid = tid_of_name(pp->name);
		if (tid < 0) return -1;
		pp->who = WHO_TID;
		pp->tid = tid;
	}
	if (pp && pp->thread == WHO_NAME) {
		long tid = tid_of_name(pp->thread_name);
		if (tid < 0) return -1;
		pp->thread = WHO_TID;
		pp->thread_tid = tid;
	}
	if ((a[k].type == 'k' || ((a[k].type == 'F' || a[k].type == 'N') && a[k].kind == 'f')) && a[k].name[0]) {
		int fd = fdname_lookup(T[ti_cur].tab, a[k].name);
		snprintf(out, cap, "%s%d", a[k].type == 'k' ? "" : "fd:", fd);
		return 0;
	}
	if (pp) {
		char path[128];
		format_path(pp, path, sizeof path);
		snprintf(out, cap, "%s%s", a[k].type == 'p' ? "" : "path:", path);
		return 0;
	}
	if (a[k].type == 'i' && a[k].kind == 'C') {
		/* MAKE_PROCESS_CPUCLOCK / MAKE_THREAD_CPUCLOCK of the task's tid (a reaped one: a pid no task has) */
		long tid = tid_of_name(a[k].name);
		if (tid < 0) return -1;
		/* ABSENT_PID does not fit the 29 bits a clock id has for its pid: PID_MAX_LIMIT + 1 names no task either */
		if (tid == ABSENT_PID) tid = 4 * 1024 * 1024 + 1;
		unsigned id = ((~(unsigned)tid) << 3) | (unsigned)a[k].sec;
		snprintf(out, cap, "%d", (int)id);
		return 0;
	}
	if (a[k].type == 'N' && a[k].kind == 'P') {
		long tid = a[k].name[0] ? tid_of_name(a[k].name) : a[k].pidfd_tid;
		if (tid < 0) return -1;
		snprintf(out, cap, "pidfd:#%ld", tid);
		return 0;
	}
	if (a[k].type == 'T' && a[k].kind == 'h') {
		struct timespec h;
		hostclock(clock_arg(d, a) < 0 ? CLOCK_MONOTONIC : clock_arg(d, a), &h);
		long long sec = h.tv_sec + a[k].sec, nsec = h.tv_nsec + a[k].nsec;
		if (nsec >= 1000000000) { sec++; nsec -= 1000000000; }
		snprintf(out, cap, "abs:%lld:%lld", sec, nsec);
		return 0;
	}
	snprintf(out, cap, "%s", tok);
	return 0;
}

static void host_pair(long line, const char *task, const char *res, int clk, struct timespec *h1, struct timespec *h2, const char *extra)
{
	if (clk >= 0)
		emit("res %ld %s %s h1=%lld:%09ld h2=%lld:%09ld%s", line, task, res, (long long)h1->tv_sec, h1->tv_nsec, (long long)h2->tv_sec, h2->tv_nsec, extra);
	else
		emit("res %ld %s %s%s", line, task, res, extra);
}

/* The first cap - 1 bytes of a small /proc file, NUL-terminated; -1 when it cannot be read. */
static long host_btime(void)
{
	char buf[8192];
	if (read_proc("/proc/stat", buf, sizeof buf)) return -1;
	char *b = strstr(buf, "\nbtime ");
	return b ? atol(b + 7) : -1;
}

/* Field 22 (starttime) of /proc/PID/stat as the supervisor reads it, outside the sandbox's time namespaces, when
 * the text a read gave back is such a line ("PID (comm) …": the pid is the same here, the sandbox shares the pid
 * namespace); -1 otherwise. The comparison takes the task's starttime against this host view. */
static long long host_starttime(const char *res)
{
	const char *t = strstr(res, " text=:");
	if (!t) return -1;
	t += 7;
	char head[24];
	size_t n = 0;
	while (n < sizeof head - 1 && hexval((unsigned char)t[2 * n]) >= 0 && hexval((unsigned char)t[2 * n + 1]) >= 0) {
		head[n] = (char)(hexval((unsigned char)t[2 * n]) << 4 | hexval((unsigned char)t[2 * n + 1]));
		n++;
	}
	head[n] = 0;
	char *end;
	long pid = strtol(head, &end, 10);
	if (end == head || pid <= 0 || strncmp(end, " (", 2)) return -1;
	char path[40], buf[1024];
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if (read_proc(path, buf, sizeof buf)) return -1;
	const char *p = stat_field(buf, 22);
	return p ? strtoll(p, NULL, 10) : -1;
}

static void cmd(char **tok, int n)
{
	long line = atol(tok[1]);
	static unsigned char bytes[MAX_ARGS][TEXT_MAX];
	struct arg a[MAX_ARGS];
	char err[160] = "";
	const struct op_desc *d = op_find(tok[3]);
	int ti = find(tok[2]);
	if (!d || (d->flags & OPF_HOST) || (int)strlen(d->sig) != n - 4) { emit("error %ld unknown operation or wrong argument count: %.40s", line, tok[3]); goto fin; }
	for (int k = 0; k < n - 4; k++)
		if (parse_arg(d->sig[k], tok[4 + k], &a[k], bytes[k], TEXT_MAX, err, sizeof err)) { emit("error %ld %s", line, err); goto fin; }
	if (ti < 0) { emit("error %ld unknown task %.48s", line, tok[2]); goto fin; }
	if (T[ti].state == T_BLOCKED) { emit("res %ld %s skip=blocked", line, T[ti].name); goto obs; }
	/* a task found dead here died in an earlier line (its channel's end may be held open: super.c group_dead) */
	if (T[ti].state == T_ALIVE && T[ti].pid > 0 && group_dead(ti)) gone(ti);
	if (T[ti].state != T_ALIVE) { emit("res %ld %s skip=gone", line, T[ti].name); goto obs; }
	static char req[MSG_MAX];
	ti_cur = ti;
	size_t off = kv(req, sizeof req, 0, "%ld %s", line, d->name);
	const char *child = NULL;
	for (int k = 0; k < n - 4; k++) {
		char t[TEXT_MAX * 2 + 16];
		if (rewrite(d, a, k, t, sizeof t, tok[4 + k])) { emit("res %ld %s skip=target-gone", line, T[ti].name); goto obs; }
		off = kv(req, sizeof req, off, " %s", t);
		if (d->sig[k] == 'n') child = a[k].name;
	}
	if ((d->flags & OPF_CREATES) && (!child || find(child) >= 0)) { emit("error %ld the new task's name is missing or taken", line); goto fin; }
	vforklike = !strcmp(d->name, "vfork") || ((!strcmp(d->name, "clone") || !strcmp(d->name, "clone3")) && (a[0].i & CLONE_VFORK));
	struct pending pd = { .seq = line, .target = ti, .child_idx = -1, .deferred_idx = -1 };
	if (child) snprintf(pd.child, sizeof pd.child, "%s", child);
	int clk = clock_arg(d, a);
	/* sysinfo (no arguments) and reads of /proc/uptime and /proc/stat: the value follows host boottime. A read of
	 * an fd may be of either: the supervisor does not know which file an fd is, so it brackets every such read */
	int fdread = (d->flags & OPF_BOOTREAD) && d->sig[0] && a[0].kind == 'f';
	int bootread = fdread || ((d->flags & OPF_BOOTREAD) && (d->sig[0] == 0 || (a[0].kind == 'p' && (a[0].path.rest == REST_UPTIME || a[0].path.rest == REST_STAT))));
	if (bootread) clk = CLOCK_BOOTTIME;
	int blocked_parent = T[ti].creator >= 0 && T[T[ti].creator].state == T_BLOCKED ? T[ti].creator : -1;
	struct timespec h1 = { 0, 0 }, h2 = { 0, 0 };
	if (clk >= 0) hostclock(clk, &h1);
	/* the offsets range check reads the host's uptime somewhere between these readings and the ones after the
	 * answer: the comparator asks the model at the first and sees whether a bound lies between the two */
	struct timespec m0 = { 0, 0 }, b0 = { 0, 0 };
	if (d->flags & OPF_HOSTNOW) {
		hostclock(CLOCK_MONOTONIC, &m0);
		hostclock(CLOCK_BOOTTIME, &b0);
	}
	int running = 0;
	long long cpu = thread_cpu(T[ti].pid, T[ti].tid, &running);
	chan_send(T[ti].chan, req, off, -1);
	/* 60 s: a vDSO read with an offset whose nanoseconds are negative runs __iter_div_u64_rem ~1e10 times
	 * (9 s on an idle machine), and a syscall read or offsets write normalises one second per loop (3 s). */
	int timeout = 60000 + (!strcmp(d->name, "clock_nanosleep") ? (int)a[3].i : 0);
	int r = wait_for(&pd, child ? done_create : done_res, timeout);
	/* Such a loop takes longer under qemu's TCG or beside other work (/proc/stat's read of a LONG_MIN boottime offset
	 * outlasted the 60 s on Debian's x86_64 7.0 under TCG): a task still running, whose CPU time grew since the last
	 * look, gets BUSY_STEP_MS more, up to BUSY_EXTRA_MS in all. One that sleeps, or stands still, is out of time. */
	for (int extra_ms = 0; r && cpu >= 0 && extra_ms < BUSY_EXTRA_MS; extra_ms += BUSY_STEP_MS) {
		long long now = thread_cpu(T[ti].pid, T[ti].tid, &running);
		if (now <= cpu || !running) break;
		cpu = now;
		r = wait_for(&pd, child ? done_create : done_res, BUSY_STEP_MS);
	}
	if (clk >= 0) hostclock(clk, &h2);
	char extra[256] = "";
	if (bootread && d->sig[0] && (fdread || a[0].path.rest == REST_STAT)) snprintf(extra, sizeof extra, " hb=%ld", host_btime());
	if (!strcmp(d->name, "read") && pd.have_res) {
		long long hs = host_starttime(pd.res);
		if (hs >= 0) snprintf(extra + strlen(extra), sizeof extra - strlen(extra), " hs=%lld", hs);
	}
	if (d->flags & OPF_HOSTNOW) {
		struct timespec m, b;
		hostclock(CLOCK_MONOTONIC, &m);
		hostclock(CLOCK_BOOTTIME, &b);
		size_t el = strlen(extra);
		snprintf(extra + el, sizeof extra - el, " hm0=%lld:%09ld hboot0=%lld:%09ld hm=%lld:%09ld hboot=%lld:%09ld",
			(long long)m0.tv_sec, m0.tv_nsec, (long long)b0.tv_sec, b0.tv_nsec, (long long)m.tv_sec, m.tv_nsec, (long long)b.tv_sec, b.tv_nsec);
	}
	if (child && pd.child_idx >= 0) {
		struct task *c = &T[pd.child_idx];
		size_t el = strlen(extra);
		snprintf(extra + el, sizeof extra - el, " child=%s:%s", c->name, pd.child_hello ? "started" : "none");
		if (vforklike && pd.child_hello && !pd.have_res) { T[ti].state = T_BLOCKED; T[ti].pending = line; }
	}
	if (child && pd.child_idx >= 0 && !pd.child_hello) {
		/* the call failed: the channel made for the child leads nowhere */
		if (T[pd.child_idx].chan >= 0) close(T[pd.child_idx].chan);
		if (pd.child_idx == nt - 1) nt--;
		else T[pd.child_idx].state = T_GONE;
		pd.child_idx = -1;
	}
	if (child && pd.child_idx >= 0) {
		int share = !strcmp(d->name, "pthread_create") || ((!strcmp(d->name, "clone") || !strcmp(d->name, "clone3")) && (a[0].i & CLONE_FILES));
		T[pd.child_idx].tab = share ? T[ti].tab : fdtab_new(T[ti].tab);
	}
	if (pd.have_res && strstr(pd.res, " errno=0 ")) {
		for (int k = 0; k < n - 4; k++) {
			/* pidfd_create and open_related_ns (the ioctls' fds) are always O_CLOEXEC; the language's open never is */
			if (d->sig[k] == 'r') fdname_set(T[ti].tab, a[k].name, atoi(res_body(pd.res) + 4), strcmp(d->name, "open") != 0);
			if (d->sig[k] == 'k' && !strcmp(d->name, "close") && a[k].name[0]) fdname_del(T[ti].tab, a[k].name);
		}
		if (!strcmp(d->name, "execve")) {
			/* de_thread killed the group's other threads. Their channels end at EOF only once no table holds them:
			 * a CLONE_FILES sibling's (the exec'ing task's own copy closed them, O_CLOEXEC) still does, so a line
			 * for such a thread waited for ever (fuzz seed 140016): they are gone now. */
			for (int i = 0; i < nt; i++)
				if (i != ti && T[i].state != T_GONE && T[i].state != T_STARTING && T[i].pid == T[ti].pid) gone(i);
			T[ti].tab = fdtab_exec(T[ti].tab);
		}
		/* the names the caller opens from now on are its own, as the model's (unshare_fd) */
		if (!strcmp(d->name, "unshare") && (a[0].i & CLONE_FILES)) T[ti].tab = fdtab_unshare(T[ti].tab);
	}
	/* a set*id's own process may die after its answer (super.c setxid_settle): how it ended goes with the answer */
	if (pd.have_res && (!strcmp(d->name, "setuid") || !strcmp(d->name, "setgid") || !strcmp(d->name, "setresuid") || !strcmp(d->name, "setresgid"))) {
		size_t el = strlen(extra);
		setxid_settle(ti, extra + el, sizeof extra - el);
	}
	char death[64] = "";
	if (pd.have_res) host_pair(line, T[ti].name, res_body(pd.res), clk, &h1, &h2, extra);
	else if (vforklike && pd.child_hello) emit("res %ld %s ret=0 errno=0 sig=0 deferred=1%s", line, T[ti].name, extra);
	else if (r) emit("res %ld %s timeout=1", line, T[ti].name);
	/* alive when the line was sent (checked above), no answer: it died running the line, and says how */
	else { death_of(ti, death, sizeof death); emit("res %ld %s skip=died%s", line, T[ti].name, death); }
	/* exec and exit release a vfork parent; exit also ends (and must reap) the task */
	if (!strcmp(d->name, "exit") && pd.have_res) {
		if (strstr(pd.res, " leader=1")) {
			long pid = T[ti].pid;
			for (int i = 0; i < nt; i++) if (T[i].pid == pid && T[i].state != T_GONE) { T[i].state = T_ALIVE; }
			reap(ti, line);
			for (int i = 0; i < nt; i++) if (T[i].pid == pid) gone(i);
		} else {
			wait_thread_gone(T[ti].pid, T[ti].tid);
			gone(ti);
		}
	}
	if (blocked_parent >= 0 && (!strcmp(d->name, "execve") || !strcmp(d->name, "exit")) && T[blocked_parent].state == T_BLOCKED) {
		struct pending dp = { .seq = line, .target = -3, .child_idx = -1, .deferred_idx = blocked_parent };
		wait_for(&dp, done_deferred, 5000);
	}
obs:
	settle_deaths(line);
	observe(line);
fin:
	emit("done %ld", line);
}

static void host(char **tok, int n)
{
	long line = atol(tok[1]);
	char err[160];
	struct arg a[3];
	unsigned char b[8];
	if (n == 4 && !strcmp(tok[2], "sleep") && !parse_arg('d', tok[3], &a[0], b, sizeof b, err, sizeof err)) {
		struct timespec ts = { (time_t)a[0].sec, a[0].nsec };
		if (ts.tv_sec > 60) { emit("error %ld sleep longer than 60 s", line); goto fin; }
		while (nanosleep(&ts, &ts) && errno == EINTR) {}
		emit("res %ld - ret=0 errno=0 sig=0", line);
	} else if (n == 5 && !strcmp(tok[2], "sysctl") && !parse_arg('i', tok[3], &a[0], b, sizeof b, err, sizeof err)) {
		struct pending pd = { .seq = line, .target = -2, .child_idx = -1, .deferred_idx = -1 };
		if (!strcmp(tok[4], "-")) {
			if (sandbox) { emit("error %ld the sandbox never writes the host's sysctls", line); goto fin; }
			init_request(line, "sysctl_write %lld", a[0].i);
		} else {
			int i = find(tok[4]);
			if (i < 0 || T[i].state != T_ALIVE) { emit("res %ld %s skip=gone", line, tok[4]); goto obs; }
			pd.target = i;
			chan_sendf(T[i].chan, -1, "%ld sysctl_write %lld", line, a[0].i);
		}
		wait_for(&pd, done_res, 5000);
		emit("res %ld - %s", line, pd.have_res ? res_body(pd.res) : "timeout=1");
	} else if (n == 5 && !strcmp(tok[3 - 1], "spawn") && valid_name(tok[3]) && find(tok[3]) < 0 && !parse_arg('i', tok[4], &a[0], b, sizeof b, err, sizeof err)) {
		char res[512];
		create_via_init(line, tok[3], (long)a[0].i, res, sizeof res);
		emit("res %ld - %s child=%s:%s", line, res, tok[3], find(tok[3]) >= 0 && T[find(tok[3])].state == T_ALIVE ? "started" : "none");
	} else {
		emit("error %ld bad host command", line);
		goto fin;
	}
obs:
	observe(line);
fin:
	emit("done %ld", line);
}

/* x86_64's vsyscall mode, as /proc/self/maps shows the gate area (get_gate_vma, arch/x86/entry/vsyscall/
 * vsyscall_64.c): no line with vsyscall=none, --xp with xonly, r-xp with emulate. */
static const char *vsyscall_mode(void)
{
	char l[512];
	const char *mode = "none";
	FILE *f = fopen("/proc/self/maps", "re");
	while (f && fgets(l, sizeof l, f)) {
		if (!strstr(l, "[vsyscall]")) continue;
		char perms[8] = "";
		if (sscanf(l, "%*s %7s", perms) == 1) mode = perms[0] == 'r' ? "emulate" : "xonly";
	}
	if (f) fclose(f);
	return mode;
}

/* The machine's properties that change what the kernel does (extension/sim/types.ts Machine), for the model. */
static void machine_props(int *capres, int *rtc, char *cs, size_t n)
{
	char l[256];
	*capres = -1;
	FILE *f = fopen("/proc/self/status", "re");
	unsigned long long b;
	while (f && fgets(l, sizeof l, f)) if (sscanf(l, "CapBnd: %llx", &b) == 1) *capres = (int)((b >> 24) & 1);   /* CAP_SYS_RESOURCE */
	if (f) fclose(f);
	struct timespec ts;
	/* kernel/time/alarmtimer.c alarm_clock_get_timespec: EINVAL exactly when there is no RTC device */
	*rtc = syscall(SYS_clock_gettime, CLOCK_BOOTTIME_ALARM, &ts) == 0;
	snprintf(cs, n, "unknown");
	int fd = open("/sys/devices/system/clocksource/clocksource0/current_clocksource", O_RDONLY | O_CLOEXEC);
	if (fd < 0) return;
	ssize_t r = read(fd, l, sizeof l - 1);
	close(fd);
	if (r <= 0) return;
	l[r] = 0;
	size_t k = strcspn(l, "\n");
	l[k] = 0;
	for (size_t i = 0; i < k; i++) if (!isalnum((unsigned char)l[i]) && l[i] != '_' && l[i] != '-') return;
	if (k > 0 && k < n) snprintf(cs, n, "%s", l);
}

/* Whether this kernel runs the helper's 32-bit build: 1, 0 (ENOEXEC: an x86_64 kernel without ia32 emulation,
 * compat_elf_check_arch), -1 (no such build, or another failure). */
static int exec32_probe(void)
{
	if (!helper32_path) return -1;
	pid_t p = fork();
	if (p == 0) {
		char *argv[] = { "timens-helper", "probe", NULL };
		execve(helper32_path, argv, (char *[]){ NULL });
		_exit(errno == ENOEXEC ? 3 : 4);
	}
	int st;
	if (p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st)) return -1;
	return WEXITSTATUS(st) == 0 ? 1 : WEXITSTATUS(st) == 3 ? 0 : -1;
}

/* x86_64: whether the pvclock page maps, 1 or 0 (SIGBUS), -1 elsewhere or when no mapping holds it. vvar_fault (up to
 * 6.12, page 1 of [vvar]) and vvar_vclock_fault (from 6.13, page 0 of [vvar_vclock]) map it when "pvti &&
 * vclock_was_used(VDSO_CLOCKMODE_PVCLOCK)" (arch/x86/entry/vdso/vma.c): once kvm-clock was the clocksource at any
 * time since boot (kvm_cs_enable), which the current clocksource does not tell (a KVM guest boots on kvm-clock and
 * moves to tsc). A child touches the page, so its SIGBUS costs the helper nothing. */
static int pvclock_probe(void)
{
#ifdef __x86_64__
	char l[512], name[64];
	unsigned long lo, hi, at = 0;
	FILE *f = fopen("/proc/self/maps", "re");
	while (f && fgets(l, sizeof l, f)) {
		name[0] = 0;
		if (sscanf(l, "%lx-%lx %*s %*s %*s %*s %63s", &lo, &hi, name) < 3) continue;
		if (!strcmp(name, "[vvar_vclock]")) { at = lo; break; }
		if (!strcmp(name, "[vvar]") && hi - lo > (unsigned long)page_size()) at = lo + (unsigned long)page_size();
	}
	if (f) fclose(f);
	if (!at) return -1;
	pid_t p = fork();
	if (p == 0) {
		(void)*(volatile const char *)at;
		_exit(0);
	}
	int st;
	if (p < 0 || waitpid(p, &st, 0) != p) return -1;
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0) return 1;
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS ? 0 : -1;
#else
	return -1;
#endif
}

int supervise(int in, int out, const char *mode, int frame, const char *plan_path)
{
	(void)plan_path;
	out_fd = out;
	framed = frame;
	sandbox = !strcmp(mode, "sandbox");
	signal(SIGPIPE, SIG_IGN);
	exe_fd = open("/proc/self/exe", O_PATH);   /* inherited by every task: exec runs the helper again */
	if (helper32_path) exe32_fd = open(helper32_path, O_PATH);
	struct utsname u;
	uname(&u);
	struct stat st;
	int timens = stat("/proc/self/ns/time", &st) == 0;   /* absent without CONFIG_TIME_NS */
	int userns = stat("/proc/self/ns/user", &st) == 0;   /* absent without CONFIG_USER_NS */
	int capres, rtc;
	char cs[64];
	machine_props(&capres, &rtc, cs, sizeof cs);
	emit("hello proto=%d arch=%s release=%s mode=%s euid=%d pagesize=%ld timens=%d userns=%d capsysres=%d rtc=%d clocksource=%s pvclock=%d vsyscall=%s exec32=%d", PROTO_VERSION, u.machine, u.release, mode,
		(int)geteuid(), page_size(), timens, userns, capres, rtc, cs, pvclock_probe(), vsyscall_mode(), exec32_probe());
	static char buf[MSG_MAX + 1];
	size_t have = 0;
	for (;;) {
		char *nl = memchr(buf, '\n', have);
		if (!nl) {
			if (have == MSG_MAX) { emit("error 0 input line too long"); have = 0; continue; }
			ssize_t r = read(in, buf + have, MSG_MAX - have);
			if (r < 0 && errno == EINTR) continue;
			if (r <= 0) break;
			have += (size_t)r;
			continue;
		}
		*nl = 0;
		char *tok[MAX_ARGS + 6];
		char *line = buf;
		int bad = strlen(line) != (size_t)(nl - buf);
		for (char *c = line; !bad && *c; c++) bad = (unsigned char)*c < 0x20 || (unsigned char)*c > 0x7e;
		int n = bad ? -1 : split_tokens(line, tok, MAX_ARGS + 6);
		if (bad) emit("error 0 a line of the plan holds bytes that are not printable ASCII");
		else if (n < 0) emit("error 0 a line of the plan is not single-space separated tokens");
		else if (n == 0) {}
		else if (!strcmp(tok[0], "begin") && n == 2 && valid_name(tok[1])) begin(tok[1]);
		else if (!strcmp(tok[0], "end") && n == 1) { teardown(); emit("ended"); }
		else if (!strcmp(tok[0], "cmd") && n >= 4 && valid_name(tok[2])) cmd(tok, n);
		else if (!strcmp(tok[0], "host") && n >= 3) host(tok, n);
		else emit("error 0 unknown command");
		size_t used = (size_t)(nl + 1 - buf);
		memmove(buf, nl + 1, have - used);
		have -= used;
	}
	teardown();
	emit("bye");
	return 0;
}
