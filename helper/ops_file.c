/* File operations on the few /proc files a scenario can name: open, close, read, write, pwrite, lseek,
 * readlink, and the namespace ioctls. Paths arrive as validated tokens (helper/proto.c), so no other file can be reached. */
#include "helper.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/nsfs.h>

static int open_path(const struct proc_path *p, int flags)
{
	char path[128];
	if (path_to_string(p, path, sizeof path)) { errno = EINVAL; return -1; }
	return open(path, flags);
}

static const int MODES[] = { O_RDONLY, O_WRONLY, O_RDWR };

/* kernel.overflowuid, overflowgid and fs.suid_dumpable are the machine's: the sandbox's root is its kuid 0, which
 * test_perm (fs/proc/proc_sysctl.c) lets write them, so they are never opened for writing (verify does not send
 * such a line; this is the helper's own guard). */
static int global_sysctl(const struct arg *f)
{
	return f->kind == 'p' && (f->path.rest == REST_SYS_OVERFLOWUID || f->path.rest == REST_SYS_OVERFLOWGID ||
				  f->path.rest == REST_SYS_SUID_DUMPABLE);
}

void op_open(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	if (a[1].i < 0 || a[1].i > 2) { r->ret = -1; r->err = EINVAL; return; }
	if (a[1].i != 0 && global_sysctl(&a[0])) { r->ret = -1; r->err = EPERM; res_add(r, " refused=machine"); return; }
	/* no O_CLOEXEC: the model's fds survive exec and are inherited by children */
	res_errno(r, open_path(&a[0].path, MODES[a[1].i]));
}

void op_close(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	res_errno(r, close((int)a[0].i));
}

void add_text(struct result *r, const unsigned char *buf, size_t n)
{
	char *hex = malloc(2 * n + 1);
	if (!hex) return;
	encode_hex(buf, n, hex);
	res_add(r, " text=:%s", hex);
	free(hex);
}

/* A path is opened for the call and closed after it, as the model does. */
static int file_fd(struct arg *f, int flags, int *opened)
{
	*opened = 0;
	if (f->kind == 'f') return (int)f->i;
	int fd = open_path(&f->path, flags);
	if (fd >= 0) *opened = 1;
	return fd;
}

/* The model takes a read's buffer to fit below the end of the user address space whatever its count, short of one
 * that alone reaches past it (access_ok). mmap(NULL) puts it near the top, at a random distance that ASLR draws:
 * within 2 GiB of it on Debian's arm64 6.1 (CONFIG_ARCH_MMAP_RND_BITS 18), where a read of 2^31 - 1 bytes was
 * EFAULT, further down elsewhere. So the buffer goes at a fixed low address, the same on every kernel: 256 MiB,
 * above a static helper's text, data and heap (MAP_FIXED_NOREPLACE, 4.17: never over a mapping; the next 256 MiB if
 * that one is taken; three tries, all below 1 GiB, so that a 32-bit helper has them too). */
static unsigned char *read_buffer(size_t len)
{
	for (unsigned long at = 1UL << 28; at <= 3UL << 28; at += 1UL << 28) {
		void *p = mmap((void *)at, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p == (void *)at) return p;
		if (p != MAP_FAILED) munmap(p, len); /* a kernel before 4.17 takes the flag as a hint */
	}
	return mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

void op_read(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	int opened;
	int fd = file_fd(&a[0], O_RDONLY | O_CLOEXEC, &opened);
	if (fd < 0 && opened == 0 && a[0].kind != 'f') { res_errno(r, -1); res_add(r, " at=open"); return; }
	/* The count reaches the kernel as given (a negative one as a huge size_t), since the file's own checks look at
	 * it: a sysctl refuses KMALLOC_MAX_SIZE bytes or more (ENOMEM), access_ok the ones past the user address space
	 * (EFAULT). The buffer holds TEXT_MAX / 2 bytes and a PROT_NONE page after them: the kernel copies in order, so
	 * a read of more stops at that page rather than write over the helper's memory (these files hold far less). */
	size_t size = TEXT_MAX / 2, page = (size_t)sysconf(_SC_PAGESIZE);
	unsigned char *buf = read_buffer(size + page);
	if (buf == MAP_FAILED) { res_errno(r, -1); if (opened) close(fd); return; }
	if (mprotect(buf + size, page, PROT_NONE)) { res_errno(r, -1); munmap(buf, size + page); if (opened) close(fd); return; }
	size_t count = a[1].present ? (size_t)a[1].i : size;
	ssize_t n = read(fd, buf, count);
	res_errno(r, n);
	if (n > 0) add_text(r, buf, (size_t)n);
	munmap(buf, size + page);
	if (opened) close(fd);
}

static void do_write(struct arg *a, long long off, int positional, struct result *r)
{
	int opened;
	if (global_sysctl(&a[0])) { r->ret = -1; r->err = EPERM; res_add(r, " refused=machine"); return; }
	int fd = file_fd(&a[0], O_WRONLY | O_CLOEXEC, &opened);
	if (fd < 0 && a[0].kind != 'f') { res_errno(r, -1); res_add(r, " at=open"); return; }
	ssize_t n = positional ? pwrite(fd, a[1].bytes, a[1].len, (off_t)off) : write(fd, a[1].bytes, a[1].len);
	res_errno(r, n);
	if (opened) close(fd);
}

void op_write(struct task_ctx *c, struct arg *a, struct result *r) { (void)c; do_write(a, 0, 0, r); }
void op_pwrite(struct task_ctx *c, struct arg *a, struct result *r) { (void)c; do_write(a, a[2].i, 1, r); }

void op_lseek(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	res_errno(r, lseek((int)a[0].i, (off_t)a[1].i, (int)a[2].i));
}

void op_readlink(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	char path[128], buf[256];
	if (path_to_string(&a[0].path, path, sizeof path)) { r->ret = -1; r->err = EINVAL; return; }
	ssize_t n = readlink(path, buf, sizeof buf);
	res_errno(r, n);
	if (n > 0) add_text(r, (unsigned char *)buf, (size_t)n);
}

/* ioctl(fd, NS_GET_*) in the order of NS_IOCTLS (extension/sim/ops.ts); a new fd's link is read back as text
 * ("user:[inum]"), the owner uid is given as text. */
void op_ioctl(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	static const unsigned long REQ[] = { NS_GET_USERNS, NS_GET_PARENT, NS_GET_NSTYPE, NS_GET_OWNER_UID };
	if (a[1].i < 0 || a[1].i > 3) { r->ret = -1; r->err = EINVAL; return; }
	int fd = (int)a[0].i;
	if (REQ[a[1].i] == NS_GET_OWNER_UID) {
		uid_t u = 0;
		int rc = ioctl(fd, NS_GET_OWNER_UID, &u);
		res_errno(r, rc);
		if (rc == 0) { char b[16]; int n = snprintf(b, sizeof b, "%u", (unsigned)u); add_text(r, (const unsigned char *)b, (size_t)n); }
		return;
	}
	/* an explicit 0: the variadic call would pass whatever the register held, and pidfd_ioctl of 6.11-6.12
	 * refuses any non-zero argument with EINVAL */
	int rc = ioctl(fd, REQ[a[1].i], 0UL);
	res_errno(r, rc);
	if (rc >= 0 && REQ[a[1].i] != NS_GET_NSTYPE) {
		char p[64], l[64];
		snprintf(p, sizeof p, "/proc/self/fd/%d", rc);
		ssize_t n = readlink(p, l, sizeof l);
		if (n > 0) add_text(r, (const unsigned char *)l, (size_t)n);
	}
}
