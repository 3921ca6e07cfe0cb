/* Whether a vDSO call entered the kernel: lib/vdso/gettimeofday.c falls back to the system call whenever the
 * clocksource cannot be read in user space at that instant (x86 vread_pvclock: no PVCLOCK_TSC_STABLE_BIT). */
#include "helper.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <ucontext.h>

#ifndef PR_SET_SYSCALL_USER_DISPATCH
#define PR_SET_SYSCALL_USER_DISPATCH 59
#define PR_SYS_DISPATCH_OFF 0
#define PR_SYS_DISPATCH_ON 1
#endif
#ifndef SYS_USER_DISPATCH
#define SYS_USER_DISPATCH 2
#endif
#define SEL_ALLOW 0
#define SEL_BLOCK 1

/* Syscall User Dispatch (kernel/entry/syscall_user_dispatch.c, 5.11, x86 only until arm64 takes the generic entry):
 * while the selector byte says BLOCK, a system call from anywhere but the allowed range is rolled back and turned
 * into a SIGSYS (si_code SYS_USER_DISPATCH) before the kernel runs it. The handler runs it from the allowed range,
 * the stub below, with the same registers, so the task gets the kernel's own answer, and notes where it came from.
 * It is switched on only around the one vDSO call and off again (no residue: unlike seccomp, it can be removed). */
#if defined(__x86_64__)
__asm__(".text\n.type helper_sud_syscall, @function\nhelper_sud_syscall_start:\nhelper_sud_syscall:\n"
	"\tmovq %rdi, %rax\n\tmovq %rsi, %rdi\n\tmovq %rdx, %rsi\n\tmovq %rcx, %rdx\n\tmovq %r8, %r10\n\tmovq %r9, %r8\n"
	"\tmovq 8(%rsp), %r9\n\tsyscall\n\tret\nhelper_sud_syscall_end:\n");
long helper_sud_syscall(long nr, long a, long b, long c, long d, long e, long f);
extern char helper_sud_syscall_start[], helper_sud_syscall_end[];
#define SUD 1
#else
#define SUD 0
#endif

static volatile char selector = SEL_ALLOW;
static volatile int watching, from_vdso, from_elsewhere;

#if SUD
static void on_sigsys(int sig, siginfo_t *si, void *ucv)
{
	selector = SEL_ALLOW;   /* before anything that enters the kernel, the handler's return included */
	if (si->si_code != SYS_USER_DISPATCH) {
		signal(sig, SIG_DFL);
		raise(sig);
		return;
	}
	greg_t *g = ((ucontext_t *)ucv)->uc_mcontext.gregs;
	g[REG_RAX] = helper_sud_syscall(si->si_syscall, g[REG_RDI], g[REG_RSI], g[REG_RDX], g[REG_R10], g[REG_R8], g[REG_R9]);
	unsigned long at = (unsigned long)si->si_call_addr;
	if (g_mm.vdso_text && at - g_mm.vdso_text < g_mm.vdso_size) from_vdso = 1;
	else from_elsewhere = 1;
}
#endif

/* Once per image, with the other handlers: SIGSYS has no other use in the helper (its default action otherwise). */
void vdso_watch_install(void)
{
#if SUD
	struct sigaction sa = { 0 };
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSYS, &sa, NULL);
#endif
}

/* Right before the vDSO call: dispatch on, every system call but the stub's trapped. */
void vdso_watch_begin(void)
{
	watching = from_vdso = from_elsewhere = 0;
#if SUD
	int e = errno;
	selector = SEL_ALLOW;
	watching = g_mm.vdso_size && prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_ON, (unsigned long)helper_sud_syscall_start,
		(unsigned long)(helper_sud_syscall_end - helper_sud_syscall_start), &selector) == 0;
	errno = e;
	if (watching) selector = SEL_BLOCK;
#endif
}

/* Right after it (or after its fault): dispatch off; " fb=1" when the vDSO made a system call, " fb=0" when it did
 * not, "" when that is unknown (no dispatch on this kernel or architecture, or a signal handler's call was trapped
 * first, which let the rest through). */
const char *vdso_watch_end(void)
{
	selector = SEL_ALLOW;
	if (!watching) return "";
	int e = errno;
	prctl(PR_SET_SYSCALL_USER_DISPATCH, PR_SYS_DISPATCH_OFF, 0, 0, 0);
	errno = e;
	watching = 0;
	if (from_elsewhere) return "";
	return from_vdso ? " fb=1" : " fb=0";
}
