/* Clock operations: clock_gettime through the vDSO (found in the mapped image, as libc does) or the system
 * call, clock_nanosleep (interrupted at a cap so a long sleep cannot hang a run) and timerfd_settime.
 * The helper's own time readings always use the system call, so they never touch [vvar]. */
#include "helper.h"

#include <elf.h>
#include <link.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <poll.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

sigjmp_buf *set_fault_jmp(sigjmp_buf *j);

/* The offset of symbol `x86` or `arm64` in the vDSO image at `base` (0 when it has neither). */
unsigned long vdso_symbol(unsigned long base, const char *x86, const char *arm64)
{
	const ElfW(Ehdr) *eh = (const ElfW(Ehdr) *)base;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG)) return 0;
	const ElfW(Shdr) *sh = (const ElfW(Shdr) *)(base + eh->e_shoff);
	const ElfW(Phdr) *ph = (const ElfW(Phdr) *)(base + eh->e_phoff);
	ElfW(Addr) first = 0;
	for (int i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_LOAD) { first = ph[i].p_vaddr; break; }
	for (int i = 0; i < eh->e_shnum; i++) {
		if (sh[i].sh_type != SHT_DYNSYM) continue;
		const ElfW(Sym) *sym = (const ElfW(Sym) *)(base + sh[i].sh_offset);
		const char *str = (const char *)(base + sh[sh[i].sh_link].sh_offset);
		size_t n = sh[i].sh_size / sizeof *sym;
		for (size_t k = 0; k < n; k++) {
			const char *nm = str + sym[k].st_name;
			if (!strcmp(nm, x86) || !strcmp(nm, arm64))
				return (unsigned long)(sym[k].st_value - first);
		}
	}
	return 0;
}

/* The offset of clock_gettime in the vDSO image at `base` (0 when it has none). */
unsigned long vdso_symbol_offset(unsigned long base)
{
#if defined(__arm__) || defined(__i386__)
	/* the 32-bit vDSO's time64 entry (arch/arm64/kernel/vdso32/vdso.lds.S, arch/x86/entry/vdso/vdso32/vdso32.lds.S),
	 * what a time64 libc calls */
	return vdso_symbol(base, "__vdso_clock_gettime64", "__vdso_clock_gettime64");
#else
	return vdso_symbol(base, "__vdso_clock_gettime", "__kernel_clock_gettime");
#endif
}

static void sys_now(clockid_t c, struct timespec *t)
{
	if (syscall(SYS_clock_gettime, c, t)) t->tv_sec = t->tv_nsec = 0;
}

/* Which vDSO path the last read took, read from the page the vDSO reads: a time namespace's page has
 * seq 1 and clock_mode VDSO_CLOCKMODE_TIMENS (INT_MAX; VCLOCK_TIMENS, -1, in 5.6). The block sits at byte 128
 * of the page on x86_64 before 6.13 and at byte 0 otherwise, so both places are looked at. */
const char *vdso_path(void)
{
	if (!g_mm.vdso_text || !g_mm.data_distance) return "?";
	const volatile uint32_t *p = (const volatile uint32_t *)(g_mm.vdso_text - g_mm.data_distance);
	sigjmp_buf j;
	sigjmp_buf *old = set_fault_jmp(&j);
	const char *path = "?";
	if (!sigsetjmp(j, 1)) {
		int timens = 0;
		for (int off = 0; off <= 32; off += 32) {
			int32_t mode = (int32_t)p[off + 1];
			if (p[off] == 1 && (mode == 0x7fffffff || mode == -1)) timens = 1;
		}
		path = timens ? "vdso-timens" : "vdso-fast";
	}
	set_fault_jmp(old);
	return path;
}

/* The path of the last vDSO read, for other files (gettimeofday). */
const char *vdso_read_path(void)
{
	return vdso_path();
}

void op_clock_gettime(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	struct timespec t = { 0, 0 };
	clockid_t clk = (clockid_t)a[0].i;
	if (a[1].i == 1) {
		res_errno(r, syscall(SYS_clock_gettime, clk, &t));
		if (r->ret == 0) res_add(r, " v=%lld:%09ld path=syscall", (long long)t.tv_sec, t.tv_nsec);
		return;
	}
	if (!g_mm.vdso_sym_off) { r->ret = -1; r->err = ENOSYS; res_add(r, " novdso=1"); return; }
	int (*fn)(clockid_t, struct timespec *) = (int (*)(clockid_t, struct timespec *))(g_mm.vdso_text + g_mm.vdso_sym_off);
	sigjmp_buf j;
	sigjmp_buf *old = set_fault_jmp(&j);
	int sig = sigsetjmp(j, 1);
	if (!sig) {
		vdso_watch_begin();
		int ret = fn(clk, &t);
		const char *fb = vdso_watch_end();
		set_fault_jmp(old);
		r->ret = ret < 0 ? -1 : ret;
		r->err = ret < 0 ? -ret : 0;
		if (ret == 0) {
			int vdso_clock = clk == CLOCK_REALTIME || clk == CLOCK_MONOTONIC || clk == CLOCK_BOOTTIME || clk == CLOCK_TAI
				|| clk == CLOCK_MONOTONIC_RAW || clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE;
			res_add(r, " v=%lld:%09ld path=%s%s", (long long)t.tv_sec, t.tv_nsec, vdso_clock ? vdso_path() : "?", fb);
		}
		return;
	}
	vdso_watch_end();
	set_fault_jmp(old);
	r->ret = -1;
	r->sig = sig;
}

/* The deadline or duration a T argument names: `now` is the caller's own clock (its namespace time). For a deadline
 * of `now + D`, `read_at` (when not NULL) gets CLOCK_REALTIME just after `now` was read: a wait measured from there
 * lasts D. Measured from after the cap's timer was armed, under qemu on a loaded machine, it had lasted 0.969 s of a
 * `now + 1s` (futex_waitv on Debian's arm64 7.3 with 16K pages). */
int eval_time_at(clockid_t clk, struct arg *t, struct timespec *out, struct timespec *read_at)
{
	long long sec = t->sec, nsec = t->nsec;
	if (t->kind == 'n') {
		struct timespec now;
		if (syscall(SYS_clock_gettime, clk, &now)) return -1;
		if (read_at) sys_now(CLOCK_REALTIME, read_at);
		sec += now.tv_sec;
		nsec += now.tv_nsec;
	}
	if (nsec >= 1000000000) { sec += 1; nsec -= 1000000000; }
	out->tv_sec = (time_t)sec;
	out->tv_nsec = (long)nsec;
	return 0;
}

int eval_time(clockid_t clk, struct arg *t, struct timespec *out)
{
	return eval_time_at(clk, t, out, NULL);
}

void add_span(struct result *r, const char *key, const struct timespec *a, const struct timespec *b)
{
	long long ns = (long long)(b->tv_sec - a->tv_sec) * 1000000000LL + (b->tv_nsec - a->tv_nsec);
	if (ns < 0) ns = 0;
	res_add(r, " %s=%lld:%09lld", key, ns / 1000000000LL, ns % 1000000000LL);
}

/* The cap of a wait: a per-thread timer that interrupts it with SIGALRM (no SA_RESTART) after `ms`; 1 when armed. */
int arm_cap(long long ms, timer_t *tm)
{
	struct sigevent sev = { 0 };
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = SIGALRM;
	sev.sigev_notify_thread_id = (pid_t)gettid_();
	if (ms <= 0 || timer_create(CLOCK_MONOTONIC, &sev, tm)) return 0;
	struct itimerspec its = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000000 } };
	return timer_settime(*tm, 0, &its, NULL) == 0;
}

void op_clock_nanosleep(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	clockid_t clk = (clockid_t)a[0].i;
	struct timespec ts;
	/* The span is read on CLOCK_REALTIME, which no time namespace offsets: a syscall read of CLOCK_MONOTONIC
	 * normalises the offset one second per loop (set_normalized_timespec64), which takes seconds when the
	 * stored nanoseconds are negative, and that would be counted as waiting. A `now + D` span starts at the
	 * reading of now (eval_time_at). */
	struct timespec t0, t1;
	if (eval_time_at(clk, &a[2], &ts, &t0)) { res_errno(r, -1); res_add(r, " at=now"); return; }
	timer_t tm;
	int armed = arm_cap(a[3].i, &tm);
	if (a[2].kind != 'n') sys_now(CLOCK_REALTIME, &t0);
	long ret = syscall(SYS_clock_nanosleep, clk, (int)a[1].i, &ts, NULL);
	int e = errno;
	sys_now(CLOCK_REALTIME, &t1);
	if (armed) timer_delete(tm);
	errno = e;
	if (ret != 0 && e == EINTR && armed) {
		r->ret = 0;
		res_add(r, " intr=1");
	} else {
		res_errno(r, ret);
	}
	add_span(r, "w", &t0, &t1);
}

void op_timerfd_settime(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	clockid_t clk = (clockid_t)a[0].i;
	int fd = timerfd_create(clk, TFD_CLOEXEC);
	if (fd < 0) { res_errno(r, -1); res_add(r, " at=timerfd_create"); return; }
	struct itimerspec its = { { 0, 0 }, { 0, 0 } }, cur;
	if (eval_time(clk, &a[2], &its.it_value)) { res_errno(r, -1); close(fd); return; }
	long ret = timerfd_settime(fd, (int)a[1].i, &its, NULL);
	res_errno(r, ret);
	if (ret == 0 && timerfd_gettime(fd, &cur) == 0) {
		struct timespec zero = { 0, 0 };
		add_span(r, "w", &zero, &cur.it_value);
		/* 0 left: expired (a deadline already past fires from the hrtimer interrupt, so wait a little for
		 * it) or disarmed (timerfd_setup started no timer for an it_value of 0) */
		const char *state = "armed";
		if (!cur.it_value.tv_sec && !cur.it_value.tv_nsec) {
			struct pollfd pf = { .fd = fd, .events = POLLIN };
			state = poll(&pf, 1, 100) > 0 ? "expired" : "disarmed";
		}
		res_add(r, " tm=%s", state);
	}
	close(fd);
}
