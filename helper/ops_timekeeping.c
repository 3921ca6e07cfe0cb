/* Timekeeping operations (settimeofday, clock_settime, adjtimex, gettimeofday). verify never sends them
 * (extension/verify/operations.ts marks every one "not run"): a set call could change this machine's clock.
 * The handlers exist because every operation of ops.gen.h has one; each refuses without calling the kernel. */
#include "helper.h"

#include <errno.h>

static void refuse(struct result *r)
{
	r->ret = -1;
	r->err = ENOSYS;
	res_add(r, " refused=1");
}

void op_settimeofday(struct task_ctx *c, struct arg *a, struct result *r) { (void)c; (void)a; refuse(r); }
void op_clock_settime(struct task_ctx *c, struct arg *a, struct result *r) { (void)c; (void)a; refuse(r); }
void op_adjtimex(struct task_ctx *c, struct arg *a, struct result *r) { (void)c; (void)a; refuse(r); }
void op_gettimeofday(struct task_ctx *c, struct arg *a, struct result *r) { (void)c; (void)a; refuse(r); }
void op_device_timestamp(struct task_ctx *c, struct arg *a, struct result *r) { (void)c; (void)a; refuse(r); }
