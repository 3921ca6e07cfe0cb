/* The supervisor's state, shared by its two halves (super.c: channels, waiting, observing; super_cmd.c:
 * the commands of the plan). */
#ifndef TIMENS_SUPER_H
#define TIMENS_SUPER_H
#include "helper.h"

#include <poll.h>
#include <time.h>

enum tstate { T_STARTING, T_ALIVE, T_BLOCKED, T_GONE };
struct task {
	char name[NAME_MAX_LEN + 1];
	long tid, pid;
	int chan;
	enum tstate state;
	long pending;          /* T_BLOCKED: the seq of the vfork-like call whose answer is deferred */
	int creator;           /* index of the task that created it, -1 for the init's tasks */
	int tab;               /* its fd table (threads share one; fork copies it) */
	unsigned long long start;   /* its thread group's starttime (/proc/PID/stat field 22): a reused pid is another */
	int suspect;           /* liveness checks in a row that found its thread group dead (super.c task_alive) */
};

/* The scenario's fd names of one fd table: the model names fds, the kernel numbers them. */
#define FDS_MAX 64
struct fdtab {
	int n;
	char names[FDS_MAX][NAME_MAX_LEN + 1];
	int fds[FDS_MAX];
	char cloexec[FDS_MAX];   /* the fd is O_CLOEXEC: an exec closes it, and forgets the name */
};
extern struct fdtab FT[MAX_TASKS];
extern int nft;
int fdtab_new(int copy_of);
int fdname_lookup(int tab, const char *name);
void fdname_set(int tab, const char *name, int fd, int cloexec);
int fdtab_unshare(int tab);
int fdtab_exec(int tab);
void fdname_del(int tab, const char *name);
const char *res_body(const char *res);

/* What one wait collects. */
struct pending {
	long seq;
	int target;                  /* task index, or -2 for the init */
	char res[MSG_MAX];           /* the answer, empty until it came */
	int have_res;
	char child[NAME_MAX_LEN + 1];
	int child_idx, child_hello;
	int deferred_idx, have_deferred;   /* a vfork parent whose answer we also wait for */
};

extern struct task T[MAX_TASKS];
extern int nt, init_chan, out_fd, framed, sandbox, exe_fd, vforklike;
extern pid_t init_pid;

void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hostclock(clockid_t c, struct timespec *t);
int find(const char *name);
void gone(int i);
int wait_for(struct pending *pd, int (*done)(struct pending *), int timeout_ms);
int done_res(struct pending *pd);
int done_create(struct pending *pd);
int done_deferred(struct pending *pd);
int init_request(long seq, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void observe(long line);
void reap(int idx, long line);
void wait_thread_gone(long pid, long tid);
long long thread_cpu(long pid, long tid, int *running);
int read_proc(const char *path, char *buf, size_t cap);
const char *stat_field(const char *buf, int field);
int group_dead(int i);
void death_of(int i, char *out, size_t cap);
void setxid_settle(int i, char *out, size_t cap);
void settle_deaths(long line);
#endif
