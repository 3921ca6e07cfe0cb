/* A scenario task: waits on its channel for one command at a time, runs it with real system calls and
 * answers with what the kernel returned. Per-task state lives on the task's own stack (a vfork or CLONE_VM
 * child shares the parent's memory); per-mm state is global (shared exactly when the mm is); the tasks that share a
 * TLS area take turns (turn.c). */
#include "helper.h"

#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct mm_state g_mm;

long gettid_(void) { return syscall(SYS_gettid); }

long page_size(void)
{
	static long ps;
	if (!ps) ps = sysconf(_SC_PAGESIZE);
	return ps;
}

int mapping_of(const char *name)
{
	if (!strcmp(name, "vvar")) return MAP_VVAR;
	if (!strcmp(name, "vvar_vclock")) return MAP_VVAR_VCLOCK;
	if (!strcmp(name, "vdso")) return MAP_VDSO;
	return -1;
}

static int first_of_each(unsigned long s, unsigned long e, const char *name, void *ctx)
{
	(void)ctx;
	int m = !strcmp(name, "[vvar]") ? MAP_VVAR : !strcmp(name, "[vvar_vclock]") ? MAP_VVAR_VCLOCK : !strcmp(name, "[vdso]") ? MAP_VDSO : -1;
	if (m >= 0 && !g_mm.base[m]) g_mm.base[m] = s;
	if (m == MAP_VDSO && !g_mm.vdso_size) g_mm.vdso_size = e - s;
	return 0;
}

/* Where the special mappings are right after exec, and the vDSO's entries: looked up here once, as libc does at
 * start-up, never from the image when called (a scenario may have unmapped it since; the call then faults). */
void mm_init(void)
{
	memset(&g_mm, 0, sizeof g_mm);
	maps_each(first_of_each, NULL);
	g_mm.vdso_text = getauxval(AT_SYSINFO_EHDR);
	if (g_mm.vdso_text && g_mm.base[MAP_VVAR]) g_mm.data_distance = g_mm.vdso_text - g_mm.base[MAP_VVAR];
	extern unsigned long vdso_symbol_offset(unsigned long base);
	extern unsigned long vdso_symbol(unsigned long base, const char *x86, const char *arm64);
	if (!g_mm.vdso_text) return;
	g_mm.vdso_sym_off = vdso_symbol_offset(g_mm.vdso_text);
	g_mm.vdso_getres_off = vdso_symbol(g_mm.vdso_text, "__vdso_clock_getres", "__kernel_clock_getres");
	g_mm.vdso_time_off = vdso_symbol(g_mm.vdso_text, "__vdso_time", "__kernel_time");
	g_mm.vdso_gtod_off = vdso_symbol(g_mm.vdso_text, "__vdso_gettimeofday", "__kernel_gettimeofday");
}

#if defined(__i386__)
/* ia32 glibc enters the kernel through `call *%gs:0x10` (tcbhead_t.sysinfo, copied from _dl_sysinfo, which is
 * AT_SYSINFO: the vDSO's __kernel_vsyscall at exec). Once a scenario moves or unmaps [vdso] that pointer is stale:
 * vdso_mremap (arch/x86/entry/vdso/vma.c) moves mm->context.vdso and vdso_fix_landing the return of the mremap
 * itself, but libc's next system call jumps to the old address (SIGSEGV), and after an munmap the sysenter/syscall
 * return lands on the gone page (do_fast_syscall_32 returns to context.vdso + sym_int80_landing_pad). The model's
 * system calls do not go through the vDSO, so the helper's do not either: int $0x80 from its own text. */
__asm__(".text\n.type helper_int80, @function\nhelper_int80:\n\tint $0x80\n\tret\n");
void helper_int80(void);
extern unsigned long _dl_sysinfo;   /* libc.a's (hidden, in .bss): where new threads' TCBs take theirs */

void syscalls_without_vdso(void)
{
	_dl_sysinfo = (unsigned long)helper_int80;
	__asm__ volatile("movl %0, %%gs:0x10" : : "r"(helper_int80) : "memory");
}
#else
void syscalls_without_vdso(void) {}
#endif

static __thread sigjmp_buf *fault_jmp;
sigjmp_buf *set_fault_jmp(sigjmp_buf *j)
{
	sigjmp_buf *old = fault_jmp;
	fault_jmp = j;
	return old;
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	(void)si; (void)uc;
	if (fault_jmp) siglongjmp(*fault_jmp, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void on_alarm(int sig, siginfo_t *si, void *uc) { (void)sig; (void)si; (void)uc; }

/* The return from on_alarm, when libc would return it through the vDSO: a scenario that unmapped [vdso] (or took its
 * PROT_EXEC) would then have the helper's own sleep cap kill the task, so these builds return through the helper's
 * own text instead. arm64: glibc passes no SA_RESTORER, and setup_return (arch/arm64/kernel/signal.c) then uses
 * VDSO_SYMBOL(mm->context.vdso, sigtramp); rt_sigreturn is 139. ia32: glibc's i386 libc_sigaction sets no restorer
 * while there is a vDSO (SET_SA_RESTORER), and ia32_setup_frame / ia32_setup_rt_frame (arch/x86/kernel/signal_32.c)
 * then return to context.vdso + __kernel_sigreturn / __kernel_rt_sigreturn; with SA_RESTORER both take
 * ksig->ka.sa.sa_restorer and nothing of the vDSO. SA_SIGINFO picks the rt frame, whose return is rt_sigreturn (173
 * in syscall_32.tbl) with %esp just past pretcode, where the handler's ret leaves it. */
#if defined(__aarch64__)
__asm__(".text\n.p2align 2\n.type helper_sigreturn, %function\nhelper_sigreturn:\n\tmov x8, #139\n\tsvc #0\n");
#define HELPER_SIGRETURN 1
#elif defined(__i386__)
__asm__(".text\n.type helper_sigreturn, @function\nhelper_sigreturn:\n\tmovl $173, %eax\n\tint $0x80\n");
#define HELPER_SIGRETURN 1
#endif

#ifdef HELPER_SIGRETURN
void helper_sigreturn(void);

/* By raw rt_sigaction: libc's sigaction would put its own restorer (or none) in. The kernel's layout on both (struct
 * sigaction of arm64, struct compat_sigaction of an ia32 task): handler, flags, restorer, then the 64-bit mask, whose
 * size is the call's sigsetsize (compat_sys_rt_sigaction refuses any but sizeof(compat_sigset_t), 8). */
static void install_alarm(void)
{
	struct { void (*handler)(int, siginfo_t *, void *); unsigned long flags; void (*restorer)(void); unsigned int mask[2]; } ka = {
		on_alarm, 0x04000000UL /* SA_RESTORER */ | SA_SIGINFO, helper_sigreturn, { 0, 0 } };
	syscall(SYS_rt_sigaction, SIGALRM, &ka, NULL, sizeof ka.mask);
}
#else
static void install_alarm(void)
{
	struct sigaction al = { 0 };
	al.sa_sigaction = on_alarm;
	al.sa_flags = SA_SIGINFO;   /* no SA_RESTART: interrupts a capped sleep */
	sigaction(SIGALRM, &al, NULL);
}
#endif

void install_fault_handlers(void)
{
	struct sigaction sa = { 0 };
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	install_alarm();   /* no SA_RESTART: interrupts a capped sleep */
	vdso_watch_install();
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
}

/* Channels of other tasks inherited through fork: closing them lets the supervisor see a task's death as
 * the end of its channel. Scenario files are never SEQPACKET sockets, so nothing of the scenario is closed. */
void close_other_channels(int keep)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d) return;
	int dfd = dirfd(d);
	struct dirent *e;
	int victims[512], n = 0;
	while ((e = readdir(d)) && n < 512) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] == '.' || fd == keep || fd == dfd || fd <= 2) continue;
		struct stat st;
		if (fstat(fd, &st) || !S_ISSOCK(st.st_mode)) continue;
		int type = 0;
		socklen_t tl = sizeof type;
		if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) == 0 && type == SOCK_SEQPACKET) victims[n++] = fd;
	}
	closedir(d);
	for (int i = 0; i < n; i++) close(victims[i]);
}

void res_add(struct result *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (r->elen < sizeof r->extra) {
		int n = vsnprintf(r->extra + r->elen, sizeof r->extra - r->elen, fmt, ap);
		if (n > 0) r->elen = r->elen + (size_t)n >= sizeof r->extra ? sizeof r->extra - 1 : r->elen + (size_t)n;
	}
	va_end(ap);
}

void res_errno(struct result *r, long long ret)
{
	r->ret = ret;
	r->err = ret < 0 ? errno : 0;
}

void send_result(struct task_ctx *ctx, struct result *r)
{
	char msg[MSG_MAX];
	char eb[32], sb[32];
	size_t n = (size_t)snprintf(msg, sizeof msg, "res %ld ret=%lld errno=%s sig=%s", ctx->seq, r->ret,
		errno_name(r->err, eb), signal_name(r->sig, sb));
	if (r->elen && n + r->elen < sizeof msg) {
		memcpy(msg + n, r->extra, r->elen);
		n += r->elen;
	}
	chan_send(ctx->chan, msg, n, -1);
}

static const op_handler HANDLERS[] = {
#define OP(name, sig, flags) op_##name,
#include "ops.gen.h"
#undef OP
};

/* Internal commands the supervisor sends besides the operations of the language. */
static void internal(char **tok, int n, struct result *r)
{
	if (!strcmp(tok[1], "reap") && n == 3) {
		pid_t pid = (pid_t)atol(tok[2]);
		int st = 0;
		pid_t w;
		do w = waitpid(pid, &st, __WALL); while (w < 0 && errno == EINTR);
		res_errno(r, w);
		return;
	}
	if (!strcmp(tok[1], "sysctl_write") && n == 3) {
		/* /proc/sys/user is the set of the writer's own user namespace (kernel/ucount.c set_lookup). */
		FILE *f = fopen("/proc/sys/user/max_time_namespaces", "we");
		if (!f) { res_errno(r, -1); return; }
		int ok = fprintf(f, "%s\n", tok[2]) > 0;
		int e = errno;
		if (fclose(f) != 0 || !ok) { errno = errno ? errno : e; res_errno(r, -1); return; }
		r->ret = 0;
		return;
	}
	r->ret = -1;
	r->err = EINVAL;
	res_add(r, " bad=internal");
}

void task_main(struct task_ctx *ctx, int announce)
{
	/* On the heap: a forked child runs its own task_main inside its parent's op_fork frame, so each generation
	 * nests another one on the stack; with these 700 KB buffers on it, the fifth generation of forks from a
	 * thread (4 MB stack) overflowed it and died before its hello. */
	char *msg = malloc(MSG_MAX);
	unsigned char (*bytes)[TEXT_MAX] = malloc(sizeof(unsigned char[MAX_ARGS][TEXT_MAX]));
	if (!msg || !bytes) syscall(SYS_exit_group, 70);
	if (announce) chan_sendf(ctx->chan, -1, "hello %s %ld %d", ctx->name, gettid_(), getpid());
	for (;;) {
		turn_give(&ctx->turn);
		turn_idle(ctx->chan);
		turn_take(&ctx->turn);
		int fd;
		ssize_t n = chan_recv(ctx->chan, msg, MSG_MAX, &fd);
		if (fd >= 0) close(fd);
		if (n <= 0) syscall(SYS_exit_group, 0);   /* the supervisor is gone: end quietly */
		char *tok[MAX_ARGS + 3];
		int nt = split_tokens(msg, tok, MAX_ARGS + 3);
		struct result *r = calloc(1, sizeof *r);
		if (!r) syscall(SYS_exit_group, 70);
		if (nt < 2) { ctx->seq = 0; r->ret = -1; r->err = EINVAL; res_add(r, " bad=syntax"); send_result(ctx, r); free(r); continue; }
		ctx->seq = atol(tok[0]);
		const struct op_desc *d = op_find(tok[1]);
		if (!d) {
			internal(tok, nt, r);
		} else {
			struct arg args[MAX_ARGS];
			int na = (int)strlen(d->sig);
			char err[128] = "";
			int ok = nt - 2 == na;
			for (int i = 0; ok && i < na; i++)
				ok = parse_arg(d->sig[i], tok[2 + i], &args[i], bytes[i], TEXT_MAX, err, sizeof err) == 0;
			if (!ok) {
				r->ret = -1; r->err = EINVAL;
				res_add(r, " bad=args");
			} else {
				HANDLERS[d - OPS](ctx, args, r);
			}
		}
		send_result(ctx, r);
		free(r);
	}
}

/* shares_tls: a CLONE_VM child without a TLS of its own, whose creator may still be running helper code: it waits for
 * its turn before its first call into libc. */
void task_start(int chan, int exe_fd, const char *name, int shares_files, int shares_tls)
{
	struct task_ctx ctx = { .chan = chan, .exe_fd = exe_fd, .seq = 0 };
	turn_begin(&ctx.turn, shares_tls);
	snprintf(ctx.name, sizeof ctx.name, "%s", name);
	if (!shares_files) close_other_channels(chan);
	task_main(&ctx, 1);
}
