/* The sandbox init: the first process of a scenario run. On the running kernel it enters a new user namespace
 * (mapped by the supervisor), with new mount, UTS, IPC, cgroup and network namespaces owned by it, and makes a new
 * time namespace for its children, so nothing a scenario does can reach the host's namespaces, clocks or sysctls;
 * under qemu it stays in the VM's initial namespaces. It starts the scenario's first task and every `spawn`, reaps
 * orphans it is asked about, and observes the tasks. */
#include "helper.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned long self_ino(const char *ns)
{
	char p[64];
	struct stat st;
	snprintf(p, sizeof p, "/proc/self/ns/%s", ns);
	return stat(p, &st) ? 0 : (unsigned long)st.st_ino;
}

/* A new task started from outside, as a login would: uid set, then a fresh image (dumpable again). */
static long spawn(int chan, int exe_fd, long seq, const char *name, long uid)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) return -errno;
	int big = 1 << 20;
	setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
	setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
	if (chan_sendf(chan, sv[0], "child %ld %s", seq, name)) { close(sv[0]); close(sv[1]); return -EIO; }
	close(sv[0]);
	pid_t p = fork();
	if (p == 0) {
		if (uid != 0) {
			gid_t g = (gid_t)uid;
			if (setgroups(1, &g) || setresgid(g, g, g) || setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid)) _exit(71);
		}
		char cs[16], es[16];
		snprintf(cs, sizeof cs, "%d", sv[1]);
		snprintf(es, sizeof es, "%d", exe_fd);
		fcntl(sv[1], F_SETFD, 0);
		char *argv[] = { "timens-helper", "task", cs, es, (char *)name, "0", NULL };
		syscall(SYS_execveat, exe_fd, "", argv, helper_envp(), AT_EMPTY_PATH);
		_exit(72);
	}
	close(sv[1]);
	return p < 0 ? -errno : p;
}

static int setup(int chan, int sandbox, char *why, size_t wl)
{
	if (sandbox) {
		if (unshare(CLONE_NEWUSER)) { snprintf(why, wl, "unshare(CLONE_NEWUSER): %s", strerror(errno)); return -1; }
		char msg[64];
		if (chan_sendf(chan, -1, "needmap %d", getpid()) || chan_recv(chan, msg, sizeof msg, NULL) <= 0 || strcmp(msg, "mapped")) {
			snprintf(why, wl, "the supervisor could not write the uid and gid maps%s%s", msg[0] ? ": " : "", msg);
			return -1;
		}
		if (setresgid(0, 0, 0) || setresuid(0, 0, 0)) { snprintf(why, wl, "setresuid(0) in the new user namespace: %s", strerror(errno)); return -1; }
		if (unshare(CLONE_NEWTIME)) { snprintf(why, wl, "unshare(CLONE_NEWTIME): %s", strerror(errno)); return -1; }
		/* The scenario's user#0 owns every namespace of the model's world: without these the host's initial user
		 * namespace would own the mount, UTS, IPC, cgroup and network namespaces, where the sandbox has no
		 * capability, and setns(pidfd, CLONE_NEWTIME|CLONE_NEWUTS) would fail with EPERM in utsns_install. */
		if (unshare(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP | CLONE_NEWNET)) {
			snprintf(why, wl, "unshare(CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC|CLONE_NEWCGROUP|CLONE_NEWNET): %s", strerror(errno));
			return -1;
		}
	}
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	return 0;
}

void init_main(int chan, int exe_fd, int sandbox)
{
	char why[256];
	signal(SIGPIPE, SIG_IGN);
	if (setup(chan, sandbox, why, sizeof why)) {
		chan_sendf(chan, -1, "fail %s", why);
		_exit(1);
	}
	chan_sendf(chan, -1, "ready userns=%lu timens=%lu uid=%d", self_ino("user"), self_ino("time_for_children"), (int)getuid());
	static char msg[MSG_MAX];
	for (;;) {
		ssize_t n = chan_recv(chan, msg, sizeof msg, NULL);
		if (n <= 0) _exit(0);
		char *tok[MAX_TASKS + 4];
		int nt = split_tokens(msg, tok, MAX_TASKS + 4);
		if (nt < 2) continue;
		long seq = atol(tok[0]);
		if (!strcmp(tok[1], "spawn") && nt == 4 && valid_name(tok[2])) {
			long p = spawn(chan, exe_fd, seq, tok[2], atol(tok[3]));
			char eb[32];
			chan_sendf(chan, -1, "res %ld ret=%ld errno=%s sig=0", seq, p < 0 ? -1 : p, errno_name(p < 0 ? (int)-p : 0, eb));
		} else if (!strcmp(tok[1], "reap") && nt == 3) {
			int st;
			pid_t w;
			do w = waitpid((pid_t)atol(tok[2]), &st, __WALL); while (w < 0 && errno == EINTR);
			char eb[32];
			chan_sendf(chan, -1, "res %ld ret=%d errno=%s sig=0", seq, (int)w, errno_name(w < 0 ? errno : 0, eb));
		} else if (!strcmp(tok[1], "sysctl_write") && nt == 3 && !sandbox) {
			int fd = open("/proc/sys/user/max_time_namespaces", O_WRONLY | O_CLOEXEC);
			ssize_t w = -1;
			if (fd >= 0) { w = write(fd, tok[2], strlen(tok[2])); close(fd); }
			char eb[32];
			chan_sendf(chan, -1, "res %ld ret=%d errno=%s sig=0", seq, w < 0 ? -1 : 0, errno_name(w < 0 ? errno : 0, eb));
		} else if (!strcmp(tok[1], "observe") && nt >= 3) {
			int pfn = atoi(tok[2]);
			unsigned long seen[MAX_TASKS];
			int nseen = 0;
			for (int i = 3; i < nt; i++) {
				char name[NAME_MAX_LEN + 1];
				long tgid, tid;
				if (sscanf(tok[i], "%48[^:]:%ld:%ld", name, &tgid, &tid) != 3) continue;
				observe_task(chan, name, tgid, tid);
				char p[96];
				struct stat st;
				snprintf(p, sizeof p, "/proc/%ld/task/%ld/ns/time_for_children", tgid, tid);
				if (stat(p, &st) == 0) {
					int known = 0;
					for (int k = 0; k < nseen; k++) known |= seen[k] == st.st_ino;
					if (!known && nseen < MAX_TASKS) { seen[nseen++] = st.st_ino; observe_ns(chan, tid); }
				}
				observe_mm(chan, name, tgid, tid, pfn);
			}
			chan_sendf(chan, -1, "end %ld", seq);
		} else {
			chan_sendf(chan, -1, "res %ld ret=-1 errno=EINVAL sig=0 bad=init", seq);
		}
	}
}
