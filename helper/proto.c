/* The line protocol of timens-helper: strict parsing of every argument type (bad input gets a clear error,
 * never a crash), hex strings, /proc path tokens, errno and signal names, and SEQPACKET channels. */
#include "helper.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

const struct op_desc OPS[] = {
#define OP(n, s, f) { #n, s, f },
#include "ops.gen.h"
#undef OP
};
const size_t N_OPS = sizeof OPS / sizeof OPS[0];

const struct op_desc *op_find(const char *name)
{
	for (size_t i = 0; i < N_OPS; i++)
		if (!strcmp(OPS[i].name, name))
			return &OPS[i];
	return NULL;
}

int hexval(int c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

int decode_hex(const char *s, unsigned char *out, size_t cap, size_t *len)
{
	size_t n = strlen(s);
	if (n % 2 || n / 2 > cap) return -1;
	for (size_t i = 0; i < n; i += 2) {
		int hi = hexval((unsigned char)s[i]), lo = hexval((unsigned char)s[i + 1]);
		if (hi < 0 || lo < 0) return -1;
		out[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	*len = n / 2;
	return 0;
}

void encode_hex(const unsigned char *in, size_t len, char *out)
{
	static const char d[] = "0123456789abcdef";
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = d[in[i] >> 4];
		out[2 * i + 1] = d[in[i] & 15];
	}
	out[2 * len] = 0;
}

int valid_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > NAME_MAX_LEN) return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-' || c == '#'))
			return 0;
	}
	return 1;
}

/* Splits at single spaces; an empty token (two spaces) or too many tokens is an error (-1). */
int split_tokens(char *line, char **tok, int max)
{
	int n = 0;
	char *p = line;
	if (!*p) return 0;
	for (;;) {
		if (n == max) return -1;
		tok[n++] = p;
		char *sp = strchr(p, ' ');
		if (!sp) break;
		*sp = 0;
		p = sp + 1;
		if (!*p || *p == ' ') return -1;
	}
	for (int i = 0; i < n; i++)
		if (!*tok[i]) return -1;
	return n;
}

static int parse_int(const char *s, long long *v)
{
	const char *p = s;
	if (*p == '-') p++;
	if (!*p || strlen(p) > 19) return -1;
	for (const char *q = p; *q; q++)
		if (*q < '0' || *q > '9') return -1;
	errno = 0;
	char *end;
	long long x = strtoll(s, &end, 10);
	if (errno || *end) return -1;
	*v = x;
	return 0;
}

static const struct { const char *word; enum path_rest rest; } RESTS[] = {
	{ "ns/time", REST_NS_TIME }, { "ns/time_for_children", REST_NS_TFC }, { "timens_offsets", REST_OFFSETS },
	{ "uid_map", REST_UID_MAP }, { "gid_map", REST_GID_MAP }, { "setgroups", REST_SETGROUPS },
	{ "maps", REST_MAPS }, { "ns/user", REST_NS_USER }, { "stat", REST_PID_STAT },
};

/* "/ns/time" for REST_NS_TIME …, "" for the directory, "/" for the directory named with a trailing slash (which
 * makes the lookup follow /proc/self and /proc/thread-self: readlink of "/proc/self/" is EINVAL, fs/namei.c lookup_last
 * sets LOOKUP_FOLLOW | LOOKUP_DIRECTORY for a last component followed by '/'). */
static const char *rest_suffix(enum path_rest r)
{
	static char buf[32];
	if (r == REST_DIR_SLASH) return "/";
	for (size_t i = 0; i < sizeof RESTS / sizeof RESTS[0]; i++)
		if (RESTS[i].rest == r) { snprintf(buf, sizeof buf, "/%s", RESTS[i].word); return buf; }
	return "";
}

/* The /proc files that belong to no task, by their path under /proc (the token is that path). */
static const struct { const char *word; enum path_rest rest; } FIXED[] = {
	{ "uptime", REST_UPTIME }, { "stat", REST_STAT },
	{ "sys/user/max_time_namespaces", REST_SYS_MAXTIME }, { "sys/kernel/overflowuid", REST_SYS_OVERFLOWUID },
	{ "sys/kernel/overflowgid", REST_SYS_OVERFLOWGID }, { "sys/fs/suid_dumpable", REST_SYS_SUID_DUMPABLE },
};

static const char *fixed_word(enum path_rest r)
{
	for (size_t i = 0; i < sizeof FIXED / sizeof FIXED[0]; i++)
		if (FIXED[i].rest == r) return FIXED[i].word;
	return "stat";
}

/* One directory name of a path token, `len` bytes at `s`: self and thread-self (where `self_ok`), @NAME, #TID. */
static int parse_who(const char *s, size_t len, enum path_who *who, long *tid, char *name, int allow_names, int self_ok)
{
	char w[NAME_MAX_LEN + 2];
	if (len == 0 || len > NAME_MAX_LEN + 1) return -1;
	memcpy(w, s, len);
	w[len] = 0;
	if (self_ok && !strcmp(w, "self")) *who = WHO_SELF;
	else if (self_ok && !strcmp(w, "thread-self")) *who = WHO_THREAD_SELF;
	else if (w[0] == '@' && allow_names && valid_name(w + 1)) { *who = WHO_NAME; strcpy(name, w + 1); }
	else if (w[0] == '#') {
		long long v;
		if (parse_int(w + 1, &v) || v <= 0 || v > ABSENT_PID) return -1;
		*who = WHO_TID;
		*tid = (long)v;
	} else return -1;
	return 0;
}

/* A /proc path token: uptime | stat | sys/… | DIR | DIR/ | DIR/REST, DIR = WHO | WHO/task/THREAD, WHO = self | thread-self |
 * @NAME | #TID, THREAD = @NAME | #TID (fs/proc/base.c proc_task_lookup takes a number only). */
int parse_path(const char *tok, struct proc_path *p, int allow_names)
{
	memset(p, 0, sizeof *p);
	for (size_t i = 0; i < sizeof FIXED / sizeof FIXED[0]; i++)
		if (!strcmp(tok, FIXED[i].word)) { p->who = WHO_NONE; p->rest = FIXED[i].rest; return 0; }
	const char *slash = strchr(tok, '/');
	if (parse_who(tok, slash ? (size_t)(slash - tok) : strlen(tok), &p->who, &p->tid, p->name, allow_names, 1)) return -1;
	if (!slash) { p->rest = REST_DIR; return 0; }
	const char *rest = slash + 1;
	if (!strncmp(rest, "task/", 5)) {
		const char *t = rest + 5, *end = strchr(t, '/');
		if (parse_who(t, end ? (size_t)(end - t) : strlen(t), &p->thread, &p->thread_tid, p->thread_name, allow_names, 0)) return -1;
		if (!end) { p->rest = REST_DIR; return 0; }
		rest = end + 1;
	}
	if (!*rest) { p->rest = REST_DIR_SLASH; return 0; }
	for (size_t i = 0; i < sizeof RESTS / sizeof RESTS[0]; i++)
		if (!strcmp(rest, RESTS[i].word)) { p->rest = RESTS[i].rest; return 0; }
	return -1;
}

/* "/task/#TID" or "/task/@NAME" of a path with a thread, else "". */
static const char *thread_part(const struct proc_path *p, char *buf, size_t cap)
{
	if (p->thread == WHO_TID) snprintf(buf, cap, "/task/#%ld", p->thread_tid);
	else if (p->thread == WHO_NAME) snprintf(buf, cap, "/task/@%s", p->thread_name);
	else buf[0] = 0;
	return buf;
}

void format_path(const struct proc_path *p, char *out, size_t cap)
{
	const char *rest = rest_suffix(p->rest);
	char th[NAME_MAX_LEN + 16];
	thread_part(p, th, sizeof th);
	switch (p->who) {
	case WHO_NONE: snprintf(out, cap, "%s", fixed_word(p->rest)); break;
	case WHO_SELF: snprintf(out, cap, "self%s%s", th, rest); break;
	case WHO_THREAD_SELF: snprintf(out, cap, "thread-self%s%s", th, rest); break;
	case WHO_TID: snprintf(out, cap, "#%ld%s%s", p->tid, th, rest); break;
	case WHO_NAME: snprintf(out, cap, "@%s%s%s", p->name, th, rest); break;
	}
}

/* The real path a task opens. Only these few /proc files can ever be named. */
int path_to_string(const struct proc_path *p, char *out, size_t cap)
{
	const char *rest = rest_suffix(p->rest);
	char th[32] = "";
	if (p->thread == WHO_TID) snprintf(th, sizeof th, "/task/%ld", p->thread_tid);
	else if (p->thread != WHO_NONE) return -1;
	switch (p->who) {
	case WHO_NONE: snprintf(out, cap, "/proc/%s", fixed_word(p->rest)); return 0;
	case WHO_SELF: snprintf(out, cap, "/proc/self%s%s", th, rest); return 0;
	case WHO_THREAD_SELF: snprintf(out, cap, "/proc/thread-self%s%s", th, rest); return 0;
	case WHO_TID: snprintf(out, cap, "/proc/%ld%s%s", p->tid, th, rest); return 0;
	default: return -1;
	}
}

/* An fd: `@NAME` as the scenario names it (the supervisor keeps the names), or its number for the task. */
static int fd_ref(const char *tok, struct arg *a)
{
	a->i = -1;
	if (tok[0] == '@') {
		if (!valid_name(tok + 1)) return -1;
		strcpy(a->name, tok + 1);
		return 0;
	}
	if (parse_int(tok, &a->i) || a->i < -1 || a->i > 1 << 20) return -1;
	return 0;
}

static int parse_time(const char *s, long long *sec, long long *nsec)
{
	char a[32], b[32];
	const char *c = strchr(s, ':');
	if (!c || (size_t)(c - s) >= sizeof a || strlen(c + 1) >= sizeof b) return -1;
	memcpy(a, s, (size_t)(c - s));
	a[c - s] = 0;
	strcpy(b, c + 1);
	if (parse_int(a, sec) || parse_int(b, nsec) || *nsec < 0 || *nsec > 999999999) return -1;
	return 0;
}

int parse_arg(char type, const char *tok, struct arg *a, unsigned char *buf, size_t cap, char *err, size_t errlen)
{
	memset(a, 0, sizeof *a);
	a->type = type;
	a->present = 1;
	switch (type) {
	case 'i':
		/* cpu@NAME:BITS, a clock argument naming a task's CPU clock: the supervisor encodes the task's tid */
		if (!strncmp(tok, "cpu@", 4)) {
			const char *colon = strrchr(tok, ':');
			size_t len = colon ? (size_t)(colon - tok - 4) : 0;
			if (!colon || !len || len > NAME_MAX_LEN || (strcmp(colon, ":2") && strcmp(colon, ":6"))) goto bad;
			memcpy(a->name, tok + 4, len);
			a->name[len] = 0;
			if (!valid_name(a->name)) goto bad;
			a->kind = 'C';
			a->i = -1;
			a->sec = colon[1] - '0';
			return 0;
		}
		if (parse_int(tok, &a->i)) goto bad;
		return 0;
	case 'o':
		if (!strcmp(tok, "-")) { a->present = 0; return 0; }
		if (parse_int(tok, &a->i)) goto bad;
		return 0;
	case 'k':
		if (fd_ref(tok, a)) goto bad;
		return 0;
	case 'n': case 'r':
		if (!valid_name(tok)) goto bad;
		strcpy(a->name, tok);
		return 0;
	case 'x':
		if (tok[0] != ':' || decode_hex(tok + 1, buf, cap, &a->len)) goto bad;
		a->bytes = buf;
		return 0;
	case 'p':
		if (parse_path(tok, &a->path, 1)) goto bad;
		return 0;
	case 'F': case 'N':
		if (!strncmp(tok, "fd:", 3)) {
			a->kind = 'f';
			if (fd_ref(tok + 3, a)) goto bad;
			return 0;
		}
		if (!strncmp(tok, "path:", 5)) {
			a->kind = 'p';
			if (parse_path(tok + 5, &a->path, 1)) goto bad;
			return 0;
		}
		if (type == 'N' && !strncmp(tok, "pidfd:", 6)) {
			a->kind = 'P';
			if (tok[6] == '@' && valid_name(tok + 7)) { strcpy(a->name, tok + 7); return 0; }
			if (tok[6] == '#') {
				long long v;
				if (parse_int(tok + 7, &v) || v <= 0 || v > ABSENT_PID) goto bad;
				a->pidfd_tid = (long)v;
				return 0;
			}
		}
		goto bad;
	case 'm':
		if (mapping_of(tok) < 0) goto bad;
		strcpy(a->name, tok);
		a->i = mapping_of(tok);
		return 0;
	case 'T': {
		const char *c = strchr(tok, ':');
		if (!c) goto bad;
		size_t bl = (size_t)(c - tok);
		if (bl == 3 && !strncmp(tok, "now", 3)) a->kind = 'n';
		else if (bl == 4 && !strncmp(tok, "host", 4)) a->kind = 'h';
		else if (bl == 3 && !strncmp(tok, "abs", 3)) a->kind = 'a';
		else goto bad;
		if (parse_time(c + 1, &a->sec, &a->nsec)) goto bad;
		return 0;
	}
	case 'd':
		if (parse_time(tok, &a->sec, &a->nsec) || a->sec < 0) goto bad;
		return 0;
	}
bad:
	snprintf(err, errlen, "argument '%.40s' is not a valid '%c' value", tok, type);
	return -1;
}

const char *errno_name(int e, char *buf)
{
	const char *n = e ? strerrorname_np(e) : "0";
	if (n) return n;
	sprintf(buf, "E%d", e);
	return buf;
}

const char *signal_name(int s, char *buf)
{
	const char *n = s ? sigabbrev_np(s) : NULL;
	if (!s) return "0";
	if (n) { snprintf(buf, 16, "SIG%s", n); return buf; }
	sprintf(buf, "SIG%d", s);
	return buf;
}

size_t kv(char *out, size_t cap, size_t off, const char *fmt, ...)
{
	if (off >= cap) return off;
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(out + off, cap - off, fmt, ap);
	va_end(ap);
	if (n < 0) return off;
	return off + (size_t)n >= cap ? cap - 1 : off + (size_t)n;
}

int chan_send(int chan, const char *msg, size_t len, int fd)
{
	struct iovec iov = { (void *)msg, len };
	union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (fd >= 0) {
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof u.buf;
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof fd);
	}
	ssize_t n;
	do n = sendmsg(chan, &mh, MSG_NOSIGNAL); while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -1;
}

int chan_sendf(int chan, int fd, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof buf) return -1;
	return chan_send(chan, buf, (size_t)n, fd);
}

ssize_t chan_recv(int chan, char *buf, size_t cap, int *fd_out)
{
	struct iovec iov = { buf, cap - 1 };
	union { char b[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof u.b };
	ssize_t n;
	do n = recvmsg(chan, &mh, MSG_CMSG_CLOEXEC); while (n < 0 && errno == EINTR);
	if (fd_out) *fd_out = -1;
	if (n < 0) return -1;
	if (mh.msg_flags & MSG_TRUNC) return -1;
	buf[n] = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int fd;
			memcpy(&fd, CMSG_DATA(c), sizeof fd);
			if (fd_out && *fd_out < 0) *fd_out = fd;
			else close(fd);
		}
	}
	return n;
}
