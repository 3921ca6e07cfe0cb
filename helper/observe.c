/* What the sandbox init observes after each line, from outside the tasks: whether each task lives, its time,
 * time_for_children and user namespaces (inode numbers), its uids, the offsets and frozen state of each
 * time_for_children, and the special mappings of its mm. Reading these changes nothing the model tracks;
 * the frozen probe writes back the offsets it has just read, which changes nothing either. */
#include "helper.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned long ino_of(long tgid, long tid, const char *ns)
{
	char p[96];
	struct stat st;
	snprintf(p, sizeof p, "/proc/%ld/task/%ld/ns/%s", tgid, tid, ns);
	return stat(p, &st) ? 0 : (unsigned long)st.st_ino;
}

/* 'L' live, 'Z' zombie or dead, 'G' gone. */
static char state_of(long tgid, long tid)
{
	char p[64], buf[512];
	snprintf(p, sizeof p, "/proc/%ld/task/%ld/stat", tgid, tid);
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0) return 'G';
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0) return 'G';
	buf[n] = 0;
	char *rp = strrchr(buf, ')');
	if (!rp || rp[1] != ' ') return 'G';
	return rp[2] == 'Z' || rp[2] == 'X' ? 'Z' : 'L';
}

static void uids_of(long tgid, long tid, long *uid, long *euid)
{
	char p[64], line[256];
	*uid = *euid = -1;
	snprintf(p, sizeof p, "/proc/%ld/task/%ld/status", tgid, tid);
	FILE *f = fopen(p, "re");
	if (!f) return;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "Uid: %ld %ld", uid, euid) == 2) break;
	fclose(f);
}

void observe_task(int out, const char *name, long tgid, long tid)
{
	char st = state_of(tgid, tid);
	if (st != 'L') { chan_sendf(out, -1, "task %s st=%s tid=%ld", name, st == 'Z' ? "zombie" : "gone", tid); return; }
	long uid, euid;
	uids_of(tgid, tid, &uid, &euid);
	chan_sendf(out, -1, "task %s st=live tid=%ld time=%lu tfc=%lu user=%lu uid=%ld euid=%ld", name, tid,
		ino_of(tgid, tid, "time"), ino_of(tgid, tid, "time_for_children"), ino_of(tgid, tid, "user"), uid, euid);
}

/* Offsets of task tid's time_for_children, and whether they are frozen: a write of the very values just read
 * succeeds while the namespace is unfrozen and fails with EACCES once it is (kernel/time/namespace.c
 * proc_timens_set_offset checks frozen_offsets after parsing, permission and range). */
void observe_ns(int out, long tid)
{
	char p[64], text[512];
	snprintf(p, sizeof p, "/proc/%ld/timens_offsets", tid);
	unsigned long ino = 0;
	char np[64];
	struct stat st;
	snprintf(np, sizeof np, "/proc/%ld/ns/time_for_children", tid);
	if (!stat(np, &st)) ino = (unsigned long)st.st_ino;
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0) { chan_sendf(out, -1, "ns %lu err=%d", ino, errno); return; }
	ssize_t n = read(fd, text, sizeof text - 1);
	close(fd);
	if (n < 0) { chan_sendf(out, -1, "ns %lu err=%d", ino, errno); return; }
	text[n] = 0;
	char hex[1024];
	encode_hex((unsigned char *)text, (size_t)n, hex);
	/* "%-10s %10lld %9ld" per clock (5.7+), or "%d %lld %ld" with clock ids (5.6) */
	char c1[16], c2[16];
	long long s1, s2, n1, n2;
	const char *frozen = "?";
	if (sscanf(text, "%15s %lld %lld %15s %lld %lld", c1, &s1, &n1, c2, &s2, &n2) == 6 && n1 >= 0 && n2 >= 0) {
		char w[160];
		int id1 = !strcmp(c1, "monotonic") || !strcmp(c1, "1") ? 1 : 7;
		int id2 = !strcmp(c2, "boottime") || !strcmp(c2, "7") ? 7 : 1;
		int len = snprintf(w, sizeof w, "%d %lld %lld\n%d %lld %lld\n", id1, s1, n1, id2, s2, n2);
		int wfd = open(p, O_WRONLY | O_CLOEXEC);
		if (wfd >= 0) {
			ssize_t wr = write(wfd, w, (size_t)len);
			frozen = wr == len ? "0" : errno == EACCES ? "1" : "?";
			close(wfd);
		}
	}
	chan_sendf(out, -1, "ns %lu text=:%s frozen=%s", ino, hex, frozen);
}

void observe_mm(int out, const char *name, long tgid, long tid, int show_pfn)
{
	(void)show_pfn;
	char p[64], line[512], list[2048];
	size_t off = 0;
	snprintf(p, sizeof p, "/proc/%ld/task/%ld/maps", tgid, tid);
	FILE *f = fopen(p, "re");
	if (!f) return;
	list[0] = 0;
	while (fgets(line, sizeof line, f)) {
		unsigned long s, e;
		char perms[8], nm[64] = "";
		if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %63s", &s, &e, perms, nm) < 3) continue;
		if (strcmp(nm, "[vvar]") && strcmp(nm, "[vvar_vclock]") && strcmp(nm, "[vdso]")) continue;
		int prot = (perms[0] == 'r') | (perms[1] == 'w') << 1 | (perms[2] == 'x') << 2;
		off = kv(list, sizeof list, off, " %s:%lu:%d", nm, (e - s) / (unsigned long)page_size(), prot);
	}
	fclose(f);
	chan_sendf(out, -1, "vma %s%s", name, list);
}
