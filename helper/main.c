/* timens-helper's entry: `supervise` (driven by `timens verify` on stdin/stdout), `task` (a scenario task
 * after execve), `describe` (its operation table, for tests), or init of a qemu VM (pid 1: mount /proc, run
 * the plan in /plan, write the results to the console, power off). */
#include "helper.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

const char *helper32_path;
int exe32_fd = -1;

char **helper_envp(void)
{
	static char var[48];
	static char *env[2];
	env[0] = NULL;
	if (exe32_fd >= 0) {
		snprintf(var, sizeof var, "TIMENS_HELPER32_FD=%d", exe32_fd);
		env[0] = var;
	}
	return env;
}

static int usage(void)
{
	fprintf(stderr, "usage: timens-helper supervise --mode sandbox|initial [--frame] [--helper32 PATH]\n"
		"       timens-helper describe\n"
		"It runs the operations of .timens scenarios for `timens verify`; see docs/verify.md.\n");
	return 2;
}

static int exec_task(int argc, char **argv)
{
	/* after execve: timens-helper task CHAN EXE NAME SEQ */
	if (argc != 6 || !valid_name(argv[4])) return usage();
	int chan = atoi(argv[2]), exe = atoi(argv[3]);
	long seq = atol(argv[5]);
	struct task_ctx ctx = { .chan = chan, .exe_fd = exe, .seq = seq };
	syscalls_without_vdso();
	turn_begin(&ctx.turn, 0);   /* a new image: its TLS is its own */
	fcntl(chan, F_SETFD, FD_CLOEXEC);
	install_fault_handlers();
	mm_init();
	snprintf(ctx.name, sizeof ctx.name, "%s", argv[4]);
	if (seq > 0) chan_sendf(chan, -1, "res %ld ret=0 errno=0 sig=0 tid=%ld pid=%d", seq, gettid_(), getpid());
	task_main(&ctx, seq == 0);
}

int pid1_main(int argc, char **argv)
{
	(void)argc; (void)argv;
	mkdir("/proc", 0555);
	mkdir("/dev", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mkdir("/sys", 0555);
	mount("sysfs", "/sys", "sysfs", 0, NULL);   /* the current clocksource, for the hello */
	int con = open("/dev/console", O_RDWR | O_NOCTTY);
	if (con >= 0) { dup2(con, 1); dup2(con, 2); }
	if (access("/helper32", X_OK) == 0) helper32_path = "/helper32";   /* qemu's initramfs has the 32-bit build */
	int plan = open("/plan", O_RDONLY | O_CLOEXEC);
	if (plan < 0) { fprintf(stderr, "timens-helper: no /plan in the initramfs\n"); }
	else supervise(plan, 1, "initial", 1, NULL);
	/* the serial console sends what was written after write() returns: power off only once it has all gone out,
	 * else the last lines of the results are cut (seen on x86_64 6.1 under qemu TCG) */
	tcdrain(1);
	sync();
	reboot(RB_POWER_OFF);
	for (;;) pause();
}

static void *no_work(void *arg)
{
	return arg;
}

/* glibc installs the SIGSETXID handler that set*id uses to change every thread's ids when a process makes its first
 * thread, and records that it did in memory (nptl/pthread_create.c late_init, run while __libc_single_threaded_internal
 * is set). A CLONE_VM child has that memory but handlers of its own: when it made the first thread, its creator's
 * later set*id signalled its own threads with no handler, and SIGSETXID's default action killed the process (fuzz seed
 * 131157). A thread made and joined before any task is cloned installs the handler here; every task cloned from this
 * image inherits it (kernel/fork.c copy_sighand), and an exec runs this again in the new image. */
static void install_setxid_handler(void)
{
	pthread_t t;
	if (pthread_create(&t, NULL, no_work, NULL) != 0) return;
	pthread_join(t, NULL);
	/* pthread_join returns once the kernel cleared the thread's tid (mm_release, in exit_mm), before exit_notify takes
	 * it out of the thread group: until then unshare(CLONE_NEWUSER), which implies CLONE_THREAD, is EINVAL
	 * (check_unshare_flags: !thread_group_empty(current)); under qemu x86_64 6.1 a scenario's first unshare saw it */
	for (int i = 0; i < 5000; i++) {
		DIR *d = opendir("/proc/self/task");
		if (!d) return;
		int n = 0;
		for (struct dirent *e; (e = readdir(d));) n += e->d_name[0] != '.';
		closedir(d);
		if (n <= 1) return;
		nanosleep(&(struct timespec){ 0, 200000 }, NULL);
	}
}

int main(int argc, char **argv)
{
	if (getpid() == 1) return pid1_main(argc, argv);
	/* before the start-up thread: glibc caches its stack, and the next pthread_create reusing it asserts that the TCB's
	 * sysinfo there is the creator's (i386 __pthread_create_2_1), which it would not be once changed after it */
	syscalls_without_vdso();
	install_setxid_handler();
	const char *fd32 = getenv("TIMENS_HELPER32_FD");
	if (fd32) exe32_fd = atoi(fd32);
	if (argc >= 2 && !strcmp(argv[1], "task")) return exec_task(argc, argv);
	if (argc == 2 && !strcmp(argv[1], "probe")) return 0;   /* the supervisor's test: does this kernel run this build? */
	if (argc == 2 && !strcmp(argv[1], "describe")) {
		for (size_t i = 0; i < N_OPS; i++) printf("%s %s %u\n", OPS[i].name, OPS[i].sig[0] ? OPS[i].sig : "-", OPS[i].flags);
		return 0;
	}
	if (argc >= 2 && !strcmp(argv[1], "supervise")) {
		const char *mode = "sandbox";
		int frame = 0;
		for (int i = 2; i < argc; i++) {
			if (!strcmp(argv[i], "--mode") && i + 1 < argc) mode = argv[++i];
			else if (!strcmp(argv[i], "--frame")) frame = 1;
			else if (!strcmp(argv[i], "--helper32") && i + 1 < argc) helper32_path = argv[++i];
			else return usage();
		}
		if (strcmp(mode, "sandbox") && strcmp(mode, "initial")) return usage();
		return supervise(0, 1, mode, frame, NULL);
	}
	return usage();
}
