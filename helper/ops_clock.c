/* The timekeeping operations of issue 13 (extension/verify/operationsClock.ts): time() and clock_getres()
 * through the vDSO's own entries (looked up once in the image at exec, as libc does) or the system call. */
#include "helper.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

sigjmp_buf *set_fault_jmp(sigjmp_buf *j);
const char *vdso_path(void);

/* Calls fn(a, b) inside the fault guard: 0 and its return value, or the signal that stopped it. */
static int guarded(long (*fn)(long, void *), long a, void *b, long *ret)
{
	sigjmp_buf j;
	sigjmp_buf *old = set_fault_jmp(&j);
	int sig = sigsetjmp(j, 1);
	if (!sig) *ret = fn(a, b);
	set_fault_jmp(old);
	return sig;
}

static long call_time(long off, void *out) { return ((long (*)(long *))(g_mm.vdso_text + (unsigned long)off))((long *)out); }
static long call_getres(long clk, void *out)
{
	unsigned long off = g_mm.vdso_getres_off;
#if defined(__arm__) || defined(__i386__)
	/* the 32-bit vDSO's clock_getres fills an old_timespec32 (the AArch32 one has no time64 getres) */
	struct { int32_t sec, nsec; } t32 = { 0, 0 };
	int ret = ((int (*)(clockid_t, void *))(g_mm.vdso_text + off))((clockid_t)clk, &t32);
	((struct timespec *)out)->tv_sec = t32.sec;
	((struct timespec *)out)->tv_nsec = t32.nsec;
	return ret;
#else
	return ((int (*)(clockid_t, struct timespec *))(g_mm.vdso_text + off))((clockid_t)clk, (struct timespec *)out);
#endif
}
static long call_gettime(long clk, void *out) { return ((int (*)(clockid_t, struct timespec *))(g_mm.vdso_text + g_mm.vdso_sym_off))((clockid_t)clk, (struct timespec *)out); }

/* x86_64's legacy vsyscall page (arch/x86/include/uapi/asm/vsyscall.h): gettimeofday at 0, time at 0x400. The
 * call faults and the kernel emulates it (emulate_vsyscall), or sends SIGSEGV with vsyscall=none and on arm64. */
#if defined(__i386__)
#define VSYSCALL_ADDR 0xff600000UL   /* an ia32 task's call reaches the low 32 bits of the address, and faults */
#else
#define VSYSCALL_ADDR 0xffffffffff600000UL
#endif
static long call_vsys_time(long unused, void *out) { (void)unused; return ((long (*)(long *))(VSYSCALL_ADDR + 0x400))((long *)out); }
static long call_vsys_gtod(long unused, void *out) { (void)unused; return ((long (*)(void *, void *))VSYSCALL_ADDR)(out, NULL); }

/* A vsyscall call of op_time (t is a long) or op_gettimeofday (t a struct timeval); path=syscall: it is emulated. */
int vsyscall_call(int gtod, void *t, long *ret)
{
	return guarded(gtod ? call_vsys_gtod : call_vsys_time, 0, t, ret);
}

void op_time(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	long ret = 0, t = 0;
	if (a[0].i == 2) {
		int sig = vsyscall_call(0, &t, &ret);
		if (sig) { r->ret = -1; r->sig = sig; return; }
		r->ret = ret;
		res_add(r, " path=syscall");
		return;
	}
	if (a[0].i == 1) {
#ifdef SYS_time
		res_errno(r, ret = syscall(SYS_time, &t));
		if (ret >= 0) { r->ret = t; res_add(r, " path=syscall"); }
#else
		r->ret = -1; r->err = ENOSYS;
#endif
		return;
	}
	unsigned long off = g_mm.vdso_time_off;
	int sig;
	if (off) {
		sig = guarded(call_time, (long)off, &t, &ret);
	} else {
		/* no time entry (arm64): glibc's time() reads CLOCK_REALTIME_COARSE through the vDSO */
		struct timespec ts = { 0, 0 };
		if (!g_mm.vdso_sym_off) { r->ret = -1; r->err = ENOSYS; res_add(r, " novdso=1"); return; }
		sig = guarded(call_gettime, CLOCK_REALTIME_COARSE, &ts, &ret);
		if (!sig && ret == 0) ret = ts.tv_sec;
	}
	if (sig) { r->ret = -1; r->sig = sig; return; }
	r->ret = ret;
	res_add(r, " path=%s", vdso_path());
}

void op_clock_getres(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	struct timespec ts = { 0, 0 };
	long clk = a[0].i, ret = 0;
	if (a[1].i == 1) {
		res_errno(r, syscall(SYS_clock_getres, (clockid_t)clk, &ts));
		if (r->ret == 0) res_add(r, " res=%lld:%09ld path=syscall", (long long)ts.tv_sec, ts.tv_nsec);
		return;
	}
	if (!g_mm.vdso_getres_off) { r->ret = -1; r->err = ENOSYS; res_add(r, " novdso=1"); return; }
	int sig = guarded(call_getres, clk, &ts, &ret);
	if (sig) { r->ret = -1; r->sig = sig; return; }
	r->ret = ret < 0 ? -1 : ret;
	r->err = ret < 0 ? (int)-ret : 0;
	/* the vDSO answers the clocks of its own masks; the others went through its syscall fallback */
	int own = clk == CLOCK_REALTIME || clk == CLOCK_MONOTONIC || clk == CLOCK_BOOTTIME || clk == CLOCK_TAI
		|| clk == CLOCK_MONOTONIC_RAW || clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE;
	if (ret == 0) res_add(r, " res=%lld:%09ld path=%s", (long long)ts.tv_sec, ts.tv_nsec, own ? vdso_path() : "?");
}

int eval_time(clockid_t clk, struct arg *t, struct timespec *out);
int eval_time_at(clockid_t clk, struct arg *t, struct timespec *out, struct timespec *read_at);
void add_span(struct result *r, const char *key, const struct timespec *a, const struct timespec *b);
int arm_cap(long long ms, timer_t *tm);

/* timer_create(SIGEV_THREAD_ID with a signal this thread blocks) + timer_settime + timer_gettime: the time left is reported, and
 * the state: armed (time left), else expired or disarmed by whether the signal arrives within 100 ms. */
void op_timer_settime(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	clockid_t clk = (clockid_t)a[0].i;
	int signo = SIGRTMIN + 3;
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, signo);
	sigprocmask(SIG_BLOCK, &set, &old);
	/* Directed at this thread, which blocks the signal: a process-directed one could go to another thread of the
	 * process that does not block it, whose default action kills the process (found by tools/fuzz-verify.mjs). */
	struct sigevent sev = { 0 };
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = signo;
	sev.sigev_notify_thread_id = (pid_t)gettid_();
	timer_t tm;
	if (syscall(SYS_timer_create, clk, &sev, &tm)) { res_errno(r, -1); res_add(r, " at=timer_create"); sigprocmask(SIG_SETMASK, &old, NULL); return; }
	struct itimerspec its = { { 0, 0 }, { 0, 0 } }, cur;
	if (eval_time(clk, &a[2], &its.it_value)) { res_errno(r, -1); goto out; }
	long ret = syscall(SYS_timer_settime, tm, (int)a[1].i, &its, NULL);
	res_errno(r, ret);
	if (ret == 0 && syscall(SYS_timer_gettime, tm, &cur) == 0) {
		struct timespec zero = { 0, 0 }, wait = { 0, 100000000 };
		add_span(r, "w", &zero, &cur.it_value);
		const char *state = "armed";
		if (!cur.it_value.tv_sec && !cur.it_value.tv_nsec) state = sigtimedwait(&set, NULL, &wait) == signo ? "expired" : "disarmed";
		res_add(r, " tm=%s", state);
	}
out:
	syscall(SYS_timer_delete, tm);
	while (sigtimedwait(&set, NULL, &(struct timespec){ 0, 0 }) == signo) {}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* futex(2) on a word nobody wakes, with the timeout: for the PI locks the word holds the parent's tid (an owner
 * that never lets go). A timer of the sleep cap (a[2]) interrupts the waits that can be interrupted. */
void op_futex_wait(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	int op = (int)a[0].i, cmd = op & ~(128 | 256);
	static uint32_t word[2];
	int pi = cmd == 6 || cmd == 13;
	word[0] = pi ? (uint32_t)getppid() : 7;
	clockid_t clk = (cmd == 6 || (op & 256)) ? CLOCK_REALTIME : CLOCK_MONOTONIC;
	struct timespec ts, t0, t1;
	/* a `now + D` wait is measured from the reading of now (eval_time_at) */
	if (eval_time_at(clk, &a[1], &ts, &t0)) { res_errno(r, -1); res_add(r, " at=now"); return; }
	timer_t tm;
	int armed = arm_cap(a[2].i, &tm);
	if (a[1].kind != 'n') syscall(SYS_clock_gettime, CLOCK_REALTIME, &t0);
	/* val3: FUTEX_BITSET_MATCH_ANY (a zero bitset is EINVAL) */
	long ret = syscall(SYS_futex, &word[0], op, 7, &ts, &word[1], 0xffffffffu);
	int e = errno;
	syscall(SYS_clock_gettime, CLOCK_REALTIME, &t1);
	if (armed) timer_delete(tm);
	if (ret != 0 && e == EINTR && armed) {
		r->ret = -1;
		r->err = ETIMEDOUT;
		res_add(r, " intr=1");
	} else {
		errno = e;
		res_errno(r, ret);
	}
	add_span(r, "w", &t0, &t1);
}

/* futex_waitv(2) (5.16) and futex_wait(2) (futex2, 6.7) by number: old headers have neither (asm-generic, x86_64
 * and arm give both the same numbers). */
#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449
#endif
#define SYS_futex2_wait 455

/* The futex2 waits on a word nobody wakes (a[0]: 0 futex_waitv with one waiter, 1 futex_wait), with an absolute
 * timeout on clock a[1]. The word is 8-byte aligned and followed by FUTEX_NO_NODE, what FUTEX2_NUMA reads. A timer of
 * the sleep cap (a[4]) interrupts the wait. */
void op_futex2_wait(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	static uint32_t word[2] __attribute__((aligned(8)));
	struct { uint64_t val, uaddr; uint32_t flags, reserved; } waiter;
	struct { int64_t sec, nsec; } kts = { 0, 0 };
	clockid_t clk = (clockid_t)a[1].i;
	unsigned flags = (unsigned)a[3].i;
	word[0] = 7;
	word[1] = 0xffffffffu;
	struct timespec ts = { 0, 0 }, t0 = { 0, 0 }, t1;
	/* a clock the kernel refuses (EINVAL before it reads the timeout) may have no reading either; a `now + D` wait
	 * is measured from the reading of now (eval_time_at) */
	int evaluated = !eval_time_at(clk, &a[2], &ts, &t0);
	if (evaluated) { kts.sec = ts.tv_sec; kts.nsec = ts.tv_nsec; }
	int from_now = evaluated && a[2].kind == 'n';
	waiter.val = 7;
	waiter.uaddr = (uint64_t)(uintptr_t)&word[0];
	waiter.flags = flags;
	waiter.reserved = 0;
	timer_t tm;
	int armed = arm_cap(a[4].i, &tm);
	if (!from_now) syscall(SYS_clock_gettime, CLOCK_REALTIME, &t0);
	long ret = a[0].i == 0
		? syscall(SYS_futex_waitv, &waiter, 1u, 0u, &kts, clk)
		/* val3 of futex(2)'s FUTEX_WAIT_BITSET: FUTEX_BITSET_MATCH_ANY */
		: syscall(SYS_futex2_wait, &word[0], 7ul, 0xfffffffful, flags, &kts, clk);
	int e = errno;
	syscall(SYS_clock_gettime, CLOCK_REALTIME, &t1);
	if (armed) timer_delete(tm);
	if (ret < 0 && e == EINTR && armed) {
		r->ret = -1;
		r->err = ETIMEDOUT;
		res_add(r, " intr=1");
	} else {
		errno = e;
		res_errno(r, ret < 0 ? -1 : ret);
	}
	add_span(r, "w", &t0, &t1);
}
