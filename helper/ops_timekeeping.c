/* Timekeeping operations. gettimeofday runs (libc's, which calls the vDSO, or the system call); adjtimex only
 * with the modes that read, clock_settime only for ids above 0, which have no clock_set. verify never sends
 * settimeofday, the other modes and ids, or device_timestamp (extension/verify/operations.ts); the handlers
 * refuse them again here, without calling the kernel, so this machine's clock is never set. */
#include "helper.h"

#include <errno.h>
#include <setjmp.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timex.h>
#include <time.h>
#include <unistd.h>

sigjmp_buf *set_fault_jmp(sigjmp_buf *j);
const char *vdso_read_path(void);

static void refuse(struct result *r)
{
	r->ret = -1;
	r->err = ENOSYS;
	res_add(r, " refused=1");
}

void op_settimeofday(struct task_ctx *c, struct arg *a, struct result *r) { (void)c; (void)a; refuse(r); }
void op_clock_settime(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	/* CLOCK_REALTIME and the dynamic fd clocks (CLOCKFD in the low bits: a PTP clock can be set) are never set;
	 * a negative CPU clock id has posix_cpu_clock_set, which always fails (EINVAL or EPERM) */
	if (a[0].i == 0 || (a[0].i < 0 && (a[0].i & 7) == 3)) { refuse(r); return; }
	struct timespec t = { (time_t)a[1].sec, (long)a[1].nsec };
	res_errno(r, syscall(SYS_clock_settime, (clockid_t)a[0].i, &t));
}

void op_adjtimex(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	if (a[0].i != 0 && a[0].i != ADJ_OFFSET_SS_READ) { refuse(r); return; }
	struct timex tx = { 0 };
	tx.modes = (unsigned int)a[0].i;
	res_errno(r, adjtimex(&tx));
}
int vsyscall_call(int gtod, void *t, long *ret);   /* ops_clock.c */

/* The vDSO's gettimeofday where the vDSO is now (its offset looked up at exec, as for clock_gettime): libc's entry
 * was bound to the vDSO's address at start-up (x86_64: an IFUNC; arm64: a pointer), so after a scenario moved the
 * vDSO with its data, libc's call jumped to the old address and faulted where the kernel's vDSO works (fuzz seed
 * 132147). A 32-bit vDSO fills a timeval of 32-bit fields. */
static int vdso_gettimeofday(struct timeval *tv)
{
	if (!g_mm.vdso_gtod_off) return gettimeofday(tv, NULL);
	void *fn = (void *)(g_mm.vdso_text + g_mm.vdso_gtod_off);
#if defined(__arm__) || defined(__i386__)
	struct { int32_t sec, usec; } tv32 = { 0, 0 };
	int ret = ((int (*)(void *, void *))fn)(&tv32, NULL);
	tv->tv_sec = tv32.sec;
	tv->tv_usec = tv32.usec;
#else
	int ret = ((int (*)(struct timeval *, void *))fn)(tv, NULL);
#endif
	if (ret < 0) { errno = -ret; return -1; }
	return ret;
}

void op_gettimeofday(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	struct timeval tv = { 0, 0 };
	if (a[1].i == 1) {
#if defined(__arm__) || defined(__i386__)
		/* the compat gettimeofday fills an old_timeval32 */
		struct { int32_t sec, usec; } tv32 = { 0, 0 };
		res_errno(r, syscall(SYS_gettimeofday, &tv32, NULL));
		tv.tv_sec = tv32.sec;
		tv.tv_usec = tv32.usec;
#else
		res_errno(r, syscall(SYS_gettimeofday, &tv, NULL));
#endif
		if (r->ret == 0) res_add(r, " v=%lld:%09ld path=syscall", (long long)tv.tv_sec, (long)tv.tv_usec * 1000);
		return;
	}
	if (a[1].i == 2) {
		long ret = 0;
		int vsig = vsyscall_call(1, &tv, &ret);
		if (vsig) { r->ret = -1; r->sig = vsig; return; }
		res_errno(r, ret);
		if (ret == 0) res_add(r, " v=%lld:%09ld path=syscall", (long long)tv.tv_sec, (long)tv.tv_usec * 1000);
		return;
	}
	sigjmp_buf j;
	sigjmp_buf *old = set_fault_jmp(&j);
	int sig = sigsetjmp(j, 1);
	if (!sig) {
		vdso_watch_begin();
		int ret = vdso_gettimeofday(&tv);
		const char *fb = vdso_watch_end();
		set_fault_jmp(old);
		res_errno(r, ret);
		if (ret == 0) res_add(r, " v=%lld:%09ld path=%s%s", (long long)tv.tv_sec, (long)tv.tv_usec * 1000, vdso_read_path(), fb);
		return;
	}
	vdso_watch_end();
	set_fault_jmp(old);
	r->ret = -1;
	r->sig = sig;
}
void op_device_timestamp(struct task_ctx *c, struct arg *a, struct result *r) { (void)c; (void)a; refuse(r); }
