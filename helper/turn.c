/* Turns at the helper's own code among the tasks that share one TLS area: a CLONE_VM child made without CLONE_SETTLS
 * (clone, clone3, vfork) runs on its own stack but with its creator's thread pointer, so both would use one errno, one
 * malloc tcache and, in a process glibc believes single-threaded, an unlocked main arena. */
#include "helper.h"

#include <linux/futex.h>
#include <poll.h>
#include <stddef.h>
#include <sys/syscall.h>

/* The turn of this TLS area: the tid of the task running helper code, as a robust futex (FUTEX_WAITERS when others
 * wait, FUTEX_OWNER_DIED once the kernel released it for a task that died or exec'd holding it: kernel/futex/core.c
 * handle_futex_death, run for each entry of the task's robust list at exit and at exec, futex_exit_release and
 * futex_exec_release). One per TLS area: a pthread's starts at 0; fork copies it with the rest of the memory. */
static __thread struct {
	struct robust_list list;
	uint32_t word;
} turn;

/* System calls that never write errno: a task waiting for the turn must not touch the TLS it is waiting for. */
static long raw4(long n, long a, long b, long c, long d)
{
#if defined(__x86_64__)
	long ret;
	register long r10 __asm__("r10") = d;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
	return ret;
#elif defined(__aarch64__) || defined(__arm__)
	/* the number in x8 (AArch32 EABI: r7, free in the -marm build), the arguments and the result in x0-x3 (r0-r3) */
#if defined(__aarch64__)
#define REG(k) "x" #k
#define REG_NR "x8"
#else
#define REG(k) "r" #k
#define REG_NR "r7"
#endif
	register long nr __asm__(REG_NR) = n;
	register long r0 __asm__(REG(0)) = a;
	register long r1 __asm__(REG(1)) = b;
	register long r2 __asm__(REG(2)) = c;
	register long r3 __asm__(REG(3)) = d;
	__asm__ volatile("svc #0" : "+r"(r0) : "r"(nr), "r"(r1), "r"(r2), "r"(r3) : "memory");
	return r0;
#elif defined(__i386__)
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(n), "b"(a), "c"(b), "d"(c), "S"(d) : "memory");
	return ret;
#else
#error "timens-helper supports x86_64, aarch64, AArch32 and ia32"
#endif
}

/* execveat(fd, "", argv, envp, AT_EMPTY_PATH) without errno: returns -errno on failure. */
static long raw_execveat(int fd, char **argv, char **envp)
{
	long n = SYS_execveat, a = fd, b = (long)"", c = (long)argv, d = (long)envp, e = 0x1000 /* AT_EMPTY_PATH */;
#if defined(__x86_64__)
	long ret;
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8) : "rcx", "r11", "memory");
	return ret;
#elif defined(__aarch64__) || defined(__arm__)
	register long nr __asm__(REG_NR) = n;
	register long r0 __asm__(REG(0)) = a;
	register long r1 __asm__(REG(1)) = b;
	register long r2 __asm__(REG(2)) = c;
	register long r3 __asm__(REG(3)) = d;
	register long r4 __asm__(REG(4)) = e;
	__asm__ volatile("svc #0" : "+r"(r0) : "r"(nr), "r"(r1), "r"(r2), "r"(r3), "r"(r4) : "memory");
	return r0;
#elif defined(__i386__)
	long ret;
	__asm__ volatile("int $0x80" : "=a"(ret) : "a"(n), "b"(a), "c"(b), "d"(c), "S"(d), "D"(e) : "memory");
	return ret;
#endif
}

/* Shared futex operations (no FUTEX_PRIVATE_FLAG): the kernel wakes a robust futex's waiter with a shared key. */
static void futex_wait_(uint32_t *w, uint32_t val) { raw4(SYS_futex, (long)w, FUTEX_WAIT, (long)val, 0); }
static void futex_wake_(uint32_t *w) { raw4(SYS_futex, (long)w, FUTEX_WAKE, 1, 0); }

static uint32_t tid_(void) { return (uint32_t)raw4(SYS_gettid, 0, 0, 0, 0); }

static void link_turn(struct robust_list_head *h)
{
	turn.list.next = &h->list;
	h->list.next = &turn.list;
	h->list_op_pending = NULL;
}

void turn_begin(struct robust_list_head *h, int shared)
{
	h->list.next = &h->list;
	h->futex_offset = (long)(offsetof(__typeof__(turn), word) - offsetof(__typeof__(turn), list));
	h->list_op_pending = NULL;
	raw4(SYS_set_robust_list, (long)h, (long)sizeof *h, 0, 0);
	if (shared) { turn_take(h); return; }
	/* a private copy (fork, clone without CLONE_VM) or a fresh TLS (a thread, a new image): nobody else can hold it */
	__atomic_store_n(&turn.word, tid_(), __ATOMIC_RELAXED);
	link_turn(h);
}

void turn_take(struct robust_list_head *h)
{
	uint32_t tid = tid_(), waited = 0;
	h->list_op_pending = &turn.list;
	for (;;) {
		uint32_t v = __atomic_load_n(&turn.word, __ATOMIC_ACQUIRE);
		if (!(v & FUTEX_TID_MASK)) {
			/* free, or released by the kernel for a holder that died: a task that waited keeps FUTEX_WAITERS set, as
			 * others may still wait */
			uint32_t nv = tid | (waited ? FUTEX_WAITERS : v & FUTEX_WAITERS);
			if (__atomic_compare_exchange_n(&turn.word, &v, nv, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) break;
			continue;
		}
		if (!(v & FUTEX_WAITERS) && !__atomic_compare_exchange_n(&turn.word, &v, v | FUTEX_WAITERS, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			continue;
		waited = 1;
		futex_wait_(&turn.word, v | FUTEX_WAITERS);
	}
	link_turn(h);
}

void turn_give(struct robust_list_head *h)
{
	h->list_op_pending = &turn.list;
	h->list.next = &h->list;
	uint32_t v = __atomic_exchange_n(&turn.word, 0, __ATOMIC_RELEASE);
	if (v & FUTEX_WAITERS) futex_wake_(&turn.word);
	h->list_op_pending = NULL;
}

/* Waits, without the turn, until the channel has a message (or is closed). */
void turn_idle(int chan)
{
	struct pollfd p = { chan, POLLIN, 0 };
	while (raw4(SYS_ppoll, (long)&p, 1, 0, 0) < 0) {}
}

/* An exec of the helper without the turn. The kernel releases a robust futex at exec only when the word holds the
 * task's tid (handle_futex_death from futex_exec_release), but a non-leader thread's exec has already taken its
 * leader's tid by then (fs/exec.c begin_new_exec: de_thread, then exec_mmap -> exec_mm_release), so the turn would
 * stay held by a tid that no longer exists and a CLONE_VM sibling on the same TLS would wait for ever (fuzz seed 8124
 * under x86_64 6.1). The turn is given back before and taken again after a failed exec, which touches no TLS
 * meanwhile. Returns -errno, as the system call. */
long turn_execveat(struct robust_list_head *h, int fd, char **argv, char **envp)
{
	turn_give(h);
	long ret = raw_execveat(fd, argv, envp);
	turn_take(h);
	return ret;
}
