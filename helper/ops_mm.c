/* Operations on the special mappings: touch one page, mprotect, munmap, mremap. "Page N of a mapping" is
 * the address of the mapping's first page plus N pages, as in the model; a range that would reach any
 * mapping other than the special ones (the helper's own memory) is refused, not run. */
#include "helper.h"

#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

sigjmp_buf *set_fault_jmp(sigjmp_buf *j);

/* Calls fn for each mapping of this process (start, end, name); stops when fn returns non-zero. */
void maps_each(int (*fn)(unsigned long s, unsigned long e, const char *name, void *ctx), void *ctx)
{
	FILE *f = fopen("/proc/self/maps", "re");
	if (!f) return;
	char line[512];
	while (fgets(line, sizeof line, f)) {
		unsigned long s, e;
		char name[64] = "";
		if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %63s", &s, &e, name) < 2) continue;
		if (fn(s, e, name, ctx)) break;
	}
	fclose(f);
}

struct probe { unsigned long start, len; long pages; int ok; };

static int find_vma(unsigned long s, unsigned long e, const char *name, void *ctx)
{
	(void)name;
	struct probe *p = ctx;
	if (p->start >= s && p->start < e) { p->pages = (long)((e - s) / (unsigned long)page_size()); return 1; }
	return 0;
}

/* Size in pages of the VMA that contains `addr` (0 when nothing is mapped there). */
static long vma_pages_at(unsigned long addr)
{
	struct probe p = { addr, 0, 0, 1 };
	maps_each(find_vma, &p);
	return p.pages;
}

static int check_special(unsigned long s, unsigned long e, const char *name, void *ctx)
{
	struct probe *p = ctx;
	if (e <= p->start || s >= p->start + p->len) return 0;
	if (strcmp(name, "[vvar]") && strcmp(name, "[vvar_vclock]") && strcmp(name, "[vdso]") && strcmp(name, "[vsyscall]")) p->ok = 0;
	return 0;
}

/* True when [start, start+len) overlaps no mapping except [vvar], [vvar_vclock], [vdso] and [vsyscall]. */
static int only_special(unsigned long start, unsigned long len)
{
	struct probe p = { start, len, 0, 1 };
	maps_each(check_special, &p);
	return p.ok;
}

struct range { unsigned long start, len; };

/* The model's range: page (default 0) and pages (default: the whole VMA at the base, or 1 with a page). */
static int range_of(struct arg *m, struct arg *page, struct arg *pages, struct range *out, struct result *r)
{
	unsigned long base = g_mm.base[m->i];
	if (!base) { r->ret = -1; r->err = ENOENT; res_add(r, " refused=nomapping"); return -1; }
	long whole = vma_pages_at(base);
	long p = page->present ? (long)page->i : 0;
	long n = pages->present ? (long)pages->i : (page->present ? 1 : (whole ? whole : 1));
	if (p < -64 || p > 64 || n < -64 || n > 64) { r->ret = -1; r->err = EINVAL; res_add(r, " refused=range"); return -1; }
	out->start = base + (unsigned long)(p * page_size());
	out->len = (unsigned long)(n * page_size());
	if (n > 0 && !only_special(out->start, out->len)) { r->ret = -1; r->err = EINVAL; res_add(r, " refused=range"); return -1; }
	return 0;
}

void op_touch(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	unsigned long base = g_mm.base[a[0].i];
	if (!base) { r->ret = -1; r->err = ENOENT; res_add(r, " refused=nomapping"); return; }
	if (a[1].i < 0 || a[1].i > 64) { r->ret = -1; r->err = EINVAL; res_add(r, " refused=range"); return; }
	unsigned long addr = base + (unsigned long)a[1].i * (unsigned long)page_size();
	if (!only_special(addr, 1)) { r->ret = -1; r->err = EINVAL; res_add(r, " refused=range"); return; }
	sigjmp_buf j;
	sigjmp_buf *old = set_fault_jmp(&j);
	int sig = sigsetjmp(j, 1);
	if (!sig) {
		volatile unsigned char v = *(volatile unsigned char *)addr;
		(void)v;
		r->ret = 0;
	} else {
		r->ret = -1;
		r->sig = sig;
	}
	set_fault_jmp(old);
}

void op_mprotect(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	struct range rg;
	if (range_of(&a[0], &a[2], &a[3], &rg, r)) return;
	res_errno(r, mprotect((void *)rg.start, rg.len, (int)a[1].i));
}

void op_munmap(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	struct range rg;
	if (range_of(&a[0], &a[1], &a[2], &rg, r)) return;
	res_errno(r, munmap((void *)rg.start, rg.len));
}

struct reservation { unsigned long start, end; };

static int unmap_reserved(unsigned long s, unsigned long e, const char *name, void *ctx)
{
	struct reservation *rv = ctx;
	if (!strcmp(name, "[vvar]") || !strcmp(name, "[vvar_vclock]") || !strcmp(name, "[vdso]")) return 0;
	unsigned long from = s > rv->start ? s : rv->start, to = e < rv->end ? e : rv->end;
	if (from < to) munmap((void *)from, to - from);
	return 0;
}

/* After a failed move, what is left of the reservation: since 6.17 remap_move may have moved the first mappings
 * of the range into it before refusing a later one (mm/mremap.c), and those stay where the kernel put them. */
static void release_reservation(void *dest, unsigned long len)
{
	struct reservation rv = { (unsigned long)dest, (unsigned long)dest + len };
	maps_each(unmap_reserved, &rv);
}

void op_mremap(struct task_ctx *c, struct arg *a, struct result *r)
{
	(void)c;
	struct range rg;
	if (range_of(&a[0], &a[3], &a[4], &rg, r)) return;
	long newpages = (long)a[1].i;
	int flags = (int)a[2].i;
	if (newpages < 0 || newpages > 64) { r->ret = -1; r->err = EINVAL; res_add(r, " refused=range"); return; }
	unsigned long newlen = (unsigned long)newpages * (unsigned long)page_size();
	void *dest = NULL;
	if ((flags & MREMAP_FIXED) && newlen) {
		/* MREMAP_FIXED needs somewhere to go: a fresh reservation, which the move replaces. */
		dest = mmap(NULL, newlen, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
		if (dest == MAP_FAILED) { res_errno(r, -1); return; }
		/* Not where the old range is: once its mappings were unmapped, the hole they left is where mmap looks
		 * first, and mremap_to refuses a destination that overlaps the old range (EINVAL) before it looks for the
		 * old VMA (EFAULT), as the model's destination, elsewhere, never does. The first reservation holds the hole
		 * while a second one is made. */
		if ((unsigned long)dest < rg.start + rg.len && (unsigned long)dest + newlen > rg.start) {
			void *other = mmap(NULL, newlen, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
			munmap(dest, newlen);
			if (other == MAP_FAILED) { res_errno(r, -1); return; }
			dest = other;
		}
	}
	void *ret = mremap((void *)rg.start, rg.len, newlen, flags, dest);
	if (ret == MAP_FAILED) {
		int e = errno;
		if (dest) release_reservation(dest, newlen);
		for (int m = 0; m < N_MAPPINGS; m++) {
			/* the mappings remap_move took before it failed: found where the kernel put them */
			if (!g_mm.base[m] || !dest || vma_pages_at(g_mm.base[m])) continue;
			unsigned long moved = (unsigned long)dest + (g_mm.base[m] - rg.start);
			if (g_mm.base[m] >= rg.start && g_mm.base[m] < rg.start + rg.len && vma_pages_at(moved)) {
				g_mm.base[m] = moved;
				if (m == MAP_VDSO) g_mm.vdso_text = moved;
			}
		}
		errno = e;
		res_errno(r, -1);
		return;
	}
	r->ret = 0;
	res_add(r, " moved=%d", ret != (void *)rg.start);
	if (ret == (void *)rg.start) return;
	/* every mapping that began in the range moved by the same distance: one VMA, or (6.17+ remap_move, a
	 * same-size MREMAP_FIXED move) each VMA of the range, the gaps between them kept */
	for (int m = 0; m < N_MAPPINGS; m++) {
		if (g_mm.base[m] < rg.start || g_mm.base[m] >= rg.start + rg.len) continue;
		g_mm.base[m] = (unsigned long)ret + (g_mm.base[m] - rg.start);
		if (m == MAP_VDSO) g_mm.vdso_text = g_mm.base[m];   /* mm->context.vdso follows the text */
	}
}
