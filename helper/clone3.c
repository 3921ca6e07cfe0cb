/* clone3 with a stack of its own (CLONE_VM children): the child starts on the new stack at the instruction
 * after the system call, so it must not return into C frames; it calls fn(arg) and exits. glibc has no
 * public clone3 wrapper, hence these few instructions per architecture. */
#include "helper.h"

#include <sys/syscall.h>

long clone3_on_stack(void *args, size_t size, int (*fn)(void *), void *arg)
{
#if defined(__x86_64__)
	long ret;
	register void *r8 __asm__("r8") = (void *)fn;
	register void *r9 __asm__("r9") = arg;
	__asm__ volatile(
		"syscall\n\t"
		"test %%rax, %%rax\n\t"
		"jnz 1f\n\t"
		"xor %%ebp, %%ebp\n\t"
		"mov %%r9, %%rdi\n\t"
		"call *%%r8\n\t"
		"mov %%eax, %%edi\n\t"
		"mov $60, %%eax\n\t"
		"syscall\n\t"
		"hlt\n"
		"1:\n\t"
		: "=a"(ret)
		: "a"((long)SYS_clone3), "D"(args), "S"(size), "r"(r8), "r"(r9)
		: "rcx", "r11", "memory");
	return ret;
#elif defined(__aarch64__)
	register long x0 __asm__("x0") = (long)args;
	register long x1 __asm__("x1") = (long)size;
	register long x2 __asm__("x2") = (long)fn;
	register long x3 __asm__("x3") = (long)arg;
	register long x8 __asm__("x8") = SYS_clone3;
	__asm__ volatile(
		"svc #0\n\t"
		"cbnz x0, 1f\n\t"
		"mov x29, xzr\n\t"
		"mov x30, xzr\n\t"
		"mov x0, x3\n\t"
		"blr x2\n\t"
		"mov x8, #93\n\t"
		"svc #0\n"
		"1:\n\t"
		: "+r"(x0)
		: "r"(x1), "r"(x2), "r"(x3), "r"(x8)
		: "memory", "x30");
	return x0;
#else
#error "timens-helper supports x86_64 and aarch64"
#endif
}
