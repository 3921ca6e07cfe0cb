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
#elif defined(__arm__)
	/* AArch32 (an arm64 kernel's compat task; built -marm, so r7 is free): EABI svc with the number in r7 */
	register long r0 __asm__("r0") = (long)args;
	register long r1 __asm__("r1") = (long)size;
	register long r2 __asm__("r2") = (long)fn;
	register long r3 __asm__("r3") = (long)arg;
	register long r7 __asm__("r7") = SYS_clone3;
	__asm__ volatile(
		"svc #0\n\t"
		"cmp r0, #0\n\t"
		"bne 1f\n\t"
		"mov fp, #0\n\t"
		"mov lr, #0\n\t"
		"mov r0, r3\n\t"
		"blx r2\n\t"
		"mov r7, #1\n\t"
		"svc #0\n"
		"1:\n\t"
		: "+r"(r0)
		: "r"(r1), "r"(r2), "r"(r3), "r"(r7)
		: "memory", "lr");
	return r0;
#elif defined(__i386__)
	/* ia32 (an x86_64 kernel's compat task): int $0x80, arguments in ebx and ecx; esi and edi survive the call in
	 * the child, which realigns its new stack to 16 bytes for the call (exit is 1) */
	long ret;
	__asm__ volatile(
		"int $0x80\n\t"
		"test %%eax, %%eax\n\t"
		"jnz 1f\n\t"
		"xor %%ebp, %%ebp\n\t"
		"and $-16, %%esp\n\t"
		"sub $12, %%esp\n\t"
		"push %%edi\n\t"
		"call *%%esi\n\t"
		"mov %%eax, %%ebx\n\t"
		"mov $1, %%eax\n\t"
		"int $0x80\n\t"
		"hlt\n"
		"1:\n\t"
		: "=a"(ret)
		: "a"((long)SYS_clone3), "b"(args), "c"(size), "S"(fn), "D"(arg)
		: "memory");
	return ret;
#else
#error "timens-helper supports x86_64, aarch64, AArch32 and ia32"
#endif
}
