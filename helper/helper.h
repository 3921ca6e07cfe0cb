/* timens-helper: runs the operations of a .timens scenario on a real kernel, one real task per scenario
 * task, driven line by line by `timens verify` (extension/verify). Shared declarations of its parts. */
#ifndef TIMENS_HELPER_H
#define TIMENS_HELPER_H

#include <linux/futex.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#if defined(__arm__) || defined(__i386__)
/* The 32-bit builds (an arm64 kernel's AArch32 task, an x86_64 kernel's ia32 task: `execve(…, compat)`) have a
 * 64-bit time_t (-D_TIME_BITS=64), so their raw time calls are the time64 ones (asm/unistd.h of arm and
 * syscall_32.tbl of x86; on arm64 unistd32.h wires them to the native calls, on x86_64 to the __ia32_sys_ ones). */
#include <sys/syscall.h>
#undef SYS_clock_gettime
#define SYS_clock_gettime SYS_clock_gettime64
#undef SYS_clock_getres
#define SYS_clock_getres SYS_clock_getres_time64
#undef SYS_clock_nanosleep
#define SYS_clock_nanosleep SYS_clock_nanosleep_time64
#undef SYS_clock_settime
#define SYS_clock_settime SYS_clock_settime64
#undef SYS_futex
#define SYS_futex SYS_futex_time64
#undef SYS_timer_gettime
#define SYS_timer_gettime SYS_timer_gettime64
#undef SYS_timer_settime
#define SYS_timer_settime SYS_timer_settime64
#endif

#define PROTO_VERSION 1
#define MSG_MAX (192 * 1024)      /* one protocol message or line */
#define TEXT_MAX (64 * 1024)      /* bytes a read or write may carry */
#define MAX_TASKS 256
#define NAME_MAX_LEN 48
#define MAX_ARGS 8

/* Arguments as typed by the signature letters of ops.gen.h (generated from extension/verify/operations.ts):
 * i int64, o optional int64 ('-'), n new task's name, r new fd's name, k fd (@NAME, or its number for the
 * task), x bytes (':' + hex), p /proc path, F file (fd or path), N namespace target (fd, path or pidfd),
 * m special mapping, T time expression, d duration. */
enum path_who { WHO_NONE, WHO_SELF, WHO_THREAD_SELF, WHO_TID, WHO_NAME };
enum path_rest { REST_DIR, REST_DIR_SLASH, REST_NS_TIME, REST_NS_TFC, REST_OFFSETS, REST_UPTIME, REST_STAT, REST_UID_MAP, REST_GID_MAP, REST_SETGROUPS, REST_MAPS, REST_NS_USER, REST_PID_STAT,
	REST_SYS_MAXTIME, REST_SYS_OVERFLOWUID, REST_SYS_OVERFLOWGID, REST_SYS_SUID_DUMPABLE };

/* A pid above PID_MAX_LIMIT (4M on 64-bit, include/linux/threads.h), which no task ever has: /proc/ABSENT_PID/… is
 * ENOENT (fs/proc/base.c proc_pid_lookup), as for a pid whose task was reaped. verify/operations.ts ABSENT_PID. */
#define ABSENT_PID 0x3fffffffL

struct proc_path {
	enum path_who who;
	long tid;                       /* WHO_TID */
	char name[NAME_MAX_LEN + 1];    /* WHO_NAME (supervisor side only) */
	/* /proc/WHO/task/THREAD/…: WHO_NONE without the task/ part, else WHO_TID or WHO_NAME as above */
	enum path_who thread;
	long thread_tid;
	char thread_name[NAME_MAX_LEN + 1];
	enum path_rest rest;
};

struct arg {
	char type;
	int present;                    /* 'o': 0 when '-' */
	long long i;                    /* i, o, fd of F/N */
	char name[NAME_MAX_LEN + 1];    /* n, m, pidfd name of N */
	unsigned char *bytes;           /* x: points into the decoded buffer */
	size_t len;
	int kind;                       /* F/N: 'f' fd, 'p' path, 'P' pidfd; T: 'n' now, 'h' host, 'a' abs; i: 'C' cpu@NAME:BITS (sec holds BITS) */
	struct proc_path path;
	long long sec, nsec;            /* T, d */
	long pidfd_tid;                 /* N pidfd after the supervisor resolved the name */
};

struct op_desc {
	const char *name;
	const char *sig;
	unsigned flags;
};
#define OPF_HOST 1u       /* a host action, run by the supervisor or the sandbox init */
#define OPF_CREATES 2u    /* creates the task named by its last 'n' argument */
#define OPF_CLOCK0 4u     /* argument 0 is a clock id: the supervisor brackets the call with host readings */
#define OPF_BOOTREAD 8u   /* reads a /proc file whose value follows boottime: bracket with host CLOCK_BOOTTIME */
#define OPF_HOSTNOW 16u   /* the result depends on the host's uptime: report host monotonic and boottime before and after */

const struct op_desc *op_find(const char *name);
extern const struct op_desc OPS[];
extern const size_t N_OPS;

/* proto.c */
int hexval(int c);
int decode_hex(const char *s, unsigned char *out, size_t cap, size_t *len);
void encode_hex(const unsigned char *in, size_t len, char *out);
int valid_name(const char *s);
int split_tokens(char *line, char **tok, int max);
int parse_arg(char type, const char *tok, struct arg *a, unsigned char *buf, size_t cap, char *err, size_t errlen);
int parse_path(const char *tok, struct proc_path *p, int allow_names);
void format_path(const struct proc_path *p, char *out, size_t cap);
int path_to_string(const struct proc_path *p, char *out, size_t cap);
const char *errno_name(int e, char *buf);
const char *signal_name(int s, char *buf);
size_t kv(char *out, size_t cap, size_t off, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* channels: SOCK_SEQPACKET messages, optionally carrying one fd */
int chan_send(int chan, const char *msg, size_t len, int fd);
ssize_t chan_recv(int chan, char *buf, size_t cap, int *fd_out);
int chan_sendf(int chan, int fd, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Per-mm state (globals are per mm: shared by CLONE_VM tasks, copied at fork, fresh after exec). */
enum mapping { MAP_VVAR, MAP_VVAR_VCLOCK, MAP_VDSO, N_MAPPINGS };
struct mm_state {
	unsigned long base[N_MAPPINGS];   /* where page 0 of each mapping is now (0: none) */
	unsigned long vdso_text;          /* where the vDSO text is now; the vDSO reads its data relative to it */
	unsigned long vdso_sym_off;       /* clock_gettime's offset in the vDSO */
	unsigned long vdso_getres_off;    /* clock_getres's, and time's (0: none), looked up once at exec as libc */
	unsigned long vdso_time_off;      /* does: the image may be unmapped by the time they are called */
	unsigned long vdso_gtod_off;      /* gettimeofday's (0: none) */
	unsigned long data_distance;      /* vdso text - vvar data page, at install */
	unsigned long vdso_size;          /* the [vdso] mapping's, at exec */
};
extern struct mm_state g_mm;
void mm_init(void);
void syscalls_without_vdso(void);   /* ia32: libc enters the kernel with int $0x80, never through the vDSO */
int mapping_of(const char *name);
long page_size(void);
void maps_each(int (*fn)(unsigned long s, unsigned long e, const char *name, void *ctx), void *ctx);

/* One scenario task's loop. */
struct task_ctx {
	int chan;
	int exe_fd;
	char name[NAME_MAX_LEN + 1];
	long seq;                 /* the command being run */
	struct robust_list_head turn;   /* this task's robust list: the turn it holds (turn.c) */
};
struct result {
	long long ret;
	int err;
	int sig;
	char extra[MSG_MAX / 2];
	size_t elen;
};
void task_main(struct task_ctx *ctx, int announce) __attribute__((noreturn));
void task_start(int chan, int exe_fd, const char *name, int shares_files, int shares_tls) __attribute__((noreturn));
void res_add(struct result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void res_errno(struct result *r, long long ret);
void send_result(struct task_ctx *ctx, struct result *r);
void install_fault_handlers(void);
void vdso_watch_install(void);
void vdso_watch_begin(void);          /* around a vDSO call: did it enter the kernel (vdso_watch.c) */
const char *vdso_watch_end(void);
void close_other_channels(int keep);
long gettid_(void);

/* handlers: one per operation of ops.gen.h, op_<name> */
typedef void (*op_handler)(struct task_ctx *, struct arg *, struct result *);
/* Adds ` text=:HEX` of the bytes to a result (ops_file.c). */
void add_text(struct result *r, const unsigned char *buf, size_t n);
#define OP(name, sig, flags) void op_##name(struct task_ctx *, struct arg *, struct result *);
#include "ops.gen.h"
#undef OP

/* turn.c: the tasks sharing one TLS area (CLONE_VM without CLONE_SETTLS) run the helper's code in turns. A task
 * holds its turn from the moment it starts, gives it back while it waits for its next command (turn_idle) and around a
 * vfork-like CLONE_VM clone, which suspends it until the child execs or exits, and around its own exec (turn_execveat:
 * a non-leader's exec has another tid by the time the kernel would release it); the kernel gives back the turn of a
 * task that dies holding it. */
void turn_begin(struct robust_list_head *h, int shared);
void turn_take(struct robust_list_head *h);
void turn_give(struct robust_list_head *h);
void turn_idle(int chan);
long turn_execveat(struct robust_list_head *h, int fd, char **argv, char **envp);

/* clone3 with a fresh stack: the child runs fn(arg) and exits with its return value */
long clone3_on_stack(void *args, size_t size, int (*fn)(void *), void *arg);

/* observe.c: what the sandbox init reports about tasks after each line */
void observe_task(int out, const char *name, long tgid, long tid);
void observe_ns(int out, long tid);
void observe_mm(int out, const char *name, long tgid, long tid, int show_pfn);

/* supervisor and sandbox init */
int supervise(int in, int out, const char *mode, int frame, const char *plan_path);
void init_main(int chan, int exe_fd, int sandbox) __attribute__((noreturn));
/* The helper's 32-bit build (execve(…, compat)): its path (the supervisor's, or NULL) and an O_PATH fd of it that
 * every task inherits (-1: none), so that a task of any uid can exec it wherever it lies, as exe_fd; the environment
 * every image of the helper gets carries the fd's number (TIMENS_HELPER32_FD) across execs. */
extern const char *helper32_path;
extern int exe32_fd;
char **helper_envp(void);
int pid1_main(int argc, char **argv);

/* glibc before 2.41 has SIGEV_THREAD_ID but not the field's name (struct sigevent's _sigev_un._tid). */
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

#endif
